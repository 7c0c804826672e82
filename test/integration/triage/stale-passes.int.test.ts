import assert from 'node:assert/strict'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {PACKAGE_ROOT} from '../../../src/package-root.js'
import {loadReleaseManifest} from '../../../src/release/manifest.js'
import {FLYTE_STALE_PASSES, runStale, type StalePass} from '../../../src/triage/stale.js'
import {targetsFromManifest} from '../../../src/triage/targets.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const REPO = 'flyteorg/flyte'
const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000)

describe("stale passes (Flyte's two actions/stale passes) on the GitHub simulator", () => {
  let sim: GitHubSimulator
  let forge: Forge
  let passes: StalePass[]
  const n: Record<string, number> = {}

  before(async () => {
    sim = await startGitHubSimulator()
    const rb = sim.repo(REPO)
    await rb.create({defaultBranch: 'master'})
    await rb.commit('master', {'README.md': 'flyte\n'}, 'init')
    const idle = (d: number) => ({author: 'alice', createdAt: day(d).toISOString(), updatedAt: day(d).toISOString()})
    n.bug = await rb.issue({title: 'idle bug', labels: ['bug'], ...idle(0)})
    n.enhancementYoung = await rb.issue({title: 'idle enhancement, 100 days', labels: ['enhancement'], ...idle(0)})
    n.enhancementOld = await rb.issue({title: 'idle enhancement, 280 days', labels: ['enhancement'], ...idle(-180)})
    n.untriaged = await rb.issue({title: 'never triaged', labels: ['untriaged', 'enhancement'], ...idle(-180)})
    for (const b of ['wip', 'review', 'plain']) await rb.commit(b, {[`${b}.go`]: 'x\n'}, b)
    n.wip = await rb.pull({title: 'WIP', head: 'wip', labels: ['work-in-progress'], ...idle(-180)})
    n.review = await rb.pull({title: 'needs review', head: 'review', labels: ['review-needed'], ...idle(-180)})
    n.pull = await rb.pull({title: 'forgotten PR', head: 'plain', ...idle(-180)})
    forge = createGitHubForge({baseUrl: sim.url, token: 'test-token', retryBaseDelayMs: 1, minWriteIntervalMs: 0})
    // The shipped manifest's passes are Flyte's.
    const manifest = await loadReleaseManifest(join(PACKAGE_ROOT, 'templates', 'release.yaml'))
    passes = targetsFromManifest(manifest).stalePasses!
    assert.deepEqual(passes, FLYTE_STALE_PASSES)
  })
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
  })

  const run = async (d: number, dryRun = false) => {
    sim.state.now = () => day(d)
    sim.reset()
    const result = await runStale(forge, {repo: REPO, dryRun, now: day(d), passes})
    return {
      result,
      writes: sim.counters.writes,
      acts: result.decisions.filter((x) => x.action !== 'keep').map((x) => [x.number, x.action, x.pass]),
    }
  }

  it('each pass marks with its own durations; work-in-progress and untriaged never; dry run writes nothing', async () => {
    const dry = await run(100, true)
    assert.equal(dry.writes, 0)
    assert.deepEqual(dry.acts, [
      [n.bug, 'mark', 'default'],
      [n.enhancementOld, 'mark', 'enhancements'],
      [n.pull, 'mark', 'default'],
    ])
    assert.ok(dry.result.steps.every((s) => s.status === 'planned'))
    for (const k of Object.keys(n)) assert.ok(!(await forge.getIssue(REPO, n[k]!))?.labels.includes('stale'))

    const real = await run(100)
    assert.deepEqual(real.acts, dry.acts)
    assert.equal(real.writes, 6, 'label + notice for each of three items')
    const rerun = await run(100)
    assert.equal(rerun.writes, 0, 're-running after success writes nothing')
    assert.deepEqual(rerun.acts, [])
  })

  it('closing follows the pass: 7 days for a bug, 14 for an enhancement and a PR; re-runs stay quiet', async () => {
    const day107 = await run(107)
    assert.deepEqual(day107.acts, [[n.bug, 'close', 'default']])
    const day114 = await run(114)
    assert.deepEqual(day114.acts, [
      [n.enhancementOld, 'close', 'enhancements'],
      [n.pull, 'close', 'default'],
    ])
    for (const k of ['enhancementYoung', 'untriaged', 'wip', 'review'])
      assert.equal((await forge.getIssue(REPO, n[k]!))?.state, 'open', k)
    const again = await run(114)
    assert.equal(again.writes, 0)
  })

  it('operations per run: oldest items first, whole; the rest wait for the next run', async () => {
    const rb = sim.repo(REPO)
    const idle = {author: 'alice', labels: ['bug'], createdAt: day(0).toISOString(), updatedAt: day(0).toISOString()}
    const fresh = await rb.issues([1, 2, 3].map((i) => ({title: `idle bug ${i}`, ...idle})))
    sim.state.now = () => day(114)
    const budgeted = async () => {
      sim.reset()
      const result = await runStale(forge, {repo: REPO, dryRun: false, now: day(114), passes, operationsPerRun: 5})
      return {result, writes: sim.counters.writes}
    }
    const first = await budgeted()
    assert.equal(first.writes, 4, 'two whole items (label + notice each) fit in 5')
    assert.deepEqual(first.result.deferred, [fresh[2]])
    const second = await budgeted()
    assert.equal(second.writes, 2)
    assert.deepEqual(second.result.deferred, [])
    const third = await budgeted()
    assert.equal(third.writes, 0)
    for (const n of fresh) assert.ok((await forge.getIssue(REPO, n))?.labels.includes('stale'))
  })
})
