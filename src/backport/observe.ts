/**
 * Reading state for the planner: the sources (merged PRs or commits) from the forge and the local
 * clone, and, per source × target, what already exists on the remote. Reads only.
 */
import {CliError} from '../cli/errors.js'
import type {Forge, ForgePull} from '../forge/types.js'
import type {RepoClone} from '../git/types.js'
import type {BackportSource, ExistingPull, ObservedTarget, SourceCommit} from './model.js'
import {pullCarries} from './combined.js'
import {DEFAULT_FORMATS} from './config.js'
import {backportBranch, targetVersion, type Naming} from './plan.js'
import type {BackportTarget} from './targets.js'

type LogEntry = {sha: string; subject: string; body: string; parents: string[]}

function messageOf(e: LogEntry): string {
  return e.body ? `${e.subject}\n\n${e.body}` : e.subject
}

async function commitAt(clone: RepoClone, sha: string): Promise<LogEntry> {
  const parent = await clone.revParse(`${sha}~1`)
  const entries = await clone.log(parent, sha)
  const entry = entries.find((e) => e.sha === sha) ?? entries.at(-1)
  if (!entry) throw new CliError('not-found', `commit ${sha} is not in the clone`)
  return entry
}

/** A merged PR as a source: squash (one commit), rebase (its N commits, in order) or merge commit (-m 1). */
export async function readPullSource(
  forge: Forge,
  clone: RepoClone,
  repo: string,
  number: number,
  /** The PR when already read. */
  known?: ForgePull,
): Promise<BackportSource> {
  const pull = known ?? (await forge.getPull(repo, number))
  if (!pull) throw new CliError('not-found', `pull request #${number} not found in ${repo}`)
  if (!pull.merged || !pull.mergeCommitSha) {
    throw new CliError('invalid-input', `pull request #${number} in ${repo} is not merged`, {
      hint: 'Only merged pull requests are backported; merge it first or pass --commit <sha>.',
    })
  }
  const sha = pull.mergeCommitSha
  if (!(await clone.revParse(sha))) {
    throw new CliError('not-found', `merge commit ${sha.slice(0, 12)} of #${number} is not in the clone of ${repo}`)
  }
  const top = await commitAt(clone, sha)
  const base = {key: String(number), pr: number, title: pull.title, url: pull.htmlUrl, labels: pull.labels}
  if (top.parents.length > 1) {
    return {...base, method: 'merge-commit', commits: [{sha, mainline: 1, message: messageOf(top)}]}
  }
  // GitHub titles a squash commit "<title> (#N)"; only other single-parent merges can be rebases.
  const squashed = top.subject.trimEnd().endsWith(`(#${number})`)
  const rebased = squashed ? undefined : await rebasedCommits(forge, clone, repo, pull, top)
  if (rebased) return {...base, method: 'rebase', commits: rebased}
  return {...base, method: 'squash', commits: [{sha, message: messageOf(top)}]}
}

/** For a rebase merge, the PR's commits sit on the base branch, in order, ending at the merge sha. */
async function rebasedCommits(
  forge: Forge,
  clone: RepoClone,
  repo: string,
  pull: ForgePull,
  top: LogEntry,
): Promise<SourceCommit[] | undefined> {
  const prCommits = await forge.listPullCommits(repo, pull.number)
  if (prCommits.length < 2) return undefined
  const from = await clone.revParse(`${top.sha}~${prCommits.length}`)
  if (!from) return undefined
  const chain = await clone.log(from, top.sha)
  if (chain.length !== prCommits.length) return undefined
  const subject = (m: string) => m.split('\n')[0]!.trim()
  const same = chain.every((e, i) => e.parents.length === 1 && e.subject.trim() === subject(prCommits[i]!.message))
  return same ? chain.map((e) => ({sha: e.sha, message: messageOf(e)})) : undefined
}

