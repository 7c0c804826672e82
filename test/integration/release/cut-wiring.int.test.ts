/**
 * `release cut` wired to triage's milestone rollover and docs-versioning's pinDocs, on the GitHub
 * simulator: the next milestone gets the open items of the released one, which is closed; each
 * repository with a conf.py gets one docs-pin pull request against release-vX.Y whose file equals
 * the golden pinned conf.py; a re-run and a --dry-run write nothing (simulator counters).
 */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import {assertReportOk, renderPlanText} from '../../../src/release/service.js'
import type {ReleasePlan} from '../../../src/release/types.js'
import {REPO_ROOT} from '../../support/cli.js'
import {setup, type Env} from './support.js'

const tmp = mkdtempSync(join(tmpdir(), 'release-wiring-'))
after(() => rmSync(tmp, {recursive: true, force: true}))
const conf = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/conf', name), 'utf8')

// flyte, flytekit and flyteidl are aligned (their docs go to v1.3); flytectl keeps its own numbers
// (its docs stay on latest). flyte names its conf.py; flytekit's is detected.
const MANIFEST = `
release: {repository: acme/flyte, name: Flyte}
components:
  - {name: flyte, repository: acme/flyte, docs: rsts/conf.py}
  - {name: flyteidl, repository: acme/flyte, tagPrefix: flyteidl/}
  - {name: flytectl, repository: acme/flyte, tagPrefix: flytectl/, aligned: false}
  - {name: flytekit, repository: acme/flytekit, scheme: pep440}
`

