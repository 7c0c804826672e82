/**
 * Console first paint in headless Chromium (Debian's), against the embedded plane:
 *  - the execution page of a run with a 1,000-item map node: time from navigation start until the
 *    header, graph and node list are drawn; then until the map node's 1,000 items are listed;
 *  - the runs grid of a project-domain holding 10,000 runs over 50 launch plans (a third SUCCEEDED,
 *    a third FAILED, a third RUNNING): until the grid of the first page (500 runs) is drawn.
 * Each figure is the median of 5 loads in a fresh browser page (times from the page's own clock).
 *
 *   npm run bench:console
 *   npm run bench:console -- 100 1000     # map items, runs
 */
import {create} from '@bufbuild/protobuf'
import {timestampNow} from '@bufbuild/protobuf/wkt'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createAdminClients} from '../src/admin/client.js'
import {LocalExecutor} from '../src/controlplane/executor/local.js'
import {startServer} from '../src/controlplane/server.js'
import {TypedInterfaceSchema} from '../src/gen/flyteidl/core/interface_pb.js'
import {ResourceType} from '../src/gen/flyteidl/core/identifier_pb.js'
import {WorkflowExecution_Phase as WP} from '../src/gen/flyteidl/core/execution_pb.js'
import {ContainerSchema, TaskTemplateSchema} from '../src/gen/flyteidl/core/tasks_pb.js'
import {LiteralTypeSchema, SimpleType} from '../src/gen/flyteidl/core/types_pb.js'
import {ArrayNodeSchema, NodeSchema, WorkflowTemplateSchema} from '../src/gen/flyteidl/core/workflow_pb.js'
import {CHROMIUM, browserMissing, launchBrowser} from '../test/integration/console/browser.js'
import {DOMAIN, PROJECT, id, launch, seedTicker} from '../test/integration/console/seed.js'
import {int, list, promise, bind} from '../test/unit/executor/helpers.js'

const ROUNDS = 5
const ITEMS = Number(process.argv[2] ?? 1000)
const RUNS = Number(process.argv[3] ?? 10_000)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const missing = browserMissing()
if (missing) {
  console.error(`bench:console needs a browser: ${missing}`)
  process.exit(1)
}

const root = mkdtempSync(join(tmpdir(), 'flytectl-bench-console-'))
const plane = await startServer({
  port: 0,
  dataDir: join(root, 'data'),
  executor: new LocalExecutor({log: () => {}, maxProcesses: 8}),
})
const c = createAdminClients({endpoint: `dns:///127.0.0.1:${plane.port}`, insecure: true})
const browser = await launchBrowser()

/** ms from navigation start until `selector` matches `count` elements (the page's performance clock). */
async function paint(
  url: string,
  selector: string,
  count = 1,
  before?: (p: import('playwright-core').Page) => Promise<void>,
) {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}})
  try {
    await page.goto(url, {waitUntil: 'commit'})
    if (before) await before(page)
    await page.waitForFunction(
      ([sel, n]) =>
        (
          globalThis as unknown as {document: {querySelectorAll(s: string): {length: number}}}
        ).document.querySelectorAll(sel).length >= n,
      [selector, count] as const,
      {timeout: 120_000, polling: 'raf'},
    )
    return await page.evaluate(() => (globalThis as unknown as {performance: {now(): number}}).performance.now())
  } finally {
    await page.close()
  }
}

