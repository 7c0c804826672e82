/**
 * Applying a plan. Every step checks the remote before it acts: a tag already at the expected
 * commit, an existing branch, release or milestone, a file already holding the new text are "done"
 * and cost no write; a tag at another commit, or a file changed since the plan, is a conflict.
 * Repositories run concurrently, steps within a repository in order; a failed step stops the rest
 * of its repository ("not-run"). Under dry-run only the read-side checks run.
 */
import {ForgeError, type Forge} from '../forge/types.js'
import type {GitLayer} from '../git/types.js'
import {pinReleaseDocs, rollMilestone} from './linked-steps.js'
import type {Journal} from './journal.js'
import type {FileChange, ReleasePlan, ReleaseStep, StepResult, StepStatus} from './types.js'

export interface StepGroup {
  repo: string
  steps: ReleaseStep[]
  run: (step: ReleaseStep) => Promise<StepResult>
}

/** Runs groups (concurrently) and their steps (in order); the plain runner or the listr2 one. */
export type GroupRunner = (groups: StepGroup[]) => Promise<void>

export interface ApplyOptions {
  dryRun?: boolean
  journal?: Journal
  runner?: GroupRunner
  /** Called after each step (plain progress lines). */
  onResult?: (result: StepResult) => void
  /**
   * Local git for the bump commit: all files in one commit, pushed (never forced). Without it the
   * files are written through the contents API, one commit per file.
   */
  git?: GitLayer
  /** Clock for the milestone due dates (tests fix it). */
  now?: Date
}

export function stepTarget(step: ReleaseStep): string {
  switch (step.kind) {
    case 'branch':
      return step.branch
    case 'commit':
      return step.branch
    case 'tag':
    case 'release':
      return step.tag
    case 'milestone-close':
      return step.title
    case 'milestone-rollover':
      return step.from ? `${step.from} → ${step.to}` : step.to
    case 'docs-pin':
      return `${step.confPath} on ${step.base}`
  }
}

export class StepConflict extends Error {}

export const plainRunner: GroupRunner = async (groups) => {
  await Promise.all(
    groups.map(async (g) => {
      let failed = false
      for (const step of g.steps) {
        if (failed) continue
        const r = await g.run(step)
        if (r.status === 'failed') failed = true
      }
    }),
  )
}

export async function applyPlan(forge: Forge, plan: ReleasePlan, options: ApplyOptions = {}): Promise<StepResult[]> {
  const results = new Map<string, StepResult>()
  const heads: Heads = new Map()
  const groups: StepGroup[] = []
  for (const step of plan.steps) {
    let g = groups.find((x) => x.repo === step.repo)
    if (!g) {
      g = {
        repo: step.repo,
        steps: [],
        run: async (s) => {
          const r = await runOne(forge, s, options, heads)
          results.set(s.id, r)
          if (options.journal && !options.dryRun) await options.journal.record(r)
          options.onResult?.(r)
          return r
        },
      }
      groups.push(g)
    }
    g.steps.push(step)
  }
  await (options.runner ?? plainRunner)(groups)
  return plan.steps.map(
    (s) =>
      results.get(s.id) ?? {
        id: s.id,
        repo: s.repo,
        kind: s.kind,
        target: stepTarget(s),
        status: 'not-run' as StepStatus,
        detail: 'an earlier step in this repository failed',
      },
  )
}

/** Branch heads this run made or saw (so tags go on the bump commit without another lookup). */
type Heads = Map<string, string>

function noteHead(heads: Heads, step: ReleaseStep, r: StepResult): void {
  if (step.kind !== 'branch' && step.kind !== 'commit') return
  const key = `${step.repo}\0${step.branch}`
  if ((r.status === 'done' || r.status === 'applied') && r.sha) heads.set(key, r.sha)
  else heads.delete(key)
}

async function runOne(forge: Forge, step: ReleaseStep, options: ApplyOptions, heads: Heads): Promise<StepResult> {
  const result = await runStep(forge, step, options, heads)
  noteHead(heads, step, result)
  return result
}

async function runStep(forge: Forge, step: ReleaseStep, options: ApplyOptions, heads: Heads): Promise<StepResult> {
  const base = {id: step.id, repo: step.repo, kind: step.kind, target: stepTarget(step)}
  const recorded = options.journal?.finished(step.id)
  if (recorded && !options.dryRun) return {...recorded, detail: recorded.detail ?? 'recorded in the journal'}
  try {
    const outcome = await execute(
      forge,
      step,
      Boolean(options.dryRun),
      heads,
      options.git,
      () => options.now ?? new Date(),
    )
    return {...base, ...outcome}
  } catch (err) {
    const detail =
      err instanceof StepConflict
        ? err.message
        : err instanceof ForgeError
          ? `${err.kind}${err.status ? ` (HTTP ${err.status})` : ''}: ${err.message}`
          : (err as Error).message
    return {...base, status: 'failed', detail}
  }
}

export type Outcome = {status: StepStatus; detail?: string; sha?: string}

