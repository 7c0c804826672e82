/** The backport domain's data: sources, observed state, the plan and the per-target results. */
import type {BackportTarget} from './targets.js'

export type MergeMethod = 'squash' | 'rebase' | 'merge-commit' | 'commit'

export interface SourceCommit {
  sha: string
  /** 1 for merge commits (`cherry-pick -m 1`). */
  mainline?: number
  /** Full message of the original commit (used when a conflict is committed as it is). */
  message: string
}

/** What is being ported: a merged PR, or one commit given with --commit. */
export interface BackportSource {
  /** PR number, or the short sha for --commit. */
  key: string
  pr?: number
  title: string
  url?: string
  labels: string[]
  method: MergeMethod
  commits: SourceCommit[]
}

export interface ExistingPull {
  number: number
  url: string
  state: 'open' | 'closed'
  merged: boolean
  draft: boolean
  labels: string[]
  body: string
}

/** The remote state for one source × target, read before planning. */
export interface ObservedTarget {
  source: string
  target: BackportTarget
  /** The target branch exists on the remote. */
  targetExists: boolean
  /** Every source commit is already on the target branch (by ancestry, `-x` trailer, patch-id or PR number). */
  present: boolean
  /** The backport branch exists on the remote … */
  branchExists: boolean
  /** … and already carries the picks. */
  branchHasPicks: boolean
  pull?: ExistingPull
  /** Another backport PR into the target (open, or merged) already carries this source: a combined one. */
  coveredBy?: ExistingPull
}

export type StepName = 'pick' | 'push' | 'pull' | 'labels'

export type ItemState =
  'todo' | 'open' | 'conflict' | 'merged' | 'closed' | 'present' | 'missing-target' | 'branch-taken'

export interface PlanItem {
  source: string
  target: BackportTarget
  branch: string
  title: string
  body: string
  /** Labels the backport PR should carry (the conflict label is added when a pick conflicts). */
  labels: string[]
  state: ItemState
  steps: StepName[]
  pull?: ExistingPull
}

export interface BackportPlan {
  repo: string
  conflicts: ConflictPolicy
  sources: BackportSource[]
  items: PlanItem[]
}

export type ConflictPolicy = 'abort' | 'draft'

export type ResultStatus = 'open' | 'conflict' | 'merged' | 'closed' | 'present' | 'failed' | 'planned'

export interface ItemResult {
  source: string
  pr?: number
  target: string
  branch: string
  status: ResultStatus
  /** This run created the pull request. */
  created: boolean
  pull?: {number: number; url: string; draft: boolean}
  conflicts?: string[]
  /** What went wrong, for failed items. */
  error?: string
  /** The step that failed. */
  step?: StepName | 'comment' | 'plan'
}

export interface BackportReport {
  repo: string
  dryRun: boolean
  results: ItemResult[]
  /** API reads and writes of this run. */
  api: {reads: number; writes: number}
  journal?: string
}

/** Is the run a success? Anything not landed as planned (failed, conflict) is not. */
export function reportOk(report: BackportReport): boolean {
  return report.results.every((r) => r.status !== 'failed' && r.status !== 'conflict')
}
