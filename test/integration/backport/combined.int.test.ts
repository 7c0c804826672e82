import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {auditBackports} from '../../../src/backport/audit.js'
import {parseBackportConfig} from '../../../src/backport/config.js'
import {runBackport} from '../../../src/backport/service.js'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {createGitLayer} from '../../../src/git/git.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import {IDENTITY} from '../git/temp-repos.js'

// Ten issues first, so the fixes are #11..#15 (bare numbers in "bp 11 12" need two digits, as Flyte's do).
const SCENARIO = `
repos:
  - name: flyteorg/flyte
    defaultBranch: master
    labels:
      - {name: bug}
    branches:
      master:
        - {message: "Initial commit", files: {README.md: "flyte\\n"}}
      release-v1.13:
        from: master
        commits:
          - {message: "Bump to 1.13", files: {VERSION: "1.13.0\\n"}}
      release-v1.14:
        from: master
        commits:
          - {message: "Bump to 1.14", files: {VERSION: "1.14.0\\n"}}
${['a', 'b', 'c', 'd', 'e']
  .map(
    (f) =>
      `      fix-${f}:\n        from: master\n        commits:\n          - {message: "Fix ${f}", files: {${f}.go: "fixed ${f}\\n"}}`,
  )
  .join('\n')}
    issues:
${Array.from({length: 10}, (_, i) => `      - {title: "Issue ${i + 1}"}`).join('\n')}
    pulls:
${['a', 'b', 'c', 'd', 'e']
  .map((f) => `      - {title: "Fix ${f}", head: fix-${f}, base: master, merge: squash, labels: [bug]}`)
  .join('\n')}
`
const REPO = 'flyteorg/flyte'
const FIX = {a: 11, b: 12, c: 13, d: 14, e: 15}