describe('release cut: milestone rollover and docs pinning', () => {
  let env: Env
  const moved: number[] = []
  let done = 0
  before(async () => {
    env = await setup(MANIFEST, tmp)
    const flyte = env.sim.repo('acme/flyte')
    await flyte.create({defaultBranch: 'master'})
    await flyte.commit('master', {'rsts/conf.py': conf('flyte-rsts.conf.py')}, 'docs')
    await flyte.tag('v1.2.0', 'master')
    await flyte.tag('flyteidl/v1.2.0', 'master')
    await flyte.milestone('1.2.0', {state: 'closed', dueOn: '2026-09-01'})
    await flyte.milestone('1.3.0', {dueOn: '2026-12-01'})
    moved.push(
      ...(await flyte.issues([
        {title: 'Propeller: retry budget', milestone: '1.3.0'},
        {title: 'Console: dark mode', milestone: '1.3.0', labels: ['enhancement']},
      ])),
    )
    done = await flyte.issue({title: 'Fixed already', milestone: '1.3.0', state: 'closed'})
    await flyte.branch('wip-cache', 'master')
    await flyte.commit('wip-cache', {'cache.txt': 'wip\n'}, 'wip')
    moved.push(await flyte.pull({title: 'Cache eviction (WIP)', head: 'wip-cache', milestone: '1.3.0'}))
    const kit = env.sim.repo('acme/flytekit')
    await kit.create({defaultBranch: 'master'})
    await kit.commit('master', {'docs/source/conf.py': conf('flytekit.conf.py')}, 'docs')
    await kit.tag('v1.2.0', 'master')
  })
  after(() => env.sim.close())
  afterEach(() => env.sim.assertNoViolations())

  it('--dry-run lists the rollover and one docs pin per repository, and writes nothing', async () => {
    env.sim.reset()
    let plan: ReleasePlan | undefined
    const report = await env.run({command: 'cut', version: '1.3.0'}, {dryRun: true, onPlan: (p) => (plan = p)})
    assertReportOk(report)
    assert.equal(env.sim.counters.writes, 0)
    const text = renderPlanText(plan!)
    assert.match(text, /acme\/flyte:[^]*- milestone 1\.4\.0 \(created if missing\), open issues of 1\.3\.0 moved to it/)
    assert.match(
      text,
      /acme\/flyte:[^]*- docs pin pull request: rsts\/conf\.py on release-v1\.3 \(aligned docs → v1\.3/,
    )
    assert.match(text, /acme\/flytekit:[^]*- docs pin pull request: docs\/source\/conf\.py on release-v1\.3/)
    const rollover = report.steps.find((s) => s.kind === 'milestone-rollover')!
    assert.equal(rollover.status, 'planned')
    assert.equal(
      rollover.detail,
      `create 1.4.0 due 2027-03-01; move ${[...moved]
        .sort((a, b) => a - b)
        .map((n) => `#${n}`)
        .join(', ')}; close 1.3.0`,
    )
    const pins = report.steps.filter((s) => s.kind === 'docs-pin')
    assert.deepEqual(
      pins.map((s) => [s.repo, s.status]),
      [
        ['acme/flyte', 'planned'],
        ['acme/flytekit', 'planned'],
      ],
    )
    assert.equal(await env.forge.getBranchSha('acme/flyte', 'release-v1.3'), undefined)
  })

  it('cut rolls the milestone over and opens one docs-pin pull request per repository', async () => {
    env.sim.reset()
    const report = await env.run({command: 'cut', version: '1.3.0'})
    assertReportOk(report)
    process.stderr.write(`release cut, 2 repos with rollover and docs pins: API ${JSON.stringify(report.api)}\n`)
    const milestones = await env.forge.listMilestones('acme/flyte', 'all')
    const byTitle = new Map(milestones.map((m) => [m.title, m]))
    assert.equal(byTitle.get('1.3.0')!.state, 'closed')
    assert.equal(byTitle.get('1.4.0')!.state, 'open')
    assert.equal(byTitle.get('1.4.0')!.dueOn!.slice(0, 10), '2027-03-01', 'one quarter after 1.3.0 was due')
    for (const n of moved) assert.equal((await env.forge.getIssue('acme/flyte', n))!.milestone?.title, '1.4.0')
    assert.equal((await env.forge.getIssue('acme/flyte', done))!.milestone?.title, '1.3.0', 'closed items stay')

    for (const [repo, path, golden] of [
      ['acme/flyte', 'rsts/conf.py', 'flyte-rsts.pinned-1.3.0.py'],
      ['acme/flytekit', 'docs/source/conf.py', 'flytekit.pinned-1.3.0.py'],
    ] as const) {
      const pulls = await env.forge.listPulls(repo, {state: 'open', head: `${repo.split('/')[0]}:docs-pin-v1.3`})
      assert.equal(pulls.length, 1, `one docs-pin pull request in ${repo}`)
      assert.equal(pulls[0]!.base, 'release-v1.3')
      // Aligned flyte/flytekit/flyteidl links on v1.3, flytectl and cookbook on latest, release = "1.3.0".
      assert.equal(await env.file(repo, path, 'docs-pin-v1.3'), conf(golden))
      const step = report.steps.find((s) => s.kind === 'docs-pin' && s.repo === repo)!
      assert.equal(step.status, 'applied')
      assert.match(step.detail!, new RegExp(`pull request opened \\S+/pull/${pulls[0]!.number}`))
    }
    // The release branch itself is untouched by the pin: it stays what the cut made.
    assert.equal(await env.file('acme/flytekit', 'docs/source/conf.py', 'release-v1.3'), conf('flytekit.conf.py'))
  })

  it('a re-run after success makes zero writes', async () => {
    env.sim.reset()
    const again = await env.run({command: 'cut', version: '1.3.0'})
    assertReportOk(again)
    process.stderr.write(`release cut re-run: API ${JSON.stringify(again.api)}\n`)
    assert.equal(env.sim.counters.writes, 0)
    assert.deepEqual(
      again.steps.filter((s) => s.kind === 'milestone-rollover' || s.kind === 'docs-pin').map((s) => s.status),
      ['done', 'done', 'done'],
    )
    const open = await env.forge.listPulls('acme/flyte', {state: 'open', head: 'acme:docs-pin-v1.3'})
    assert.equal(open.length, 1, 'no second pull request')
    const titles = (await env.forge.listMilestones('acme/flyte', 'all')).map((m) => m.title).sort()
    assert.deepEqual(titles, ['1.2.0', '1.3.0', '1.4.0'])
  })
})
