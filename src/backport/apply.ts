/**
 * Applying a backport plan: each step checks what exists before it acts and records itself in the
 * journal. Picks run in a worktree of the cached clone; pushes are atomic and never forced; a PR
 * that exists is reused. One failing target does not stop the others; it is reported.
 */
import {toCliError} from '../cli/errors.js'
import type {Forge} from '../forge/types.js'
import type {RepoClone, Worktree} from '../git/types.js'
import {COMMENT_MARKER, mergeRows, readRows, renderComment, rowOf} from './comment.js'
import type {BackportConfig} from './config.js'
import type {Journal} from './journal.js'
import type {BackportPlan, BackportSource, ItemResult, PlanItem, StepName} from './model.js'
import {backportBody} from './plan.js'

export interface ApplyContext {
  forge: Forge
  clone: RepoClone
  config: BackportConfig
  journal: Journal
  /** Progress lines (stderr). */
  note?: (line: string) => void
}

class StepError extends Error {
  constructor(
    readonly step: StepName | 'comment',
    message: string,
    readonly conflicts?: string[],
  ) {
    super(message)
  }
}

export async function applyPlan(plan: BackportPlan, ctx: ApplyContext): Promise<ItemResult[]> {
  const results: ItemResult[] = []
  for (const item of plan.items) {
    const source = plan.sources.find((s) => s.key === item.source)!
    results.push(await applyItem(plan, source, item, ctx))
  }
  for (const source of plan.sources) {
    if (source.pr === undefined) continue
    const mine = results.filter((r) => r.source === source.key)
    if (mine.length === 0) continue
    try {
      await upsertComment(plan.repo, source, mine, ctx)
    } catch (err) {
      for (const r of mine) {
        if (r.status !== 'failed') Object.assign(r, {status: 'failed', step: 'comment', error: message(err)})
      }
    }
  }
  return results
}

function message(err: unknown): string {
  return toCliError(err).message
}

async function applyItem(
  plan: BackportPlan,
  source: BackportSource,
  item: PlanItem,
  ctx: ApplyContext,
): Promise<ItemResult> {
  const base = {source: source.key, pr: source.pr, target: item.target.branch, branch: item.branch, created: false}
  const existing = item.pull ? {pull: {number: item.pull.number, url: item.pull.url, draft: item.pull.draft}} : {}
  switch (item.state) {
    case 'missing-target':
      return {...base, status: 'failed', step: 'plan', error: `target branch ${item.target.branch} does not exist`}
    case 'branch-taken':
      return {
        ...base,
        status: 'failed',
        step: 'plan',
        error: `branch ${item.branch} exists on the remote without these commits; it is left untouched`,
      }
    case 'present':
    case 'merged':
    case 'closed':
      return {...base, ...existing, status: item.state}
    default:
      break
  }
  const journal = ctx.journal
  const record = journal.item(item.branch)
  let conflicts = record.pick?.conflicts ?? []
  if (item.state === 'conflict' && item.pull) conflicts = conflictsFromBody(item.pull) ?? conflicts
  let pull = existing.pull
  let created = false
  let picked: Worktree | undefined
  try {
    for (const step of item.steps) {
      if (step === 'pick') {
        ctx.note?.(`${item.branch}: cherry-picking ${source.commits.length} commit(s) onto ${item.target.branch}`)
        const {worktree, ...pick} = await pickInto(source, item, plan.conflicts, ctx)
        picked = worktree
        conflicts = pick.conflicts
        await journal.record(item.branch, {pick})
        if (pick.empty) return {...base, status: 'present'}
      } else if (step === 'push') {
        if (!picked) throw new StepError('push', `nothing picked for ${item.branch}`)
        const sha = await picked.head()
        const result = await picked.push([`HEAD:refs/heads/${item.branch}`])
        if (!result.ok)
          throw new StepError('push', `push of ${item.branch} rejected: ${result.message ?? 'no reason given'}`)
        await journal.record(item.branch, {push: {sha}})
      } else if (step === 'pull') {
        const done = record.pull
        if (done) pull = done
        else {
          const body = backportBody(source, item.target.branch, conflicts)
          const created_ = await ctx.forge.createPull(plan.repo, {
            title: item.title,
            body: conflicts.length ? bodyWithConflicts(body, conflicts) : body,
            head: item.branch,
            base: item.target.branch,
            draft: conflicts.length > 0,
          })
          pull = {number: created_.number, url: created_.htmlUrl, draft: created_.draft}
          created = true
          await journal.record(item.branch, {pull})
          ctx.note?.(`${item.branch}: opened #${pull.number}${conflicts.length ? ' (draft, conflicts)' : ''}`)
        }
      } else if (step === 'labels') {
        const want = [...item.labels, ...(conflicts.length ? [ctx.config.conflictLabel] : [])]
        const have = item.pull?.labels ?? []
        const missing = want.filter((l) => !have.includes(l))
        if (missing.length && pull) {
          if (missing.includes(ctx.config.conflictLabel)) {
            await ctx.forge.ensureLabel(plan.repo, {
              name: ctx.config.conflictLabel,
              color: 'd93f0b',
              description: 'Backport with conflicts committed; needs a manual fix',
            })
          }
          await ctx.forge.addLabels(plan.repo, pull.number, missing)
        }
        await journal.record(item.branch, {labels: true})
      }
    }
  } catch (err) {
    const step = err instanceof StepError ? err.step : currentStep(record, item.steps)
    // Bad credentials fail every target alike: stop with the auth error (exit 7), journal kept.
    const code = toCliError(err).code
    if (code === 'unauthenticated' || code === 'permission-denied' || (err as {kind?: string}).kind === 'auth') {
      await journal.record(item.branch, {error: {step, message: message(err)}})
      throw err
    }
    const errConflicts = err instanceof StepError ? err.conflicts : undefined
    await journal.record(item.branch, {error: {step, message: message(err)}})
    return {
      ...base,
      ...(pull ? {pull} : {}),
      status: errConflicts ? 'conflict' : 'failed',
      created,
      step,
      error: message(err),
      ...(errConflicts ? {conflicts: errConflicts} : {}),
    }
  }
  if (record.error) delete record.error
  const status = conflicts.length ? 'conflict' : 'open'
  return {...base, pull, status, created, ...(conflicts.length ? {conflicts} : {})}
}

