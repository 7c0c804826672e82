/**
 * Next-version rules (flyte rfc/system/2704 and docs/community/roadmap.rst):
 * - beta on master: after release X.Y.Z the next merge is X.(Y+1).0b0; after X.Y.0bN it is bN+1.
 * - patch on release-vX.Y: after X.Y.Z comes X.Y.(Z+1), optionally preceded by X.Y.(Z+1)b0 … bN;
 *   a patch after its own beta promotes it (X.Y.Zb2 → X.Y.Z).
 * - minor: the version must be above every stable release (a re-run of the same version is allowed).
 */
import {compareVersions, versionText, type PrereleaseLabel, type ReleaseVersion} from './version.js'

export class VersionRuleError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VersionRuleError'
  }
}

/** The next beta on the main line given every version the component has (any order). */
export function nextBeta(existing: ReleaseVersion[], label: PrereleaseLabel = 'b'): ReleaseVersion {
  const latest = maxVersion(existing)
  if (!latest) return {major: 0, minor: 1, patch: 0, pre: {label, number: 0}}
  if (!latest.pre) return {major: latest.major, minor: latest.minor + 1, patch: 0, pre: {label, number: 0}}
  if (latest.pre.label === label) return {...latest, pre: {label, number: latest.pre.number + 1}}
  const candidate: ReleaseVersion = {...latest, pre: {label, number: 0}}
  if (compareVersions(candidate, latest) > 0) return candidate
  throw new VersionRuleError(
    `the latest version is ${versionText(latest)}; a "${label}" prerelease of it would sort below it`,
  )
}

/** The next patch (or beta patch) on the X.Y line. */
export function nextPatch(
  existing: ReleaseVersion[],
  line: {major: number; minor: number},
  options: {beta?: boolean; label?: PrereleaseLabel} = {},
): ReleaseVersion {
  const label = options.label ?? 'b'
  const onLine = existing.filter((v) => v.major === line.major && v.minor === line.minor)
  const latest = maxVersion(onLine)
  const stable = maxVersion(onLine.filter((v) => !v.pre))
  if (!latest || !stable) {
    throw new VersionRuleError(
      `${line.major}.${line.minor} has no release yet; cut ${line.major}.${line.minor}.0 first`,
    )
  }
  if (!latest.pre) {
    const next = {major: line.major, minor: line.minor, patch: latest.patch + 1}
    return options.beta ? {...next, pre: {label, number: 0}} : next
  }
  // An open beta patch: continue it, or promote it.
  if (!options.beta) return {major: latest.major, minor: latest.minor, patch: latest.patch}
  if (latest.pre.label === label) return {...latest, pre: {label, number: latest.pre.number + 1}}
  return {...latest, pre: {label, number: 0}}
}

/** Refuse a release that is not above the last stable release (the same version again is a re-run). */
export function checkAboveLatest(version: ReleaseVersion, existing: ReleaseVersion[], what = 'release'): void {
  const others = existing.filter((v) => !v.pre && compareVersions(v, version) !== 0)
  const latest = maxVersion(others)
  if (latest && compareVersions(version, latest) <= 0) {
    throw new VersionRuleError(`${what} ${versionText(version)} is not above the latest release ${versionText(latest)}`)
  }
}

export function maxVersion(versions: ReleaseVersion[]): ReleaseVersion | undefined {
  let best: ReleaseVersion | undefined
  for (const v of versions) if (!best || compareVersions(v, best) > 0) best = v
  return best
}
