/**
 * Read-only views of the release train: `status` (what is released where, what is pending) and
 * `lint` (the defects found in Flyte's history: docs `release =` not matching the tag, Helm
 * markers that match nothing, malformed or doubly-spelled tags, a tag without a changelog,
 * aligned components out of step).
 */
import {localeCompareText} from '../cli/collate.js'
import {defaultBranchOf, manifestRepositories, rootComponent, type ReleaseManifest} from '../config/release-manifest.js'
import type {Forge} from '../forge/types.js'
import {quoteValue} from '../versioning/parse.js'
import {
  componentTags,
  doublySpelled,
  latestTag,
  unreadableTags,
  type ComponentTag,
  type TagAnomaly,
} from '../versioning/tags.js'
import {formatVersion, versionText} from '../versioning/version.js'
import {observe} from './observe.js'
import {UpdaterError} from './updater-error.js'

export interface ComponentStatus {
  component: string
  repository: string
  aligned: boolean
  latestRelease: string | null
  latestPrerelease: string | null
  /** Commits on the default branch since the latest tag (null when never tagged). */
  pending: number | null
  defaultBranch: string
  releaseBranches: string[]
}

export async function releaseStatus(
  forge: Forge,
  manifest: ReleaseManifest,
  names?: string[],
): Promise<ComponentStatus[]> {
  const components = names?.length ? manifest.components.filter((c) => names.includes(c.name)) : manifest.components
  const repos = [...new Set(components.map((c) => c.repository))]
  const obs = await observe(forge, {
    repos,
    defaultBranch: (r) => defaultBranchOf(manifest, r),
    releaseBranchPattern: manifest.release.releaseBranch,
    listBranches: true,
  })
  const branchPattern = new RegExp(
    '^' +
      manifest.release.releaseBranch.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(major|minor)\}/g, '\\d+') +
      '$',
  )
  return Promise.all(
    components.map(async (c) => {
      const o = obs.repos[c.repository]!
      const tags = componentTags(o.tags, c)
      const stable = latestTag(tags, {stable: true})
      const latest = latestTag(tags)
      const pre = latest && latest.version.pre ? latest : undefined
      let pending: number | null = null
      if (latest)
        pending = latest.sha === o.headSha ? 0 : (await forge.compare(c.repository, latest.name, o.headSha)).aheadBy
      return {
        component: c.name,
        repository: c.repository,
        aligned: c.aligned,
        latestRelease: stable?.name ?? null,
        latestPrerelease: pre?.name ?? null,
        pending,
        defaultBranch: o.defaultBranch,
        releaseBranches: o.branches.filter((b) => branchPattern.test(b)),
      }
    }),
  )
}

export type LintRule =
  | 'unreadable-tag'
  | 'malformed-tag'
  | 'doubly-spelled-tag'
  | 'docs-release-mismatch'
  | 'marker-matches-nothing'
  | 'chart-app-version'
  | 'tag-without-changelog'
  | 'aligned-out-of-step'
  | 'tags-of-another-line'

export interface LintFinding {
  rule: LintRule
  /** Warnings fail `release lint` only with --strict. */
  severity: 'error' | 'warning'
  repository: string
  subject: string
  message: string
}

const ANOMALY_TEXT: Record<TagAnomaly, string> = {
  'missing-v': 'has no "v"',
  'unexpected-v': 'has a "v" this component does not use',
  'other-scheme-spelling': 'uses the other scheme’s prerelease spelling',
  'doubled-prefix': 'repeats the tag prefix',
  'non-canonical': 'spells the prerelease in a non-canonical way',
}

