/**
 * Pure planners: (manifest, observed state, arguments) → ReleasePlan. No I/O; the same inputs give
 * the same plan, so plans are snapshot-tested and `--dry-run` is "plan and print".
 *
 * - cut X.Y.0: release branch release-vX.Y in every repository with aligned components (at the
 *   default branch head), one bump commit of the manifest's files there, the changelog, the tags of
 *   every aligned component (at the release branch head, so one commit per repository), the GitHub
 *   release, the milestone rollover (triage's: next one created, open items moved, this one
 *   closed), and one docs-pin pull request per repository with a conf.py (docs-versioning's pinDocs).
 * - beta: the next beta tag per component at its default branch head, unless that head is tagged.
 * - patch X.Y [--beta]: the next patch per component on release-vX.Y (no alignment across
 *   components), the bump commit, changelog and release in the release repository.
 */
import {CliError} from '../cli/errors.js'
import {
  defaultBranchOf,
  manifestRepositories,
  rootComponent,
  type BumpFile,
  type ReleaseComponent,
  type ReleaseManifest,
} from '../config/release-manifest.js'
import type {ForgeTag} from '../forge/types.js'
import {DEFAULT_SLUG_FORMAT, formatSlug} from '../docs-versioning/projects.js'
import {targetsFromManifest} from '../triage/targets.js'
import {checkAboveLatest, nextBeta, nextPatch, VersionRuleError} from '../versioning/next.js'
import {componentTags, formatTag, latestTag, type ComponentTag} from '../versioning/tags.js'
import {compareVersions, formatVersion, versionText, type ReleaseVersion} from '../versioning/version.js'
import {renderChangelog} from './changelog.js'
import type {ObserveRequest} from './observe.js'
import type {ComponentVersion, FileChange, ReleaseObservation, ReleasePlan, ReleaseStep, TagTarget} from './types.js'
import {
  UpdaterError,
  updateHelmChart,
  updatePackageJsonVersion,
  updateSphinxRelease,
  updateYamlValues,
} from './updaters.js'

export function releaseBranchName(manifest: ReleaseManifest, line: {major: number; minor: number}): string {
  return manifest.release.releaseBranch.replace('{major}', String(line.major)).replace('{minor}', String(line.minor))
}

export function milestoneTitle(manifest: ReleaseManifest, v: ReleaseVersion): string {
  return manifest.release.milestone.replace('{version}', versionText(v))
}

function tagsOf(obs: ReleaseObservation, c: ReleaseComponent): ComponentTag[] {
  return componentTags(obs.repos[c.repository]?.tags ?? [], c)
}

function tagsFor(tags: ForgeTag[], c: ReleaseComponent): ComponentTag[] {
  return componentTags(tags, c)
}

function alignedRepos(manifest: ReleaseManifest): string[] {
  const repos = [manifest.release.repository]
  for (const c of manifest.components) if (c.aligned && !repos.includes(c.repository)) repos.push(c.repository)
  return repos
}

/** The component whose tags stand for a repository's releases (its root tag, else its first aligned component). */
function leadComponent(manifest: ReleaseManifest, repo: string): ReleaseComponent | undefined {
  const inRepo = manifest.components.filter((c) => c.repository === repo)
  return inRepo.find((c) => c.tagPrefix === '' && c.aligned) ?? inRepo.find((c) => c.aligned) ?? inRepo[0]
}

function filesByRepo(manifest: ReleaseManifest): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const f of manifest.files) {
    const repo = f.repository ?? manifest.release.repository
    const list = (out[repo] ??= [])
    if (!list.includes(f.path)) list.push(f.path)
  }
  return out
}

function ruleError(err: unknown, hint: string): never {
  if (err instanceof VersionRuleError) throw new CliError('invalid-input', err.message, {hint})
  throw err
}

// ---------------------------------------------------------------------------------------------
// What each command observes

/**
 * The conf.py paths to look for per repository that gets the release branch: the manifest's
 * `docs` path, else the candidates docs-versioning knows; none when every component there says
 * `docs: false`.
 */
