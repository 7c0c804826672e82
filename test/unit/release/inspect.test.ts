import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {releaseLint, releaseStatus} from '../../../src/release/inspect.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {REPO_ROOT} from '../../support/cli.js'
import {FakeForge} from './fake-forge.js'

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release', name), 'utf8')

const MANIFEST = `
release: {repository: o/flyte}
components:
  - {name: flyte, repository: o/flyte}
  - {name: flyteadmin, repository: o/flyte, tagPrefix: flyteadmin/}
  - {name: flytectl, repository: o/flyte, tagPrefix: flytectl/, aligned: false}
  - {name: flytekit, repository: o/flytekit, scheme: pep440}
files:
  - {kind: sphinx-release, path: docs/conf.py}
  - kind: yaml
    path: charts/flyteconnector/values.yaml
    set: [{marker: FLYTECONNECTOR_IMAGE}, {marker: FLYTECONNECTOR_TAG}]
`

/** A history with the defects found in flyteorg/flyte (flyte-release-practice.md §1.3, §1.5, §3.1). */
async function flyteLikeHistory() {
  const fake = new FakeForge()
  const conf = (v: string) => fixture('docs-conf.py').replace('release = "1.16.7"', `release = "${v}"`)
  const base = fake.addRepo('o/flyte', {
    'docs/conf.py': conf('1.15.1'),
    'charts/flyteconnector/values.yaml': fixture('flyteconnector-values.yaml'),
    'CHANGELOG/CHANGELOG-v1.15.1.md': '# Flyte 1.15.1\n',
  })
  fake.tag('o/flyte', 'v1.15.1', base)
  fake.tag('o/flyte', '1.15.1', base)
  fake.tag('o/flyte', 'flyteadmin/1.15.1', base)
  fake.tag('o/flyte', 'flytectl/flytectl/v0.9.4', base)
  const flyte = fake.repo('o/flyte')
  const b0 = fake.merge('o/flyte', 'beta')
  flyte.commits.get(b0)!.files['docs/conf.py'] = conf('1.16.0-b4')
  fake.tag('o/flyte', 'v1.16.0b0', b0)
  fake.tag('o/flyte', 'v1.16.0-b0', b0)
  fake.tag('o/flyte', 'flyteadmin/v1.16.0b4', b0)
  fake.tag('o/flyte', 'flyteadmin/v1.16.0-b4', b0)
  fake.tag('o/flyte', 'v1.16.0', b0) // docs still say 1.16.0-b4, no changelog
  fake.merge('o/flyte', 'after release')
  const kit = fake.addRepo('o/flytekit')
  fake.tag('o/flytekit', 'v1.16.0', kit)
  await fake.createMilestone('o/flyte', {title: '1.16.1'})
  fake.counters.writes = 0
  return fake
}

describe('release lint', () => {
  it('finds every defect class from Flyte history', async () => {
    const fake = await flyteLikeHistory()
    const manifest = await parseReleaseManifestText(MANIFEST)
    const findings = await releaseLint(fake.asForge(), manifest)
    const lines = findings.map((f) => `${f.rule}: ${f.message}`)
    assert.deepEqual(lines, [
      'aligned-out-of-step: flyteadmin is aligned but its latest release is flyteadmin/1.15.1, not on 1.16 (v1.16.0)',
      'docs-release-mismatch: docs/conf.py at v1.16.0 has release = "1.16.0-b4", expected "1.16.0"',
      'doubly-spelled-tag: flyteadmin 1.16.0-b4 is tagged 2 times: flyteadmin/v1.16.0-b4, flyteadmin/v1.16.0b4',
      'doubly-spelled-tag: flyte 1.15.1 is tagged 2 times: v1.15.1, 1.15.1',
      'doubly-spelled-tag: flyte 1.16.0-b0 is tagged 2 times: v1.16.0-b0, v1.16.0b0',
      'malformed-tag: flyte tag 1.15.1 has no "v" (expected v1.15.1)',
      'malformed-tag: flyteadmin tag flyteadmin/1.15.1 has no "v" (expected flyteadmin/v1.15.1)',
      'malformed-tag: flyteadmin tag flyteadmin/v1.16.0b4 uses the other scheme’s prerelease spelling (expected flyteadmin/v1.16.0-b4)',
      'malformed-tag: flytectl tag flytectl/flytectl/v0.9.4 repeats the tag prefix (expected flytectl/v0.9.4)',
      'malformed-tag: flyte tag v1.16.0b0 uses the other scheme’s prerelease spelling (expected v1.16.0-b0)',
      'marker-matches-nothing: charts/flyteconnector/values.yaml: no value is marked "# FLYTECONNECTOR_IMAGE"; did you mean "# FLYTEconnector_IMAGE" (markers are case-sensitive)?',
      'tag-without-changelog: v1.16.0 has no CHANGELOG/CHANGELOG-v1.16.0.md',
      // Betas need their notes too (goreleaser publishes CHANGELOG-<tag>.md for each).
      'tag-without-changelog: v1.16.0-b0 has no CHANGELOG/CHANGELOG-v1.16.0-b0.md',
    ])
    const severity = Object.fromEntries(findings.map((f) => [f.rule, f.severity]))
    assert.equal(severity['marker-matches-nothing'], 'warning')
    assert.equal(severity['malformed-tag'], 'error')
    assert.equal(fake.counters.writes, 0)
  })

  it('status: latest release and beta per component, pending commits, release branches', async () => {
    const fake = await flyteLikeHistory()
    await fake.createBranch('o/flyte', 'release-v1.15', fake.repo('o/flyte').tags.get('v1.15.1')!)
    const manifest = await parseReleaseManifestText(MANIFEST)
    const rows = await releaseStatus(fake.asForge(), manifest)
    const flyte = rows.find((r) => r.component === 'flyte')!
    assert.deepEqual(
      {latestRelease: flyte.latestRelease, latestPrerelease: flyte.latestPrerelease, pending: flyte.pending},
      {latestRelease: 'v1.16.0', latestPrerelease: null, pending: 1},
    )
    assert.deepEqual(flyte.releaseBranches, ['release-v1.15'])
    const admin = rows.find((r) => r.component === 'flyteadmin')!
    assert.equal(admin.latestRelease, 'flyteadmin/1.15.1')
    assert.equal(admin.latestPrerelease, 'flyteadmin/v1.16.0-b4')
    assert.equal(rows.find((r) => r.component === 'flytekit')!.pending, 0)
  })
})
