/**
 * The one strict parser for release versions, used by `release *`, `backport`, `docs pin` and the
 * manifest. A release version is `[v]X.Y.Z` with an optional alpha/beta/rc prerelease in either
 * spelling Flyte uses: SemVer (`1.4.0-b0`, `-rc1`, `-beta.1`, `-alpha16`) or PEP 440 (`1.4.0b0`,
 * `1.4.0rc1`, and PEP 440's other valid separators such as `0.22.0.b5`).
 *
 * Everything else is an error naming the part that is wrong: a leading zero (`v01.2.3`), two or
 * four numbers, a trailing or doubled dash, dev/post/local parts, a prerelease label that is not
 * a, b or rc, or a suffix valid in neither SemVer nor PEP 440. Messages quote at most the first 64
 * characters of the value (`quoteValue`).
 */
import {explainPep440, validSemver} from './spec-checks.js'
import type {PrereleaseLabel, ReleaseVersion} from './version.js'

/** How a version was spelled: no prerelease, SemVer's `-b0`, or PEP 440's `b0`. */
export type VersionSpelling = 'plain' | 'semver' | 'pep440'

export interface ParsedVersion {
  version: ReleaseVersion
  spelling: VersionSpelling
  /** Had a leading `v` (or `V`). */
  hasV: boolean
  /** The spelling is the scheme's canonical one (`-b0`, `b0`), not a variant (`-beta.1`, `.b5`). */
  canonical: boolean
}

export type VersionParse = ({ok: true} & ParsedVersion) | {ok: false; reason: string}

/** At most 64 characters of a value, JSON-quoted (control characters escaped), `…` when cut. */
export function quoteValue(text: string, max = 64): string {
  const chars = [...text]
  const cut = chars.length > max
  return JSON.stringify(chars.slice(0, max).join('')) + (cut ? '…' : '')
}

const PART_NAMES = ['major', 'minor', 'patch']

const LABELS: Record<string, PrereleaseLabel> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
}

function fail(reason: string): VersionParse {
  return {ok: false, reason}
}

/** Parse `[v]X.Y.Z[prerelease]`; never throws. */
export function parseReleaseVersion(text: string): VersionParse {
  if (text.length === 0) return fail('it is empty')
  if (/\s/.test(text)) return fail('it contains whitespace')
  const hasV = /^[vV]/.test(text)
  const rest = hasV ? text.slice(1) : text
  if (/^[vV]/.test(rest)) return fail('it starts with a doubled "v"')
  const numbers = /^\d+(?:\.\d+)*/.exec(rest)
  if (!numbers) return fail(`it does not start with a number (expected X.Y.Z, such as ${hasV ? 'v' : ''}1.4.0)`)
  const parts = numbers[0].split('.')
  if (parts.length !== 3) {
    return fail(
      `it has ${parts.length} number${parts.length === 1 ? '' : 's'} (${numbers[0]}); a release version has three: X.Y.Z`,
    )
  }
  for (const [i, p] of parts.entries()) {
    if (p.length > 1 && p.startsWith('0')) return fail(`the ${PART_NAMES[i]} number "${p}" has a leading zero`)
    if (p.length > 9) return fail(`the ${PART_NAMES[i]} number "${p.slice(0, 12)}" is too large`)
  }
  const [major, minor, patch] = parts.map(Number) as [number, number, number]
  const base: ReleaseVersion = {major, minor, patch}
  const suffix = rest.slice(numbers[0].length)
  if (suffix === '') return {ok: true, version: base, spelling: 'plain', hasV, canonical: true}
  return parseSuffix(base, suffix, hasV)
}