export async function releaseLint(
  forge: Forge,
  manifest: ReleaseManifest,
  options: {changelogDepth?: number} = {},
): Promise<LintFinding[]> {
  const findings: LintFinding[] = []
  const repos = manifestRepositories(manifest)
  const obs = await observe(forge, {
    repos,
    defaultBranch: (r) => defaultBranchOf(manifest, r),
    releaseBranchPattern: manifest.release.releaseBranch,
  })
  const tagsBy = new Map<string, ComponentTag[]>()
  for (const c of manifest.components) tagsBy.set(c.name, componentTags(obs.repos[c.repository]!.tags, c))

  // Tags no component can read: every one is listed with the reason.
  for (const repo of repos) {
    const inRepo = manifest.components.filter((c) => c.repository === repo)
    if (inRepo.length === 0) continue
    for (const t of unreadableTags(obs.repos[repo]!.tags, inRepo)) {
      findings.push({
        severity: 'error',
        rule: 'unreadable-tag',
        repository: repo,
        subject: t.name,
        message: `tag ${quoteValue(t.name)}${t.component ? ` (${t.component})` : ''} cannot be read: ${t.reason}`,
      })
    }
  }

  // Tags: malformed and doubly spelled.
  for (const c of manifest.components) {
    const tags = tagsBy.get(c.name)!
    for (const t of tags) {
      for (const a of t.anomalies) {
        findings.push({
          severity: 'error',
          rule: 'malformed-tag',
          repository: c.repository,
          subject: t.name,
          message: `${c.name} tag ${t.name} ${ANOMALY_TEXT[a]} (expected ${c.tagPrefix}${c.vPrefix ? 'v' : ''}${formatVersion(t.version, c.scheme)})`,
        })
      }
    }
    for (const group of doublySpelled(tags)) {
      findings.push({
        severity: 'error',
        rule: 'doubly-spelled-tag',
        repository: c.repository,
        subject: group.map((t) => t.name).join(', '),
        message: `${c.name} ${versionText(group[0]!.version)} is tagged ${group.length} times: ${group.map((t) => t.name).join(', ')}`,
      })
    }
  }

  const home = manifest.release.repository
  const root = rootComponent(manifest)
  const rootTags = tagsBy.get(root.name)!
  const others = componentTags(obs.repos[home]!.otherLineTags ?? [], root)
  if (others.length > 0) {
    const names = others.map((t) => t.name)
    findings.push({
      severity: 'warning',
      rule: 'tags-of-another-line',
      repository: home,
      subject: `${names.at(-1)} … ${names[0]}`,
      message: `${others.length} root tags (${names.at(-1)} … ${names[0]}) are not on ${defaultBranchOf(manifest, home)}: another product line; not checked against this manifest`,
    })
  }
  const latestRoot = latestTag(rootTags)

  // Aligned components out of step with the root's latest release (same X.Y; patches are their own).
  const rootLatest = latestTag(rootTags, {stable: true})
  if (rootLatest) {
    for (const c of manifest.components.filter((x) => x.aligned && x.name !== root.name)) {
      const latest = latestTag(tagsBy.get(c.name)!, {stable: true})
      if (
        !latest ||
        latest.version.major !== rootLatest.version.major ||
        latest.version.minor !== rootLatest.version.minor
      ) {
        findings.push({
          severity: 'error',
          rule: 'aligned-out-of-step',
          repository: c.repository,
          subject: c.name,
          message: `${c.name} is aligned but its latest release is ${latest?.name ?? 'none'}, not on ${rootLatest.version.major}.${rootLatest.version.minor} (${rootLatest.name})`,
        })
      }
    }
  }

  // Docs `release =` at the latest root tag, and marker files on the default branch.
  for (const [i, f] of manifest.files.entries()) {
    const repo = f.repository ?? home
    if (f.kind === 'sphinx-release' && latestRoot && repo === home) {
      const file = await forge.getFile(repo, f.path, latestRoot.name)
      const found = file ? (await import('./updaters.js')).findSphinxRelease(file.text) : undefined
      const scheme = f.scheme ?? root.scheme
      const expected = f.value
        .replaceAll('{tag}', `v${formatVersion(latestRoot.version, scheme)}`)
        .replaceAll('{version}', formatVersion(latestRoot.version, scheme))
      if (found?.value !== expected) {
        findings.push({
          severity: 'error',
          rule: 'docs-release-mismatch',
          repository: repo,
          subject: `${f.path}@${latestRoot.name}`,
          message: `${f.path} at ${latestRoot.name} has release = ${found ? JSON.stringify(found.value) : '(none)'}, expected "${expected}"`,
        })
      }
    }
    if (f.kind === 'helm-chart' && f.appVersion !== undefined && rootLatest && repo === home) {
      const file = await forge.getFile(repo, f.path, rootLatest.name)
      const scheme = f.scheme ?? root.scheme
      const expected = f.appVersion
        .replaceAll('{tag}', `v${formatVersion(rootLatest.version, scheme)}`)
        .replaceAll('{version}', formatVersion(rootLatest.version, scheme))
      let found: unknown
      if (file) {
        const {parse} = await import('yaml')
        try {
          found = (parse(file.text, {maxAliasCount: 100}) as {appVersion?: unknown} | null)?.appVersion
        } catch {
          found = undefined
        }
      }
      if (String(found ?? '') !== expected) {
        findings.push({
          severity: 'error',
          rule: 'chart-app-version',
          repository: repo,
          subject: `${f.path}@${rootLatest.name}`,
          message: `${f.path} at ${rootLatest.name} has appVersion ${found === undefined ? '(none)' : JSON.stringify(String(found))}, expected "${expected}"`,
        })
      }
    }
    if (f.kind === 'yaml') {
      const file = await forge.getFile(repo, f.path, defaultBranchOf(manifest, repo))
      for (const s of f.set) {
        if (!('marker' in s)) continue
        try {
          if (!file) throw new UpdaterError(`${f.path} does not exist`)
          const {updateYamlValues} = await import('./updaters.js')
          updateYamlValues(file.text, [{marker: s.marker, value: 'x'}], f.path)
        } catch (err) {
          if (!(err instanceof UpdaterError)) throw err
          findings.push({
            severity: 'warning',
            rule: 'marker-matches-nothing',
            repository: repo,
            subject: `files.${i} ${s.marker}`,
            message: err.message,
          })
        }
      }
    }
  }

  // A changelog file at every release and beta tag of the line (the newest `changelogDepth` when given).
  const needNotes = rootTags.filter((t) => t.anomalies.length === 0)
  const checked = options.changelogDepth === undefined ? needNotes : needNotes.slice(0, options.changelogDepth)
  await Promise.all(
    checked.map(async (t) => {
      const path = manifest.changelog.path.replace('{version}', versionText(t.version))
      if (!(await forge.getFile(home, path, t.name))) {
        findings.push({
          severity: 'error',
          rule: 'tag-without-changelog',
          repository: home,
          subject: t.name,
          message: `${t.name} has no ${path}`,
        })
      }
    }),
  )
  return findings.sort((a, b) => localeCompareText(a.rule, b.rule) || localeCompareText(a.subject, b.subject))
}