export function docsPaths(manifest: ReleaseManifest, candidates: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const repo of alignedRepos(manifest)) {
    const inRepo = manifest.components.filter((c) => c.repository === repo)
    const given = inRepo.find((c) => typeof c.docs === 'string')?.docs
    if (typeof given === 'string') out[repo] = [given]
    else if (!inRepo.every((c) => c.docs === false)) out[repo] = [...candidates]
  }
  return out
}

export function cutObserveRequest(
  manifest: ReleaseManifest,
  version: ReleaseVersion,
  docsCandidates: readonly string[] = [],
): ObserveRequest {
  const repos = alignedRepos(manifest)
  for (const r of manifestRepositories(manifest)) if (!repos.includes(r)) repos.push(r)
  const files = filesByRepo(manifest)
  for (const [repo, paths] of Object.entries(docsPaths(manifest, docsCandidates))) {
    const list = (files[repo] ??= [])
    for (const p of paths) if (!list.includes(p)) list.push(p)
  }
  const changesSince: ObserveRequest['changesSince'] = {}
  for (const repo of alignedRepos(manifest)) {
    const lead = leadComponent(manifest, repo)!
    changesSince[repo] = (tags) =>
      tagsFor(tags, lead).find((t) => !t.version.pre && compareVersions(t.version, version) < 0)?.name
  }
  return {
    repos,
    defaultBranch: (r) => defaultBranchOf(manifest, r),
    releaseBranchPattern: manifest.release.releaseBranch,
    releaseBranch: releaseBranchName(manifest, version),
    files,
    changesSince,
    milestonesOf: manifest.release.repository,
  }
}

export function betaObserveRequest(manifest: ReleaseManifest, components: ReleaseComponent[]): ObserveRequest {
  const repos = [...new Set(components.map((c) => c.repository))]
  const root = rootComponent(manifest)
  if (!manifest.changelog.betas || !components.some((c) => c.name === root.name)) {
    return {
      repos,
      defaultBranch: (r) => defaultBranchOf(manifest, r),
      releaseBranchPattern: manifest.release.releaseBranch,
    }
  }
  // The beta's notes: what was merged since the previous stable release (never since a beta).
  return {
    repos,
    defaultBranch: (r) => defaultBranchOf(manifest, r),
    releaseBranchPattern: manifest.release.releaseBranch,
    changesSince: {
      [root.repository]: (tags) =>
        latestTag(
          tagsFor(tags, root).filter((t) => t.anomalies.length === 0),
          {stable: true},
        )?.name,
    },
  }
}

export function patchObserveRequest(
  manifest: ReleaseManifest,
  line: {major: number; minor: number} | undefined,
  components: ReleaseComponent[],
): ObserveRequest {
  const home = manifest.release.repository
  if (!line) {
    // Components on their own lines only: tagged at their default branch head, no release branch.
    return {
      repos: [...new Set(components.map((c) => c.repository))],
      defaultBranch: (r) => defaultBranchOf(manifest, r),
      releaseBranchPattern: manifest.release.releaseBranch,
    }
  }
  const repos = [home, ...new Set(components.map((c) => c.repository).filter((r) => r !== home))]
  const files = filesByRepo(manifest)
  for (const r of Object.keys(files)) if (!repos.includes(r)) repos.push(r)
  // A file may carry another component's release (the console tag): read that repository's tags too.
  for (const f of manifest.files) {
    const c = f.component ? manifest.components.find((x) => x.name === f.component) : undefined
    if (c && !repos.includes(c.repository)) repos.push(c.repository)
  }
  const root = rootComponent(manifest)
  return {
    repos,
    defaultBranch: (r) => defaultBranchOf(manifest, r),
    releaseBranchPattern: manifest.release.releaseBranch,
    releaseBranch: releaseBranchName(manifest, line),
    requireReleaseBranch: [home],
    files,
    changesSince: {
      // The previous stable release on the line (a patch's notes start there, never at a beta).
      [home]: (tags) => previousStable(tagsFor(tags, root), line),
    },
    milestonesOf: home,
  }
}

