/** The built CLI against the GitHub simulator: status, lint, cut and its re-run, a failed patch and --resume. */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {REPO_ROOT, runCli, tempHome} from '../../support/cli.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release', name), 'utf8')
const {home, cleanup} = tempHome()
after(cleanup)

const MANIFEST = `
release: {repository: acme/flyte, name: Flyte}
components:
  - {name: flyte, repository: acme/flyte}
  - {name: flyteadmin, repository: acme/flyte, tagPrefix: flyteadmin/}
  - {name: flytekit, repository: acme/flytekit, scheme: pep440}
files:
  - {kind: helm-chart, path: charts/flyte-core/Chart.yaml, dependencyMarker: VERSION}
  - {kind: yaml, path: charts/flyte-core/values.yaml, set: [{marker: FLYTEADMIN_TAG}]}
  - {kind: sphinx-release, path: docs/conf.py}
`

describe('flytectl release against the GitHub simulator', () => {
  let sim: GitHubSimulator
  let env: NodeJS.ProcessEnv
  const manifest = join(home, 'release.yaml')
  before(async () => {
    sim = await startGitHubSimulator()
    const flyte = sim.repo('acme/flyte')
    await flyte.create({defaultBranch: 'master'})
    await flyte.commit(
      'master',
      {
        'charts/flyte-core/Chart.yaml': fixture('flyte-core-Chart.yaml'),
        'charts/flyte-core/values.yaml': fixture('flyte-core-values.yaml'),
        'docs/conf.py': fixture('docs-conf.py'),
      },
      'init',
    )
    await flyte.tag('v1.16.8', 'master')
    await flyte.tag('flyteadmin/1.16.8', 'master')
    await flyte.commit('master', {'a.txt': 'a\n'}, 'one more commit')
    const kit = sim.repo('acme/flytekit')
    await kit.create({defaultBranch: 'master'})
    await kit.commit('master', {'setup.py': 'setup()\n'}, 'init')
    await kit.tag('v1.16.3', 'master')
    writeFileSync(manifest, MANIFEST)
    env = {
      HOME: home,
      GITHUB_TOKEN: 't',
      GITHUB_API_URL: sim.url,
      FLYTECTL_RELEASE_MANIFEST: manifest,
      GIT_AUTHOR_NAME: 'Release Bot',
      GIT_AUTHOR_EMAIL: 'release@example.com',
      XDG_CACHE_HOME: join(home, 'cache'),
      CI: 'true',
      FLYTECTL_GITHUB_WRITE_INTERVAL_MS: '0',
      GITHUB_STEP_SUMMARY: '',
      GITHUB_OUTPUT: '',
    }
  })
  after(() => sim.close())

  it('status shows releases and pending commits; lint names the defects (exit 5); plan writes nothing', async () => {
    const status = await runCli(['release', 'status', '--json'], {env})
    assert.equal(status.code, 0, status.stderr)
    const rows = JSON.parse(status.stdout).result as {component: string; latestRelease: string; pending: number}[]
    assert.deepEqual(
      rows.map((r) => [r.component, r.latestRelease, r.pending]),
      [
        ['flyte', 'v1.16.8', 1],
        ['flyteadmin', 'flyteadmin/1.16.8', 1],
        ['flytekit', 'v1.16.3', 0],
      ],
    )
    const lint = await runCli(['release', 'lint'], {env})
    assert.equal(lint.code, 5)
    assert.match(lint.stdout, /malformed-tag {2}acme\/flyte {2}flyteadmin tag flyteadmin\/1\.16\.8 has no "v"/)
    assert.match(
      lint.stdout,
      /tag-without-changelog {2}acme\/flyte {2}v1\.16\.8 has no CHANGELOG\/CHANGELOG-v1\.16\.8\.md/,
    )
    assert.match(lint.stderr, /^Error: release lint found \d+ problem\(s\)\n/)
    sim.reset()
    const plan = await runCli(['release', 'plan', '1.17.0'], {env})
    assert.equal(plan.code, 0, plan.stderr)
    assert.match(plan.stdout, /^release cut 1\.17\.0 \(release-v1\.17\)\n/)
    assert.match(
      plan.stdout,
      /acme\/flytekit:\n {2}- branch release-v1\.17 at [0-9a-f]{7}\n {2}- tag v1\.17\.0 at release-v1\.17 head\n/,
    )
    assert.equal(sim.counters.writes, 0)
  })

  it('cut releases; a re-run is all "done" with zero writes', async () => {
    const cut = await runCli(['release', 'cut', '1.17.0', '--json'], {env})
    assert.equal(cut.code, 0, cut.stderr)
    const report = JSON.parse(cut.stdout).result
    assert.equal(report.ok, true)
    assert.ok(report.steps.some((s: {kind: string; status: string}) => s.kind === 'commit' && s.status === 'applied'))
    sim.reset()
    const again = await runCli(['release', 'cut', '1.17.0'], {env})
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /0 applied, \d+ already done, 0 planned, 0 failed, 0 not run; API \d+ reads, 0 writes/)
    assert.match(again.stderr, /^\[acme\/flyte\] tag flyteadmin\/v1\.17\.0: done$/m)
    assert.equal(sim.counters.writes, 0)
  })

  it('a failure exits 8 with the report, and --resume finishes', async () => {
    await sim.repo('acme/flyte').commit('release-v1.17', {'fix.txt': 'fix\n'}, 'Fix (#5)')
    sim.fault({match: /POST \/repos\/acme\/flyte\/releases/, status: 422, times: 1})
    const failed = await runCli(['release', 'patch', '1.17'], {env})
    assert.equal(failed.code, 8, failed.stderr)
    assert.match(failed.stdout, /acme\/flyte +release +failed +v1\.17\.1/)
    assert.match(
      failed.stderr,
      /^Error: 1 of \d+ planned steps did not happen \(first: acme\/flyte release v1\.17\.1: invalid \(HTTP 422\)/m,
    )
    assert.match(failed.stderr, /\nHint: Fix the cause, then rerun with --resume/)
    sim.reset()
    const resumed = await runCli(['release', 'patch', '1.17', '--resume'], {env})
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.match(resumed.stdout, /acme\/flyte +release +applied +v1\.17\.1/)
  })
})
