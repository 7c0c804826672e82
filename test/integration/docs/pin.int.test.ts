/**
 * docs pin / docs check through the real GitHub forge against the simulator: real git repositories
 * hold the conf.py files; the pinned file on the PR branch must equal the golden fixture byte for byte.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import {pinDocs} from '../../../src/docs-versioning/pin.js'
import {checkDocs} from '../../../src/docs-versioning/check.js'

const FIXTURES = new URL('../../../../test/fixtures/conf/', import.meta.url).pathname
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

describe('docs pin on the GitHub simulator', () => {
  let sim: GitHubSimulator
  let forge: Forge

  before(async () => {
    sim = await startGitHubSimulator()
    const flyte = sim.repo('flyteorg/flyte')
    await flyte.create({defaultBranch: 'master'})
    await flyte.commit('master', {'rsts/conf.py': fixture('flyte-rsts.conf.py')}, 'docs')
    await flyte.branch('release-v1.3')
    const flytekit = sim.repo('flyteorg/flytekit')
    await flytekit.create({defaultBranch: 'master'})
    await flytekit.commit('master', {'docs/source/conf.py': fixture('flytekit.conf.py')}, 'docs')
    await flytekit.branch('release-v1.3')
    forge = createGitHubForge({baseUrl: sim.url, token: 'test-token', retryBaseDelayMs: 1, minWriteIntervalMs: 0})
  })
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
  })

  const repos = [
    {repo: 'flyteorg/flyte', base: 'release-v1.3'},
    {repo: 'flyteorg/flytekit', base: 'release-v1.3'},
  ]

  it('dry-run, then one PR per repository with the exact bytes, then a re-run with zero writes', async () => {
    sim.reset()
    const drift = await checkDocs(forge, {repos, ref: 'release-v1.3'})
    assert.equal(drift.ok, false)
    const dry = await pinDocs(forge, {repos, version: '1.3.0', dryRun: true})
    assert.deepEqual(
      dry.repos.map((r) => r.status),
      ['planned', 'planned'],
    )
    assert.equal(sim.counters.writes, 0)

    sim.reset()
    const run = await pinDocs(forge, {repos, version: '1.3.0', dryRun: false})
    assert.equal(run.ok, true, JSON.stringify(run.repos.map((r) => r.error)))
    assert.deepEqual(
      run.repos.map((r) => r.status),
      ['pull-opened', 'pull-opened'],
    )
    assert.equal(
      await sim.repo('flyteorg/flyte').readFile('docs-pin-v1.3', 'rsts/conf.py'),
      fixture('flyte-rsts.pinned-1.3.0.py'),
    )
    assert.equal(
      await sim.repo('flyteorg/flytekit').readFile('docs-pin-v1.3', 'docs/source/conf.py'),
      fixture('flytekit.pinned-1.3.0.py'),
    )
    const pulls = await forge.listPulls('flyteorg/flytekit', {state: 'open'})
    assert.equal(pulls.length, 1)
    assert.equal(pulls[0].base, 'release-v1.3')
    process.stderr.write(`docs pin, 2 repos: reads ${run.api.reads} writes ${run.api.writes}\n`)

    sim.reset()
    const again = await pinDocs(forge, {repos, version: '1.3.0', dryRun: false})
    assert.deepEqual(
      again.repos.map((r) => r.status),
      ['pull-exists', 'pull-exists'],
    )
    assert.equal(sim.counters.writes, 0)
    process.stderr.write(`docs pin re-run, 2 repos: reads ${again.api.reads} writes ${again.api.writes}\n`)

    const onBranch = await checkDocs(forge, {repos, ref: 'docs-pin-v1.3', version: '1.3.0'})
    assert.equal(onBranch.ok, true, JSON.stringify(onBranch.repos.map((r) => r.findings)))
  })
})
