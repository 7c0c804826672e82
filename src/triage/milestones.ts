/**
 * `triage milestones`: keep one milestone per upcoming release, due on the release cadence, and at
 * release time roll the open issues of the released milestone over to the next one, then close it.
 *
 * Milestone titles are versions (`1.16.0`, `v1.16`); the next one is the highest version + one minor.
 */
import type {Forge, ForgeIssue, ForgeMilestone, RepoSlug} from '../forge/types.js'
import {CliError} from '../cli/errors.js'
import {applySteps, apiUsage, type StepOutcome, type TriageStep} from './steps.js'
import {issueRef, type IssueRef} from './policy.js'

export interface MilestoneVersion {
  major: number
  minor: number
  patch: number
}

export function parseMilestoneVersion(title: string): MilestoneVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(title.trim())
  return m ? {major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0)} : undefined
}

function compareVersions(a: MilestoneVersion, b: MilestoneVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

/** `{major}.{minor}.0` by default; keeps a leading `v` when `format` has one. */
export function milestoneTitle(version: MilestoneVersion, format = '{major}.{minor}.0'): string {
  return format
    .replaceAll('{major}', String(version.major))
    .replaceAll('{minor}', String(version.minor))
    .replaceAll('{patch}', String(version.patch))
}

/** Adds whole months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(iso: string, months: number): string {
  const d = new Date(iso)
  const day = d.getUTCDate()
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes()))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(day, last))
  return target.toISOString()
}

export interface Cadence {
  /** Months between releases (Flyte: quarterly = 3). */
  months: number
  titleFormat?: string
}

/**
 * Pure: the release milestone after `after` (default: the highest closed versioned milestone), due
 * one cadence after that milestone's due date (or after `now` when it has none), moved forward until
 * it is in the future. With nothing closed yet, the lowest open versioned milestone is the answer.
 */
export function nextMilestone(
  milestones: ForgeMilestone[],
  cadence: Cadence,
  now: Date,
  after?: ForgeMilestone,
): {title: string; dueOn: string; scheduledOn: string} | undefined {
  const versioned = milestones
    .map((m) => ({m, v: parseMilestoneVersion(m.title)}))
    .filter((x): x is {m: ForgeMilestone; v: MilestoneVersion} => x.v !== undefined)
    .sort((a, b) => compareVersions(a.v, b.v))
  // Without an explicit milestone, continue from the last released (closed) one: the release after
  // it is the one being worked on, so running this again after it exists creates nothing.
  const base = after
    ? versioned.find((x) => x.m.number === after.number)
    : versioned.filter((x) => x.m.state === 'closed').pop()
  if (!base) {
    const open = versioned.find((x) => x.m.state === 'open')
    return open && !after
      ? {title: open.m.title, dueOn: open.m.dueOn ?? '', scheduledOn: open.m.dueOn ?? ''}
      : undefined
  }
  const next = {major: base.v.major, minor: base.v.minor + 1, patch: 0}
  const format = cadence.titleFormat ?? (base.m.title.startsWith('v') ? 'v{major}.{minor}.0' : '{major}.{minor}.0')
  const scheduledOn = addMonths(base.m.dueOn ?? now.toISOString(), cadence.months)
  let due = scheduledOn
  while (Date.parse(due) <= now.getTime()) due = addMonths(due, cadence.months)
  return {title: milestoneTitle(next, format), dueOn: due, scheduledOn}
}

export interface MilestonePlan {
  steps: TriageStep[]
  /** Open issues and pull requests of the rolled-over milestone that move to the next one. */
  slipped: IssueRef[]
  target?: {title: string; dueOn: string | null; exists: boolean}
  notes: string[]
}

/** Pure: create the next milestone when it is missing. */
export function planNextMilestone(
  repo: RepoSlug,
  milestones: ForgeMilestone[],
  cadence: Cadence,
  now: Date,
  override: {title?: string; dueOn?: string} = {},
): MilestonePlan {
  const computed = nextMilestone(milestones, cadence, now)
  const title = override.title ?? computed?.title
  if (!title) {
    throw new CliError('invalid-input', `${repo} has no milestone titled like a version to continue from`, {
      hint: 'Pass --title <X.Y.Z> (and --due <YYYY-MM-DD>) for the first release milestone.',
    })
  }
  const dueOn = override.dueOn ?? (computed?.dueOn || null)
  const existing = milestones.find((m) => m.title === title)
  if (existing) {
    // Compare with the date the cadence scheduled (not moved past today: an overdue milestone is
    // slipping, which the report shows, not a wrong due date).
    const scheduled = override.dueOn ?? (override.title ? undefined : computed?.scheduledOn)
    const notes =
      scheduled && existing.dueOn && existing.dueOn.slice(0, 10) !== scheduled.slice(0, 10)
        ? [
            `milestone "${title}" exists due ${existing.dueOn.slice(0, 10)} (the cadence says ${scheduled.slice(0, 10)}); left as is`,
          ]
        : []
    return {steps: [], slipped: [], target: {title, dueOn: existing.dueOn, exists: true}, notes}
  }
  return {
    steps: [{kind: 'create-milestone', repo, title, dueOn, description: `Release ${title}`}],
    slipped: [],
    target: {title, dueOn, exists: false},
    notes: [],
  }
}

