import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {FakeForge} from '../triage/fake-forge.js'
import {pinDocs} from '../../../src/docs-versioning/pin.js'
import {checkDocs, versionFromRef} from '../../../src/docs-versioning/check.js'

const FIXTURES = new URL('../../../../test/fixtures/conf/', import.meta.url).pathname
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

function seed(): FakeForge {
  const f = new FakeForge()
  f.addRepo('flyteorg/flyte')
  f.addRepo('flyteorg/flytekit')
  f.addRepo('flyteorg/flytesnacks')
  f.branches.set('flyteorg/flyte@release-v1.3', 'rel0')
  f.files.set('flyteorg/flyte@release-v1.3:rsts/conf.py', fixture('flyte-rsts.conf.py'))
  f.branches.set('flyteorg/flytekit@release-v1.3', 'rel1')
  f.files.set('flyteorg/flytekit@release-v1.3:docs/source/conf.py', fixture('flytekit.conf.py'))
  return f
}

const repos = [
  {repo: 'flyteorg/flyte', base: 'release-v1.3'},
  {repo: 'flyteorg/flytekit', base: 'release-v1.3'},
  {repo: 'flyteorg/flytesnacks'},
]

test('pinDocs: dry-run writes nothing; apply opens one PR per repo; a re-run writes nothing', async () => {
  const f = seed()
  const dry = await pinDocs(f, {repos, version: '1.3.0', dryRun: true})
  assert.equal(dry.api.writes, 0)
  assert.deepEqual(
    dry.repos.map((r) => r.status),
    ['planned', 'planned', 'no-conf'],
  )
  assert.equal(dry.branch, 'docs-pin-v1.3')
  const run = await pinDocs(f, {repos, version: '1.3.0', dryRun: false})
  assert.equal(run.ok, true)
  assert.deepEqual(
    run.repos.map((r) => r.status),
    ['pull-opened', 'pull-opened', 'no-conf'],
  )
  assert.equal(run.api.writes, 6, 'branch + commit + pull in each of two repos')
  assert.equal(f.files.get('flyteorg/flyte@docs-pin-v1.3:rsts/conf.py'), fixture('flyte-rsts.pinned-1.3.0.py'))
  assert.equal(f.files.get('flyteorg/flyte@release-v1.3:rsts/conf.py'), fixture('flyte-rsts.conf.py'))
  const pull = f.pulls.get('flyteorg/flytekit')![0]
  assert.equal(pull.base, 'release-v1.3')
  assert.equal(pull.head, 'docs-pin-v1.3')
  assert.match(pull.body, /`idl` \(flyteidl\): `latest` → `v1.3`/)
  assert.match(pull.body, /`release`: `0.16.0b9` → `1.3.0`/)
  const again = await pinDocs(f, {repos, version: '1.3.0', dryRun: false})
  assert.equal(again.api.writes, 0)
  assert.deepEqual(
    again.repos.map((r) => r.status),
    ['pull-exists', 'pull-exists', 'no-conf'],
  )
  // After the PR merges, the base is pinned: nothing to do, nothing read beyond the file.
  f.files.set('flyteorg/flyte@release-v1.3:rsts/conf.py', fixture('flyte-rsts.pinned-1.3.0.py'))
  const merged = await pinDocs(f, {repos: [repos[0]], version: '1.3.0', dryRun: false})
  assert.equal(merged.repos[0].status, 'up-to-date')
  assert.equal(merged.api.writes, 0)
})

test('pinDocs: bad versions and slug formats are invalid input', async () => {
  await assert.rejects(pinDocs(new FakeForge(), {repos, version: 'next', dryRun: true}), /is not a release version/)
  await assert.rejects(
    pinDocs(new FakeForge(), {repos, version: '1.3', slugFormat: 'v{major} {minor}', dryRun: true}),
    /use letters, digits/,
  )
})

test('docs check: drift on a release branch and a release tag', async () => {
  const f = seed()
  assert.equal(versionFromRef('release-v1.3'), '1.3')
  assert.equal(versionFromRef('v1.16.0-b2'), '1.16.0-b2')
  assert.equal(versionFromRef('flytekit/v1.2.3'), '1.2.3')
  assert.equal(versionFromRef('master'), undefined)
  const drift = await checkDocs(f, {repos: repos.slice(0, 2), ref: 'release-v1.3'})
  assert.equal(drift.ok, false)
  assert.deepEqual(
    drift.repos[0].findings.map((x) => [x.line, x.kind]),
    [
      [43, 'unpinned-link'],
      [48, 'unpinned-link'],
    ],
  )
  f.files.set(
    'flyteorg/flyte@v1.3.0:rsts/conf.py',
    fixture('flyte-rsts.pinned-1.3.0.py').replace('u"1.3.0"', 'u"1.3.0-b4"'),
  )
  const tag = await checkDocs(f, {repos: [repos[0]], ref: 'v1.3.0'})
  assert.deepEqual(tag.repos[0].findings, [
    {line: 26, kind: 'release-mismatch', message: 'release = "1.3.0-b4" does not match 1.3.0'},
  ])
  await assert.rejects(checkDocs(f, {repos, ref: 'master'}), /cannot tell which release/)
  // A tag the strict parser refuses is an error with the reason, never read as another version.
  await assert.rejects(
    checkDocs(f, {repos, ref: 'v01.3.0'}),
    /"01\.3\.0" is not a release version: the major number "01" has a leading zero/,
  )
  await assert.rejects(checkDocs(f, {repos, ref: 'flytekit/v1.3.0.dev1'}), /dev part/)
  assert.equal(tag.api.writes, 0)
})

test('pinDocs: a conf.py that is not valid Python before the edit fails that repository and writes nothing', async () => {
  const f = new FakeForge()
  f.addRepo('flyteorg/flyte')
  f.files.set(
    'flyteorg/flyte@master:docs/conf.py',
    'intersphinx_mapping = {\n  "flyte": ("https://flyte.readthedocs.io/en/latest/", None),\n\ndef broken(:\n',
  )
  const result = await pinDocs(f, {repos: [{repo: 'flyteorg/flyte'}], version: '1.3', dryRun: false})
  if (!result.repos[0].python?.ran) return // python3 missing here: nothing to check against
  assert.equal(result.ok, false)
  assert.match(result.repos[0].error!, /docs\/conf\.py on master is not valid Python before any edit \(.*line 4/)
  assert.equal(result.api.writes, 0)
})
