import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runCli, tempHome} from '../../support/cli.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import {BACKPORT_SCENARIO, PR, REPO} from '../../integration/backport/scenario.js'

describe('flytectl backport (built CLI against the GitHub simulator)', () => {
  let sim: GitHubSimulator
  const {home, cleanup} = tempHome()
  const env = () => ({
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    GITHUB_TOKEN: 'test-token',
    GITHUB_API_URL: sim.url,
  })
  const event = (action: string, pr: number, labels: string[], merged = true) => {
    const path = join(home, `event-${action}-${pr}.json`)
    writeFileSync(
      path,
      JSON.stringify({
        action,
        number: pr,
        pull_request: {number: pr, merged, labels: labels.map((name) => ({name})), base: {ref: 'master'}},
        repository: {full_name: REPO, default_branch: 'master'},
      }),
    )
    return path
  }

  before(async () => {
    sim = await startGitHubSimulator(BACKPORT_SCENARIO)
  })
  after(async () => {
    await sim.close()
    cleanup()
  })

  const noCredentials = () => ({...env(), GITHUB_TOKEN: '', GH_TOKEN: '', FLYTECTL_GITHUB_APP_ID: ''})

  it('--dry-run --json prints the plan in the envelope, needs no token and writes nothing', async () => {
    const res = await runCli(['backport', String(PR.clean), '--repo', REPO, '--dry-run', '--json'], {
      env: noCredentials(),
    })
    assert.equal(res.code, 0, res.stderr)
    const out = JSON.parse(res.stdout) as {
      ok: boolean
      command: string
      result: {results: {target: string; status: string}[]}
    }
    assert.equal(out.ok, true)
    assert.equal(out.command, 'backport')
    assert.deepEqual(
      out.result.results.map((r) => [r.target, r.status]),
      [['release-v1.14', 'planned']],
    )
    assert.equal(sim.counters.writes, 0)
  })

  it('bot mode: a merged PR with a conflict opens a draft, writes outputs and summary, and exits 8 with ::error', async () => {
    const output = join(home, 'github-output')
    const summary = join(home, 'step-summary')
    writeFileSync(output, '')
    writeFileSync(summary, '')
    const res = await runCli(['backport', '--event', event('closed', PR.conflict, ['bug', 'backport release-v1.13'])], {
      env: {...env(), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true'},
    })
    assert.equal(res.code, 8, res.stderr)
    assert.match(
      res.stdout,
      new RegExp(`^::error title=Backport of #${PR.conflict} to release-v1.13::conflicts in flytekit/core.py`, 'm'),
    )
    assert.match(res.stderr, /^Error: backport did not land on 1 target\(s\): release-v1.13 \(conflict\)/m)
    const outputs = readFileSync(output, 'utf8')
    assert.match(outputs, /^was_successful=false$/m)
    assert.match(outputs, /^created_pull_numbers=\d+$/m)
    assert.match(
      readFileSync(summary, 'utf8'),
      /\| `release-v1.13` \| conflict \| #\d+ \| conflicts in flytekit\/core.py \|/,
    )
  })

  it('bot mode skips a PR nobody asked to backport (exit 0, a notice)', async () => {
    const res = await runCli(['backport', '--event', event('closed', PR.chore, [])], {env: env()})
    assert.equal(res.code, 0, res.stderr)
    assert.match(res.stdout, /^::notice title=Backport skipped::#6 carries no backport label$/m)
  })

  it('backport audit --manifest lists the missing fixes and exits 8 with them in the JSON envelope', async () => {
    const manifest = join(home, 'repos.yaml')
    writeFileSync(manifest, `repos:\n  - ${REPO}\n`)
    const res = await runCli(['backport', 'audit', '--manifest', manifest, '--json'], {env: env()})
    assert.equal(res.code, 8, res.stderr)
    const out = JSON.parse(res.stdout) as {
      ok: boolean
      error: {code: string; details: {findings: {pr: number; target: string}[]}}
    }
    assert.equal(out.ok, false)
    assert.equal(out.error.code, 'partial-failure')
    const missing = out.error.details.findings.map((f) => `${f.pr}->${f.target}`)
    assert.deepEqual(missing, [
      `${PR.clean}->release-v1.14`,
      `${PR.conflict}->release-v1.13`,
      `${PR.merge}->release-v1.14`,
      `${PR.rebase}->release-v1.14`,
      `${PR.security}->release-v1.14`,
      `${PR.security}->release-v1.13`,
    ])
  })

  it('bad input is one line with a hint and exit 2', async () => {
    const notNumber = await runCli(['backport', 'abc', '--repo', REPO], {env: env()})
    assert.equal(notNumber.code, 2)
    assert.match(notNumber.stderr, /^Error: "abc" is not a pull request number \(expected 1 to 2147483647\)$/m)
    const noSources = await runCli(['backport', '--repo', REPO], {env: env()})
    assert.equal(noSources.code, 2)
    assert.match(noSources.stderr, /^Error: nothing to backport: name pull requests, --label or --commit\nHint: /)
    assert.doesNotMatch(noSources.stderr, /at .*\.js:\d+/)
    const noToken = await runCli(['backport', String(PR.clean), '--repo', REPO], {env: noCredentials()})
    assert.equal(noToken.code, 7, noToken.stderr)
    assert.match(noToken.stderr, /^Error: no GitHub credentials/m)
  })
})