/** The newest stable tag on the line, else (a line's first patch after X.Y.0 betas only) the newest tag on it. */
export function previousStable(tags: ComponentTag[], line: {major: number; minor: number}): string | undefined {
  const clean = tags.filter((t) => t.anomalies.length === 0)
  return (latestTag(clean, {line, stable: true}) ?? latestTag(tags, {line, stable: true}))?.name
}

// ---------------------------------------------------------------------------------------------
// File bumps

function renderValue(template: string, v: ReleaseVersion, scheme: 'semver' | 'pep440'): string {
  const spelled = formatVersion(v, scheme)
  return template.replaceAll('{tag}', `v${spelled}`).replaceAll('{version}', spelled)
}

/** How the bump treats a marker that matches nothing: a plan note (default) or an error (--strict). */
export interface BumpOptions {
  strict?: boolean
  notes: string[]
}

function bumpFile(
  text: string,
  f: BumpFile,
  v: ReleaseVersion,
  scheme: 'semver' | 'pep440',
  repo: string,
  index: number,
  options: BumpOptions,
): string {
  switch (f.kind) {
    case 'helm-chart':
      return updateHelmChart(
        text,
        {
          version: f.version === false ? undefined : renderValue(f.version, v, scheme),
          appVersion: f.appVersion === undefined ? undefined : renderValue(f.appVersion, v, scheme),
          dependencyMarker: f.dependencyMarker,
        },
        f.path,
      )
    case 'yaml':
      return updateYamlValues(
        text,
        f.set.map((s) => ({...s, value: renderValue(s.value, v, scheme)})),
        f.path,
        options.strict
          ? {}
          : {
              onMissingMarker: (err) =>
                options.notes.push(
                  `warning: ${repo}: ${err.message} (files.${index} of the release manifest; an error with --strict)`,
                ),
            },
      )
    case 'sphinx-release':
      return updateSphinxRelease(text, renderValue(f.value, v, scheme), f.path)
    case 'package-json':
      return updatePackageJsonVersion(text, renderValue(f.value, v, scheme), f.path)
  }
}

/** The bump commit's files per repository: every manifest file, chained per path, only where the text changes. */
function fileChanges(
  manifest: ReleaseManifest,
  obs: ReleaseObservation,
  releaseVersion: ReleaseVersion,
  options: BumpOptions,
): Map<string, FileChange[]> {
  const texts = new Map<string, {repo: string; path: string; before: string; after: string}>()
  manifest.files.forEach((f, i) => {
    const repo = f.repository ?? manifest.release.repository
    const key = `${repo}:${f.path}`
    let entry = texts.get(key)
    if (!entry) {
      const text = obs.repos[repo]?.files[f.path]
      if (text === undefined) {
        throw new CliError('not-found', `${f.path} does not exist in ${repo} (files.${i} of the release manifest)`, {
          hint: 'Fix the path in the release manifest, or add the file to the repository.',
        })
      }
      entry = {repo, path: f.path, before: text, after: text}
      texts.set(key, entry)
    }
    let v = releaseVersion
    const c = f.component ? manifest.components.find((x) => x.name === f.component) : undefined
    if (c && !c.aligned) {
      const latest = latestTag(tagsOf(obs, c), {stable: true})
      if (!latest) {
        throw new CliError('not-found', `${c.name} has no release tag to write into ${f.path} (files.${i})`, {
          hint: `Release ${c.name} first, or remove "component: ${c.name}" from files.${i}.`,
        })
      }
      v = latest.version
    }
    try {
      entry.after = bumpFile(entry.after, f, v, f.scheme ?? c?.scheme ?? 'semver', repo, i, options)
    } catch (err) {
      if (err instanceof UpdaterError) {
        throw new CliError('invalid-input', `${repo}: ${err.message} (files.${i} of the release manifest)`, {
          hint: options.strict
            ? 'Fix the marker or path in the release manifest, or the file itself (`flytectl release lint` lists all); without --strict a marker that matches nothing is only a warning.'
            : 'Fix the marker or path in the release manifest, or the file itself (`flytectl release lint` lists all).',
        })
      }
      throw err
    }
  })
  const out = new Map<string, FileChange[]>()
  for (const t of texts.values()) {
    if (t.before === t.after) continue
    const list = out.get(t.repo) ?? []
    list.push({path: t.path, before: t.before, after: t.after})
    out.set(t.repo, list)
  }
  return out
}