/** One commit as a source (--commit); a merged PR that produced it lends its labels and link. */
export async function readCommitSource(
  forge: Forge,
  clone: RepoClone,
  repo: string,
  ref: string,
): Promise<BackportSource> {
  const sha = await clone.revParse(ref)
  if (!sha) {
    throw new CliError('not-found', `commit ${ref} not found in ${repo}`, {
      hint: 'Pass a full or abbreviated sha of a commit on the default branch.',
    })
  }
  const entry = await commitAt(clone, sha)
  const pulls = await forge.pullsForCommit(repo, sha)
  const pull = pulls.find((p) => p.merged)
  return {
    key: sha.slice(0, 8),
    title: entry.subject,
    url: pull?.htmlUrl,
    labels: pull?.labels ?? [],
    method: 'commit',
    commits: [{sha, message: messageOf(entry), ...(entry.parents.length > 1 ? {mainline: 1} : {})}],
  }
}

/** Merged PRs into the default branch carrying `label`, oldest first. */
export async function pullsWithLabel(forge: Forge, repo: string, label: string, baseBranch: string): Promise<number[]> {
  const issues = await forge.listIssues(repo, {state: 'closed', labels: [label], includePulls: true})
  const numbers: number[] = []
  for (const issue of issues.filter((i) => i.isPullRequest)) {
    const pull = await forge.getPull(repo, issue.number)
    if (pull?.merged && pull.base === baseBranch) numbers.push(pull.number)
  }
  return numbers.sort((a, b) => a - b)
}

function toExisting(p: ForgePull): ExistingPull {
  return {
    number: p.number,
    url: p.htmlUrl,
    state: p.state,
    merged: p.merged,
    draft: p.draft,
    labels: p.labels,
    body: p.body,
  }
}

export async function observeTarget(
  forge: Forge,
  clone: RepoClone,
  repo: string,
  source: BackportSource,
  target: BackportTarget,
  remoteBranches: string[],
  naming?: Naming,
): Promise<ObservedTarget> {
  const branch = backportBranch([source], target.branch, naming)
  const targetExists = remoteBranches.includes(target.branch)
  const branchExists = remoteBranches.includes(branch)
  const containsAll = async (ref: string) => {
    for (const c of source.commits) if (!(await clone.contains(ref, c.sha, {pr: source.pr}))) return false
    return true
  }
  const owner = repo.split('/')[0]
  // The API read and the local history checks overlap.
  const [pulls, present, branchHasPicks] = await Promise.all([
    forge.listPulls(repo, {state: 'all', head: `${owner}:${branch}`, base: target.branch}),
    targetExists ? containsAll(target.branch) : false,
    branchExists ? containsAll(branch) : false,
  ])
  const matching = pulls.filter((p) => p.head === branch || p.head.endsWith(`:${branch}`))
  const pull = matching.find((p) => p.state === 'open') ?? matching.sort((a, b) => b.number - a.number)[0]
  // Not ported on its own branch: a combined backport PR into the target may carry it.
  let coveredBy: ForgePull | undefined
  if (!pull && !present && targetExists && source.pr !== undefined) {
    const values = {
      targetBranch: target.branch,
      targetVersion: targetVersion(target.branch, naming?.releaseBranchPattern),
      sourceBranch: naming?.sourceBranch ?? '',
    }
    const template = (naming?.formats ?? DEFAULT_FORMATS).backportBranchName
    const into = await forge.listPulls(repo, {state: 'all', base: target.branch})
    const carrying = into.filter(
      (p) => (p.state === 'open' || p.merged) && pullCarries(p, source.pr!, target.branch, template, values),
    )
    coveredBy = carrying.find((p) => p.state === 'open') ?? carrying.find((p) => p.merged)
  }
  return {
    ...(coveredBy ? {coveredBy: toExisting(coveredBy)} : {}),
    source: source.key,
    target,
    targetExists,
    present,
    branchExists,
    branchHasPicks,
    ...(pull ? {pull: toExisting(pull)} : {}),
  }
}
