/**
 * Component tags: `<prefix><v><version>` such as `flyteadmin/v1.4.0-b0`, `v1.4.0b0` (flytekit),
 * `0.4.53` (flytekit-java). Reading a tag list classifies every tag of a component and names its
 * anomalies (those seen in Flyte's history): a missing or unexpected `v`, the other scheme's
 * spelling, a doubled prefix (`flytectl/flytectl/v0.9.4`), non-canonical labels (`-beta.1`).
 */
import {parseReleaseVersion, quoteValue} from './parse.js'
import {compareVersions, formatVersion, versionsEqual, type ReleaseVersion, type VersionScheme} from './version.js'

export interface TagStyle {
  tagPrefix: string
  vPrefix: boolean
  scheme: VersionScheme
}

export type TagAnomaly = 'missing-v' | 'unexpected-v' | 'other-scheme-spelling' | 'doubled-prefix' | 'non-canonical'

export interface ComponentTag {
  name: string
  sha: string
  version: ReleaseVersion
  /** Empty when the tag is spelled exactly as the component's style spells it. */
  anomalies: TagAnomaly[]
}

/** The canonical tag for a version in a component's style. */
export function formatTag(v: ReleaseVersion, style: TagStyle): string {
  return `${style.tagPrefix}${style.vPrefix ? 'v' : ''}${formatVersion(v, style.scheme)}`
}

/** Why a tag of a component could not be read as a version (it is listed, never dropped). */
export interface UnreadableTag {
  name: string
  sha: string
  /** The component whose prefix it carries, when one does. */
  component?: string
  reason: string
}

/**
 * Read one tag name for a component: undefined when the tag does not carry the component's prefix
 * (another component's tag), `{reason}` when it does but its version is not a release version.
 */
export function readComponentTag(
  name: string,
  style: TagStyle,
): Omit<ComponentTag, 'sha'> | {reason: string} | undefined {
  let rest = name
  const anomalies: TagAnomaly[] = []
  if (style.tagPrefix) {
    if (!rest.startsWith(style.tagPrefix)) return undefined
    rest = rest.slice(style.tagPrefix.length)
    if (rest.startsWith(style.tagPrefix)) {
      rest = rest.slice(style.tagPrefix.length)
      anomalies.push('doubled-prefix')
    }
  } else if (rest.includes('/')) {
    return undefined
  }
  const parsed = parseReleaseVersion(rest)
  if (!parsed.ok) return {reason: parsed.reason}
  const {version, hasV} = parsed
  if (style.vPrefix && !hasV) anomalies.push('missing-v')
  if (!style.vPrefix && hasV) anomalies.push('unexpected-v')
  const bare = rest.replace(/^[vV]/, '')
  if (bare !== formatVersion(version, style.scheme)) {
    const other: VersionScheme = style.scheme === 'semver' ? 'pep440' : 'semver'
    anomalies.push(bare === formatVersion(version, other) ? 'other-scheme-spelling' : 'non-canonical')
  }
  return {name, version, anomalies}
}

/**
 * Parse one tag name for a component. Returns undefined when the tag does not belong to the
 * component (other prefix) or is not a release version (`readComponentTag` says why).
 */
export function parseComponentTag(name: string, style: TagStyle): Omit<ComponentTag, 'sha'> | undefined {
  const read = readComponentTag(name, style)
  return read && 'version' in read ? read : undefined
}

/**
 * Every tag of a repository either belongs to one of its components (the longest matching prefix;
 * the empty prefix takes names without "/") and reads as a version, or is listed as unreadable
 * with the reason: no tag is silently ignored.
 */
export function unreadableTags(
  tags: {name: string; sha: string}[],
  components: (TagStyle & {name: string})[],
): UnreadableTag[] {
  const byPrefix = [...components].sort((a, b) => b.tagPrefix.length - a.tagPrefix.length)
  const out: UnreadableTag[] = []
  for (const t of tags) {
    const owner = byPrefix.find((c) => (c.tagPrefix ? t.name.startsWith(c.tagPrefix) : !t.name.includes('/')))
    if (!owner) {
      const prefix = t.name.slice(0, t.name.lastIndexOf('/') + 1)
      out.push({
        name: t.name,
        sha: t.sha,
        reason:
          prefix === 'tags/'
            ? 'it starts with "tags/" (a tag pushed as refs/tags/tags/…), so no component owns it'
            : `its prefix ${quoteValue(prefix)} belongs to no component of the manifest`,
      })
      continue
    }
    const read = readComponentTag(t.name, owner)
    if (read && 'reason' in read) out.push({name: t.name, sha: t.sha, component: owner.name, reason: read.reason})
  }
  return out
}

/** A component's tags from a repository's tag list, highest version first (equal versions: canonical first). */
export function componentTags(tags: {name: string; sha: string}[], style: TagStyle): ComponentTag[] {
  const out: ComponentTag[] = []
  for (const t of tags) {
    const parsed = parseComponentTag(t.name, style)
    if (parsed) out.push({...parsed, sha: t.sha})
  }
  return out.sort(
    (a, b) =>
      compareVersions(b.version, a.version) || a.anomalies.length - b.anomalies.length || a.name.localeCompare(b.name),
  )
}

/** Tags of the same component with the same version spelled more than one way. */
export function doublySpelled(tags: ComponentTag[]): ComponentTag[][] {
  const groups: ComponentTag[][] = []
  for (const t of tags) {
    const g = groups.find((x) => versionsEqual(x[0]!.version, t.version))
    if (g) g.push(t)
    else groups.push([t])
  }
  return groups.filter((g) => g.length > 1)
}

/** Highest tag, optionally only stable ones or only within one minor line. */
export function latestTag(
  tags: ComponentTag[],
  filter: {stable?: boolean; line?: {major: number; minor: number}} = {},
): ComponentTag | undefined {
  return tags.find(
    (t) =>
      (!filter.stable || !t.version.pre) &&
      (!filter.line || (t.version.major === filter.line.major && t.version.minor === filter.line.minor)),
  )
}