try {
  // --- a run with a 1,000-item map node ------------------------------------------------------
  await seedTicker(c.admin, [])
  const INT = create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.INTEGER}})
  const INTS = create(LiteralTypeSchema, {type: {case: 'collectionType', value: INT}})
  const item = create(TaskTemplateSchema, {
    id: id(ResourceType.TASK, 'bench.noop'),
    type: 'container',
    metadata: {retries: {retries: 0}},
    interface: create(TypedInterfaceSchema, {inputs: {variables: {n: {type: INTS}}}}),
    target: {case: 'container', value: create(ContainerSchema, {image: 'bench', command: ['/bin/true']})},
  })
  await c.admin.createTask({id: item.id, spec: {template: item}})
  const wfId = id(ResourceType.WORKFLOW, 'bench.map1000')
  const arr = create(NodeSchema, {
    id: 'n0',
    metadata: {name: 'map_bench.noop'},
    inputs: [bind('n', promise('start-node', 'xs'))],
    target: {
      case: 'arrayNode',
      value: create(ArrayNodeSchema, {
        node: {
          id: 'n0',
          metadata: {name: 'bench.noop'},
          target: {case: 'taskNode', value: {reference: {case: 'referenceId', value: item.id!}}},
        },
        isOriginalSubNodeInterface: false,
      }),
    },
  })
  await c.admin.createWorkflow({
    id: wfId,
    spec: {
      template: create(WorkflowTemplateSchema, {
        id: wfId,
        interface: create(TypedInterfaceSchema, {inputs: {variables: {xs: {type: INTS}}}}),
        nodes: [arr],
      }),
    },
  })
  await c.admin.createLaunchPlan({id: id(ResourceType.LAUNCH_PLAN, 'bench.map1000'), spec: {workflowId: wfId}})
  const started = Date.now()
  const name = await launch(c.admin, 'bench.map1000', {xs: list(...Array.from({length: ITEMS}, (_, i) => int(i)))})
  for (;;) {
    const ex = await c.admin.getExecution({id: {project: PROJECT, domain: DOMAIN, name}})
    const phase = ex.closure?.phase ?? 0
    if (phase === WP.SUCCEEDED) break
    if (phase === WP.FAILED || phase === WP.ABORTED)
      throw new Error(
        `map run ended ${WP[phase]}: ${ex.closure?.outputResult.case === 'error' ? ex.closure.outputResult.value.message : ''}`,
      )
    await new Promise((r) => setTimeout(r, 250))
  }
  console.log(`map run of ${ITEMS} items finished in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const execUrl = `${plane.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions/${name}`
  const execPaint: number[] = []
  const itemsPaint: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    execPaint.push(
      await paint(execUrl, 'svg.graph g.gnode[data-node="n0"][data-phase="SUCCEEDED"], li.node[data-node="n0"]', 2),
    )
    itemsPaint.push(
      await paint(execUrl, 'li.node[data-node="n0"] ul.nodes > li.node', ITEMS, async (p) => {
        await p.getByRole('button', {name: 'expand n0'}).click({timeout: 60_000})
      }),
    )
  }

  // --- 10,000 runs over 50 launch plans -----------------------------------------------------------
  const GRID = {project: 'benchgrid', domain: 'development'}
  const lps = Array.from({length: 50}, (_, i) => `bench.lp${String(i).padStart(2, '0')}`)
  // Created while no executor runs them (a plane of its own would do too): events set their phases.
  const gridPlane = await startServer({port: 0, dataDir: join(root, 'grid')})
  const g = createAdminClients({endpoint: `dns:///127.0.0.1:${gridPlane.port}`, insecure: true})
  await seedTicker(g.admin, lps, GRID)
  const t0 = Date.now()
  const N = RUNS
  const BATCH = 32
  for (let i = 0; i < N; i += BATCH) {
    await Promise.all(
      Array.from({length: Math.min(BATCH, N - i)}, async (_, k) => {
        const n = i + k
        const exName = await launch(g.admin, lps[n % lps.length]!, {n: int(1)}, GRID)
        const execId = {...GRID, name: exName}
        const ev = (phase: WP, extra: object = {}) =>
          g.admin.createWorkflowEvent({
            requestId: `${exName}-${phase}`,
            event: {executionId: execId, producerId: 'bench', phase, occurredAt: timestampNow(), ...extra},
          })
        await ev(WP.RUNNING)
        if (n % 3 === 0) await ev(WP.SUCCEEDED, {outputResult: {case: 'outputData', value: {literals: {}}}})
        else if (n % 3 === 1)
          await ev(WP.FAILED, {outputResult: {case: 'error', value: {code: 'Bench', message: 'failed on purpose'}}})
      }),
    )
  }
  console.log(`loaded ${N} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const gridUrl = `${gridPlane.url}/console/projects/${GRID.project}/domains/${GRID.domain}/executions`
  const gridPaint: number[] = []
  const gridBig: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    gridPaint.push(await paint(gridUrl, 'table.grid tbody tr', 50))
    gridBig.push(await paint(`${gridUrl}?size=2000`, 'table.grid tbody tr', 50))
  }
  g.close()
  await gridPlane.close()

  console.log(`browser: ${CHROMIUM}, ${ROUNDS} loads each, median (min–max), ms from navigation start`)
  const line = (what: string, xs: number[]) =>
    console.log(
      `${what.padEnd(62)} ${median(xs).toFixed(0).padStart(5)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`,
    )
  line('execution page, 1,000-item map run: header + graph + nodes', execPaint)
  line('execution page, 1,000-item map run: the 1,000 items listed', itemsPaint)
  line('runs grid, 10,000 runs / 50 launch plans: first page (500)', gridPaint)
  line('runs grid, 10,000 runs / 50 launch plans: ?size=2000', gridBig)
} finally {
  await browser.close()
  c.close()
  await plane.close()
  rmSync(root, {recursive: true, force: true})
}