function commitStep(repo: string, branch: string, message: string, files: FileChange[]): ReleaseStep {
  return {
    id: `${repo}:commit:${branch}`,
    repo,
    kind: 'commit',
    summary: `bump commit on ${branch}: ${files.map((f) => f.path).join(', ')}`,
    branch,
    message,
    files,
  }
}

function changelogStep(
  manifest: ReleaseManifest,
  obs: ReleaseObservation,
  repos: string[],
  v: ReleaseVersion,
  tagOfRepo: (repo: string) => string,
): FileChange {
  const path = manifest.changelog.path.replace('{version}', versionText(v))
  const text = renderChangelog({
    heading: `${manifest.release.name} ${versionText(v)}`,
    groups: manifest.changelog.groups,
    multiRepo: repos.length > 1,
    repos: repos.map((repo) => {
      const o = obs.repos[repo]!
      const tag = tagOfRepo(repo)
      const prev = o.changes?.previousTag
      return {
        repo,
        tag,
        previousTag: prev,
        pulls: o.changes?.pulls ?? [],
        compareUrl: prev ? `${o.htmlUrl}/compare/${prev}...${tag}` : undefined,
      }
    }),
  })
  return {path, after: text, keepExisting: true}
}

function tagStep(c: ReleaseComponent, v: ReleaseVersion, at: TagTarget, name: string): ReleaseStep {
  const tag = formatTag(v, c)
  const where = 'sha' in at ? at.sha.slice(0, 7) : `${at.branch} head`
  return {
    id: `${c.repository}:tag:${tag}`,
    repo: c.repository,
    kind: 'tag',
    summary: `tag ${tag} at ${where}`,
    component: c.name,
    tag,
    at,
    message: `${name} ${c.name} ${versionText(v)}`,
  }
}

function releaseStep(manifest: ReleaseManifest, v: ReleaseVersion, body: string): ReleaseStep {
  const root = rootComponent(manifest)
  const tag = formatTag(v, root)
  const name = manifest.release.releaseName
    .replaceAll('{name}', manifest.release.name)
    .replaceAll('{tag}', tag)
    .replaceAll('{version}', versionText(v))
  return {
    id: `${root.repository}:release:${tag}`,
    repo: root.repository,
    kind: 'release',
    summary: `GitHub release ${tag}`,
    tag,
    name,
    body,
    prerelease: v.pre !== undefined,
  }
}

/** Steps of one repository together (first-seen repository order), order within a repository kept. */
function byRepo(steps: ReleaseStep[]): ReleaseStep[] {
  const order = [...new Set(steps.map((s) => s.repo))]
  return [...steps].sort((a, b) => order.indexOf(a.repo) - order.indexOf(b.repo))
}

function addMonths(now: Date, months: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, now.getUTCDate()))
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * One docs-pin step per repository with a release branch and a conf.py (found at plan time on the
 * release branch, else the default branch it is cut from), run last in its repository so a docs
 * problem never holds back tags, the release or the milestones.
 */
function docsPinSteps(
  manifest: ReleaseManifest,
  obs: ReleaseObservation,
  version: ReleaseVersion,
  branch: string,
  branchRepos: string[],
  candidates: readonly string[],
  notes: string[],
): ReleaseStep[] {
  const slug = formatSlug(DEFAULT_SLUG_FORMAT, version)
  const aligned = targetsFromManifest(manifest).alignedDocs ?? []
  const steps: ReleaseStep[] = []
  for (const [repo, paths] of Object.entries(docsPaths(manifest, candidates))) {
    if (!branchRepos.includes(repo)) continue
    const confPath = paths.find((p) => obs.repos[repo]?.files[p] !== undefined)
    if (!confPath) {
      const named = manifest.components.find((c) => c.repository === repo && typeof c.docs === 'string')
      if (named) notes.push(`${repo}: ${named.docs} (docs of ${named.name}) does not exist; no docs pin there`)
      continue
    }
    steps.push({
      id: `${repo}:docs-pin:${branch}`,
      repo,
      kind: 'docs-pin',
      summary: `docs pin pull request: ${confPath} on ${branch} (aligned docs → ${slug}, others latest)`,
      base: branch,
      confPath,
      version: versionText(version),
      aligned,
    })
  }
  return steps
}

