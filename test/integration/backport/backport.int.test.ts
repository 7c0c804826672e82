import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {auditBackports} from '../../../src/backport/audit.js'
import {parseBackportConfig} from '../../../src/backport/config.js'
import type {ConflictPolicy} from '../../../src/backport/model.js'
import {continueBackport, runBackport} from '../../../src/backport/service.js'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {createGitLayer} from '../../../src/git/git.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import {IDENTITY, git} from '../git/temp-repos.js'
import {BACKPORT_SCENARIO, PR, REPO} from './scenario.js'

const config = parseBackportConfig({})

describe('backport against the GitHub simulator (real git, real octokit)', () => {
  let sim: GitHubSimulator
  let forge: Forge
  let dir: string
  let bare: string

  const services = () => ({
    forge,
    git: createGitLayer({cacheDir: join(dir, 'cache'), identity: IDENTITY}),
    stateDir: join(dir, 'state'),
  })
  const request = (patch: {
    pulls?: number[]
    to?: string[]
    conflicts?: ConflictPolicy
    dryRun?: boolean
    resume?: boolean
  }) => ({
    repo: REPO,
    pulls: patch.pulls ?? [],
    commits: [],
    to: patch.to ?? [],
    conflicts: patch.conflicts ?? 'draft',
    dryRun: patch.dryRun ?? false,
    resume: patch.resume ?? false,
    config,
  })
  const remoteBranch = (name: string) =>
    git(bare, ['rev-parse', '--verify', '--quiet', `refs/heads/${name}`]) || undefined
  const tryBranch = (name: string) => {
    try {
      return remoteBranch(name)
    } catch {
      return undefined
    }
  }

  before(async () => {
    sim = await startGitHubSimulator(BACKPORT_SCENARIO)
    forge = createGitHubForge({
      baseUrl: sim.url,
      token: 'test-token',
      maxRetries: 1,
      maxRetryAfterMs: 10,
      retryBaseDelayMs: 1,
      minWriteIntervalMs: 0,
    })
    dir = mkdtempSync(join(tmpdir(), 'flytectl-backport-'))
    bare = (await sim.repo(REPO).get()).git.dir
  })
  after(async () => {
    await sim.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('dry run plans the previous release branch and writes nothing', async () => {
    const before = {...sim.counters}
    const {plan, report} = await runBackport(request({pulls: [PR.clean], dryRun: true}), services())
    assert.deepEqual(
      plan.items.map((i) => [i.target.branch, i.target.reason, i.branch, i.steps.join(',')]),
      [['release-v1.14', 'policy', `backport-${PR.clean}-to-release-v1.14`, 'pick,push,pull,labels']],
    )
    assert.equal(report.results[0]!.status, 'planned')
    assert.equal(sim.counters.writes, before.writes)
    assert.equal(tryBranch(`backport-${PR.clean}-to-release-v1.14`), undefined)
  })

  it('--label selects every merged PR with the label; --commit ports one commit (dry runs)', async () => {
    const byLabel = await runBackport({...request({dryRun: true}), label: 'bug'}, services())
    assert.deepEqual(
      byLabel.plan.items.map((i) => [i.source, i.target.branch, i.target.reason]),
      [
        [String(PR.clean), 'release-v1.14', 'policy'],
        [String(PR.conflict), 'release-v1.13', 'label'],
      ],
    )
    const merge = (await forge.getPull(REPO, PR.merge))!.mergeCommitSha!
    const byCommit = await runBackport(
      {...request({dryRun: true, to: ['release-v1.13']}), commits: [merge]},
      services(),
    )
    const [source] = byCommit.plan.sources
    assert.equal(source!.key, merge.slice(0, 8))
    assert.equal(source!.method, 'commit')
    assert.equal(source!.commits[0]!.mainline, 1)
    assert.equal(source!.url, (await forge.getPull(REPO, PR.merge))!.htmlUrl)
    assert.equal(byCommit.plan.items[0]!.branch, `backport-${merge.slice(0, 8)}-to-release-v1.13`)
    assert.equal(
      byCommit.plan.items[0]!.title,
      `[release-v1.13] Merge pull request #${PR.merge} from flyteorg/feat-merge`,
    )
    assert.equal(byCommit.report.api.writes, 0)
  })

  it('a clean pick opens the backport PR with the Flyte title, labels and a result comment', async () => {
    const {report} = await runBackport(request({pulls: [PR.clean]}), services())
    const [r] = report.results
    assert.equal(r!.status, 'open')
    assert.equal(r!.created, true)
    const pull = (await forge.getPull(REPO, r!.pull!.number))!
    assert.equal(pull.title, `[release-v1.14] Fix clean thing (#${PR.clean})`)
    assert.equal(pull.base, 'release-v1.14')
    assert.equal(pull.head, `backport-${PR.clean}-to-release-v1.14`)
    assert.equal(pull.draft, false)
    assert.deepEqual([...pull.labels].sort(), ['backport', 'bug'])
    assert.match(pull.body, new RegExp(`Backport of #${PR.clean} to \`release-v1.14\``))
    const branch = remoteBranch(pull.head)!
    assert.equal(git(bare, ['show', `${branch}:flytekit/clean.py`]), 'fixed = True')
    assert.match(git(bare, ['log', '-1', '--format=%B', branch]), /\(cherry picked from commit [0-9a-f]{40}\)/)
    const comments = await forge.listComments(REPO, PR.clean)
    assert.equal(comments.length, 1)
    assert.match(comments[0]!.body, new RegExp(`\\| \`release-v1.14\` \\| opened \\| #${pull.number} \\|`))
    sim.assertNoViolations()
  })

  it('re-running after success finds the branch and PR and makes zero writes', async () => {
    const tip = remoteBranch(`backport-${PR.clean}-to-release-v1.14`)
    const before = {...sim.counters}
    const {report} = await runBackport(request({pulls: [PR.clean]}), services())
    assert.equal(report.results[0]!.status, 'open')
    assert.equal(report.results[0]!.created, false)
    assert.equal(report.api.writes, 0)
    assert.equal(sim.counters.writes, before.writes)
    assert.equal(remoteBranch(`backport-${PR.clean}-to-release-v1.14`), tip)
    assert.equal((await forge.listComments(REPO, PR.clean)).length, 1)
  })

  it('a conflict with --conflicts abort opens nothing and reports the files', async () => {
    const {report} = await runBackport(request({pulls: [PR.conflict], conflicts: 'abort'}), services())
    const [r] = report.results
    assert.equal(r!.target, 'release-v1.13')
    assert.equal(r!.status, 'conflict')
    assert.deepEqual(r!.conflicts, ['flytekit/core.py'])
    assert.equal(r!.pull, undefined)
    assert.equal(tryBranch(`backport-${PR.conflict}-to-release-v1.13`), undefined)
  })

  it('a conflict with --conflicts draft: draft PR with the markers, conflict label, comment with the commands', async () => {
    const {report} = await runBackport(request({pulls: [PR.conflict]}), services())
    const [r] = report.results
    assert.equal(r!.status, 'conflict')
    const pull = (await forge.getPull(REPO, r!.pull!.number))!
    assert.equal(pull.draft, true)
    assert.ok(pull.labels.includes('backport-conflict'))
    assert.match(git(bare, ['show', `refs/heads/${pull.head}:flytekit/core.py`]), /^<<<<<<< /m)
    const [comment] = await forge.listComments(REPO, PR.conflict)
    assert.match(comment!.body, /conflicts: draft PR, needs a manual fix/)
    assert.match(comment!.body, new RegExp(`git switch ${pull.head}`))
    assert.match(comment!.body, new RegExp(`flytectl backport --continue ${PR.conflict} --to release-v1.13`))
  })

  it('--continue refuses while markers remain, then finishes after the fix is pushed', async () => {
    const branch = `backport-${PR.conflict}-to-release-v1.13`
    const stuck = await continueBackport(request({pulls: [PR.conflict]}), services())
    assert.equal(stuck.report.results[0]!.status, 'conflict')
    assert.match(stuck.report.results[0]!.error!, /conflict markers remain in flytekit\/core\.py/)
    // The developer fixes the file on the branch and pushes, as the comment says.
    const work = join(dir, 'dev')
    // Straight from the bare repository: a synchronous clone over HTTP would block the in-process simulator.
    git(dir, ['clone', '--quiet', '--branch', branch, bare, work])
    git(work, ['config', 'user.name', IDENTITY.name])
    git(work, ['config', 'user.email', IDENTITY.email])
    const {writeFileSync} = await import('node:fs')
    writeFileSync(join(work, 'flytekit/core.py'), 'a = 1\nb = 200\nc = 3\n')
    git(work, ['commit', '--quiet', '-am', 'Resolve backport conflicts'])
    git(work, ['push', '--quiet', 'origin', branch])
    const done = await continueBackport(request({pulls: [PR.conflict]}), services())
    assert.equal(done.report.results[0]!.status, 'open')
    const pull = (await forge.getPull(REPO, done.report.results[0]!.pull!.number))!
    assert.ok(!pull.labels.includes('backport-conflict'))
    assert.doesNotMatch(pull.body, /WARNING/)
    const [comment] = await forge.listComments(REPO, PR.conflict)
    assert.match(comment!.body, /\| `release-v1.13` \| opened \|/)
  })

  it('a merge-commit source is picked with -m 1 as one commit', async () => {
    const {plan, report} = await runBackport(request({pulls: [PR.merge]}), services())
    assert.equal(plan.sources[0]!.method, 'merge-commit')
    assert.equal(report.results[0]!.status, 'open')
    const branch = `backport-${PR.merge}-to-release-v1.14`
    assert.equal(git(bare, ['rev-list', '--count', `refs/heads/release-v1.14..refs/heads/${branch}`]), '1')
    assert.equal(git(bare, ['show', `refs/heads/${branch}:flytekit/merged.py`]), 'one\ntwo')
  })

  it('a rebase-merged PR is picked as its commits, in order', async () => {
    const {plan} = await runBackport(request({pulls: [PR.rebase]}), services())
    assert.equal(plan.sources[0]!.method, 'rebase')
    const branch = `backport-${PR.rebase}-to-release-v1.14`
    assert.deepEqual(
      git(bare, ['log', '--reverse', '--format=%s', `refs/heads/release-v1.14..refs/heads/${branch}`]).split('\n'),
      ['Add rebased.py', 'Extend rebased.py'],
    )
  })

  it('a security fix goes two release branches back', async () => {
    const {report} = await runBackport(request({pulls: [PR.security]}), services())
    assert.deepEqual(
      report.results.map((r) => [r.target, r.status]),
      [
        ['release-v1.14', 'open'],
        ['release-v1.13', 'open'],
      ],
    )
    const [comment] = await forge.listComments(REPO, PR.security)
    assert.match(comment!.body, /release-v1.14/)
    assert.match(comment!.body, /release-v1.13/)
  })

  it('a fault mid-run (PR creation keeps failing) fails loudly; --resume finishes without re-pushing', async () => {
    sim.fault({match: /^POST \/repos\/flyteorg\/flytekit\/pulls$/, status: 502, times: 10})
    const first = await runBackport(request({pulls: [PR.chore], to: ['release-v1.14']}), services())
    const [r] = first.report.results
    assert.equal(r!.status, 'failed')
    assert.equal(r!.step, 'pull')
    const branch = `backport-${PR.chore}-to-release-v1.14`
    const pushed = remoteBranch(branch)
    assert.ok(pushed)
    sim.reset()
    const resumed = await runBackport(request({resume: true}), services())
    assert.equal(resumed.report.results[0]!.status, 'open')
    assert.equal(resumed.report.results[0]!.created, true)
    assert.equal(remoteBranch(branch), pushed)
    const pulls = await forge.listPulls(REPO, {state: 'all', head: `flyteorg:${branch}`})
    assert.equal(pulls.length, 1)
  })

  it('audit reports exactly the fixes missing from the supported release branches', async () => {
    // Backport PRs opened above are not merged yet: their fixes are still missing, each with its PR.
    const pending = await auditBackports({repos: [REPO], config}, services())
    const open = await forge.listPulls(REPO, {state: 'open'})
    const openFor = (pr: number, target: string) => open.find((p) => p.head === `backport-${pr}-to-${target}`)?.number
    assert.deepEqual(
      pending.findings.map((f) => [f.pr, f.target, f.openBackport]),
      [
        [PR.clean, 'release-v1.14', openFor(PR.clean, 'release-v1.14')],
        [PR.conflict, 'release-v1.13', openFor(PR.conflict, 'release-v1.13')],
        [PR.merge, 'release-v1.14', openFor(PR.merge, 'release-v1.14')],
        [PR.rebase, 'release-v1.14', openFor(PR.rebase, 'release-v1.14')],
        [PR.security, 'release-v1.14', openFor(PR.security, 'release-v1.14')],
        [PR.security, 'release-v1.13', openFor(PR.security, 'release-v1.13')],
      ],
    )
    // Once merged (squash: "[release-v1.14] Fix clean thing (#1) (#8)") they are found by PR number;
    // two new fixes nobody backported are then exactly what is reported.
    await sim.repo(REPO).commit('late-fix', {'late.py': 'x\n'}, 'Late fix')
    const late = await sim.repo(REPO).pull({title: 'Late fix', head: 'late-fix', merge: 'squash', labels: ['bug']})
    await sim.repo(REPO).commit('late-security', {'late_sec.py': 'x\n'}, 'Late security fix')
    const lateSec = await sim.repo(REPO).pull({
      title: 'Late security fix',
      head: 'late-security',
      merge: 'squash',
      labels: ['security'],
    })
    for (const p of open) await sim.repo(REPO).merge(p.number, 'squash')
    const audit = await auditBackports({repos: [REPO], config}, services())
    assert.deepEqual(
      audit.findings.map((f) => [f.pr, f.target, f.reason]),
      [
        [late, 'release-v1.14', 'policy'],
        [lateSec, 'release-v1.14', 'security'],
        [lateSec, 'release-v1.13', 'security'],
      ],
    )
    assert.equal(audit.api.writes, 0)
    sim.assertNoViolations()
  })
})
