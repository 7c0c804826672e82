/**
 * Reading the state a release plan is computed from, through the Forge only (refs, tags, file
 * contents, merged pull requests, milestones). Repositories are read concurrently. Nothing here writes.
 */
import {CliError} from '../cli/errors.js'
import type {Forge, ForgeTag} from '../forge/types.js'
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
    tags,
    releaseBranchSha,
    files,
  }
  const since = req.changesSince?.[repo]
  if (since) {
    const previousTag = since(tags)
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