function parseSuffix(base: ReleaseVersion, suffix: string, hasV: boolean): VersionParse {
  const shown = quoteValue(suffix)
  if (suffix.endsWith('-')) return fail(`it ends with a dash (${shown})`)
  if (suffix.includes('--')) return fail(`it has a doubled dash (${shown})`)
  if (suffix.includes('+'))
    return fail(
      `the local/build part ${quoteValue(suffix.slice(suffix.indexOf('+')))} is not part of a release version`,
    )
  if (/dev\d*$/i.test(suffix)) {
    return fail(`the dev part ${shown} makes it a development build, not a release`)
  }
  if (/post\d*$|^-\d+$/i.test(suffix)) return fail(`the post-release part ${shown} is not used for releases`)
  // SemVer: -b0, -rc1, -a0 (canonical); -beta.1, -alpha16, -b.1 (variants).
  const sv = /^-([A-Za-z]+)(\.?)(\d+)$/.exec(suffix)
  if (sv) {
    const [, word, dot, num] = sv as unknown as [string, string, string, string]
    const label = LABELS[word.toLowerCase()]
    if (!label || word === 'c' || word === 'pre' || word === 'preview') return badLabel(word)
    if (num.length > 1 && num.startsWith('0')) return fail(`the prerelease number "${num}" has a leading zero`)
    const canonical = dot === '' && word === label
    return {ok: true, version: {...base, pre: {label, number: Number(num)}}, spelling: 'semver', hasV, canonical}
  }
  // PEP 440: b0, rc1, a0 (canonical); .b5, _b1, -alpha1, c1, preview2 (valid, not canonical).
  const pep = /^([._-]?)([A-Za-z]+)([._-]?)(\d+)$/.exec(suffix)
  if (pep) {
    const [, sep1, word, sep2, num] = pep as unknown as [string, string, string, string, string]
    const label = LABELS[word.toLowerCase()]
    if (!label) return badLabel(word)
    if (num.length > 1 && num.startsWith('0')) return fail(`the prerelease number "${num}" has a leading zero`)
    const text = `${base.major}.${base.minor}.${base.patch}${suffix}`
    const explained = explainPep440(text)
    if (!explained || !explained.pre) return neither(suffix)
    const canonical = sep1 === '' && sep2 === '' && word === label
    return {ok: true, version: {...base, pre: {label, number: Number(num)}}, spelling: 'pep440', hasV, canonical}
  }
  if (/^[._-]?[A-Za-z]+$/.test(suffix)) {
    const word = suffix.replace(/^[._-]/, '')
    return LABELS[word.toLowerCase()]
      ? fail(`the prerelease ${shown} has no number (such as b0 or -rc1)`)
      : badLabel(word)
  }
  if (/^-[0-9A-Za-z.-]+$/.test(suffix) && validSemver(`1.0.0${suffix}`)) {
    const word = /^-([A-Za-z]*)/.exec(suffix)![1]!
    if (word && !LABELS[word.toLowerCase()]) return badLabel(word)
    return fail(`the prerelease ${shown} is not a label and a number (such as -b0 or -rc1)`)
  }
  return neither(suffix)
}

function badLabel(word: string): VersionParse {
  return fail(`the prerelease label ${quoteValue(word)} is not a (alpha), b (beta) or rc (release candidate)`)
}

function neither(suffix: string): VersionParse {
  return fail(`the suffix ${quoteValue(suffix)} is valid in neither SemVer nor PEP 440`)
}

/** A parse failure as one line: `<what> "<value>" is not a release version: <reason>`. */
export function versionParseMessage(text: string, reason: string, what = 'version'): string {
  return `${what} ${quoteValue(text)} is not a release version: ${reason}`
}

export type LineParse = {ok: true; major: number; minor: number} | {ok: false; reason: string}

/** A minor line `X.Y` (or `vX.Y`), with the same rules for its numbers. */
export function parseReleaseLine(text: string): LineParse {
  if (text.length === 0) return {ok: false, reason: 'it is empty'}
  const rest = /^[vV]/.test(text) ? text.slice(1) : text
  const m = /^(\d+)\.(\d+)$/.exec(rest)
  if (!m) {
    const full = parseReleaseVersion(text)
    if (full.ok) {
      return {ok: false, reason: `it is a full version; the line is ${full.version.major}.${full.version.minor}`}
    }
    return {ok: false, reason: 'expected X.Y, such as 1.16'}
  }
  for (const [i, p] of [m[1]!, m[2]!].entries()) {
    if (p.length > 1 && p.startsWith('0'))
      return {ok: false, reason: `the ${PART_NAMES[i]} number "${p}" has a leading zero`}
    if (p.length > 9) return {ok: false, reason: `the ${PART_NAMES[i]} number is too large`}
  }
  return {ok: true, major: Number(m[1]), minor: Number(m[2])}
}