// ---------------------------------------------------------------------------------------------
// cut

export function planCut(
  manifest: ReleaseManifest,
  obs: ReleaseObservation,
  version: ReleaseVersion,
  now: Date,
  options: {docsCandidates?: readonly string[]; strict?: boolean} = {},
): ReleasePlan {
  if (version.pre || version.patch !== 0) {
    throw new CliError('invalid-input', `release cut takes a minor version X.Y.0, not ${versionText(version)}`, {
      hint: version.pre
        ? 'Betas are tagged with `flytectl release beta`.'
        : `Patch releases are made with \`flytectl release patch ${version.major}.${version.minor}\`.`,
    })
  }
  const home = manifest.release.repository
  const branch = releaseBranchName(manifest, version)
  const aligned = manifest.components.filter((c) => c.aligned)
  for (const c of aligned) {
    try {
      checkAboveLatest(
        version,
        tagsOf(obs, c).map((t) => t.version),
        `${c.name}: release`,
      )
    } catch (err) {
      ruleError(
        err,
        c.name === rootComponent(manifest).name
          ? 'Pick a version above the latest release (see `flytectl release status`).'
          : `Pick a higher version, or set \`aligned: false\` for ${c.name} in the release manifest if it keeps its own numbers.`,
      )
    }
  }
  const repos = alignedRepos(manifest)
  const name = manifest.release.name
  const message = `Release ${name} ${versionText(version)}`
  const steps: ReleaseStep[] = []
  const notes: string[] = []
  const components: ComponentVersion[] = []
  const files = fileChanges(manifest, obs, version, {strict: options.strict, notes})
  const changelog = changelogStep(manifest, obs, repos, version, (repo) =>
    formatTag(version, leadComponent(manifest, repo)!),
  )
  files.set(home, [...(files.get(home) ?? []), changelog])
  for (const repo of manifestRepositories(manifest)) {
    const o = obs.repos[repo]!
    const inRepo = aligned.filter((c) => c.repository === repo)
    const repoFiles = files.get(repo) ?? []
    if (inRepo.length === 0 && repoFiles.length === 0 && repo !== home) continue
    const base = o.releaseBranchSha ?? o.headSha
    steps.push({
      id: `${repo}:branch:${branch}`,
      repo,
      kind: 'branch',
      summary: `branch ${branch} at ${base.slice(0, 7)}`,
      branch,
      sha: base,
    })
    if (repoFiles.length > 0) steps.push(commitStep(repo, branch, message, repoFiles))
    for (const c of inRepo) {
      steps.push(tagStep(c, version, {branch}, name))
      const previous = latestTag(tagsOf(obs, c), {stable: true})
      components.push({
        component: c.name,
        repo,
        tag: formatTag(version, c),
        version: versionText(version),
        previous: previous?.name,
      })
    }
  }
  steps.push(releaseStep(manifest, version, changelog.after))
  const title = milestoneTitle(manifest, version)
  const next: ReleaseVersion = {major: version.major, minor: version.minor + 1, patch: 0}
  const nextTitle = milestoneTitle(manifest, next)
  const current = obs.milestones.find((m) => m.title === title)
  if (!current) notes.push(`no milestone "${title}" in ${home}: nothing to close or move`)
  steps.push({
    id: `${home}:milestone-rollover:${title}`,
    repo: home,
    kind: 'milestone-rollover',
    summary: current
      ? `milestone ${nextTitle} (created if missing), open issues of ${title} moved to it, ${title} closed`
      : `milestone ${nextTitle}`,
    ...(current ? {from: title} : {}),
    to: nextTitle,
    dueOn: addMonths(now, manifest.release.cadence === 'monthly' ? 1 : 3),
    cadenceMonths: manifest.release.cadence === 'monthly' ? 1 : 3,
    titleFormat: manifest.release.milestone.replaceAll('{version}', '{major}.{minor}.0'),
  })
  steps.push(...docsPinSteps(manifest, obs, version, branch, repos, options.docsCandidates ?? [], notes))
  return {command: 'cut', version: versionText(version), releaseBranch: branch, components, steps: byRepo(steps), notes}
}

