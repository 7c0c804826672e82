/**
 * Triage steps: what a triage command plans, and the one place that applies them through the Forge.
 * Planners are pure; `applySteps` performs the writes in order and records each outcome.
 */
import type {Forge, RepoSlug} from '../forge/types.js'

export type TriageStep =
  | {kind: 'create-label'; repo: RepoSlug; label: string; color: string; description: string}
  | {kind: 'add-label'; repo: RepoSlug; number: number; label: string; reason: string}
  | {kind: 'remove-label'; repo: RepoSlug; number: number; label: string; reason: string}
  | {kind: 'comment'; repo: RepoSlug; number: number; body: string}
  | {kind: 'close-issue'; repo: RepoSlug; number: number; reason: string}
  | {
      kind: 'set-milestone'
      repo: RepoSlug
      number: number
      milestone: string
      /** Known when the milestone exists at plan time; otherwise looked up by title after it is created. */
      milestoneNumber?: number
      from: string | null
    }
  | {kind: 'create-milestone'; repo: RepoSlug; title: string; dueOn: string | null; description?: string}
  | {kind: 'close-milestone'; repo: RepoSlug; milestone: string; number: number}

export type StepStatus = 'planned' | 'done' | 'failed'

export type StepOutcome = TriageStep & {status: StepStatus; error?: string}

/** One line describing a step, for text output. */
export function describeStep(step: TriageStep): string {
  switch (step.kind) {
    case 'create-label':
      return `${step.repo}: create label "${step.label}"`
    case 'add-label':
      return `${step.repo}#${step.number}: add label "${step.label}" (${step.reason})`
    case 'remove-label':
      return `${step.repo}#${step.number}: remove label "${step.label}" (${step.reason})`
    case 'comment':
      return `${step.repo}#${step.number}: comment`
    case 'close-issue':
      return `${step.repo}#${step.number}: close (${step.reason})`
    case 'set-milestone':
      return `${step.repo}#${step.number}: milestone ${step.from ? `"${step.from}" → ` : ''}"${step.milestone}"`
    case 'create-milestone':
      return `${step.repo}: create milestone "${step.title}"${step.dueOn ? ` due ${step.dueOn.slice(0, 10)}` : ''}`
    case 'close-milestone':
      return `${step.repo}: close milestone "${step.milestone}"`
  }
}

/**
 * Applies steps in order. A failed step is recorded and the rest still run, except steps on the same
 * issue after a failure there (a comment must not be followed by a close that did not get its comment).
 * Milestones created here are looked up by title for later `set-milestone` steps.
 */
export async function applySteps(forge: Forge, steps: TriageStep[]): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = []
  const milestoneNumbers = new Map<string, number>()
  const failedIssues = new Set<string>()
  const milestoneNumber = async (repo: RepoSlug, title: string): Promise<number> => {
    const key = `${repo}\u0000${title}`
    const known = milestoneNumbers.get(key)
    if (known !== undefined) return known
    const found = (await forge.listMilestones(repo, 'all')).find((m) => m.title === title)
    if (!found) throw new Error(`milestone "${title}" does not exist in ${repo}`)
    milestoneNumbers.set(key, found.number)
    return found.number
  }
  for (const step of steps) {
    const issueKey = 'number' in step && step.kind !== 'close-milestone' ? `${step.repo}#${step.number}` : undefined
    if (issueKey && failedIssues.has(issueKey)) {
      outcomes.push({...step, status: 'failed', error: 'skipped: an earlier step on this issue failed'})
      continue
    }
    try {
      switch (step.kind) {
        case 'create-label':
          await forge.ensureLabel(step.repo, {name: step.label, color: step.color, description: step.description})
          break
        case 'add-label':
          await forge.addLabels(step.repo, step.number, [step.label])
          break
        case 'remove-label':
          await forge.removeLabel(step.repo, step.number, step.label)
          break
        case 'comment':
          await forge.createComment(step.repo, step.number, step.body)
          break
        case 'close-issue':
          await forge.updateIssue(step.repo, step.number, {state: 'closed'})
          break
        case 'set-milestone':
          await forge.updateIssue(step.repo, step.number, {
            milestone: step.milestoneNumber ?? (await milestoneNumber(step.repo, step.milestone)),
          })
          break
        case 'create-milestone': {
          const created = await forge.createMilestone(step.repo, {
            title: step.title,
            ...(step.dueOn ? {dueOn: step.dueOn} : {}),
            ...(step.description ? {description: step.description} : {}),
          })
          milestoneNumbers.set(`${step.repo}\u0000${step.title}`, created.number)
          break
        }
        case 'close-milestone':
          await forge.updateMilestone(step.repo, step.number, {state: 'closed'})
          break
      }
      outcomes.push({...step, status: 'done'})
    } catch (err) {
      if (issueKey) failedIssues.add(issueKey)
      outcomes.push({...step, status: 'failed', error: err instanceof Error ? err.message : String(err)})
    }
  }
  return outcomes
}

/** API usage of one run: the forge's counters before and after. */
export function apiUsage(before: {reads: number; writes: number}, forge: Forge): {reads: number; writes: number} {
  return {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes}
}
