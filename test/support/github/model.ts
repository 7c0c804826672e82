/** State transitions shared by the REST handlers and the builder: merges, PR facts, timeline events. */
import {
  iso,
  repoIdentity,
  type MergeMethod,
  type SimEvent,
  type SimIssue,
  type SimRepo,
  type SimState,
} from './state.js'
import type {PullGitFacts} from './shapes.js'

const ZERO = '0'.repeat(40)
const GITHUB_COMMITTER = {name: 'GitHub', email: 'noreply@github.com'}

export function recordEvent(
  s: SimState,
  _r: SimRepo,
  i: SimIssue,
  e: Omit<SimEvent, 'id' | 'createdAt'> & {createdAt?: string},
): void {
  i.events.push({id: s.nextId(), createdAt: e.createdAt ?? iso(s.now()), ...e})
}

export async function pullFacts(r: SimRepo, i: SimIssue, full: boolean): Promise<PullGitFacts> {
  const p = i.pull!
  const headSha = p.headSha ?? (await r.git.refSha(`refs/heads/${p.head}`)) ?? ZERO
  const baseSha = p.baseShaAtMerge ?? (await r.git.refSha(`refs/heads/${p.base}`)) ?? ZERO
  const facts: PullGitFacts = {headSha, baseSha, commits: 0, additions: 0, deletions: 0, changedFiles: 0}
  if (!full || headSha === ZERO || baseSha === ZERO) return facts
  facts.commits = (await r.git.revList(baseSha, headSha)).length
  const mergeBase = (await r.git.mergeBase(baseSha, headSha)) ?? baseSha
  const stat = await r.git.diffStat(mergeBase, headSha)
  facts.changedFiles = stat.length
  for (const f of stat) {
    facts.additions += f.additions
    facts.deletions += f.deletions
  }
  return facts
}

/**
 * Merge a PR for real in the bare repo: a merge commit, one squashed commit, or the head's commits
 * replayed one by one (rebase). Returns the new tip of the base branch, or undefined on conflict.
 */
export async function mergePull(
  s: SimState,
  r: SimRepo,
  i: SimIssue,
  method: MergeMethod,
  actor: string,
  options: {title?: string; date?: string} = {},
): Promise<string | undefined> {
  const p = i.pull!
  const baseRef = `refs/heads/${p.base}`
  const base = await r.git.refSha(baseRef)
  const head = await r.git.refSha(`refs/heads/${p.head}`)
  if (!base || !head) return undefined
  const date = options.date ?? iso(s.now())
  const author = {...repoIdentity(s, i.author), date}
  const committer = {...GITHUB_COMMITTER, date}
  const landed: string[] = []
  let tip: string
  if (method === 'rebase') {
    tip = base
    for (const sha of await r.git.revList(base, head)) {
      const c = (await r.git.commit(sha))!
      const tree = await r.git.pickTree(tip, sha)
      if (!tree) return undefined
      tip = await r.git.commitTree(
        tree,
        [tip],
        c.message,
        {name: c.authorName, email: c.authorEmail, date: c.authorDate},
        committer,
      )
      landed.push(tip)
    }
  } else {
    const tree = await r.git.mergeTrees(base, head)
    if (!tree) return undefined
    if (method === 'merge') {
      const message = `Merge pull request #${i.number} from ${r.owner}/${p.head}\n\n${options.title ?? i.title}`
      tip = await r.git.commitTree(tree, [base, head], message, author, committer)
    } else {
      const subjects = []
      for (const sha of await r.git.revList(base, head))
        subjects.push(`* ${(await r.git.commit(sha))!.message.split('\n')[0]}`)
      const message = `${options.title ?? i.title} (#${i.number})\n\n${subjects.join('\n')}`
      tip = await r.git.commitTree(tree, [base], message, author, committer)
    }
    landed.push(tip)
  }
  await r.git.updateRef(baseRef, tip, base)
  Object.assign(p, {
    merged: true,
    mergedAt: date,
    mergedBy: actor,
    mergeMethod: method,
    mergeCommitSha: tip,
    landed,
    headSha: head,
    baseShaAtMerge: base,
  })
  i.state = 'closed'
  i.closedAt = date
  i.updatedAt = date
  recordEvent(s, r, i, {event: 'merged', actor, createdAt: date})
  recordEvent(s, r, i, {event: 'closed', actor, createdAt: date})
  // Closing keywords and linked issues close their issues when the PR lands on the default branch.
  if (p.base === r.defaultBranch) {
    for (const n of closingNumbers(r, i)) {
      const target = r.issues.get(n)
      if (!target || target.pull || target.state === 'closed') continue
      target.state = 'closed'
      target.stateReason = 'completed'
      target.closedAt = date
      target.updatedAt = date
      recordEvent(s, r, target, {event: 'closed', actor, createdAt: date})
    }
  }
  return tip
}

const KEYWORD = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:([\w.-]+\/[\w.-]+))?#(\d+)\b/gi

/** Issues a PR closes: explicit links plus closing keywords in its body (same repository). */
export function closingNumbers(r: SimRepo, i: SimIssue): number[] {
  const out = new Set(i.closingIssues)
  for (const m of i.body.matchAll(KEYWORD)) {
    if (m[1] && m[1].toLowerCase() !== r.slug.toLowerCase()) continue
    out.add(Number(m[2]))
  }
  return [...out]
}
