import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {checkAboveLatest, nextBeta, nextPatch} from '../../../src/versioning/next.js'
import {componentTags, doublySpelled, formatTag, latestTag, parseComponentTag} from '../../../src/versioning/tags.js'
import {
  compareVersions,
  formatVersion,
  parseVersion,
  versionText,
  type ReleaseVersion,
} from '../../../src/versioning/version.js'

// Root tags of flyteorg/flyte as listed in flyte-release-practice.md §1.3 (sort -V excerpt, ranges expanded).
const FLYTE_ROOT_TAGS = [
  'v0.17.3',
  'v0.17.3b0',
  'v0.17.3-b1',
  'v0.17.3-b4',
  'v0.19.2-b1',
  'v0.19.3-b3',
  'v1.0.0-b1',
  'v1.0.0',
  'v1.1.0-beta.1',
  'v1.1.0-beta.4',
  'v1.1.0-b1',
  'v1.1.0',
  'v1.2.0-b1',
  'v1.2.0-b2',
  'v1.2.0-b3',
  'v1.2.0-b5',
  'v1.2.0',
  'v1.2.1-b1',
  'v1.2.1',
  'v1.3.0-b1',
  'v1.3.0-b2',
  'v1.3.0-b9',
  'v1.3.0',
  'v1.4.0-b0',
  'v1.4.0',
  'v1.4.3',
  'v1.5.0-a0',
  'v1.5.0',
  'v1.5.1',
  'v1.6.0-b1',
  'v1.6.0',
  'v1.6.1',
  'v1.6.2',
  'v1.7.0',
  'v1.8.0',
  'v1.8.1',
  'v1.9.0',
  'v1.9.1',
  'v1.9.37',
  'v1.10.0',
  'v1.10.5',
  'v1.10.6-b0',
  'v1.10.6',
  'v1.10.7-b0',
  'v1.10.7-b4',
  'v1.10.7',
  'v1.11.0-b0',
  'v1.11.0-b1',
  'v1.11.0',
  'v1.11.1-b0',
  'v1.11.1-b1',
  'v1.12.0-b0',
  'v1.12.0',
  'v1.12.1-rc0',
  'v1.13.0-rc0',
  'v1.13.0',
  'v1.13.1-rc0',
  'v1.13.1-rc1',
  'v1.13.1',
  'v1.13.2',
  'v1.13.3',
  'v1.14.0',
  'v1.14.1',
  'v1.15.0',
  'v1.15.1',
  'v1.15.2',
  'v1.15.3',
  '1.15.1',
  'v1.16.0b0',
  'v1.16.0b1',
  'v1.16.0-b2',
  'v1.16.0-b3',
  'v1.16.0-b4',
  'v1.16.0',
  'v1.16.1',
  'v1.16.8',
]
const root = {tagPrefix: '', vPrefix: true, scheme: 'semver' as const}
const admin = {tagPrefix: 'flyteadmin/', vPrefix: true, scheme: 'semver' as const}
const v = (text: string): ReleaseVersion => parseVersion(text)!

