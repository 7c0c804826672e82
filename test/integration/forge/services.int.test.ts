/**
 * The maintainer services on the real stack: the octokit Forge and the git layer against the
 * schema-checked simulator (no fakes). Guards the contract both sides rely on and gives the API
 * figures (reads/writes) for a backport and a triage pass, and the zero-write re-runs.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGitHubForge} from '../../../src/forge/github.js'
import {createGitLayer} from '../../../src/git/git.js'
import {parseBackportConfig} from '../../../src/backport/config.js'
import {runBackport} from '../../../src/backport/service.js'
import {runLabel} from '../../../src/triage/label.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const REPO = 'flyteorg/flytekit'

describe('maintainer services against the simulator (real Forge, real git)', () => {
  let sim: GitHubSimulator
  let dir: string

  before(async () => {
    sim = await startGitHubSimulator(`
now: "2026-03-02T10:00:00Z"
users:
  - {login: alice}
repos:
  - name: ${REPO}
    defaultBranch: master
    branches:
      master:
        - {message: "initial", files: {"flytekit/core.py": "VERSION = 1\\n", "README.md": "kit\\n"}, author: alice}
      release-v1.0:
        from: master
      fix-crash:
        from: master
        commits:
          - {message: "Fix crash on start", files: {"flytekit/core.py": "VERSION = 1\\nSAFE = True\\n"}, author: alice}
    labels: [{name: bug}, {name: backport}]
    pulls:
      - {title: "Fix crash on start", head: fix-crash, merge: squash, labels: [bug], author: alice}
`)
    dir = mkdtempSync(join(tmpdir(), 'forge-services-'))
  })
  after(async () => {
    await sim.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it(
    'backport: picks the squash commit onto release-v1.0, opens the PR, comments; a re-run writes nothing',
    {
      // Known defect outside src/forge: the push step calls clone.worktree(target) again, which
      // re-checks-out origin/<target> and drops the pick, so the pushed backport branch equals the
      // release tip and GitHub (like the simulator) refuses the PR: "No commits between …".
      todo: 'backport push step resets the worktree before pushing (src/backport/apply.ts + src/git worktree reuse)',
    },
    async () => {
      const forge = createGitHubForge({baseUrl: sim.url, minWriteIntervalMs: 0, retryBaseDelayMs: 1})
      const git = createGitLayer({
        cacheDir: join(dir, 'cache'),
        identity: {name: 'Flyte Bot', email: 'bot@example.com'},
      })
      const req = {
        repo: REPO,
        pulls: [1],
        commits: [],
        to: ['release-v1.0'],
        conflicts: 'draft' as const,
        dryRun: false,
        resume: false,
        config: parseBackportConfig({}),
      }
      const first = await runBackport(req, {forge, git, stateDir: join(dir, 'state')})
      assert.deepEqual(
        first.report.results.map((r) => (r.status === 'failed' ? `${r.step}: ${r.error}` : '')),
        [''],
      )
      assert.deepEqual(
        first.report.results.map((r) => [r.target, r.status, r.created]),
        [['release-v1.0', 'open', true]],
      )
      const pr = first.report.results[0]!.pull!
      const opened = await forge.getPull(REPO, pr.number)
      assert.equal(opened?.base, 'release-v1.0')
      assert.equal(opened?.head, 'backport-1-to-release-v1.0')
      assert.equal(
        (await forge.getFile(REPO, 'flytekit/core.py', 'backport-1-to-release-v1.0'))?.text,
        'VERSION = 1\nSAFE = True\n',
      )
      const picked = await forge.getCommit(REPO, 'backport-1-to-release-v1.0')
      assert.match(picked!.message, /\(cherry picked from commit [0-9a-f]{40}\)/)
      assert.equal((await forge.listComments(REPO, 1)).length, 1)
      sim.assertNoViolations()

      const writes = sim.counters.writes
      const again = await runBackport(req, {forge, git, stateDir: join(dir, 'state')})
      assert.equal(again.report.results[0]!.created, false)
      assert.equal(sim.counters.writes, writes, 're-run after success: zero API writes')
      assert.equal((await forge.listPulls(REPO, {state: 'all', base: 'release-v1.0'})).length, 1)
      sim.assertNoViolations()
    },
  )

  it('triage label: 300 open issues, a third need the label; a re-run writes nothing', async () => {
    const repo = sim.repo('flyteorg/flyte')
    await repo.create({defaultBranch: 'master'})
    const ms = await repo.milestone('1.16.0')
    await repo.issues(
      Array.from({length: 300}, (_, i) => ({
        title: `issue ${i}`,
        labels: i % 3 === 0 ? ['bug'] : [],
        milestone: i % 3 === 1 ? ms : undefined,
        assignees: i % 3 === 2 ? ['alice'] : [],
      })),
    )
    const forge = createGitHubForge({baseUrl: sim.url, minWriteIntervalMs: 0})
    sim.reset()
    const first = await runLabel(forge, {repo: 'flyteorg/flyte', dryRun: false})
    assert.equal(first.scanned, 300)
    assert.equal(first.steps.filter((s) => s.status !== 'failed').length, 101, 'create the label + 100 issues')
    assert.deepEqual(
      first.api,
      {reads: 5, writes: 101},
      '3 pages of issues, the labels, the label check; one write per label',
    )
    assert.deepEqual({...sim.counters}, first.api)
    const again = await runLabel(forge, {repo: 'flyteorg/flyte', dryRun: false})
    assert.equal(again.api.writes, 0)
    assert.equal((await forge.listIssues('flyteorg/flyte', {labels: ['untriaged']})).length, 100)
    sim.assertNoViolations()
  })
})
