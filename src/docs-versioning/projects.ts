/**
 * Which intersphinx URLs belong to which Flyte docs project, and how a docs version is spelled.
 *
 * Flyte's docs live on Read the Docs: `https://<host>/[projects/<name>/]en/<version>/`. A mapping
 * entry is recognised by its URL (the part before `/en/`), not by its key: flytekit calls flyteidl
 * `idl`, the pre-monorepo flyte docs call it `flyteidl`.
 */

import {parseReleaseLine, parseReleaseVersion} from '../versioning/parse.js'
export interface DocsProject {
  /** Name used in flags and reports (`--aligned flytekit`). */
  name: string
  /** URL roots before `/en/<version>`, without scheme and trailing slash. */
  roots: string[]
}

/** Flyte's Read the Docs projects (reference: flyte-release-practice.md §3.4). */
export const FLYTE_DOCS_PROJECTS: DocsProject[] = [
  {name: 'flyte', roots: ['flyte.readthedocs.io', 'docs.flyte.org']},
  {
    name: 'flytekit',
    roots: ['flyte.readthedocs.io/projects/flytekit', 'docs.flyte.org/projects/flytekit', 'flytekit.readthedocs.io'],
  },
  {
    name: 'flyteidl',
    roots: ['flyte.readthedocs.io/projects/flyteidl', 'docs.flyte.org/projects/flyteidl', 'flyteidl.readthedocs.io'],
  },
  {
    name: 'flytectl',
    roots: ['flyte.readthedocs.io/projects/flytectl', 'docs.flyte.org/projects/flytectl', 'flytectl.readthedocs.io'],
  },
  {
    name: 'cookbook',
    roots: [
      'flyte.readthedocs.io/projects/cookbook',
      'docs.flyte.org/projects/cookbook',
      'flytecookbook.readthedocs.io',
      'flytesnacks.readthedocs.io',
    ],
  },
]

/**
 * Projects whose versions follow the aligned Flyte release by default. flytectl (0.9.x) and
 * flytesnacks/cookbook (0.3.x) are tagged on their own lines, so they stay on `latest`
 * (reference §2: "Reality").
 */
export const DEFAULT_ALIGNED = ['flyte', 'flytekit', 'flyteidl']

export const DEFAULT_SLUG_FORMAT = 'v{major}.{minor}'
export const LATEST = 'latest'

export interface DocsVersion {
  major: number
  minor: number
  patch?: number
  /** The full release string as given (`1.16.0`, `1.16.0b0`), when a patch was given. */
  release?: string
}

export type DocsVersionParse = {ok: true; version: DocsVersion} | {ok: false; reason: string}

/**
 * `X.Y` (links only) or a full release `X.Y.Z[pre]` (links and `release =`), a leading `v`
 * accepted, through the one strict parser (src/versioning/parse.ts): leading zeros, four numbers,
 * dashes and suffixes valid in neither SemVer nor PEP 440 are errors with the reason.
 */
export function parseDocsVersionStrict(input: string): DocsVersionParse {
  if (/^[vV]?\d+\.\d+$/.test(input)) {
    const line = parseReleaseLine(input)
    return line.ok ? {ok: true, version: {major: line.major, minor: line.minor}} : line
  }
  const full = parseReleaseVersion(input)
  if (!full.ok) return full
  const {major, minor, patch} = full.version
  return {ok: true, version: {major, minor, patch, release: input.replace(/^[vV]/, '')}}
}

/** Like parseDocsVersionStrict, undefined when the input is not a version. */
export function parseDocsVersion(input: string): DocsVersion | undefined {
  const parsed = parseDocsVersionStrict(input)
  return parsed.ok ? parsed.version : undefined
}

/** `v{major}.{minor}` → `v1.3`. Only characters that are safe inside any Python string are allowed. */
export function formatSlug(format: string, version: DocsVersion): string {
  const slug = format
    .replaceAll('{major}', String(version.major))
    .replaceAll('{minor}', String(version.minor))
    .replaceAll('{patch}', String(version.patch ?? 0))
  if (!/^[A-Za-z0-9._-]+$/.test(slug)) {
    throw new Error(`docs slug format "${format}" gives "${slug}"; use letters, digits, ".", "_" or "-"`)
  }
  return slug
}

export interface RtdUrl {
  /** The root before `/en/` (no scheme, no trailing slash). */
  root: string
  /** Offsets of the version segment inside the URL string. */
  versionFrom: number
  versionTo: number
  version: string
}

/** Splits a Read the Docs style URL into its root and the version after `/en/`. */
export function splitRtdUrl(url: string): RtdUrl | undefined {
  const m = /^https?:\/\/([^?#]*?)\/en\/([^/?#]*)/.exec(url)
  if (!m) return undefined
  const versionFrom = m.index + m[0].length - m[2].length
  return {root: m[1].replace(/\/+$/, ''), versionFrom, versionTo: versionFrom + m[2].length, version: m[2]}
}

/** The project a URL root belongs to (longest root wins, so `…/projects/flytekit` beats the host). */
export function projectForRoot(root: string, projects: DocsProject[] = FLYTE_DOCS_PROJECTS): DocsProject | undefined {
  let best: {project: DocsProject; length: number} | undefined
  for (const project of projects) {
    for (const r of project.roots) {
      if (root.toLowerCase() === r.toLowerCase() && (!best || r.length > best.length)) {
        best = {project, length: r.length}
      }
    }
  }
  return best?.project
}
