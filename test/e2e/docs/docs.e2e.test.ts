/** `flytectl docs pin` / `docs check` as a child process against the GitHub simulator. */
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {simulatorSession} from '../../support/cli-session.js'
import {runCli, tempHome} from '../../support/cli.js'

const FIXTURES = new URL('../../../../test/fixtures/conf/', import.meta.url).pathname
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

describe('flytectl docs (CLI)', () => {
  const session = simulatorSession('flytectl-docs-', async (sim) => {
    const rb = sim.repo('flyteorg/flytekit')
    await rb.create({defaultBranch: 'master'})
    await rb.commit('master', {'docs/source/conf.py': fixture('flytekit.conf.py')}, 'docs')
    await rb.branch('release-v1.3')
  })

  it('docs check reports drift with exit 1; docs pin opens the PR; the re-run writes nothing', async () => {
    const drift = await session.cli(['docs', 'check', '--repo', 'flyteorg/flytekit', '--ref', 'release-v1.3'])
    assert.equal(drift.code, 1)
    assert.match(
      drift.stdout,
      /flyteorg\/flytekit:docs\/source\/conf\.py:34: intersphinx "idl" \(flyteidl\) points at "latest"; should be pinned to v1\.3/,
    )
    const pin = await session.cli([
      'docs',
      'pin',
      '1.3.0',
      '--repo',
      'flyteorg/flytekit',
      '--base',
      'release-v1.3',
      '--json',
    ])
    assert.equal(pin.code, 0, pin.stderr)
    const result = JSON.parse(pin.stdout).result
    assert.equal(result.repos[0].status, 'pull-opened')
    assert.equal(
      await session.sim.repo('flyteorg/flytekit').readFile('docs-pin-v1.3', 'docs/source/conf.py'),
      fixture('flytekit.pinned-1.3.0.py'),
    )
    session.sim.reset()
    const again = await session.cli(['docs', 'pin', '1.3.0', '--repo', 'flyteorg/flytekit', '--base', 'release-v1.3'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /flyteorg\/flytekit: pull-exists/)
    assert.equal(session.sim.counters.writes, 0)
  })

  it('a version that is not one is invalid input (exit 2)', async () => {
    const r = await session.cli(['docs', 'pin', 'next', '--repo', 'flyteorg/flytekit'])
    assert.equal(r.code, 2)
    assert.match(
      r.stderr,
      /^Error: version "next" is not a release version: it does not start with a number.*\nHint: Pass X\.Y/,
    )
    // The strict parser's rules: v01.16.0 is not read as 1.16.0 (nothing would be written either way).
    const zero = await session.cli(['docs', 'pin', 'v01.16.0', '--repo', 'flyteorg/flytekit'])
    assert.equal(zero.code, 2)
    assert.match(
      zero.stderr,
      /^Error: version "v01\.16\.0" is not a release version: the major number "01" has a leading zero\n/,
    )
  })

  it('reports a bad version before asking for GitHub credentials', async () => {
    const home = tempHome()
    try {
      const env = {HOME: home.home, GITHUB_TOKEN: '', GH_TOKEN: '', FLYTECTL_GITHUB_APP_ID: ''}
      const r = await runCli(['docs', 'pin', 'next', '--repo', 'flyteorg/flytekit'], {env})
      assert.equal(r.code, 2)
      assert.match(r.stderr, /^Error: version "next" is not a release version: /)
    } finally {
      home.cleanup()
    }
  })
})
