/**
 * The release manifest (templates/release.yaml): which components make up a Flyte release, where
 * they live, how their tags are spelled, which files a release bumps, and how changelogs,
 * milestones and release branches are named. Its types and the questions commands ask of a
 * validated manifest live here; the zod schema that validates it (types, defaults, error messages)
 * is in release-manifest-schema.ts, loaded only when a manifest is validated.
 *
 * Other maintainer commands (triage, docs) read this file too: keep the shape stable and only add
 * optional keys.
 */
import type {ReleaseManifest, ReleaseComponent} from './release-manifest-schema.js'

export type {BumpFile, ReleaseComponent, ReleaseManifest} from './release-manifest-schema.js'

/** Where the manifest is looked for when no --manifest flag is given. */
export const DEFAULT_RELEASE_MANIFEST = 'release.yaml'

export const VERSION_SCHEMES = ['semver', 'pep440'] as const
export type VersionSchemeName = (typeof VERSION_SCHEMES)[number]

export const CHANGELOG_DEFAULT_GROUPS = [
  {title: 'Added', labels: ['added', 'enhancement', 'feature']},
  {title: 'Changed', labels: ['changed']},
  {title: 'Deprecated', labels: ['deprecated']},
  {title: 'Removed', labels: ['removed']},
  {title: 'Fixed', labels: ['fixed', 'bug']},
  {title: 'Security', labels: ['security']},
  {title: 'Documentation', labels: ['documentation', 'docs']},
  {title: 'Dependencies', labels: ['dependencies']},
]

/** The repository's default branch (per-repo override, else release.defaultBranch). */
export function defaultBranchOf(manifest: ReleaseManifest, repo: string): string {
  return manifest.repositories[repo]?.defaultBranch ?? manifest.release.defaultBranch
}

/** The component that carries the root tag in release.repository. */
export function rootComponent(manifest: ReleaseManifest): ReleaseComponent {
  return manifest.components.find((c) => c.repository === manifest.release.repository && c.tagPrefix === '')!
}

/** Every repository the manifest touches, release repository first. */
export function manifestRepositories(manifest: ReleaseManifest): string[] {
  const repos = [manifest.release.repository]
  for (const c of manifest.components) if (!repos.includes(c.repository)) repos.push(c.repository)
  for (const f of manifest.files) {
    const r = f.repository ?? manifest.release.repository
    if (!repos.includes(r)) repos.push(r)
  }
  return repos
}

/** The manifest's `file://` repository URLs (offline mode). */
export function localRepositoryUrls(manifest: ReleaseManifest): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [slug, r] of Object.entries(manifest.repositories)) if (r.url) out[slug] = r.url
  return out
}

/**
 * The manifest narrowed to the repositories that can be read (offline: those with a local clone).
 * Components and files elsewhere are left out, each repository named once in the returned notes.
 */
export function restrictToRepositories(
  manifest: ReleaseManifest,
  repos: string[],
): {manifest: ReleaseManifest; notes: string[]} {
  const left = manifestRepositories(manifest).filter((r) => !repos.includes(r))
  if (left.length === 0) return {manifest, notes: []}
  const notes = left.map((r) => `${r}: no local clone given; its components are not checked (--repo-path ${r}=DIR)`)
  return {
    manifest: {
      ...manifest,
      components: manifest.components.filter((c) => repos.includes(c.repository)),
      files: manifest.files.filter((f) => repos.includes(f.repository ?? manifest.release.repository)),
    },
    notes,
  }
}
