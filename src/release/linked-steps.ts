/**
 * Release steps carried out by the triage and docs-versioning services, so `release cut` rolls
 * milestones over and pins docs exactly as `triage milestones --rollover` and `docs pin` do.
 * Both services re-read the remote and plan only what is missing, which makes the steps idempotent:
 * nothing left to do is "done" with no write; under dry-run only their reads run.
 */
import type {Forge} from '../forge/types.js'
import {planNextMilestone, planRollover, type MilestonePlan} from '../triage/milestones.js'
import {applySteps, type TriageStep} from '../triage/steps.js'
import type {Outcome} from './apply.js'
import type {ReleaseStep} from './types.js'

type RolloverStep = Extract<ReleaseStep, {kind: 'milestone-rollover'}>
type DocsPinStep = Extract<ReleaseStep, {kind: 'docs-pin'}>

function describeMilestoneSteps(steps: TriageStep[]): string {
  const parts: string[] = []
  const created = steps.find((s) => s.kind === 'create-milestone')
  if (created) parts.push(`create ${created.title}${created.dueOn ? ` due ${created.dueOn.slice(0, 10)}` : ''}`)
  const moved = steps.flatMap((s) => (s.kind === 'set-milestone' ? [s.number] : [])).sort((a, b) => a - b)
  if (moved.length > 0) parts.push(`move ${moved.map((n) => `#${n}`).join(', ')}`)
  const closed = steps.find((s) => s.kind === 'close-milestone')
  if (closed) parts.push(`close ${closed.milestone}`)
  return parts.join('; ')
}

/** The next milestone created, the open items of the released one moved there, the released one closed. */
export async function rollMilestone(
  forge: Forge,
  step: RolloverStep,
  options: {dryRun: boolean; now: Date},
): Promise<Outcome> {
  const cadence = {months: step.cadenceMonths, titleFormat: step.titleFormat}
  const milestones = await forge.listMilestones(step.repo, 'all')
  const closing = step.from === undefined ? undefined : milestones.find((m) => m.title === step.from)
  let plan: MilestonePlan
  if (closing) {
    const open = await forge.listIssues(step.repo, {state: 'open', milestone: closing.number, includePulls: true})
    plan = planRollover(step.repo, milestones, closing, open, cadence, options.now, step.to)
  } else {
    plan = planNextMilestone(step.repo, milestones, cadence, options.now, {title: step.to, dueOn: step.dueOn})
  }
  // A title the triage cadence cannot read as a version gets the release plan's due date.
  const steps = plan.steps.map((s) => (s.kind === 'create-milestone' && !s.dueOn ? {...s, dueOn: step.dueOn} : s))
  if (steps.length === 0) return {status: 'done', ...(plan.notes.length ? {detail: plan.notes.join('; ')} : {})}
  const detail = describeMilestoneSteps(steps)
  if (options.dryRun) return {status: 'planned', detail}
  const outcomes = await applySteps(forge, steps)
  const failed = outcomes.filter((o) => o.status === 'failed')
  if (failed.length > 0) {
    return {
      status: 'failed',
      detail: `${failed.length} of ${outcomes.length} milestone write(s) failed (first: ${failed[0].kind}: ${failed[0].error})`,
    }
  }
  return {status: 'applied', detail}
}

/** One pull request pinning the repository's conf.py on the release branch. */
export async function pinReleaseDocs(forge: Forge, step: DocsPinStep, options: {dryRun: boolean}): Promise<Outcome> {
  // Under dry-run the release branch may not exist yet: it is cut from the default branch first.
  if (options.dryRun && !(await forge.getBranchSha(step.repo, step.base))) {
    return {status: 'planned', detail: `after ${step.base} is created`}
  }
  const {pinDocs} = await import('../docs-versioning/pin.js')
  const result = await pinDocs(forge, {
    repos: [{repo: step.repo, base: step.base, confPath: step.confPath}],
    version: step.version,
    aligned: step.aligned,
    dryRun: options.dryRun,
  })
  const r = result.repos[0]!
  const pull = r.pull ? ` ${r.pull.url}` : ''
  switch (r.status) {
    case 'pull-opened':
      return {status: 'applied', detail: `pull request opened${pull}`}
    case 'pull-exists':
      return {status: 'done', detail: `pull request open${pull}`}
    case 'up-to-date':
      return {status: 'done', detail: `${step.confPath} on ${step.base} is already pinned`}
    case 'planned':
      return {
        status: 'planned',
        detail: r.writes
          .filter((w) => w.status === 'planned')
          .map((w) => w.action)
          .join(', '),
      }
    case 'no-conf':
      return {status: 'failed', detail: `${step.confPath} is missing on ${step.base}`}
    case 'failed':
      return {status: 'failed', detail: r.error ?? 'docs pin failed'}
  }
}
