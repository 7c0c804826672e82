/** `flytectl docs pin` / `docs check` as a child process against the GitHub simulator. */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli, tempHome} from '../../support/cli.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const FIXTURES = new URL('../../../../test/fixtures/conf/', import.meta.url).pathname
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

describe('flytectl docs (CLI)', () => {
  let sim: GitHubSimulator
  let home: {home: string; cleanup: () => void}
  let scratch: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    sim = await startGitHubSimulator()
    home = tempHome()
    scratch = mkdtempSync(join(tmpdir(), 'flytectl-docs-'))
    const rb = sim.repo('flyteorg/flytekit')
    await rb.create({defaultBranch: 'master'})
    await rb.commit('master', {'docs/source/conf.py': fixture('flytekit.conf.py')}, 'docs')
    await rb.branch('release-v1.3')
    env = {
      HOME: home.home,
      GITHUB_API_URL: sim.url,
      GITHUB_TOKEN: 'test-token',
      FLYTECTL_GITHUB_WRITE_INTERVAL_MS: '0',
      GITHUB_ACTIONS: '',
    }
  })
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
    home.cleanup()
    rmSync(scratch, {recursive: true, force: true})
  })

  it('docs check reports drift with exit 1; docs pin opens the PR; the re-run writes nothing', async () => {
    const drift = await runCli(['docs', 'check', '--repo', 'flyteorg/flytekit', '--ref', 'release-v1.3'], {
      env,
      cwd: scratch,
    })
    assert.equal(drift.code, 1)
    assert.match(
      drift.stdout,
      /flyteorg\/flytekit:docs\/source\/conf\.py:34: intersphinx "idl" \(flyteidl\) points at "latest"; should be pinned to v1\.3/,
    )
    const pin = await runCli(
      ['docs', 'pin', '1.3.0', '--repo', 'flyteorg/flytekit', '--base', 'release-v1.3', '--json'],
      {env, cwd: scratch},
    )
    assert.equal(pin.code, 0, pin.stderr)
    const result = JSON.parse(pin.stdout).result
    assert.equal(result.repos[0].status, 'pull-opened')
    assert.equal(
      await sim.repo('flyteorg/flytekit').readFile('docs-pin-v1.3', 'docs/source/conf.py'),
      fixture('flytekit.pinned-1.3.0.py'),
    )
    sim.reset()
    const again = await runCli(['docs', 'pin', '1.3.0', '--repo', 'flyteorg/flytekit', '--base', 'release-v1.3'], {
      env,
      cwd: scratch,
    })
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /flyteorg\/flytekit: pull-exists/)
    assert.equal(sim.counters.writes, 0)
  })

  it('a version that is not one is invalid input (exit 2)', async () => {
    const r = await runCli(['docs', 'pin', 'next', '--repo', 'flyteorg/flytekit'], {env, cwd: scratch})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: "next" is not a release version\nHint: Pass X\.Y/)
  })
})
