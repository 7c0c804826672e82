/**
 * The maintainer services on the real stack: the octokit Forge and the git layer against the
 * schema-checked simulator (no fakes). Guards the contract both sides rely on and gives the API
 * figures (reads/writes) for a backport and a triage pass, and the zero-write re-runs.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGitHubForge} from '../../../src/forge/github.js'
import {createGitLayer} from '../../../src/git/git.js'
import {parseBackportConfig} from '../../../src/backport/config.js'
import {runBackport} from '../../../src/backport/service.js'
import {runLabel} from '../../../src/triage/label.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {assertReportOk, runRelease} from '../../../src/release/service.js'
import {REPO_ROOT} from '../../support/cli.js'
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

  it('backport: picks the squash commit onto release-v1.0, opens the PR, comments; a re-run writes nothing', async () => {
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
  })

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

describe('release cut against the simulator (real Forge)', () => {
  let sim: GitHubSimulator
  let dir: string
  const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release', name), 'utf8')

  before(async () => {
    sim = await startGitHubSimulator(undefined, {now: '2026-11-20T09:00:00Z'})
    dir = mkdtempSync(join(tmpdir(), 'forge-release-'))
    const flyte = sim.repo('o/flyte')
    await flyte.create({defaultBranch: 'master'})
    const base = await flyte.commit(
      'master',
      {
        'charts/flyte-core/Chart.yaml': fixture('flyte-core-Chart.yaml'),
        'charts/flyte-core/values.yaml': fixture('flyte-core-values.yaml'),
        'docs/conf.py': fixture('docs-conf.py'),
      },
      'Flyte 1.16.8',
    )
    for (const tag of ['v1.16.8', 'flyteadmin/v1.16.8', 'flyteidl/v1.16.8']) await flyte.tag(tag, base, {message: tag})
    const merged: [string, string, string[]][] = [
      ['spark', 'Set priorityClassName for Spark tasks', ['changed']],
      ['resolver', "Don't panic when receiving status in k8s resolver", ['fixed']],
      ['deps', 'Bump deps', []],
    ]
    for (const [branch, title, labels] of merged) {
      await flyte.commit(branch, {[`${branch}.txt`]: `${title}\n`}, title)
      await flyte.pull({title, head: branch, labels, merge: 'squash'})
    }
    await flyte.milestone('1.17.0')
    await flyte.issue({title: 'left over', milestone: '1.17.0'})
    const kit = sim.repo('o/flytekit')
    await kit.create({defaultBranch: 'master'})
    await kit.tag('v1.16.24', await kit.commit('master', {'setup.py': 'version = "1.16.24"\n'}, 'kit 1.16.24'))
    await kit.commit('pandas', {'pandas.py': 'import pandas\n'}, 'Add pandas 3 support')
    await kit.pull({title: 'Add pandas 3 support', head: 'pandas', labels: ['added'], merge: 'squash'})
    sim.reset()
  })
  after(async () => {
    await sim.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('cuts 1.17.0: branch, bump commit, annotated tags, changelog, release, milestones; a re-run writes nothing', async (t) => {
    const manifest = await parseReleaseManifestText(`
release: {repository: o/flyte, name: Flyte}
components:
  - {name: flyte, repository: o/flyte}
  - {name: flyteadmin, repository: o/flyte, tagPrefix: flyteadmin/}
  - {name: flyteidl, repository: o/flyte, tagPrefix: flyteidl/, scheme: pep440, aligned: false}
  - {name: flytekit, repository: o/flytekit, scheme: pep440}
files:
  - {kind: helm-chart, path: charts/flyte-core/Chart.yaml, dependencyMarker: VERSION}
  - {kind: sphinx-release, path: docs/conf.py}
`)
    const forge = createGitHubForge({baseUrl: sim.url, minWriteIntervalMs: 0})
    const now = new Date('2026-11-25T00:00:00Z')
    const report = await runRelease(
      forge,
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: join(dir, 'j1.json'), now},
    )
    assertReportOk(report)
    sim.assertNoViolations()
    const head = (await forge.getBranchSha('o/flyte', 'release-v1.17'))!
    assert.equal((await forge.getTag('o/flyte', 'v1.17.0'))?.sha, head)
    assert.equal((await forge.getTag('o/flyte', 'flyteadmin/v1.17.0'))?.sha, head)
    assert.equal(await forge.getTag('o/flyte', 'flyteidl/v1.17.0'), undefined)
    assert.ok(await forge.getTag('o/flytekit', 'v1.17.0'))
    const git = (await sim.repo('o/flyte').get()).git
    assert.equal(await git.objectType((await git.refSha('refs/tags/v1.17.0'))!), 'tag', 'annotated')
    assert.match((await forge.getFile('o/flyte', 'docs/conf.py', 'release-v1.17'))!.text, /^release = "1\.17\.0"$/m)
    const changelog = (await forge.getFile('o/flyte', 'CHANGELOG/CHANGELOG-v1.17.0.md', 'release-v1.17'))!.text
    assert.match(changelog, /## Changed\n- Set priorityClassName for Spark tasks/)
    assert.match(changelog, /## Added\n- Add pandas 3 support/)
    assert.equal((await forge.getReleaseByTag('o/flyte', 'v1.17.0'))?.name, 'Flyte v1.17.0')
    assert.deepEqual(
      (await forge.listMilestones('o/flyte', 'all')).map((m) => [m.title, m.state]),
      [
        ['1.17.0', 'closed'],
        ['1.18.0', 'open'],
      ],
    )
    assert.equal((await forge.getIssue('o/flyte', 4))?.milestone?.title, '1.18.0')
    const first = {...sim.counters}

    sim.reset()
    const again = await runRelease(
      forge,
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: join(dir, 'j2.json'), now},
    )
    assertReportOk(again)
    assert.equal(sim.counters.writes, 0, 're-run after success: zero writes')
    assert.equal(again.api.writes, 0)
    sim.assertNoViolations()
    // The figures for the report: a full cut of two repositories, then the re-run's reads.
    assert.ok(first.writes > 0 && sim.counters.reads > 0)
    t.diagnostic(
      `release cut: ${first.reads} reads, ${first.writes} writes; re-run: ${sim.counters.reads} reads, 0 writes`,
    )
  })
})
