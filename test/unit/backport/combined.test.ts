import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {pullsInMessage, pullsInSubject, sourcesInBranch} from '../../../src/backport/combined.js'
import {formatsFor, manifestFormats, parseBackportConfig} from '../../../src/backport/config.js'
import {backportBranch, backportTitle} from '../../../src/backport/plan.js'
import {CliError} from '../../../src/cli/errors.js'
import {readReleaseBranchCommits} from '../../support/release-history.js'

/** subject → sha of the real release-branch commits (captured from flyteorg/flyte and flytekit). */
function subjects(name: 'flyte' | 'flytekit'): Map<string, string> {
  return new Map(readReleaseBranchCommits(name).map((c) => [c.subject, c.sha]))
}

describe('PR numbers a release-branch commit carries (real Flyte subjects)', () => {
  const flyte = subjects('flyte')
  const flytekit = subjects('flytekit')
  // Every expectation is a subject that really is in the fixtures.
  const cases: [Map<string, string>, string, number[]][] = [
    [flyte, 'Backport #5788, #5855, and #5769 to release v1.13 (#5890)', [5769, 5788, 5855, 5890]],
    [flyte, 'Rel v1.13 bp 5795 5987 6013 (#6016)', [5795, 5987, 6013, 6016]],
    [flyte, 'add sub_node_interface field to array node (#6018) (#6067)', [6018, 6067]],
    [flyte, 'Update Flyte components - v1.13.3 (#5897)', [5897]],
    [flytekit, 'mhotan/v1.15 bp 3231 3239 (#3240)', [3231, 3239, 3240]],
    [flytekit, 'v1.14 Backport 3086 - StructuredDatasets inside dc/pydantic (#3088)', [3086, 3088]],
    [flytekit, 'Backport 3043 (remote register launch plan name) to v1.14 + 3024 (#3045)', [3024, 3043, 3045]],
    [flytekit, 'Backport #1011 to 0.26 (#1015)', [1011, 1015]],
    [flytekit, 'Cherry pick #835 - dynamic, fast registered pod tasks (#836)', [835, 836]],
    [flytekit, 'Cherry-pick #854 into v0.30 Add anonymous retry (#855)', [854, 855]],
    [flytekit, '[v1.1] #1122 - Remove py.typed (#1123)', [1122, 1123]],
    [flytekit, 'backport to 1.14 - [BUG] Open FlyteFile from remote path (#2991) (#3079)', [2991, 3079]],
    // Versions, dates and shas are not PR numbers.
    [flytekit, 'Backport changes up to 2025/01/21 (#3078)', [3078]],
    [flytekit, 'Backport changes for 14.1 (#3006)', [3006]],
    [flytekit, 'Backport 1.6.1 and 1.6.2 to 1.2 (#1729)', [1729]],
    [flytekit, '[v1.2 Backport] be24c52 through e90ee25 (#1549)', [1549]],
    [flytekit, '[v1.1] - Backporting v1.2.0b2 changes  (#1167)', [1167]],
    [flytekit, 'Backport to 1.2.x - fix marshmallow-enum bug (#1746) (#1754)', [1746, 1754]],
    [flytekit, 'Add loop to S3 retries (v0.12) (#184)', [184]],
    [flyte, 'write more for the 1.2.1 changelog', []],
  ]
  for (const [fixture, subject, expected] of cases) {
    it(subject, () => {
      assert.ok(fixture.has(subject), `not a captured subject: ${subject}`)
      assert.deepEqual(pullsInSubject(subject), expected)
    })
  }

  it('a revert carries nothing; html entities and other repositories are not ours', () => {
    assert.deepEqual(pullsInSubject('Revert "Fix the thing (#123)" (#130)'), [])
    assert.deepEqual(pullsInSubject('Backport flyteorg/flyte#5788 to v1.13 (#77)'), [77])
    assert.deepEqual(pullsInSubject('Render &#123; in docs (#9)'), [9])
  })

  it('a combined PR squash body lists its sources; Closes #N does not count', () => {
    const body = '* Fix A (#5788)\n* Fix B (#5855)\n\nCloses #4000\nSigned-off-by: x <x@y>'
    assert.deepEqual(pullsInMessage('Backport to release v1.13 (#5890)', body), [5788, 5855, 5890])
    assert.deepEqual(pullsInMessage('Docs', body), [])
  })
})