/** Pure: move open items of `closing` to the target (created if missing) and close `closing`. */
export function planRollover(
  repo: RepoSlug,
  milestones: ForgeMilestone[],
  closing: ForgeMilestone,
  openItems: ForgeIssue[],
  cadence: Cadence,
  now: Date,
  to?: string,
): MilestonePlan {
  const notes: string[] = []
  const computed = nextMilestone(milestones, cadence, now, closing)
  const title = to ?? computed?.title
  if (!title) {
    throw new CliError('invalid-input', `cannot tell which milestone follows "${closing.title}"`, {
      hint: 'Pass --to <milestone> to name the milestone the open issues move to.',
    })
  }
  if (title === closing.title) {
    throw new CliError('invalid-input', `--to names the milestone being closed ("${title}")`, {
      hint: 'Pass the next release milestone to --to.',
    })
  }
  const existing = milestones.find((m) => m.title === title)
  const steps: TriageStep[] = []
  if (!existing) {
    const dueOn = computed && computed.title === title ? computed.dueOn : null
    steps.push({kind: 'create-milestone', repo, title, dueOn, description: `Release ${title}`})
  } else if (existing.state === 'closed') {
    throw new CliError('conflict', `the target milestone "${title}" is closed`, {
      hint: 'Reopen it on GitHub or pass --to with an open milestone.',
    })
  }
  const moving = openItems.filter((i) => i.state === 'open' && i.milestone?.number === closing.number)
  for (const item of moving) {
    steps.push({
      kind: 'set-milestone',
      repo,
      number: item.number,
      milestone: title,
      ...(existing ? {milestoneNumber: existing.number} : {}),
      from: closing.title,
    })
  }
  if (closing.state === 'open')
    steps.push({kind: 'close-milestone', repo, milestone: closing.title, number: closing.number})
  else if (moving.length === 0) notes.push(`milestone "${closing.title}" is already closed with no open items`)
  return {
    steps,
    slipped: moving.map(issueRef),
    target: {
      title,
      dueOn: existing?.dueOn ?? steps.find((s) => s.kind === 'create-milestone')?.dueOn ?? null,
      exists: !!existing,
    },
    notes,
  }
}

export interface MilestonesOptions {
  repo: RepoSlug
  dryRun: boolean
  cadence: Cadence
  now?: Date
  /** Release milestone being closed. */
  rollover?: string
  to?: string
  title?: string
  dueOn?: string
}

export interface MilestonesResult extends MilestonePlan {
  repo: RepoSlug
  dryRun: boolean
  rollover: string | null
  steps: StepOutcome[]
  api: {reads: number; writes: number}
}

export async function runMilestones(forge: Forge, options: MilestonesOptions): Promise<MilestonesResult> {
  const before = {...forge.counters}
  const now = options.now ?? new Date()
  const milestones = await forge.listMilestones(options.repo, 'all')
  let plan: MilestonePlan
  if (options.rollover) {
    const closing = milestones.find((m) => m.title === options.rollover)
    if (!closing) {
      throw new CliError('not-found', `milestone "${options.rollover}" does not exist in ${options.repo}`, {
        hint: `Known milestones: ${milestones.map((m) => m.title).join(', ') || 'none'}.`,
      })
    }
    const items = await forge.listIssues(options.repo, {state: 'open', milestone: closing.number, includePulls: true})
    plan = planRollover(options.repo, milestones, closing, items, options.cadence, now, options.to)
  } else {
    plan = planNextMilestone(options.repo, milestones, options.cadence, now, {
      title: options.title,
      dueOn: options.dueOn,
    })
  }
  const steps = options.dryRun
    ? plan.steps.map((s) => ({...s, status: 'planned' as const}))
    : await applySteps(forge, plan.steps)
  return {
    ...plan,
    repo: options.repo,
    dryRun: options.dryRun,
    rollover: options.rollover ?? null,
    steps,
    api: apiUsage(before, forge),
  }
}
