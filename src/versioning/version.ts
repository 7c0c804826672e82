/**
 * Release versions and their two spellings. A `ReleaseVersion` is the scheme-free value
 * (1.4.0, beta 0); a scheme spells it: semver `1.4.0-b0` (Go modules, Helm, npm) or PEP 440
 * `1.4.0b0` (Python). Parsing accepts both spellings and the variants found in Flyte's real tags
 * (`-beta.1`, `-rc0`, `-a0`, `alpha16`, a missing `v`); PEP 440 normalisation comes from
 * @renovatebot/pep440, semver validity of the emitted spelling from `semver`.
 */
import {parseReleaseLine, parseReleaseVersion} from './parse.js'
import {validSemver} from './spec-checks.js'

export type VersionScheme = 'semver' | 'pep440'
/** Normalised prerelease labels, in PEP 440 order: a < b < rc. */
export type PrereleaseLabel = 'a' | 'b' | 'rc'

export interface ReleaseVersion {
  major: number
  minor: number
  patch: number
  pre?: {label: PrereleaseLabel; number: number}
}

const LABEL_ORDER: Record<PrereleaseLabel, number> = {a: 0, b: 1, rc: 2}

/**
 * `1.4.0`, `v1.4.0-b0`, `1.4.0b0`, `v1.1.0-beta.1`, `v1.13.0-rc0`, `v1.5.0-a0`, `v2.0.0-alpha1`;
 * undefined otherwise (see parse.ts for the rules and `parseReleaseVersion` for the reason).
 */
export function parseVersion(text: string): ReleaseVersion | undefined {
  const parsed = parseReleaseVersion(text)
  return parsed.ok ? parsed.version : undefined
}

/** The spelling without any `v`: semver `1.4.0-b0`, pep440 `1.4.0b0`. */
export function formatVersion(v: ReleaseVersion, scheme: VersionScheme): string {
  const base = `${v.major}.${v.minor}.${v.patch}`
  if (!v.pre) return base
  const text = scheme === 'semver' ? `${base}-${v.pre.label}${v.pre.number}` : `${base}${v.pre.label}${v.pre.number}`
  if (scheme === 'semver' && !validSemver(text)) throw new Error(`cannot spell ${text} as semver`)
  return text
}

/** Numeric ordering: 1.4.0b2 < 1.4.0b10 < 1.4.0rc0 < 1.4.0 < 1.4.1. */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  if (a.major !== b.major) return a.major - b.major
  if (a.minor !== b.minor) return a.minor - b.minor
  if (a.patch !== b.patch) return a.patch - b.patch
  if (!a.pre && !b.pre) return 0
  if (!a.pre) return 1
  if (!b.pre) return -1
  if (a.pre.label !== b.pre.label) return LABEL_ORDER[a.pre.label] - LABEL_ORDER[b.pre.label]
  return a.pre.number - b.pre.number
}

export function versionsEqual(a: ReleaseVersion, b: ReleaseVersion): boolean {
  return compareVersions(a, b) === 0
}

export function isPrerelease(v: ReleaseVersion): boolean {
  return v.pre !== undefined
}

/** X.Y.Z without the prerelease part. */
export function baseOf(v: ReleaseVersion): ReleaseVersion {
  return {major: v.major, minor: v.minor, patch: v.patch}
}

/** A release version for messages and milestones: 1.4.0 / 1.4.0-b0 (semver spelling, no v). */
export function versionText(v: ReleaseVersion): string {
  return formatVersion(v, 'semver')
}

/** `1.4.0` (exactly three numbers, no prerelease) for commands that take a stable version. */
export function parseStableVersion(text: string): ReleaseVersion | undefined {
  const v = parseVersion(text)
  return v && !v.pre ? v : undefined
}

/** `1.3` or `v1.3` → {major: 1, minor: 3} (no leading zeros). */
export function parseMinorLine(text: string): {major: number; minor: number} | undefined {
  const line = parseReleaseLine(text)
  return line.ok ? {major: line.major, minor: line.minor} : undefined
}