describe('parseVersion', () => {
  const cases: Array<[string, string | undefined]> = [
    ['v1.16.0-b2', '1.16.0-b2'],
    ['v1.16.0b0', '1.16.0-b0'],
    ['1.15.1', '1.15.1'],
    ['v1.1.0-beta.1', '1.1.0-b1'],
    ['v1.13.1-rc0', '1.13.1-rc0'],
    ['v1.5.0-a0', '1.5.0-a0'],
    ['v2.0.0-alpha16', '2.0.0-a16'],
    ['1.16.0b5', '1.16.0-b5'],
    ['v1.1.29-hotfix', undefined],
    ['v1.16.0--beta.1', undefined],
    ['1.13.3.dev12+g990b450ea.d20240917', undefined],
    ['latest', undefined],
    ['v1.4', undefined],
  ]
  for (const [input, expected] of cases) {
    it(`${input} → ${expected ?? 'not a version'}`, () => {
      const parsed = parseVersion(input)
      assert.equal(parsed === undefined ? undefined : versionText(parsed), expected)
    })
  }

  it('spells per scheme', () => {
    assert.equal(formatVersion(v('1.4.0b0'), 'semver'), '1.4.0-b0')
    assert.equal(formatVersion(v('v1.4.0-b0'), 'pep440'), '1.4.0b0')
    assert.equal(formatVersion(v('1.3.1-rc1'), 'pep440'), '1.3.1rc1')
    assert.equal(formatVersion(v('1.3.1'), 'pep440'), '1.3.1')
    assert.equal(formatTag(v('1.4.0b0'), admin), 'flyteadmin/v1.4.0-b0')
    assert.equal(formatTag(v('1.4.0-b0'), {tagPrefix: '', vPrefix: true, scheme: 'pep440'}), 'v1.4.0b0')
    assert.equal(formatTag(v('0.4.63'), {tagPrefix: '', vPrefix: false, scheme: 'semver'}), '0.4.63')
  })

  it('orders prereleases numerically (b10 > b2) and a < b < rc < release', () => {
    const sorted = ['1.4.0', '1.4.0b10', '1.4.0rc0', '1.4.0b2', '1.4.0a3', '1.3.9', '1.4.1b0']
      .map(v)
      .sort(compareVersions)
      .map(versionText)
    assert.deepEqual(sorted, ['1.3.9', '1.4.0-a3', '1.4.0-b2', '1.4.0-b10', '1.4.0-rc0', '1.4.0', '1.4.1-b0'])
  })
})

describe('component tags over the real flyte tag list', () => {
  const tags = componentTags(
    FLYTE_ROOT_TAGS.map((name, i) => ({name, sha: `sha${i}`})),
    root,
  )

  it('reads every real root tag and orders them highest first', () => {
    assert.equal(tags.length, FLYTE_ROOT_TAGS.length)
    assert.equal(tags[0]!.name, 'v1.16.8')
    assert.equal(latestTag(tags)!.name, 'v1.16.8')
    assert.equal(latestTag(tags, {line: {major: 1, minor: 13}})!.name, 'v1.13.3')
    assert.equal(latestTag(tags, {stable: true, line: {major: 1, minor: 10}})!.name, 'v1.10.7')
    const i = (name: string) => tags.findIndex((t) => t.name === name)
    assert.ok(i('v1.3.0-b9') > i('v1.3.0') && i('v1.3.0-b9') < i('v1.3.0-b2'))
  })

  it('names the anomalies: missing v, PEP 440 spelling on a semver component, -beta.N', () => {
    const anomalies = Object.fromEntries(tags.filter((t) => t.anomalies.length).map((t) => [t.name, t.anomalies]))
    assert.deepEqual(anomalies, {
      '1.15.1': ['missing-v'],
      'v0.17.3b0': ['other-scheme-spelling'],
      'v1.16.0b0': ['other-scheme-spelling'],
      'v1.16.0b1': ['other-scheme-spelling'],
      'v1.1.0-beta.1': ['non-canonical'],
      'v1.1.0-beta.4': ['non-canonical'],
    })
  })

  it('finds versions tagged twice with different spellings', () => {
    const doubles = doublySpelled(tags).map((g) => g.map((t) => t.name).sort())
    assert.deepEqual(doubles, [
      ['1.15.1', 'v1.15.1'],
      ['v1.1.0-b1', 'v1.1.0-beta.1'],
    ])
    const adminTags = componentTags(
      [
        {name: 'flyteadmin/v1.16.0b4', sha: 'bb266c5c'},
        {name: 'flyteadmin/v1.16.0-b4', sha: 'bb266c5c'},
        {name: 'flyteadmin/1.15.1', sha: '4164ac4f'},
        {name: 'v1.16.0', sha: 'x'},
        {name: 'flytepropeller/v1.16.0', sha: 'x'},
      ],
      admin,
    )
    assert.deepEqual(
      adminTags.map((t) => t.name),
      ['flyteadmin/v1.16.0-b4', 'flyteadmin/v1.16.0b4', 'flyteadmin/1.15.1'],
    )
    assert.deepEqual(
      doublySpelled(adminTags)[0]!.map((t) => t.name),
      ['flyteadmin/v1.16.0-b4', 'flyteadmin/v1.16.0b4'],
    )
  })

  it('spots the doubled flytectl/ prefix and flytekit tags without v', () => {
    const ctl = parseComponentTag('flytectl/flytectl/v0.9.4', {tagPrefix: 'flytectl/', vPrefix: true, scheme: 'semver'})
    assert.deepEqual(ctl?.anomalies, ['doubled-prefix'])
    const kit = {tagPrefix: '', vPrefix: true, scheme: 'pep440' as const}
    assert.deepEqual(parseComponentTag('v1.14.0b6', kit)?.anomalies, [])
    assert.deepEqual(parseComponentTag('1.16.0b2', kit)?.anomalies, ['missing-v'])
    assert.deepEqual(parseComponentTag('v1.12.3-b0', kit)?.anomalies, ['other-scheme-spelling'])
    assert.deepEqual(parseComponentTag('0.4.53', {tagPrefix: '', vPrefix: false, scheme: 'semver'})?.anomalies, [])
    assert.equal(parseComponentTag('flyteidl/v1.16.8', root), undefined)
  })
})

