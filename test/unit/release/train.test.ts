import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, beforeEach, describe, it} from 'node:test'
import {CliError} from '../../../src/cli/errors.js'
import type {ReleaseManifest} from '../../../src/config/release-manifest.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {assertReportOk, renderPlanText, runRelease, makePlan} from '../../../src/release/service.js'
import {REPO_ROOT} from '../../support/cli.js'
import {FakeForge} from './fake-forge.js'

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release', name), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'release-train-'))
after(() => rmSync(dir, {recursive: true, force: true}))

const MANIFEST = `
release: {repository: o/flyte, name: Flyte}
components:
  - {name: flyte, repository: o/flyte}
  - {name: flyteadmin, repository: o/flyte, tagPrefix: flyteadmin/}
  - {name: flyteidl, repository: o/flyte, tagPrefix: flyteidl/, scheme: pep440, aligned: false}
  - {name: flytekit, repository: o/flytekit, scheme: pep440}
files:
  - {kind: helm-chart, path: charts/flyte-core/Chart.yaml, dependencyMarker: VERSION}
  - kind: yaml
    path: charts/flyte-core/values.yaml
    set: [{marker: FLYTEADMIN_TAG}, {marker: FLYTECOPILOT_IMAGE, value: 'cr.flyte.org/flyteorg/flytecopilot:{tag}'}]
  - {kind: sphinx-release, path: docs/conf.py}
`

let manifest: ReleaseManifest
let fake: FakeForge
let n = 0
const journal = () => join(dir, `journal-${n}.json`)

beforeEach(async () => {
  n++
  manifest = await parseReleaseManifestText(MANIFEST)
  fake = new FakeForge()
  const base = fake.addRepo('o/flyte', {
    'charts/flyte-core/Chart.yaml': fixture('flyte-core-Chart.yaml'),
    'charts/flyte-core/values.yaml': fixture('flyte-core-values.yaml'),
    'docs/conf.py': fixture('docs-conf.py'),
  })
  fake.tag('o/flyte', 'v1.16.8', base)
  fake.tag('o/flyte', 'flyteadmin/v1.16.8', base)
  fake.tag('o/flyte', 'flyteidl/v1.16.8', base)
  fake.merge('o/flyte', 'Set priorityClassName for Spark tasks', ['changed'])
  fake.merge('o/flyte', "Don't panic when receiving status in k8s resolver", ['fixed'])
  fake.merge('o/flyte', 'Bump deps')
  const kit = fake.addRepo('o/flytekit')
  fake.tag('o/flytekit', 'v1.16.24', kit)
  fake.merge('o/flytekit', 'Add pandas 3 support', ['added'])
  await fake.createMilestone('o/flyte', {title: '1.17.0'})
  fake.addIssue('o/flyte', 'left over', '1.17.0')
  fake.counters.reads = 0
  fake.counters.writes = 0
})

const now = new Date('2026-11-25T00:00:00Z')

