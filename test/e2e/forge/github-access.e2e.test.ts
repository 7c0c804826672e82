/**
 * The built CLI talking to the GitHub simulator: credentials from the environment, ForgeErrors
 * reaching the user as one line + hint with the right exit code, and no token in any output.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli, tempHome} from '../../support/cli.js'
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

  it('GitHub failing after retries exits 6', async () => {
    sim.fault({times: 20, status: 502})
    const res = await runCli(['release', 'status', '--manifest', manifest], {env: env()})
    sim.reset()
    assert.equal(res.code, 6, res.stderr)
    assert.match(res.stderr, /^Error: GitHub: cannot .*502/m)
  })
})