async function execute(
  forge: Forge,
  step: ReleaseStep,
  dryRun: boolean,
  heads: Heads,
  git?: GitLayer,
  now: () => Date = () => new Date(),
): Promise<Outcome> {
  const write = async (fn: () => Promise<Outcome>): Promise<Outcome> => (dryRun ? {status: 'planned'} : fn())
  switch (step.kind) {
    case 'branch': {
      const sha = await forge.getBranchSha(step.repo, step.branch)
      if (sha) return {status: 'done', sha, detail: sha === step.sha ? undefined : `exists at ${sha.slice(0, 7)}`}
      return write(async () => {
        await forge.createBranch(step.repo, step.branch, step.sha)
        return {status: 'applied', sha: step.sha}
      })
    }
    case 'commit':
      return commitFiles(forge, step, dryRun, git)
    case 'tag': {
      const target =
        'sha' in step.at
          ? step.at.sha
          : (heads.get(`${step.repo}\0${step.at.branch}`) ?? (await forge.getBranchSha(step.repo, step.at.branch)))
      const existing = await forge.getTag(step.repo, step.tag)
      if (existing) {
        if (target === undefined || existing.sha === target) return {status: 'done', sha: existing.sha}
        throw new StepConflict(
          `tag ${step.tag} already exists at ${existing.sha.slice(0, 7)}, not at ${target.slice(0, 7)}; tags are never moved`,
        )
      }
      if (!target) {
        if (dryRun) return {status: 'planned'}
        throw new StepConflict(`branch ${'branch' in step.at ? step.at.branch : ''} is missing; cannot tag ${step.tag}`)
      }
      return write(async () => {
        await forge.createTag(step.repo, step.tag, target, step.message)
        return {status: 'applied', sha: target}
      })
    }
    case 'release': {
      if (await forge.getReleaseByTag(step.repo, step.tag)) return {status: 'done'}
      return write(async () => {
        const r = await forge.createRelease(step.repo, {
          tagName: step.tag,
          name: step.name,
          body: step.body,
          prerelease: step.prerelease,
        })
        return {status: 'applied', detail: r.htmlUrl}
      })
    }
    case 'milestone-close': {
      const m = (await forge.listMilestones(step.repo, 'all')).find((x) => x.title === step.title)
      if (!m) throw new StepConflict(`milestone ${step.title} does not exist`)
      if (m.state === 'closed') return {status: 'done'}
      return write(async () => {
        await forge.updateMilestone(step.repo, m.number, {state: 'closed'})
        return {status: 'applied'}
      })
    }
    case 'milestone-rollover':
      return rollMilestone(forge, step, {dryRun, now: now()})
    case 'docs-pin':
      return pinReleaseDocs(forge, step, {dryRun})
  }
}

/** Which files still need writing, given the branch's current texts; a file changed by someone else is a conflict. */
function pendingFiles(step: Extract<ReleaseStep, {kind: 'commit'}>, current: (string | undefined)[]): FileChange[] {
  return step.files.filter((f, i) => {
    const now = current[i]
    if (now === f.after) return false
    if (now !== undefined && f.keepExisting) return false
    if (now !== f.before && now !== undefined) {
      throw new StepConflict(`${f.path} on ${step.branch} changed since the plan was made; re-plan the release`)
    }
    return true
  })
}

async function commitFiles(
  forge: Forge,
  step: Extract<ReleaseStep, {kind: 'commit'}>,
  dryRun: boolean,
  git?: GitLayer,
): Promise<Outcome> {
  if (dryRun || !git) {
    const found = await Promise.all(step.files.map((f) => forge.getFile(step.repo, f.path, step.branch)))
    const pending = pendingFiles(
      step,
      found.map((x) => x?.text),
    )
    if (pending.length === 0) return {status: 'done'}
    if (dryRun) return {status: 'planned', detail: `${pending.length} file(s)`}
    let sha = ''
    for (const f of pending) {
      const i = step.files.indexOf(f)
      sha = await forge.putFile(step.repo, f.path, {
        branch: step.branch,
        text: f.after,
        message: step.message,
        sha: found[i]?.sha,
      })
    }
    return {status: 'applied', sha, detail: `${pending.length} file(s), one commit each`}
  }
  const info = await forge.getRepo(step.repo)
  if (!info) throw new StepConflict(`repository ${step.repo} is not visible`)
  const clone = await git.clone(info.cloneUrl)
  const wt = await clone.worktree(step.branch)
  const current = await Promise.all(step.files.map((f) => wt.readFile(f.path)))
  const pending = pendingFiles(step, current)
  if (pending.length === 0) return {status: 'done', sha: await wt.head()}
  for (const f of pending) await wt.writeFile(f.path, f.after)
  const sha = await wt.commitAll(step.message)
  const pushed = await wt.push([`HEAD:refs/heads/${step.branch}`])
  if (!pushed.ok) {
    throw new StepConflict(`push to ${step.branch} was rejected${pushed.message ? `: ${pushed.message}` : ''}`)
  }
  return {status: 'applied', sha, detail: `${pending.length} file(s) in one commit`}
}