describe('release cut (in-memory forge)', () => {
  it('tags every aligned component at the bump commit of release-v1.17, writes the changelog, release and milestones', async () => {
    const report = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), now},
    )
    assertReportOk(report)
    const flyte = fake.repo('o/flyte')
    const head = flyte.branches.get('release-v1.17')!
    assert.equal(flyte.tags.get('v1.17.0'), head)
    assert.equal(flyte.tags.get('flyteadmin/v1.17.0'), head)
    assert.equal(flyte.tags.has('flyteidl/v1.17.0'), false, 'independent components are not tagged')
    assert.ok(fake.repo('o/flytekit').tags.get('v1.17.0'), 'pep440 component tagged v1.17.0')
    const files = flyte.commits.get(head)!.files
    assert.match(files['charts/flyte-core/Chart.yaml']!, /^version: v1\.17\.0 {2}# VERSION$/m)
    assert.match(files['charts/flyte-core/values.yaml']!, /tag: v1\.17\.0 {2}# FLYTEADMIN_TAG/)
    assert.match(files['charts/flyte-core/values.yaml']!, /flytecopilot:v1\.17\.0 {2}# FLYTECOPILOT_IMAGE/)
    assert.match(files['docs/conf.py']!, /^release = "1\.17\.0"$/m)
    const changelog = files['CHANGELOG/CHANGELOG-v1.17.0.md']!
    assert.match(changelog, /^# Flyte 1\.17\.0\n/)
    assert.match(
      changelog,
      /## Changed\n- Set priorityClassName for Spark tasks \(\[o\/flyte#1\]\(https:\/\/github\.com\/o\/flyte\/pull\/1\)\)/,
    )
    assert.match(changelog, /## Fixed\n- Don't panic/)
    assert.match(changelog, /## Added\n- Add pandas 3 support \(\[o\/flytekit#1\]/)
    assert.match(changelog, /## Other\n- Bump deps/)
    assert.match(
      changelog,
      /\*\*Full Changelog \(o\/flyte\)\*\*: https:\/\/github\.com\/o\/flyte\/compare\/v1\.16\.8\.\.\.v1\.17\.0/,
    )
    assert.equal(flyte.releases.length, 1)
    assert.equal(flyte.releases[0]!.name, 'Flyte v1.17.0')
    assert.equal(flyte.releases[0]!.body, changelog)
    assert.deepEqual(
      flyte.milestones.map((m) => [m.title, m.state]),
      [
        ['1.17.0', 'closed'],
        ['1.18.0', 'open'],
      ],
    )
    assert.equal(flyte.issues[0]!.milestone?.title, '1.18.0')
    assert.equal(flyte.branches.get('master') !== head, true)
    const after = JSON.parse(readFileSync(report.journal!, 'utf8'))
    assert.equal(after.state, 'complete')

    // A re-run after success: reads only.
    const writes = fake.counters.writes
    const again = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), now},
    )
    assertReportOk(again)
    assert.equal(fake.counters.writes, writes)
    assert.equal(again.api.writes, 0)
    assert.ok(
      again.steps.every((s) => s.status === 'done'),
      JSON.stringify(again.steps),
    )
  })

  it('a docs path named in the manifest that does not exist: no docs-pin step, a plan note', async () => {
    const named = await parseReleaseManifestText(
      MANIFEST.replace(
        '{name: flytekit, repository: o/flytekit,',
        '{name: flytekit, repository: o/flytekit, docs: docs/source/conf.py,',
      ),
    )
    const plan = await makePlan(fake.asForge(), named, {command: 'cut', version: '1.17.0'}, now)
    assert.deepEqual(
      plan.steps.filter((s) => s.kind === 'docs-pin').map((s) => s.repo),
      ['o/flyte'],
    )
    assert.ok(
      plan.notes.includes('o/flytekit: docs/source/conf.py (docs of flytekit) does not exist; no docs pin there'),
    )
  })

  it('--dry-run plans everything and writes nothing', async () => {
    const report = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {dryRun: true, journalPath: journal(), now},
    )
    assert.equal(fake.counters.writes, 0)
    assert.deepEqual(
      report.steps.map((s) => s.kind),
      ['branch', 'commit', 'tag', 'tag', 'release', 'milestone-rollover', 'docs-pin', 'branch', 'tag'],
    )
    assert.ok(
      report.steps.every((s) => s.status === 'planned'),
      JSON.stringify(report.steps.filter((s) => s.status !== 'planned')),
    )
    const plan = await makePlan(fake.asForge(), manifest, {command: 'cut', version: '1.17.0'}, now)
    const text = renderPlanText(plan).replace(/\b[0-9a]{7}\b/g, '<sha>')
    assert.equal(
      text,
      [
        'release cut 1.17.0 (release-v1.17)',
        '  flyte            v1.17.0  (previous v1.16.8)',
        '  flyteadmin       flyteadmin/v1.17.0  (previous flyteadmin/v1.16.8)',
        '  flytekit         v1.17.0  (previous v1.16.24)',
        'o/flyte:',
        '  - branch release-v1.17 at <sha>',
        '  - bump commit on release-v1.17: charts/flyte-core/Chart.yaml, charts/flyte-core/values.yaml, docs/conf.py, CHANGELOG/CHANGELOG-v1.17.0.md',
        '  - tag v1.17.0 at release-v1.17 head',
        '  - tag flyteadmin/v1.17.0 at release-v1.17 head',
        '  - GitHub release v1.17.0',
        '  - milestone 1.18.0 (created if missing), open issues of 1.17.0 moved to it, 1.17.0 closed',
        '  - docs pin pull request: docs/conf.py on release-v1.17 (aligned docs → v1.17, others latest)',
        'o/flytekit:',
        '  - branch release-v1.17 at <sha>',
        '  - tag v1.17.0 at release-v1.17 head',
        '',
      ].join('\n'),
    )
  })

  it('a fault in the middle stops with exit 8; --resume finishes with no duplicate tag, release or milestone', async () => {
    fake.failOn = {method: 'createRelease', call: 1}
    const first = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), now},
    )
    assert.equal(first.ok, false)
    assert.throws(
      () => assertReportOk(first),
      (err: unknown) => err instanceof CliError && err.exitCode === 8 && /--resume/.test(err.hint!),
    )
    const failed = first.steps.find((s) => s.status === 'failed')!
    assert.equal(failed.kind, 'release')
    assert.ok(first.steps.some((s) => s.status === 'not-run' && s.kind === 'milestone-rollover'))
    // Without --resume the unfinished run is refused.
    await assert.rejects(
      runRelease(fake.asForge(), manifest, {command: 'cut', version: '1.17.0'}, {journalPath: journal(), now}),
      /an unfinished release cut 1\.17\.0 is recorded in .* \(stopped at o\/flyte release v1\.17\.0\)/,
    )
    const resumed = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), now, resume: true},
    )
    assertReportOk(resumed)
    const flyte = fake.repo('o/flyte')
    assert.equal(flyte.releases.length, 1)
    assert.equal(flyte.milestones.filter((m) => m.title === '1.18.0').length, 1)
    assert.equal([...flyte.tags.keys()].filter((t) => t === 'v1.17.0').length, 1)
    // The resumed run skipped what the journal had, so only the remaining steps cost writes.
    assert.equal(resumed.api.writes, 4) // release, milestone, issue move, close
  })

  it('--abort drops an unfinished run without touching the remote', async () => {
    fake.failOn = {method: 'createTag', call: 1}
    const first = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), now},
    )
    assert.equal(first.ok, false)
    const writes = fake.counters.writes
    const aborted = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), abort: true},
    )
    assert.equal(aborted.ok, false)
    assert.equal(fake.counters.writes, writes)
    assert.equal(JSON.parse(readFileSync(journal(), 'utf8')).state, 'aborted')
    await assert.rejects(
      runRelease(fake.asForge(), manifest, {command: 'cut', version: '1.17.0'}, {journalPath: journal(), resume: true}),
      /no unfinished release cut 1\.17\.0 to resume/,
    )
  })

  it('a tag already at another commit is a conflict, never moved', async () => {
    fake.tag('o/flyte', 'flyteadmin/v1.17.0', fake.repo('o/flyte').branches.get('master')!)
    const report = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'cut', version: '1.17.0'},
      {journalPath: journal(), now},
    )
    const bad = report.steps.find((s) => s.status === 'failed')!
    assert.equal(bad.target, 'flyteadmin/v1.17.0')
    assert.match(bad.detail!, /already exists at [0-9a]{7}, not at [0-9a]{7}; tags are never moved/)
    assert.ok(report.steps.filter((s) => s.repo === 'o/flyte' && s.status === 'not-run').length > 0)
  })

  const bad: Array<[string, string, RegExp, number]> = [
    ['not a version', 'latest', /"latest" is not a release version/, 2],
    ['a beta', '1.17.0b1', /"1\.17\.0b1" is not a release version/, 2],
    ['a patch', '1.17.1', /release cut takes a minor version X\.Y\.0, not 1\.17\.1/, 2],
    ['not above the last', '1.16.0', /flyte: release 1\.16\.0 is not above the latest release 1\.16\.8/, 2],
  ]
  for (const [name, version, pattern, code] of bad) {
    it(`bad input (${name}): a one-line error and no write`, async () => {
      await assert.rejects(
        runRelease(fake.asForge(), manifest, {command: 'cut', version}, {journalPath: journal(), now}),
        (err: unknown) =>
          err instanceof CliError && pattern.test(err.message) && err.exitCode === code && !err.message.includes('\n'),
      )
      assert.equal(fake.counters.writes, 0)
    })
  }
})