function currentStep(record: {pick?: unknown; push?: unknown; pull?: unknown}, steps: StepName[]): StepName {
  if (steps.includes('pick') && !record.pick) return 'pick'
  if (steps.includes('push') && !record.push) return 'push'
  if (steps.includes('pull') && !record.pull) return 'pull'
  return 'labels'
}

/** Conflicting files recorded in the hidden marker of a backport PR body. */
export function conflictsFromBody(pull: {body?: string}): string[] | undefined {
  const m = /<!-- flytectl-backport-conflicts (\[.*?\]) -->/.exec(pull.body ?? '')
  if (!m) return undefined
  try {
    return JSON.parse(m[1]!) as string[]
  } catch {
    return undefined
  }
}

export function bodyWithConflicts(body: string, conflicts: string[]): string {
  return `${body}\n<!-- flytectl-backport-conflicts ${JSON.stringify(conflicts)} -->`
}

async function pickInto(
  source: BackportSource,
  item: PlanItem,
  policy: BackportPlan['conflicts'],
  ctx: ApplyContext,
): Promise<{sha?: string; conflicts: string[]; empty: boolean; worktree: Worktree}> {
  const wt = await ctx.clone.worktree(item.target.branch)
  await wt.cherryPickAbort()
  const tip = await ctx.clone.revParse(item.target.branch)
  await wt.createBranch(item.branch, tip)
  const conflicts: string[] = []
  let picked = 0
  for (const commit of source.commits) {
    const result = await wt.cherryPick(commit.sha, commit.mainline ? {mainline: commit.mainline} : {})
    if (result.status === 'picked') picked++
    else if (result.status === 'conflict') {
      if (policy === 'abort') {
        await wt.cherryPickAbort()
        throw new StepError(
          'pick',
          `cherry-pick of ${commit.sha.slice(0, 12)} onto ${item.target.branch} conflicts in ${result.conflicts.join(', ')}`,
          result.conflicts,
        )
      }
      await wt.commitAll(
        `${commit.message}\n\n(cherry picked from commit ${commit.sha})\n\nConflicts (committed with markers):\n${result.conflicts
          .map((f) => `\t${f}`)
          .join('\n')}`,
      )
      picked++
      for (const f of result.conflicts) if (!conflicts.includes(f)) conflicts.push(f)
    }
  }
  return {sha: await wt.head(), conflicts, empty: picked === 0, worktree: wt}
}

async function upsertComment(repo: string, source: BackportSource, results: ItemResult[], ctx: ApplyContext) {
  const comments = await ctx.forge.listComments(repo, source.pr!)
  const mine = comments.find((c) => c.body.includes(COMMENT_MARKER))
  const rows = mergeRows(readRows(mine?.body), results.map(rowOf))
  const body = renderComment(repo, source, rows)
  if (mine?.body === body) return
  if (mine) await ctx.forge.updateComment(repo, mine.id, body)
  else await ctx.forge.createComment(repo, source.pr!, body)
}
