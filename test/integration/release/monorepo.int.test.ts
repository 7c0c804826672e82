/** Release train on the GitHub simulator, monorepo layout (Flyte 1: root and path-prefixed component tags). */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import {CliError} from '../../../src/cli/errors.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {assertReportOk, runRelease} from '../../../src/release/service.js'
import type {GitHubSimulator} from '../../support/github/index.js'
import {fixture, mergePr, setup, type Env} from './support.js'

const tmp = mkdtempSync(join(tmpdir(), 'release-mono-'))
after(() => rmSync(tmp, {recursive: true, force: true}))

const MONOREPO = `
release: {repository: acme/flyte, name: Flyte}
components:
  - {name: flyte, repository: acme/flyte}
  - {name: flyteadmin, repository: acme/flyte, path: flyteadmin, tagPrefix: flyteadmin/}
  - {name: flytepropeller, repository: acme/flyte, path: flytepropeller, tagPrefix: flytepropeller/}
  - {name: flyteidl, repository: acme/flyte, path: flyteidl, tagPrefix: flyteidl/, scheme: pep440, aligned: false}
files:
  - {kind: helm-chart, path: charts/flyte-core/Chart.yaml, dependencyMarker: VERSION}
  - kind: yaml
    path: charts/flyte-core/values.yaml
    set: [{marker: FLYTEADMIN_TAG}, {marker: FLYTEPROPELLER_TAG}]
  - {kind: sphinx-release, path: docs/conf.py}
`

async function seedMonorepo(sim: GitHubSimulator) {
  const r = sim.repo('acme/flyte')
  await r.create({defaultBranch: 'master'})
  await r.commit(
    'master',
    {
      'charts/flyte-core/Chart.yaml': fixture('flyte-core-Chart.yaml'),
      'charts/flyte-core/values.yaml': fixture('flyte-core-values.yaml'),
      'docs/conf.py': fixture('docs-conf.py'),
    },
    'Initial import',
  )
  await r.milestone('1.0.0')
  await mergePr(sim, 'acme/flyte', 'Add array node support', ['added'])
  await mergePr(sim, 'acme/flyte', 'Fix propeller panic on nil status', ['fixed'])
  await r.issue({title: 'Still open for 1.0', milestone: '1.0.0'})
}

