/** Release train on the GitHub simulator, multi-repo layout (one repository per component, both schemes). */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import {CliError} from '../../../src/cli/errors.js'
import {assertReportOk} from '../../../src/release/service.js'
import {mergePr, fixture, setup, type Env} from './support.js'

const tmp = mkdtempSync(join(tmpdir(), 'release-multi-'))
after(() => rmSync(tmp, {recursive: true, force: true}))

const MULTIREPO = `
release: {repository: acme/flyte, name: Flyte}
components:
  - {name: flyte, repository: acme/flyte}
  - {name: flytekit, repository: acme/flytekit, scheme: pep440}
  - {name: flyteconsole, repository: acme/flyteconsole}
  - {name: flytekit-java, repository: acme/flytekit-java, vPrefix: false}
repositories: {acme/flytekit-java: {defaultBranch: main}}
files:
  - {kind: helm-chart, path: charts/flyte-core/Chart.yaml, dependencyMarker: VERSION}
  - kind: yaml
    path: charts/flyte-core/values.yaml
    component: flyteconsole
    set: [{marker: FLYTECONSOLE_TAG}]
  - {kind: package-json, repository: acme/flyteconsole, path: package.json}
`

describe('release train on the GitHub simulator: multi-repo', () => {
  let env: Env
  before(async () => {
    env = await setup(MULTIREPO, tmp)
    const flyte = env.sim.repo('acme/flyte')
    await flyte.create({defaultBranch: 'master'})
    await flyte.commit(
      'master',
      {
        'charts/flyte-core/Chart.yaml': fixture('flyte-core-Chart.yaml'),
        'charts/flyte-core/values.yaml': fixture('flyte-core-values.yaml'),
      },
      'Initial import',
    )
    await flyte.tag('v0.9.0', 'master')
    await flyte.milestone('1.0.0')
    await mergePr(env.sim, 'acme/flyte', 'Helm: add connector chart', ['added'])
    const kit = env.sim.repo('acme/flytekit')
    await kit.create({defaultBranch: 'master'})
    await kit.commit('master', {'setup.py': 'setup()\n'}, 'init')
    await kit.tag('v0.9.0', 'master')
    await mergePr(env.sim, 'acme/flytekit', 'Pandas 3 support', ['added'])
    const console = env.sim.repo('acme/flyteconsole')
    await console.create({defaultBranch: 'master'})
    await console.commit(
      'master',
      {'package.json': '{\n  "name": "flyteconsole",\n  "version": "0.0.0-develop"\n}\n'},
      'init',
    )
    const java = env.sim.repo('acme/flytekit-java')
    await java.create({defaultBranch: 'main'})
    await java.commit('main', {'pom.xml': '<project/>\n'}, 'init')
  })
  after(() => env.sim.close())
  afterEach(() => env.sim.assertNoViolations())

  it('a fault in the middle of cut; --resume finishes with no duplicate tag, release or milestone', async () => {
    env.sim.fault({match: /POST \/repos\/acme\/flyte\/releases/, status: 502, times: 5})
    const first = await env.run({command: 'cut', version: '1.0.0'})
    assert.equal(first.ok, false)
    assert.throws(
      () => assertReportOk(first),
      (err: unknown) =>
        err instanceof CliError && err.exitCode === 8 && /acme\/flyte release v1\.0\.0/.test(err.message),
    )
    assert.ok(first.steps.some((s) => s.kind === 'milestone-rollover' && s.status === 'not-run'))
    // The other repositories were released meanwhile.
    assert.ok((await env.tags('acme/flytekit')).has('v1.0.0'))
    env.sim.reset()
    const resumed = await env.run({command: 'cut', version: '1.0.0'}, {resume: true})
    assertReportOk(resumed)
    assert.equal(resumed.api.writes, env.sim.counters.writes)
    const releases = env.sim.log.filter((r) => r.method === 'POST' && /\/releases$/.test(r.path))
    assert.equal(releases.length, 1, 'one release created on resume')
    assert.equal(
      env.sim.log.filter((r) => r.method === 'POST' && /\/git\/refs$/.test(r.path)).length,
      0,
      'no tag or branch re-created',
    )
    const milestones = await env.forge.listMilestones('acme/flyte', 'all')
    assert.deepEqual(milestones.map((m) => m.title).sort(), ['1.0.0', '1.1.0'])
  })

  it('a first multi-repo release: each repository tagged at its own commit, spelled per component', async () => {
    const flyte = await env.tags('acme/flyte')
    assert.equal(flyte.get('v1.0.0'), await env.forge.getBranchSha('acme/flyte', 'release-v1.0'))
    assert.equal(
      (await env.tags('acme/flytekit')).get('v1.0.0'),
      await env.forge.getBranchSha('acme/flytekit', 'release-v1.0'),
    )
    assert.ok((await env.tags('acme/flytekit-java')).has('1.0.0'), 'no v for flytekit-java')
    const consoleHead = (await env.forge.getBranchSha('acme/flyteconsole', 'release-v1.0'))!
    assert.equal((await env.tags('acme/flyteconsole')).get('v1.0.0'), consoleHead)
    assert.match((await env.file('acme/flyteconsole', 'package.json', 'v1.0.0'))!, /"version": "1\.0\.0"/)
    assert.match(
      (await env.file('acme/flyte', 'charts/flyte-core/values.yaml', 'v1.0.0'))!,
      /tag: v1\.0\.0 {2}# FLYTECONSOLE_TAG/,
    )
    const changelog = (await env.file('acme/flyte', 'CHANGELOG/CHANGELOG-v1.0.0.md', 'v1.0.0'))!
    assert.match(changelog, /- Helm: add connector chart \(\[acme\/flyte#\d+\]/)
    assert.match(changelog, /- Pandas 3 support \(\[acme\/flytekit#\d+\]/)
    assert.match(
      changelog,
      /\*\*Full Changelog \(acme\/flytekit\)\*\*: \S+\/acme\/flytekit\/compare\/v0\.9\.0\.\.\.v1\.0\.0/,
    )
  })

  it('betas in both spellings across repositories', async () => {
    await mergePr(env.sim, 'acme/flyte', 'Next feature', ['added'])
    await mergePr(env.sim, 'acme/flytekit', 'Next kit feature', ['added'])
    const report = await env.run({command: 'beta', components: ['flyte', 'flytekit']})
    assertReportOk(report)
    assert.deepEqual(
      report.components.map((c) => c.tag),
      ['v1.1.0-b0', 'v1.1.0b0'],
    )
    assert.equal(
      (await env.tags('acme/flytekit')).get('v1.1.0b0'),
      await env.forge.getBranchSha('acme/flytekit', 'master'),
    )
  })

  it('a rejected push of the bump commit fails loudly; --resume finishes once pushes are accepted', async () => {
    await mergePr(env.sim, 'acme/flyte', 'Fix chart defaults (#7) (#8)', ['fixed'], 'release-v1.0')
    await env.sim.rejectPushes('acme/flyte', {times: 1, message: 'protected branch hook declined'})
    const first = await env.run({command: 'patch', line: '1.0', components: ['flyte']})
    assert.equal(first.ok, false)
    const commit = first.steps.find((s) => s.kind === 'commit')!
    assert.equal(commit.status, 'failed')
    assert.match(commit.detail!, /push to release-v1\.0 was rejected/)
    assert.deepEqual(
      first.steps.filter((s) => s.status === 'not-run').map((s) => s.kind),
      ['tag', 'release'],
    )
    assert.equal((await env.tags('acme/flyte')).has('v1.0.1'), false, 'nothing tagged after the failed push')
    const resumed = await env.run({command: 'patch', line: '1.0', components: ['flyte']}, {resume: true})
    assertReportOk(resumed)
    const tags = await env.tags('acme/flyte')
    assert.equal(tags.get('v1.0.1'), await env.forge.getBranchSha('acme/flyte', 'release-v1.0'))
  })
})