describe('backport branch and title templates', () => {
  const source = {key: '2813', pr: 2813, title: 'More instance generic checks'}
  const naming = (formats: Partial<{backportBranchName: string; prTitle: string}>) => ({
    formats: {...formatsFor(parseBackportConfig({}), 'x/y'), ...formats},
    sourceBranch: 'master',
  })

  it('defaults keep the historical forms', () => {
    assert.equal(backportBranch([source], 'release-v1.13'), 'backport-2813-to-release-v1.13')
    assert.equal(backportTitle(source, 'release-v1.13'), '[release-v1.13] More instance generic checks (#2813)')
  })

  it("the shipped manifest gives flytekit's and flyte's own spellings", () => {
    const doc = {
      repositories: {
        'flyteorg/flyte': {backport: {prTitle: 'Backport {{sourceNumbers}} to release v{{targetVersion}}'}},
        'flyteorg/flytekit': {backport: {prTitle: 'Backport to v{{targetVersion}} - {{commitMessages}}'}},
      },
    }
    const config = parseBackportConfig({})
    const fromManifest = manifestFormats(doc, 'manifest m.yaml')
    const kit = {formats: formatsFor(config, 'flyteorg/flytekit', fromManifest)}
    assert.equal(
      backportTitle(source, 'release-v1.13', kit),
      'Backport to v1.13 - More instance generic checks (#2813)',
    )
    const flyte = {formats: formatsFor(config, 'flyteorg/flyte', fromManifest)}
    const three = [5788, 5855, 5769].map((n) => ({key: String(n), pr: n, title: `Fix ${n}`}))
    assert.equal(backportTitle(three, 'release-v1.13', flyte), 'Backport #5788, #5855, and #5769 to release v1.13')
    // The config's per-repository entry wins over the manifest.
    const own = parseBackportConfig({
      repositories: {'flyteorg/flyte': {prTitle: '[{{targetBranch}}] {{commitMessages}}'}},
    })
    assert.equal(formatsFor(own, 'flyteorg/flyte', fromManifest).prTitle, '[{{targetBranch}}] {{commitMessages}}')
  })

  it('combined branches read back through the template', () => {
    const values = {targetBranch: 'release-v1.14', targetVersion: '1.14', sourceBranch: 'master'}
    const template = 'downstream--{{sources}}-to-{{targetBranch}}'
    const sources = [2940, 2994, 3011, 3012, 3014].map((n) => ({key: String(n), pr: n, title: ''}))
    const branch = backportBranch(sources, 'release-v1.14', naming({backportBranchName: template}))
    assert.equal(branch, 'downstream--2940-2994-3011-3012-3014-to-release-v1.14')
    assert.deepEqual(sourcesInBranch(branch, template, values), ['2940', '2994', '3011', '3012', '3014'])
    assert.equal(sourcesInBranch('downstream--1-to-release-v1.13', template, values), undefined)
    assert.deepEqual(
      sourcesInBranch('backport/release-v1.14/pr-12_pr-13', 'backport/{{targetBranch}}/{{refValues}}', values),
      ['12', '13'],
    )
  })

  it('bad templates are config errors naming the key; a rendered bad branch name is refused', () => {
    assert.throws(
      () => parseBackportConfig({prTitle: '{{title}}'}, 'c.yaml'),
      (e: CliError) =>
        e.code === 'config-invalid' && /backport\.prTitle: unknown placeholder \{\{title\}\}/.test(e.message),
    )
    assert.throws(
      () => parseBackportConfig({backportBranchName: 'bp-{{commitMessages}}'}, 'c.yaml'),
      /backport\.backportBranchName: unknown placeholder \{\{commitMessages\}\}/,
    )
    assert.throws(
      () => manifestFormats({repositories: {'a/b': {backport: {prTitle: 'x {{oops'}}}}, 'manifest m.yaml'),
      /manifest m\.yaml: repositories\.a\/b\.backport\.prTitle: unbalanced/,
    )
    assert.throws(
      () => backportBranch([source], 'release v1.13', naming({backportBranchName: '{{targetBranch}}-{{sources}}'})),
      /backportBranchName renders "release v1\.13-2813": only letters/,
    )
  })
})

describe('release branch numbers go through the strict version parser', () => {
  it('a leading zero makes a branch no release branch, reported with the reason', async () => {
    const {releaseBranches} = await import('../../../src/backport/targets.js')
    const {targetVersion} = await import('../../../src/backport/plan.js')
    const bad: string[] = []
    const pattern = parseBackportConfig({}).releaseBranchPattern
    const out = releaseBranches(['release-v1.13', 'release-v01.14', 'release-v1.014', 'release-1.2'], pattern, (b, r) =>
      bad.push(`${b}: ${r}`),
    )
    assert.deepEqual(out, ['release-v1.13', 'release-1.2'])
    assert.deepEqual(bad, [
      'release-v01.14: the major number "01" has a leading zero',
      'release-v1.014: the minor number "014" has a leading zero',
    ])
    assert.equal(targetVersion('release-v1.13'), '1.13')
    assert.equal(targetVersion('release-v01.13'), 'release-v01.13')
  })
})

describe('offline audit: a fix by its title (labels need the API)', () => {
  it('recognises fix titles and security fixes, not features', async () => {
    const {fixKindOfTitle} = await import('../../../src/backport/audit.js')
    // Real titles from the release-branch fixtures (the part before the PR number).
    assert.equal(fixKindOfTitle('Fix S3 proxy settings get (release 0.12)'), 'fix')
    assert.equal(fixKindOfTitle('[BUG] Open FlyteFile from remote path'), 'fix')
    assert.equal(fixKindOfTitle('fix(flytepropeller): nil pointer on abort'), 'fix')
    assert.equal(fixKindOfTitle('[Snyk] Security upgrade mistune from 0.8.4 to 2.0.3'), 'security')
    assert.equal(fixKindOfTitle('Add pyspark pipeline model transformer'), undefined)
    assert.equal(fixKindOfTitle('Prefix handling for FlyteFile'), undefined)
  })
})