// ---------------------------------------------------------------------------------------------
// beta

export function planBeta(
  manifest: ReleaseManifest,
  obs: ReleaseObservation,
  components: ReleaseComponent[],
): ReleasePlan {
  const steps: ReleaseStep[] = []
  const notes: string[] = []
  const out: ComponentVersion[] = []
  const root = rootComponent(manifest)
  const home = manifest.release.repository
  const planned: {c: ReleaseComponent; v: ReleaseVersion}[] = []
  for (const c of components) {
    const o = obs.repos[c.repository]!
    const tags = tagsOf(obs, c)
    const atHead = tags.find((t) => t.sha === o.headSha)
    if (atHead) {
      notes.push(`${c.name}: ${o.defaultBranch} head ${o.headSha.slice(0, 7)} is already tagged ${atHead.name}`)
      continue
    }
    let v: ReleaseVersion
    try {
      v = nextBeta(
        tags.map((t) => t.version),
        c.prereleaseLabel,
      )
    } catch (err) {
      ruleError(err, `Cut the release first, or set a different prereleaseLabel for ${c.name}.`)
    }
    planned.push({c, v})
    out.push({
      component: c.name,
      repo: c.repository,
      tag: formatTag(v, c),
      version: versionText(v),
      previous: tags[0]?.name,
    })
  }
  // The root's beta carries its changelog file (goreleaser publishes CHANGELOG-<tag>.md as the
  // release notes of every tag, betas included): one commit on the default branch, and the
  // release repository's beta tags at that commit.
  const rootBeta = planned.find((p) => p.c.name === root.name)
  const withNotes = manifest.changelog.betas && rootBeta !== undefined
  if (withNotes) {
    const o = obs.repos[home]!
    const changelog = changelogStep(manifest, obs, [home], rootBeta.v, () => formatTag(rootBeta.v, root))
    steps.push(
      commitStep(home, o.defaultBranch, `${manifest.release.name} ${versionText(rootBeta.v)} changelog`, [changelog]),
    )
  }
  for (const {c, v} of planned) {
    const o = obs.repos[c.repository]!
    const at: TagTarget = withNotes && c.repository === home ? {branch: o.defaultBranch} : {sha: o.headSha}
    steps.push(tagStep(c, v, at, manifest.release.name))
  }
  const lead = out.find((x) => x.component === root.name) ?? out[0]
  return {command: 'beta', version: lead?.version ?? '', components: out, steps: byRepo(steps), notes}
}

// ---------------------------------------------------------------------------------------------
// patch

