/** The strict release-version parser: every accepted spelling from Flyte's tags, every rejected one with its reason. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseReleaseLine, parseReleaseVersion, quoteValue} from '../../../src/versioning/parse.js'
import {versionText} from '../../../src/versioning/version.js'

describe('parseReleaseVersion accepts the spellings in Flyte’s tags', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['v1.16.8', '1.16.8', 'plain', true],
    ['1.15.1', '1.15.1', 'plain', true],
    ['v1.16.0-b2', '1.16.0-b2', 'semver', true],
    ['v1.16.0b0', '1.16.0-b0', 'pep440', true],
    ['v1.13.1-rc0', '1.13.1-rc0', 'semver', true],
    ['v1.5.0-a0', '1.5.0-a0', 'semver', true],
    ['v1.1.0-beta.1', '1.1.0-b1', 'semver', false],
    ['v2.0.0-alpha16', '2.0.0-a16', 'semver', false],
    ['v0.22.0.b5', '0.22.0-b5', 'pep440', false],
    ['1.13.1a5', '1.13.1-a5', 'pep440', true],
    ['0.4.53', '0.4.53', 'plain', true],
  ]
  for (const [input, text, spelling, canonical] of cases) {
    it(`${input} → ${text} (${spelling}${canonical ? '' : ', variant'})`, () => {
      const r = parseReleaseVersion(input)
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(versionText(r.version), text)
      assert.equal(r.spelling, spelling)
      assert.equal(r.canonical, canonical)
    })
  }
})

describe('parseReleaseVersion names the part that is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['v01.2.3', /major number "01" has a leading zero/],
    ['1.02.3', /minor number "02" has a leading zero/],
    ['1.2.03', /patch number "03" has a leading zero/],
    ['1.2.3.4', /4 numbers \(1\.2\.3\.4\); a release version has three/],
    ['v1.4', /2 numbers/],
    ['1.2.3-', /ends with a dash/],
    ['v1.16.0--beta.1', /doubled dash/],
    ['1.13.3.dev12', /dev part ".dev12"/],
    ['v0.10.1.dev100', /dev part/],
    ['1.0.0.post1', /post-release part/],
    ['1.13.3+g990b450ea', /local\/build part "\+g990b450ea"/],
    ['v1.1.29-hotfix', /label "hotfix" is not a \(alpha\), b \(beta\) or rc/],
    ['1.2.3-b', /has no number/],
    ['1.2.3-b01', /prerelease number "01" has a leading zero/],
    ['1.2.3b0junk', /suffix "b0junk" is valid in neither SemVer nor PEP 440/],
    ['1.2.3-b0.x.y', /not a label and a number/],
    ['1.2.3~1', /valid in neither/],
    ['', /empty/],
    [' 1.2.3', /whitespace/],
    ['vv1.2.3', /doubled "v"/],
    ['latest', /does not start with a number/],
  ]
  for (const [input, reason] of cases) {
    it(`${JSON.stringify(input)}: ${reason.source}`, () => {
      const r = parseReleaseVersion(input)
      assert.equal(r.ok, false, `accepted ${input}`)
      if (!r.ok) assert.match(r.reason, reason)
    })
  }
})

describe('quoting and lines', () => {
  it('quotes at most 64 characters of a value', () => {
    const long = 'x'.repeat(500)
    const q = quoteValue(long)
    assert.equal(q, `"${'x'.repeat(64)}"…`)
    assert.equal(quoteValue('a\nb'), '"a\\nb"')
    const r = parseReleaseVersion(`1.2.3-${'z'.repeat(300)}`)
    assert.ok(!r.ok && r.reason.length < 200, !r.ok ? r.reason : '')
  })

  it('reads X.Y lines strictly', () => {
    assert.deepEqual(parseReleaseLine('1.16'), {ok: true, major: 1, minor: 16})
    assert.deepEqual(parseReleaseLine('v1.13'), {ok: true, major: 1, minor: 13})
    const zero = parseReleaseLine('1.013')
    assert.ok(!zero.ok && /minor number "013" has a leading zero/.test(zero.reason))
    const full = parseReleaseLine('1.16.2')
    assert.ok(!full.ok && /the line is 1\.16/.test(full.reason))
  })
})