describe('next-version rules', () => {
  const all = FLYTE_ROOT_TAGS.map(v)

  it('beta after a release is the next minor b0, then b1 … (RFC: after v1.3.0 comes v1.4.0b0)', () => {
    assert.equal(versionText(nextBeta([v('1.3.0')])), '1.4.0-b0')
    assert.equal(versionText(nextBeta([v('1.3.0'), v('1.4.0b0')])), '1.4.0-b1')
    assert.equal(versionText(nextBeta([v('1.2.0b5')])), '1.2.0-b6')
    assert.equal(versionText(nextBeta(all)), '1.17.0-b0')
    assert.equal(versionText(nextBeta([v('1.4.0b9')])), '1.4.0-b10')
    assert.equal(versionText(nextBeta([v('1.4.0a2')])), '1.4.0-b0')
    assert.throws(() => nextBeta([v('1.4.0rc1')]), /latest version is 1\.4\.0-rc1/)
  })

  it('a patch after the latest patch on the line; a beta patch first when asked', () => {
    assert.equal(versionText(nextPatch(all, {major: 1, minor: 13})), '1.13.4')
    assert.equal(versionText(nextPatch(all, {major: 1, minor: 13}, {beta: true})), '1.13.4-b0')
    assert.equal(versionText(nextPatch([v('1.3.0'), v('1.3.1b0')], {major: 1, minor: 3}, {beta: true})), '1.3.1-b1')
    assert.equal(versionText(nextPatch([v('1.3.0'), v('1.3.1b1')], {major: 1, minor: 3})), '1.3.1')
    assert.equal(
      versionText(nextPatch([v('1.3.0'), v('1.3.1rc0')], {major: 1, minor: 3}, {beta: true, label: 'rc'})),
      '1.3.1-rc1',
    )
    assert.throws(() => nextPatch([v('1.4.0b3')], {major: 1, minor: 4}), /1\.4 has no release yet; cut 1\.4\.0 first/)
  })

  it('a release must be above the latest release; the same version again is a re-run', () => {
    assert.doesNotThrow(() => checkAboveLatest(v('1.17.0'), all))
    assert.doesNotThrow(() => checkAboveLatest(v('1.16.8'), all))
    assert.throws(() => checkAboveLatest(v('1.16.5'), all), /release 1\.16\.5 is not above the latest release 1\.16\.8/)
    assert.doesNotThrow(() => checkAboveLatest(v('1.0.0'), []))
  })
})
