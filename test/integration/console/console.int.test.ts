/**
 * The built console in a real headless Chromium against the embedded plane with its executor:
 * the execution page at the URL flytekit prints (phase changing live, log lines while the task
 * runs, graph with a sub-workflow and a map node), the runs grid (3 launch plans × 5 runs, phases
 * and colours, filters, paging, live), the launch form and terminate. Screenshots go to
 * test-output/console/.
 */
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import type {Browser, Page} from 'playwright-core'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {int, list} from '../../unit/executor/helpers.js'
import {browserMissing, launchBrowser, SCREENSHOTS} from './browser.js'
import {DOMAIN, PROJECT, launch, seedNested, seedTicker, type Scope} from './seed.js'

const skip = browserMissing()
if (skip) console.log(`# console browser tests skipped: ${skip}`)

const GRID: Scope = {project: 'gridproj', domain: 'development'}
/** The page's window, as far as these checks use it (the tests compile without DOM types). */
interface StyleReader {
  getComputedStyle(e: unknown): {backgroundColor: string}
}

const TERMINAL = /^(SUCCEEDED|FAILED|ABORTED|TIMED_OUT)$/

describe('console in a browser', {skip}, () => {
  let plane: TestControlPlane
  let c: AdminClients
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  before(async () => {
    plane = await startControlPlane({executor: new LocalExecutor({log: () => {}})})
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await seedTicker(c.admin, ['console.tick'])
    await seedNested(c.admin)
    browser = await launchBrowser()
    page = await browser.newPage({viewport: {width: 1280, height: 900}})
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('dialog', (d) => void d.accept())
  })
  after(async () => {
    await browser?.close()
    c?.close()
    await plane?.stop()
    assert.deepEqual(pageErrors, [], 'no script errors on any page')
  })

  /** The console link flytekit prints for an execution (remote.generate_console_url). */
  const consoleUrl = (name: string, scope: Scope = {project: PROJECT, domain: DOMAIN}) =>
    `${plane.url}/console/projects/${scope.project}/domains/${scope.domain}/executions/${name}`

  const phaseText = () => page.locator('[data-testid="execution-phase"]').textContent({timeout: 10_000})

  async function waitDone(name: string, scope: Scope = {project: PROJECT, domain: DOMAIN}) {
    for (;;) {
      const ex = await c.admin.getExecution({id: {...scope, name}})
      if ([4, 6, 7, 8].includes(ex.closure?.phase ?? 0)) return ex
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  it('opens the URL flytekit prints and sees the phase change live to SUCCEEDED', async () => {
    const name = await launch(c.admin, 'console.tick', {n: int(12)})
    await page.goto(consoleUrl(name))
    const first = await phaseText()
    assert.match(first ?? '', /^(QUEUED|RUNNING|UNDEFINED)$/, 'the page opened while the run was still going')
    await page.locator('[data-testid="execution-phase"]', {hasText: 'SUCCEEDED'}).waitFor({timeout: 30_000})
    await page.locator('.io dd', {hasText: '12'}).first().waitFor()
    await page.screenshot({path: join(SCREENSHOTS, 'execution.png'), fullPage: true})
  })

  it('shows a running task log lines before the task ends', async () => {
    const name = await launch(c.admin, 'console.tick', {n: int(40)})
    await page.goto(consoleUrl(name))
    await page.locator('li.node[data-node="n0"] .node-line').waitFor({timeout: 20_000})
    await page.getByRole('button', {name: 'expand n0'}).click()
    await page.locator('pre.log-text', {hasText: 'tick 3'}).waitFor({timeout: 20_000})
    const phase = await phaseText()
    assert.doesNotMatch(phase ?? '', TERMINAL, `log lines appeared while the run was ${phase}`)
    const ex = await c.admin.getExecution({id: {project: PROJECT, domain: DOMAIN, name}})
    assert.ok(![4, 6, 7, 8].includes(ex.closure?.phase ?? 0), 'the task was still running')
    await page.screenshot({path: join(SCREENSHOTS, 'log-tail.png'), fullPage: true})
    await page.locator('pre.log-text', {hasText: 'tick 39'}).waitFor({timeout: 30_000})
  })

  it('draws the graph, opens a sub-workflow and a branch in place, expands a map node, links a child run', async () => {
    const name = await launch(c.admin, 'console.nested', {n: int(1), xs: list(int(0), int(1), int(2))})
    await waitDone(name)
    await page.goto(consoleUrl(name))
    for (const node of ['n0', 'n1', 'n2', 'n3']) {
      await page.locator(`svg.graph g.gnode[data-node="${node}"][data-phase="SUCCEEDED"]`).waitFor()
    }
    assert.equal(await page.locator('svg.graph g.gnode').count(), 6, 'start, n0, n1, n2, n3, end')
    // the sub-workflow opens in the graph: its own start, task and end, coloured by the child nodes
    await page.getByRole('button', {name: 'open graph of n0'}).click()
    await page.locator('svg.graph g.gcluster[data-cluster="n0"][data-kind="sub-workflow"]').waitFor()
    await page.locator('svg.graph g.gnode[data-gid="n0/n0"][data-phase="SUCCEEDED"]').waitFor()
    assert.equal(await page.locator('svg.graph g.gnode[data-gid^="n0/"]').count(), 3, 'start, n0, end inside n0')
    // the branch opens with the case taken coloured and the other greyed as not taken
    await page.getByRole('button', {name: 'open graph of n2'}).click()
    await page.locator('svg.graph g.gnode[data-gid="n2/n2-a"][data-phase="SUCCEEDED"]').waitFor()
    const notTaken = page.locator('svg.graph g.gnode[data-gid="n2/n2-b"][data-phase="SKIPPED"]')
    await notTaken.waitFor()
    assert.match((await notTaken.textContent()) ?? '', /not taken/)
    await page.screenshot({path: join(SCREENSHOTS, 'graph.png'), fullPage: true})
    await page.getByRole('button', {name: 'close graph of n0'}).click()
    await page.locator('svg.graph g.gcluster[data-cluster="n0"]').waitFor({state: 'detached'})
    // the map node's items are listed below the graph
    await page.getByRole('button', {name: 'expand n1'}).click()
    const items = page.locator('li.node[data-node="n1"] ul.nodes > li.node')
    await items.nth(2).waitFor()
    assert.equal(await items.count(), 3, 'one child per map item')
    await page.getByRole('button', {name: 'expand n0'}).click()
    await page.locator('li.node[data-node="n0"] ul.nodes li.node[data-node="n0-0-n0"]').waitFor()
    // keyboard: a graph node takes focus and Enter selects it in the list
    await page.locator('svg.graph g.gnode[data-node="n1"]').focus()
    await page.keyboard.press('Enter')
    await page.locator('li.node.selected[data-node="n1"]').waitFor()
    // the launch plan node links to the run it started
    await page.locator('svg.graph g.gnode[data-node="n3"] a.glink').click()
    await page.locator('[data-testid="execution-phase"]', {hasText: 'SUCCEEDED'}).waitFor()
    assert.notEqual(new URL(page.url()).pathname.split('/').pop(), name, 'the child run page opened')
  })

  it('shows 3 launch plans × 5 runs in the grid with their phases and colours, filters and pages', async () => {
    await seedTicker(c.admin, ['grid.alpha', 'grid.beta', 'grid.gamma'], GRID)
    const wanted: Record<string, number[]> = {
      'grid.alpha': [0, 0, 0, 0, 0],
      'grid.beta': [-1, -1, -1, -1, -1],
      'grid.gamma': [0, -1, 0, -1, 0],
    }
    const names: string[] = []
    for (const [lp, ns] of Object.entries(wanted)) {
      for (const n of ns) names.push(await launch(c.admin, lp, {n: int(n)}, GRID))
    }
    for (const n of names) await waitDone(n, GRID)
    await page.goto(`${plane.url}/console/projects/${GRID.project}/domains/${GRID.domain}/executions`)
    const rows = page.locator('table.grid tbody tr')
    await rows.nth(2).waitFor()
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row'))), [
      'grid.alpha',
      'grid.beta',
      'grid.gamma',
    ])
    const phases = async (row: string) =>
      page.locator(`tr[data-row="${row}"] a.cell`).evaluateAll((as) => as.map((a) => a.getAttribute('data-phase')))
    assert.deepEqual(await phases('grid.alpha'), Array(5).fill('SUCCEEDED'))
    assert.deepEqual(await phases('grid.beta'), Array(5).fill('FAILED'))
    // newest first: the launch order reversed
    assert.deepEqual(await phases('grid.gamma'), ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED'])
    const colour = (row: string) =>
      page
        .locator(`tr[data-row="${row}"] a.cell`)
        .first()
        .evaluate((a) => (globalThis as unknown as StyleReader).getComputedStyle(a).backgroundColor)
    assert.equal(await colour('grid.alpha'), 'rgb(46, 125, 50)')
    assert.equal(await colour('grid.beta'), 'rgb(198, 40, 40)')
    const cellText = await page.locator('tr[data-row="grid.beta"] a.cell').first().textContent()
    assert.equal(cellText, 'F', 'readable without colour')
    const tip = await page.locator('tr[data-row="grid.alpha"] a.cell').first().getAttribute('title')
    assert.match(tip ?? '', /SUCCEEDED · \d/, 'duration on hover')
    await page.screenshot({path: join(SCREENSHOTS, 'grid.png'), fullPage: true})

    // live: a new run appears without reloading
    const fresh = await launch(c.admin, 'grid.alpha', {n: int(0)}, GRID)
    await page.locator(`tr[data-row="grid.alpha"] a.cell[href$="/${fresh}"]`).waitFor({timeout: 15_000})

    // filters: phase, then name
    await page.getByRole('checkbox', {name: 'FAILED'}).check()
    await page.waitForURL(/phase=FAILED/)
    await page.locator('table.grid tbody tr').first().waitFor()
    assert.deepEqual(
      await page.locator('table.grid tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row'))),
      ['grid.beta', 'grid.gamma'],
    )
    await page.getByRole('checkbox', {name: 'FAILED'}).uncheck()
    await page.getByLabel('Launch plan name contains').fill('gam')
    await page.getByRole('button', {name: 'Filter'}).click()
    await page.waitForURL(/name=gam/)
    await page.locator('table.grid tbody tr[data-row="grid.gamma"]').waitFor()
    assert.equal(await page.locator('table.grid tbody tr').count(), 1)
    await page.getByLabel('Started').selectOption('1')
    await page.waitForURL(/hours=1/)
    await page.locator('table.grid tbody tr[data-row="grid.gamma"]').waitFor()

    // paging: 16 runs, 10 a page
    await page.goto(`${plane.url}/console/projects/${GRID.project}/domains/${GRID.domain}/executions?size=10`)
    await page.getByText('runs 1–10').waitFor()
    await page.getByRole('button', {name: 'Older'}).click()
    await page.getByText('runs 11–16').waitFor()
    assert.equal(await page.getByRole('button', {name: 'Older'}).isDisabled(), true)
  })

  it('launches from the form with a typed input and shows its output', async () => {
    await page.goto(`${plane.url}/console/projects/${PROJECT}/domains/${DOMAIN}/launchPlans/console.tick`)
    const n = page.getByLabel(/^n \*?\s*integer/)
    await n.waitFor()
    assert.equal(await n.inputValue(), '2', 'the default is filled in')
    await n.fill('three')
    await page.getByRole('button', {name: 'Launch', exact: true}).click()
    await page.getByText('n: give an integer').waitFor()
    await page.screenshot({path: join(SCREENSHOTS, 'launch-form.png'), fullPage: true})
    await n.fill('3')
    await page.getByRole('button', {name: 'Launch', exact: true}).click()
    await page.waitForURL(/\/executions\/[a-z0-9]+$/)
    await page.locator('[data-testid="execution-phase"]', {hasText: 'SUCCEEDED'}).waitFor({timeout: 30_000})
    const outputs = page.locator('.io > div').nth(1)
    await outputs.locator('dt', {hasText: 'o0'}).waitFor()
    assert.equal((await outputs.locator('dd').first().textContent())?.trim(), '3')
  })

  it('terminates a running run after confirming', async () => {
    const name = await launch(c.admin, 'console.tick', {n: int(1000)})
    await page.goto(consoleUrl(name))
    await page.locator('[data-testid="execution-phase"]', {hasText: 'RUNNING'}).waitFor({timeout: 20_000})
    await page.getByRole('button', {name: 'Terminate'}).click()
    await page.locator('[data-testid="execution-phase"]', {hasText: 'ABORTED'}).waitFor({timeout: 20_000})
    const ex = await c.admin.getExecution({id: {project: PROJECT, domain: DOMAIN, name}})
    assert.equal(ex.closure?.phase, 7 /* ABORTED */)
  })

  it('works through flytectl console --endpoint against the plane REST API (polling, log links)', async () => {
    const {startConsoleProxy} = await import('../../../src/console-proxy/serve.js')
    const proxy = await startConsoleProxy({endpoint: plane.url, port: 0})
    try {
      const name = await launch(c.admin, 'console.tick', {n: int(10)})
      await page.goto(`${proxy.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions`)
      await page.locator(`a.cell[href$="/${name}"]`).waitFor()
      await page.locator(`a.cell[href$="/${name}"]`).click()
      await page.waitForURL(new RegExp(`/executions/${name}$`))
      await page.locator('[data-testid="execution-phase"]', {hasText: 'SUCCEEDED'}).waitFor({timeout: 30_000})
      await page.getByRole('button', {name: 'expand n0'}).click()
      const link = page.locator('.attempt a', {hasText: /log/i}).first()
      await link.waitFor()
      assert.match((await link.getAttribute('href')) ?? '', /^file:\/\//, 'a remote log is a link, not a tail')
    } finally {
      await proxy.close()
    }
  })
})