describe('combined backports (several source PRs in one), on the GitHub simulator', () => {
  let sim: GitHubSimulator
  let forge: Forge
  let dir: string
  const config = parseBackportConfig({})
  const formats = {[REPO]: {backportBranchName: 'downstream--{{sources}}-to-{{targetBranch}}'}}
  const services = () => ({
    forge,
    git: createGitLayer({cacheDir: join(dir, 'cache'), identity: IDENTITY}),
    stateDir: join(dir, 'state'),
  })

  before(async () => {
    sim = await startGitHubSimulator(SCENARIO)
    forge = createGitHubForge({baseUrl: sim.url, token: 't', maxRetries: 1, retryBaseDelayMs: 1, minWriteIntervalMs: 0})
    dir = mkdtempSync(join(tmpdir(), 'flytectl-combined-'))
  })
  after(async () => {
    await sim.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('audit finds fixes landed by a combined PR, and names the open combined PR of the others', async () => {
    const r = sim.repo(REPO)
    // Flyte's spelling: one commit porting two fixes (its patch matches neither), "Rel v1.13 bp 5795 5987 6013".
    await r.branch('rel-bp', 'release-v1.14')
    await r.commit('rel-bp', {'a.go': 'fixed a\n', 'b.go': 'fixed b\n'}, 'Port a and b')
    const bp = await r.pull({
      title: `Rel v1.14 bp ${FIX.a} ${FIX.b}`,
      head: 'rel-bp',
      base: 'release-v1.14',
      merge: 'squash',
    })
    // flytekit's spelling of a combined branch, still open; and an open "Backport #N to release v1.14".
    const downstream = `downstream--${FIX.c}-${FIX.d}-to-release-v1.14`
    await r.branch(downstream, 'release-v1.14')
    await r.commit(downstream, {'c.go': 'fixed c\n', 'd.go': 'fixed d\n'}, 'Port c and d')
    const open = await r.pull({title: 'Downstream fixes', head: downstream, base: 'release-v1.14'})
    await r.branch('port-e', 'release-v1.14')
    await r.commit('port-e', {'e.go': 'fixed e\n', NOTES: 'e\n'}, 'Port e')
    const openE = await r.pull({title: `Backport #${FIX.e} to release v1.14`, head: 'port-e', base: 'release-v1.14'})

    const before = {...sim.counters}
    const pending = await auditBackports({repos: [REPO], config, formats}, services())
    assert.deepEqual(
      pending.findings.map((f) => [f.pr, f.target, f.openBackport]),
      [
        [FIX.c, 'release-v1.14', open],
        [FIX.d, 'release-v1.14', open],
        [FIX.e, 'release-v1.14', openE],
      ],
    )
    assert.equal(pending.api.writes, 0)
    assert.ok(bp > FIX.e)

    // Merged, the downstream PR's squash subject ("Downstream fixes (#N)") names neither fix: its
    // branch does, and the audit reads merged backport PRs too. "Backport #15 …" carries #15 itself.
    await r.merge(open, 'squash')
    await r.merge(openE, 'squash')
    const done = await auditBackports({repos: [REPO], config, formats}, services())
    assert.deepEqual(done.findings, [])
    assert.equal(sim.counters.writes ?? 0, before.writes ?? 0)
    sim.assertNoViolations()
  })

  it('backport sees a fix landed by a combined PR as present: a dry run plans nothing for it', async () => {
    const {plan, report} = await runBackport(
      {
        repo: REPO,
        pulls: [FIX.a],
        commits: [],
        to: ['release-v1.14', 'release-v1.13'],
        conflicts: 'draft',
        dryRun: true,
        resume: false,
        config,
      },
      services(),
    )
    assert.deepEqual(
      plan.items.map((i) => [i.target.branch, i.state, i.branch, i.title]),
      [
        ['release-v1.14', 'present', 'backport-11-to-release-v1.14', '[release-v1.14] Fix a (#11)'],
        ['release-v1.13', 'todo', 'backport-11-to-release-v1.13', '[release-v1.13] Fix a (#11)'],
      ],
    )
    assert.equal(report.api.writes, 0)
  })

  it("the manifest's formats name the branch and title of a new backport", async () => {
    const {plan} = await runBackport(
      {
        repo: REPO,
        pulls: [FIX.c],
        commits: [],
        to: ['release-v1.13'],
        conflicts: 'draft',
        dryRun: true,
        resume: false,
        config,
        formats: {
          backportBranchName: 'downstream--{{sources}}-to-{{targetBranch}}',
          prTitle: 'Backport {{sourceNumbers}} to release v{{targetVersion}}',
        },
      },
      services(),
    )
    assert.deepEqual(
      plan.items.map((i) => [i.branch, i.title, i.steps.join(',')]),
      [['downstream--13-to-release-v1.13', 'Backport #13 to release v1.13', 'pick,push,pull,labels']],
    )
  })

  it('a fix an open combined PR already carries is not backported again: reported as open, nothing written', async () => {
    const r = sim.repo(REPO)
    await r.branch('bp-14-15', 'release-v1.13')
    await r.commit('bp-14-15', {'d.go': 'fixed d\n', 'e.go': 'fixed e\n'}, 'Port d and e')
    const combined = await r.pull({
      title: `Backport #${FIX.d} and #${FIX.e} to release v1.13`,
      head: 'bp-14-15',
      base: 'release-v1.13',
    })
    const request = {
      repo: REPO,
      pulls: [FIX.d],
      commits: [],
      to: ['release-v1.13'],
      conflicts: 'draft' as const,
      resume: false,
      config,
    }
    const {plan} = await runBackport({...request, dryRun: true}, services())
    assert.deepEqual(
      plan.items.map((i) => [i.state, i.pull?.number, i.steps.length]),
      [['open', combined, 0]],
    )
    sim.reset()
    const {report} = await runBackport({...request, dryRun: false}, services())
    assert.deepEqual(
      report.results.map((x) => [x.status, x.pull?.number, x.created]),
      [['open', combined, false]],
    )
    // The only write is the result comment on the source PR; no branch, PR or label.
    assert.equal(report.api.writes, 1)
    const open = await forge.listPulls(REPO, {state: 'open', base: 'release-v1.13'})
    assert.deepEqual(
      open.map((p) => p.number),
      [combined],
    )
  })
})
