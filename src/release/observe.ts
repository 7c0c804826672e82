/**
 * Reading the state a release plan is computed from, through the Forge only (refs, tags, file
 * contents, merged pull requests, milestones). Repositories are read concurrently. Nothing here writes.
 */
import {CliError} from '../cli/errors.js'
import type {Forge, ForgeTag} from '../forge/types.js'
import {parseReleaseVersion} from '../versioning/parse.js'
import {compareVersions} from '../versioning/version.js'
import type {ReleaseObservation, RepoObservation} from './types.js'

export interface ObserveRequest {
  repos: string[]
  defaultBranch: (repo: string) => string
  /** The release branch the command works on (read its head and files there when it exists). */
  releaseBranch?: string
  /** Fail when the release branch is missing in these repositories. */
  requireReleaseBranch?: string[]
  /** File paths to read per repository. */
  files?: Record<string, string[]>
  /** For the changelog: the previous release tag of a repository, given its tags (undefined: first release). */
  changesSince?: Record<string, (tags: ForgeTag[]) => string | undefined>
  /** Read the release repository's milestones. */
  milestonesOf?: string
  /** Also list branches (status, lint). */
  listBranches?: boolean
  /** The manifest's release branch pattern (`release-v{major}.{minor}`), to tell another line's tags. */
  releaseBranchPattern?: string
}

export async function observe(forge: Forge, req: ObserveRequest): Promise<ReleaseObservation> {
  const [repos, milestones] = await Promise.all([
    Promise.all(req.repos.map((repo) => observeRepo(forge, repo, req))),
    req.milestonesOf ? forge.listMilestones(req.milestonesOf, 'all') : Promise.resolve([]),
  ])
  return {repos: Object.fromEntries(repos.map((r) => [r.repo, r])), milestones}
}

async function observeRepo(forge: Forge, repo: string, req: ObserveRequest): Promise<RepoObservation> {
  const info = await forge.getRepo(repo)
  if (!info) {
    throw new CliError('not-found', `repository ${repo} does not exist or is not visible with this token`, {
      hint: 'Check the repository names in the release manifest and the token’s access.',
    })
  }
  const defaultBranch = req.defaultBranch(repo)
  const [headSha, releaseBranchSha, tags, branches] = await Promise.all([
    forge.getBranchSha(repo, defaultBranch),
    req.releaseBranch ? forge.getBranchSha(repo, req.releaseBranch) : Promise.resolve(undefined),
    forge.listTags(repo),
    req.listBranches ? forge.listBranches(repo) : Promise.resolve([] as string[]),
  ])
  if (!headSha) {
    throw new CliError('not-found', `branch ${defaultBranch} does not exist in ${repo}`, {
      hint: `Set repositories.${repo}.defaultBranch (or release.defaultBranch) in the release manifest.`,
    })
  }
  if (req.releaseBranch && !releaseBranchSha && req.requireReleaseBranch?.includes(repo)) {
    throw new CliError('not-found', `branch ${req.releaseBranch} does not exist in ${repo}`, {
      hint: `Cut the minor release first (\`flytectl release cut\`), or check the version line.`,
    })
  }
  const split = await splitOtherLines(
    forge,
    repo,
    headSha,
    tags,
    req.releaseBranchPattern ?? 'release-v{major}.{minor}',
  )
  const ref = releaseBranchSha ?? headSha
  const paths = req.files?.[repo] ?? []
  const texts = await Promise.all(paths.map((p) => forge.getFile(repo, p, ref)))
  const files = Object.fromEntries(paths.map((p, i) => [p, texts[i]?.text]))
  const observation: RepoObservation = {
    repo,
    htmlUrl: info.htmlUrl,
    defaultBranch,
    headSha,
    branches,
    tags: split.mine,
    ...(split.others.length > 0 ? {otherLineTags: split.others} : {}),
    releaseBranchSha,
    files,
  }
  const since = req.changesSince?.[repo]
  if (since) {
    const previousTag = since(split.mine)
    const base = releaseBranchSha && req.releaseBranch ? req.releaseBranch : defaultBranch
    const pullsP = forge.listPulls(repo, {state: 'closed', base})
    if (previousTag) {
      const [cmp, pulls] = await Promise.all([forge.compare(repo, previousTag, ref), pullsP])
      const shas = new Set(cmp.commits.map((c) => c.sha))
      observation.changes = {
        previousTag,
        pulls: pulls.filter((p) => p.merged && p.mergeCommitSha && shas.has(p.mergeCommitSha)),
      }
    } else {
      observation.changes = {pulls: (await pullsP).filter((p) => p.merged)}
    }
  }
  return observation
}

/**
 * A repository can carry two product lines: flyteorg/flyte keeps Flyte 1 on master and Flyte 2
 * (v2.x tags) on main. The tags of majors above the highest one whose newest tag the default
 * branch or that tag's release branch (release-vX.Y) reaches belong to the other line; planners
 * and lint leave them out (a compare or two per major checked, highest first; none when the
 * repository has one major).
 */
export async function splitOtherLines(
  forge: Forge,
  repo: string,
  headSha: string,
  tags: ForgeTag[],
  releaseBranchPattern = 'release-v{major}.{minor}',
): Promise<{mine: ForgeTag[]; others: ForgeTag[]}> {
  const majorOf = (name: string) => {
    const parsed = parseReleaseVersion(name.slice(name.lastIndexOf('/') + 1))
    return parsed.ok ? parsed.version.major : undefined
  }
  const byMajor = new Map<number, ForgeTag[]>()
  for (const t of tags) {
    const m = majorOf(t.name)
    if (m !== undefined) byMajor.set(m, [...(byMajor.get(m) ?? []), t])
  }
  const majors = [...byMajor.keys()].sort((a, b) => b - a)
  const other = new Set<number>()
  for (const major of majors.slice(0, -1)) {
    const group = byMajor.get(major)!
    // Its newest tag by version: reachable from the head means this major is the head's line.
    const top = group.reduce((best, t) => (compareTagVersions(t.name, best.name) > 0 ? t : best))
    if (top.sha === headSha || (await forge.compare(repo, headSha, top.sha)).aheadBy === 0) break
    const v = parseReleaseVersion(top.name.slice(top.name.lastIndexOf('/') + 1))
    if (v.ok) {
      const branch = releaseBranchPattern
        .replace('{major}', String(v.version.major))
        .replace('{minor}', String(v.version.minor))
      const branchSha = await forge.getBranchSha(repo, branch)
      if (branchSha && (branchSha === top.sha || (await forge.compare(repo, branchSha, top.sha)).aheadBy === 0)) break
    }
    other.add(major)
  }
  if (other.size === 0) return {mine: tags, others: []}
  const isOther = (t: ForgeTag) => {
    const m = majorOf(t.name)
    return m !== undefined && other.has(m)
  }
  return {mine: tags.filter((t) => !isOther(t)), others: tags.filter(isOther)}
}

function compareTagVersions(a: string, b: string): number {
  const va = parseReleaseVersion(a.slice(a.lastIndexOf('/') + 1))
  const vb = parseReleaseVersion(b.slice(b.lastIndexOf('/') + 1))
  if (!va.ok || !vb.ok) return 0
  return compareVersions(va.version, vb.version)
}