export function planPatch(
  manifest: ReleaseManifest,
  obs: ReleaseObservation,
  line: {major: number; minor: number} | undefined,
  components: ReleaseComponent[],
  options: {beta: boolean; explicit: boolean; strict?: boolean},
): ReleasePlan {
  const home = manifest.release.repository
  const branch = line ? releaseBranchName(manifest, line) : undefined
  const root = rootComponent(manifest)
  const steps: ReleaseStep[] = []
  const notes: string[] = []
  const out: ComponentVersion[] = []
  let rootVersion: ReleaseVersion | undefined
  const tagSteps: ReleaseStep[] = []
  for (const c of components) {
    const o = obs.repos[c.repository]!
    const tags = tagsOf(obs, c)
    const onLine = line && tags.some((t) => t.version.major === line.major && t.version.minor === line.minor)
    if (!c.aligned && (!line || !onLine)) {
      // A component on its own line (flytectl/v0.9.x): its next patch at its default branch head.
      const latest = latestTag(tags, {stable: true})
      if (!latest) {
        throw new CliError('not-found', `${c.name} has no release to patch`, {
          hint: `Tag its first release (${formatTag({major: 0, minor: 1, patch: 0}, c)}) first.`,
        })
      }
      const own = {major: latest.version.major, minor: latest.version.minor}
      const atHead = tags.find((t) => t.sha === o.headSha && (options.beta || !t.version.pre))
      if (atHead) {
        notes.push(`${c.name}: ${o.defaultBranch} head ${o.headSha.slice(0, 7)} is already tagged ${atHead.name}`)
        continue
      }
      let v: ReleaseVersion
      try {
        v = nextPatch(
          tags.map((t) => t.version),
          own,
          {beta: options.beta, label: c.prereleaseLabel},
        )
      } catch (err) {
        ruleError(err, `Check ${c.name}'s tags with \`flytectl release lint\`.`)
      }
      tagSteps.push(tagStep(c, v, {sha: o.headSha}, manifest.release.name))
      out.push({
        component: c.name,
        repo: c.repository,
        tag: formatTag(v, c),
        version: versionText(v),
        previous: latest.name,
      })
      notes.push(`${c.name} is on its own line ${own.major}.${own.minor}: tagged at ${o.defaultBranch} head`)
      continue
    }
    if (!line || !branch) {
      throw new CliError('usage', `release patch needs the minor line X.Y for ${c.name}`, {
        hint: 'Aligned components are patched on their release branch.',
      })
    }
    if (!o.releaseBranchSha) {
      if (options.explicit) {
        throw new CliError('not-found', `branch ${branch} does not exist in ${c.repository} (component ${c.name})`, {
          hint: `Create ${branch} in ${c.repository} first, or leave ${c.name} out of --component.`,
        })
      }
      notes.push(`${c.name}: no ${branch} branch in ${c.repository}; not patched`)
      continue
    }
    // Released at the branch head already: a stable tag there, or any tag when asked for a beta.
    // (A beta patch at the head is promoted by the final patch.)
    const atHead = tags.find(
      (t) =>
        t.sha === o.releaseBranchSha &&
        t.version.major === line.major &&
        t.version.minor === line.minor &&
        (options.beta || !t.version.pre),
    )
    if (atHead) {
      notes.push(`${c.name}: ${branch} head ${o.releaseBranchSha.slice(0, 7)} is already tagged ${atHead.name}`)
      continue
    }
    let v: ReleaseVersion
    try {
      v = nextPatch(
        tags.map((t) => t.version),
        line,
        {beta: options.beta, label: c.prereleaseLabel},
      )
    } catch (err) {
      ruleError(err, `Cut ${line.major}.${line.minor}.0 first with \`flytectl release cut\`.`)
    }
    if (c.name === root.name) rootVersion = v
    tagSteps.push(tagStep(c, v, {branch}, manifest.release.name))
    out.push({
      component: c.name,
      repo: c.repository,
      tag: formatTag(v, c),
      version: versionText(v),
      previous: latestTag(tags, {line})?.name,
    })
  }
  if (rootVersion && branch) {
    const message = `Release ${manifest.release.name} ${versionText(rootVersion)}`
    const files = fileChanges(manifest, obs, rootVersion, {strict: options.strict, notes})
    const changelog = changelogStep(manifest, obs, [home], rootVersion, () => formatTag(rootVersion!, root))
    files.set(home, [...(files.get(home) ?? []), changelog])
    for (const repo of [...new Set([home, ...files.keys(), ...tagSteps.map((s) => s.repo)])]) {
      const repoFiles = files.get(repo) ?? []
      if (repoFiles.length > 0) steps.push(commitStep(repo, branch, message, repoFiles))
      steps.push(...tagSteps.filter((s) => s.repo === repo))
    }
    steps.push(releaseStep(manifest, rootVersion, changelog.after))
    const title = milestoneTitle(manifest, rootVersion)
    if (obs.milestones.some((m) => m.title === title && m.state === 'open')) {
      steps.push({
        id: `${home}:milestone-close:${title}`,
        repo: home,
        kind: 'milestone-close',
        summary: `close milestone ${title}`,
        title,
      })
    }
  } else {
    steps.push(...tagSteps)
  }
  const lead = out.find((x) => x.component === root.name) ?? out[0]
  return {
    command: 'patch',
    version: lead?.version ?? '',
    ...(branch ? {releaseBranch: branch} : {}),
    components: out,
    steps: byRepo(steps),
    notes,
  }
}