describe('release beta and patch (in-memory forge)', () => {
  it('betas of the next minor after a release, per scheme; the CI bot re-run tags nothing', async () => {
    assertReportOk(
      await runRelease(fake.asForge(), manifest, {command: 'cut', version: '1.17.0'}, {journalPath: journal(), now}),
    )
    fake.merge('o/flyte', 'feature after release', ['added'])
    fake.merge('o/flytekit', 'kit feature', ['added'])
    const beta = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'beta'},
      {journalPath: join(dir, `beta-${n}.json`)},
    )
    assertReportOk(beta)
    const flyte = fake.repo('o/flyte')
    const head = flyte.branches.get('master')!
    assert.equal(flyte.tags.get('v1.18.0-b0'), head)
    assert.equal(flyte.tags.get('flyteadmin/v1.18.0-b0'), head)
    assert.equal(
      flyte.tags.get('flyteidl/v1.17.0b0'),
      head,
      'independent pep440 component: its own next minor, PEP 440 spelling',
    )
    assert.equal(fake.repo('o/flytekit').tags.get('v1.18.0b0'), fake.repo('o/flytekit').branches.get('master'))
    const writes = fake.counters.writes
    const again = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'beta'},
      {journalPath: join(dir, `beta-${n}.json`)},
    )
    assert.equal(fake.counters.writes, writes)
    assert.equal(again.steps.length, 0)
    assert.match(again.notes.join('\n'), /flyte: master head [0-9a]{7} is already tagged v1\.18\.0-b0/)
    fake.merge('o/flyte', 'second feature')
    const b1 = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'beta', components: ['flyte']},
      {journalPath: join(dir, `beta-${n}.json`)},
    )
    assert.deepEqual(
      b1.components.map((c) => c.tag),
      ['v1.18.0-b1'],
    )
    fake.merge('o/flytekit', 'kit fix')
    const kitOnly = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'beta', repositories: ['o/flytekit']},
      {journalPath: join(dir, `beta-${n}.json`)},
    )
    assert.deepEqual(
      kitOnly.components.map((c) => c.tag),
      ['v1.18.0b1'],
    )
    await assert.rejects(
      runRelease(
        fake.asForge(),
        manifest,
        {command: 'beta', repositories: ['o/nope']},
        {journalPath: join(dir, `beta-${n}.json`)},
      ),
      /no component of the release manifest lives in o\/nope/,
    )
  })

  it('a beta patch then the patch on release-v1.17; missing branch is an error', async () => {
    assertReportOk(
      await runRelease(fake.asForge(), manifest, {command: 'cut', version: '1.17.0'}, {journalPath: journal(), now}),
    )
    fake.merge('o/flyte', 'Backport fix (#9) (#10)', ['fixed'], 'release-v1.17')
    const beta = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'patch', line: '1.17', beta: true},
      {journalPath: join(dir, `p-${n}.json`)},
    )
    assertReportOk(beta)
    assert.deepEqual(
      beta.components.map((c) => c.tag),
      ['v1.17.1-b0', 'flyteadmin/v1.17.1-b0'],
    )
    const flyte = fake.repo('o/flyte')
    assert.equal(flyte.releases.at(-1)!.prerelease, true)
    assert.match(
      flyte.commits.get(flyte.branches.get('release-v1.17')!)!.files['docs/conf.py']!,
      /release = "1\.17\.1-b0"/,
    )
    const patch = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'patch', line: '1.17'},
      {journalPath: join(dir, `p2-${n}.json`)},
    )
    assertReportOk(patch)
    assert.deepEqual(
      patch.components.map((c) => c.tag),
      ['v1.17.1', 'flyteadmin/v1.17.1'],
    )
    assert.equal(flyte.tags.get('v1.17.1'), flyte.branches.get('release-v1.17'))
    const changelog = flyte.commits.get(flyte.branches.get('release-v1.17')!)!.files['CHANGELOG/CHANGELOG-v1.17.1.md']!
    // From the previous stable release of the line, not from the beta patch.
    assert.match(changelog, /compare\/v1\.17\.0\.\.\.v1\.17\.1/)
    // Patch again without new commits: the branch head is released, nothing to write.
    const writes = fake.counters.writes
    const again = await runRelease(
      fake.asForge(),
      manifest,
      {command: 'patch', line: '1.17'},
      {journalPath: join(dir, `p3-${n}.json`)},
    )
    assert.equal(fake.counters.writes, writes)
    assert.equal(again.steps.length, 0)
    await assert.rejects(
      runRelease(fake.asForge(), manifest, {command: 'patch', line: '1.9'}, {journalPath: join(dir, `p4-${n}.json`)}),
      (err: unknown) =>
        err instanceof CliError &&
        err.exitCode === 4 &&
        /branch release-v1\.9 does not exist in o\/flyte/.test(err.message),
    )
  })
})