describe('release train on the GitHub simulator: monorepo', () => {
  let env: Env
  before(async () => {
    env = await setup(MONOREPO, tmp)
    await seedMonorepo(env.sim)
  })
  after(() => env.sim.close())
  afterEach(() => env.sim.assertNoViolations())

  it('--dry-run of the first release makes zero writes', async () => {
    env.sim.reset()
    const report = await env.run({command: 'cut', version: '1.0.0'}, {dryRun: true})
    assert.equal(env.sim.counters.writes, 0)
    assert.ok(
      report.steps.every((s) => s.status === 'planned'),
      JSON.stringify(report.steps),
    )
    assert.equal((await env.tags('acme/flyte')).size, 0)
  })

  it('a first release: one bump commit on release-v1.0, every aligned component tagged there, changelog, release, milestones', async () => {
    const report = await env.run({command: 'cut', version: '1.0.0'})
    assertReportOk(report)
    const tags = await env.tags('acme/flyte')
    const head = (await env.forge.getBranchSha('acme/flyte', 'release-v1.0'))!
    assert.equal(tags.get('v1.0.0'), head)
    assert.equal(tags.get('flyteadmin/v1.0.0'), head)
    assert.equal(tags.get('flytepropeller/v1.0.0'), head)
    assert.equal(tags.has('flyteidl/v1.0.0'), false)
    // One bump commit: its parent is master's head at plan time, and it holds every file.
    const bump = (await env.forge.getCommit('acme/flyte', head))!
    assert.equal(bump.message.trim(), 'Release Flyte 1.0.0')
    assert.equal(bump.parents[0], await env.forge.getBranchSha('acme/flyte', 'master'))
    assert.match(
      (await env.file('acme/flyte', 'charts/flyte-core/Chart.yaml', 'v1.0.0'))!,
      /^version: v1\.0\.0 {2}# VERSION$/m,
    )
    const values = (await env.file('acme/flyte', 'charts/flyte-core/values.yaml', 'v1.0.0'))!
    assert.match(values, /tag: v1\.0\.0 {2}# FLYTEADMIN_TAG/)
    assert.match(values, /tag: v1\.21\.0 {2}# FLYTECONSOLE_TAG/, 'unlisted markers untouched')
    assert.match((await env.file('acme/flyte', 'docs/conf.py', 'v1.0.0'))!, /^release = "1\.0\.0"$/m)
    const changelog = (await env.file('acme/flyte', 'CHANGELOG/CHANGELOG-v1.0.0.md', 'v1.0.0'))!
    assert.match(
      changelog,
      /^# Flyte 1\.0\.0\n\n## Added\n- Add array node support \(\[#\d+\]\(http[^)]+\/pull\/\d+\)\)\n\n## Fixed\n- Fix propeller panic/,
    )
    assert.doesNotMatch(changelog, /Full Changelog/, 'a first release has nothing to compare with')
    const release = (await env.forge.getReleaseByTag('acme/flyte', 'v1.0.0'))!
    assert.equal(release.name, 'Flyte v1.0.0')
    assert.equal(release.body, changelog)
    assert.equal(release.prerelease, false)
    const milestones = await env.forge.listMilestones('acme/flyte', 'all')
    assert.deepEqual(milestones.map((m) => [m.title, m.state]).sort(), [
      ['1.0.0', 'closed'],
      ['1.1.0', 'open'],
    ])
    const moved = await env.forge.listIssues('acme/flyte', {state: 'open'})
    assert.equal(moved.find((i) => i.title === 'Still open for 1.0')?.milestone?.title, '1.1.0')
    // master itself is not changed by the release.
    assert.match((await env.file('acme/flyte', 'docs/conf.py', 'master'))!, /release = "1\.16\.7"/)
  })

  it('a re-run after success makes zero writes', async () => {
    env.sim.reset()
    const report = await env.run({command: 'cut', version: '1.0.0'})
    assertReportOk(report)
    assert.equal(env.sim.counters.writes, 0)
    assert.ok(
      report.steps.every((s) => s.status === 'done'),
      JSON.stringify(report.steps),
    )
  })

  it('betas after the release: semver for Go components, PEP 440 for flyteidl; the bot re-run tags nothing', async () => {
    await mergePr(env.sim, 'acme/flyte', 'Add a feature after 1.0', ['added'])
    const report = await env.run({command: 'beta'})
    assertReportOk(report)
    const tags = await env.tags('acme/flyte')
    const master = await env.forge.getBranchSha('acme/flyte', 'master')
    assert.equal(tags.get('v1.1.0-b0'), master)
    assert.equal(tags.get('flyteadmin/v1.1.0-b0'), master)
    assert.equal(tags.get('flyteidl/v0.1.0b0'), master)
    env.sim.reset()
    const again = await env.run({command: 'beta'})
    assert.equal(again.steps.length, 0)
    assert.equal(env.sim.counters.writes, 0)
    await mergePr(env.sim, 'acme/flyte', 'Another feature', ['added'])
    const next = await env.run({command: 'beta', components: ['flyte', 'flyteidl']})
    assert.deepEqual(
      next.components.map((c) => c.tag),
      ['v1.1.0-b1', 'flyteidl/v0.1.0b1'],
    )
  })

  it('a beta patch, then the patch, on release-v1.0', async () => {
    await mergePr(env.sim, 'acme/flyte', 'Fix crash in admin (#1) (#2)', ['fixed'], 'release-v1.0')
    const beta = await env.run({command: 'patch', line: '1.0', beta: true})
    assertReportOk(beta)
    assert.deepEqual(
      beta.components.map((c) => c.tag),
      ['v1.0.1-b0', 'flyteadmin/v1.0.1-b0', 'flytepropeller/v1.0.1-b0'],
    )
    assert.equal((await env.forge.getReleaseByTag('acme/flyte', 'v1.0.1-b0'))?.prerelease, true)
    const patch = await env.run({command: 'patch', line: '1.0'})
    assertReportOk(patch)
    const tags = await env.tags('acme/flyte')
    const head = await env.forge.getBranchSha('acme/flyte', 'release-v1.0')
    assert.equal(tags.get('v1.0.1'), head)
    assert.notEqual(tags.get('v1.0.1-b0'), head, 'the patch has its own bump commit')
    assert.match((await env.file('acme/flyte', 'docs/conf.py', 'v1.0.1'))!, /release = "1\.0\.1"/)
    const changelog = (await env.file('acme/flyte', 'CHANGELOG/CHANGELOG-v1.0.1.md', 'v1.0.1'))!
    // The range starts at the previous stable release of the line, never at its beta.
    assert.match(changelog, /compare\/v1\.0\.0\.\.\.v1\.0\.1/)
    assert.match(changelog, /Fix crash in admin/)
    assert.equal(tags.has('v1.1.0'), false)
  })

  it('bad input: a version not above the last, a missing branch, a marker that matches nothing', async () => {
    env.sim.reset()
    await assert.rejects(env.run({command: 'cut', version: '0.9.0'}), (err: unknown) => {
      assert.ok(err instanceof CliError)
      assert.equal(err.exitCode, 2)
      assert.match(err.message, /release 0\.9\.0 is not above the latest release 1\.0\.1/)
      return true
    })
    await assert.rejects(env.run({command: 'patch', line: '0.9'}), (err: unknown) => {
      assert.ok(err instanceof CliError)
      assert.equal(err.exitCode, 4)
      assert.equal(err.message, 'branch release-v0.9 does not exist in acme/flyte')
      return true
    })
    const broken = await parseReleaseManifestText(MONOREPO.replace('FLYTEPROPELLER_TAG', 'FLYTEPropeller_TAG'))
    // A marker that matches nothing: a warning in the plan by default, an error under --strict.
    const warned = await runRelease(
      env.forge,
      broken,
      {command: 'cut', version: '1.1.0'},
      {home: join(tmp, 'w'), git: env.git, dryRun: true},
    )
    assert.ok(
      warned.notes.some((n) =>
        /^warning: acme\/flyte: charts\/flyte-core\/values\.yaml: no value is marked "# FLYTEPropeller_TAG"; did you mean "# FLYTEPROPELLER_TAG"/.test(
          n,
        ),
      ),
      warned.notes.join('\n'),
    )
    await assert.rejects(
      runRelease(
        env.forge,
        broken,
        {command: 'cut', version: '1.1.0'},
        {home: join(tmp, 'x'), git: env.git, strict: true},
      ),
      (err: unknown) => {
        assert.ok(err instanceof CliError)
        assert.match(
          err.message,
          /^acme\/flyte: charts\/flyte-core\/values\.yaml: no value is marked "# FLYTEPropeller_TAG"; did you mean "# FLYTEPROPELLER_TAG".*\(files\.1 of the release manifest\)$/,
        )
        return true
      },
    )
    assert.equal(env.sim.counters.writes, 0)
  })
})
