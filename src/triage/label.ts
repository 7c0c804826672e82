/**
 * `triage label`: every open issue without a triage decision gets `untriaged`.
 *
 * A triage decision is a milestone (a commitment) or an assignee (removing `untriaged` requires one).
 * Labels the issue forms add (`bug`, `enhancement`, …) are not a decision. Issues carrying an exempt
 * label (the housekeeping form files without `untriaged`) are left alone.
 */
import type {Forge, ForgeIssue, ForgeLabel, RepoSlug} from '../forge/types.js'
import {applySteps, apiUsage, type StepOutcome, type TriageStep} from './steps.js'
import {DEFAULT_LABEL_EXEMPT, FORM_LABELS, UNTRIAGED, hasAnyLabel, hasLabel} from './policy.js'

export interface LabelPolicy {
  label?: string
  exempt?: string[]
}

/** Why an issue needs the label, or undefined when it does not. */
export function needsUntriaged(issue: ForgeIssue, policy: LabelPolicy = {}): string | undefined {
  const label = policy.label ?? UNTRIAGED
  if (issue.state !== 'open' || issue.isPullRequest) return undefined
  if (issue.milestone || issue.assignees.length > 0) return undefined
  if (hasLabel(issue, label) || hasAnyLabel(issue, policy.exempt ?? DEFAULT_LABEL_EXEMPT)) return undefined
  const form = issue.labels.filter((l) => FORM_LABELS.some((f) => f.toLowerCase() === l.toLowerCase()))
  return form.length > 0
    ? `no milestone or assignee; form labels ${form.join(', ')} are not a triage decision`
    : 'no milestone, assignee or untriaged label'
}

/** Pure: the steps that label every issue needing it (and create the label if the repo lacks it). */
export function planLabel(
  repo: RepoSlug,
  issues: ForgeIssue[],
  repoLabels: ForgeLabel[],
  policy: LabelPolicy = {},
): TriageStep[] {
  const label = policy.label ?? UNTRIAGED
  const steps: TriageStep[] = []
  for (const issue of issues) {
    const reason = needsUntriaged(issue, policy)
    if (reason) steps.push({kind: 'add-label', repo, number: issue.number, label, reason})
  }
  if (steps.length > 0 && !repoLabels.some((l) => l.name.toLowerCase() === label.toLowerCase())) {
    steps.unshift({kind: 'create-label', repo, label, color: 'ededed', description: 'Not yet triaged'})
  }
  return steps
}

export interface LabelOptions extends LabelPolicy {
  repo: RepoSlug
  dryRun: boolean
  /** Only this issue (the `issues: opened` event); otherwise every open issue. */
  issue?: number
}

export interface LabelResult {
  repo: RepoSlug
  dryRun: boolean
  scanned: number
  steps: StepOutcome[]
  api: {reads: number; writes: number}
}

export async function runLabel(forge: Forge, options: LabelOptions): Promise<LabelResult> {
  const before = {...forge.counters}
  let issues: ForgeIssue[]
  if (options.issue !== undefined) {
    const one = await forge.getIssue(options.repo, options.issue)
    issues = one ? [one] : []
  } else {
    issues = await forge.listIssues(options.repo, {state: 'open'})
  }
  const wouldLabel = issues.some((i) => needsUntriaged(i, options))
  const repoLabels = wouldLabel ? await forge.listLabels(options.repo) : []
  const steps = planLabel(options.repo, issues, repoLabels, options)
  const outcomes = options.dryRun
    ? steps.map((s) => ({...s, status: 'planned' as const}))
    : await applySteps(forge, steps)
  return {
    repo: options.repo,
    dryRun: options.dryRun,
    scanned: issues.length,
    steps: outcomes,
    api: apiUsage(before, forge),
  }
}
