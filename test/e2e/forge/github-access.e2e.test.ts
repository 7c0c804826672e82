/**
 * The built CLI talking to the GitHub simulator: credentials from the environment, ForgeErrors
 * reaching the user as one line + hint with the right exit code, and no token in any output.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli, tempHome} from '../../support/cli.js'
import {freePort} from '../../support/net.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const TOKEN = 'ghp_e2eGoodToken0000000000000000000000000'

describe('flytectl against the GitHub simulator', () => {
  let sim: GitHubSimulator
  let home: {home: string; cleanup: () => void}
  let manifest: string
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    HOME: home.home,
    GITHUB_API_URL: sim.url,
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: '',
    FLYTECTL_GITHUB_WRITE_INTERVAL_MS: '0',
    FLYTECTL_GITHUB_RETRY_DELAY_MS: '0',
    ...extra,
  })

  before(async () => {
    sim = await startGitHubSimulator(
      `
repos:
  - name: o/flyte
    defaultBranch: master
    branches:
      master:
        - {message: "Flyte 1.16.0", files: {README.md: "flyte\\n"}}
    tags: [{name: v1.16.0, at: master, message: "v1.16.0"}]
`,
      {tokens: [TOKEN]},
    )
    home = tempHome()
    manifest = join(home.home, 'release.yaml')
    writeFileSync(
      manifest,
      'release: {repository: o/flyte, name: Flyte}\ncomponents:\n  - {name: flyte, repository: o/flyte}\n',
    )
  })
  after(async () => {
    await sim.close()
    home.cleanup()
  })

  it('reads through GITHUB_API_URL and GITHUB_TOKEN', async () => {
    const res = await runCli(['release', 'status', '--manifest', manifest, '--json'], {env: env()})
    assert.equal(res.code, 0, res.stderr)
    const body = JSON.parse(res.stdout) as {ok: boolean; result: {component: string; latestRelease: string}[]}
    assert.equal(body.ok, true)
    assert.equal(body.result[0]!.latestRelease, 'v1.16.0')
    sim.assertNoViolations()
  })

  it('a rejected token exits 7 with one line and a hint, and the token appears nowhere', async () => {
    const bad = 'ghp_e2eBadTokenShouldNeverBePrinted000000'
    for (const args of [[], ['--verbose']]) {
      const res = await runCli(['release', 'status', '--manifest', manifest, ...args], {env: env({GITHUB_TOKEN: bad})})
      assert.equal(res.code, 7, res.stderr)
      assert.match(res.stderr, /^Error: GitHub: cannot .*401 Bad credentials$/m)
      assert.match(res.stderr, /^Hint: .*GITHUB_TOKEN/m)
      assert.ok(!`${res.stdout}${res.stderr}`.includes(bad), 'token leaked')
      assert.ok(!`${res.stdout}${res.stderr}`.includes(TOKEN), 'token leaked')
    }
  })

  it('read-only commands work without a token on public repositories; writes still need one', async () => {
    const anonymous = env({GITHUB_TOKEN: ''})
    const status = await runCli(['release', 'status', '--manifest', manifest, '--json'], {env: anonymous})
    assert.equal(status.code, 0, status.stderr)
    assert.equal((JSON.parse(status.stdout) as {result: {latestRelease: string}[]}).result[0]!.latestRelease, 'v1.16.0')
    assert.match(status.stderr, /^note: no GitHub token: reading public repositories unauthenticated/m)
    const plan = await runCli(['release', 'plan', '1.17.0', '--manifest', manifest], {env: anonymous})
    assert.equal(plan.code, 0, plan.stderr)
    const report = await runCli(['triage', 'report', '--repo', 'o/flyte'], {env: anonymous})
    assert.equal(report.code, 0, report.stderr)
    const pin = await runCli(['docs', 'pin', '1.16', '--repo', 'o/flyte'], {env: anonymous})
    assert.equal(pin.code, 7, pin.stderr)
    assert.match(pin.stderr, /^Error: no GitHub credentials: pass --token/m)
    sim.assertNoViolations()
  })

  it('a GitHub host that does not resolve is one line naming it, exit 6, not retried', async () => {
    // .invalid never resolves (RFC 6761). The default retry backoff is kept: a retried DNS failure
    // would also print octokit's `500 getaddrinfo` wording.
    const res = await runCli(['release', 'status', '--manifest', manifest], {
      env: env({GITHUB_API_URL: 'https://flytectl-test.invalid/api/v3', FLYTECTL_GITHUB_RETRY_DELAY_MS: ''}),
    })
    assert.equal(res.code, 6, res.stderr)
    assert.equal(
      res.stderr,
      'Error: GitHub: cannot reach flytectl-test.invalid: the host name does not resolve (DNS)\n' +
        'Hint: Check the network connection and the GitHub URL (--github-url, GITHUB_API_URL), then re-run.\n',
    )
  })

  it('a GitHub host that refuses the connection is named (exit 6), not reported as a 500', async () => {
    const port = await freePort()
    const res = await runCli(['release', 'status', '--manifest', manifest], {
      env: env({GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3`}),
    })
    assert.equal(res.code, 6, res.stderr)
    assert.match(
      res.stderr,
      new RegExp(
        `^Error: GitHub: cannot get repository o/flyte: 127\\.0\\.0\\.1:${port} could not be reached \\(connect ECONNREFUSED`,
        'm',
      ),
    )
  })

  it('GitHub failing after retries exits 6', async () => {
    sim.fault({times: 20, status: 502})
    const res = await runCli(['release', 'status', '--manifest', manifest], {env: env()})
    sim.reset()
    assert.equal(res.code, 6, res.stderr)
    assert.match(res.stderr, /^Error: GitHub: cannot .*502/m)
  })
})
