/**
 * `triage stale`: bot-aware staleness.
 *
 * Activity means something a person did: events by bots (GitHub Apps, `[bot]` logins, logins given
 * with --bot) and every `stale` label change do not reset the clock, so the tool's own label and
 * comment never keep an item alive (the top complaint against actions/stale). Items labelled
 * `untriaged` or `security`, and items in a milestone, are never marked and never closed.
 *
 * Passes: like Flyte's stale workflow (two actions/stale steps), several passes with their own
 * label, durations and exemptions; each open item belongs to the first pass that takes it (its
 * `onlyLabels` all present, none of its exempt labels), so two passes never both write on one item.
 * An item no pass takes is exempt.
 *
 * Reads: one listing of open items; a timeline only for items whose `updatedAt` is recent (it may be
 * bot noise) or that already carry the stale label.
 */
import type {Forge, ForgeIssue, ForgeTimelineEvent, RepoSlug} from '../forge/types.js'
import {applySteps, apiUsage, type StepOutcome, type TriageStep} from './steps.js'
import {DAY_MS, SECURITY, STALE, UNTRIAGED, hasLabel, isBot} from './policy.js'

export interface StalePolicy {
  daysBeforeStale?: number
  daysBeforeClose?: number
  daysBeforePrStale?: number
  daysBeforePrClose?: number
  staleLabel?: string
  /** Extra exempt labels; `untriaged` and `security` are always exempt. */
  exemptLabels?: string[]
  bots?: string[]
  includePulls?: boolean
  /** Mark and unmark, never close (actions/stale needs a `-1` for this). */
  markOnly?: boolean
}

/** One pass (actions/stale's inputs, camelCased). */
export interface StalePass {
  name: string
  /** The pass takes only items carrying every one of these labels (actions/stale `only-labels`). */
  onlyLabels?: string[]
  daysBeforeStale?: number
  daysBeforeClose?: number
  /** Default: the pass's daysBeforeStale / daysBeforeClose, as in actions/stale. */
  daysBeforePrStale?: number
  daysBeforePrClose?: number
  staleLabel?: string
  /** Issues (not PRs) with one of these labels are not this pass's. */
  exemptIssueLabels?: string[]
  /** PRs with one of these labels are not this pass's (work-in-progress PRs never go stale). */
  exemptPrLabels?: string[]
  markOnly?: boolean
  /** Leave pull requests alone in this pass. */
  skipPulls?: boolean
}

/**
 * Flyte's stale workflow (flyteorg/flyte .github/workflows/stale.yml, actions/stale@v8, read for
 * shared/reference/flyte-release-practice.md §4): issues 90 days to stale and 7 to close except
 * untriaged and enhancement ones, PRs 270 and 14 except review-needed and work-in-progress; then
 * enhancements on their own, 270 and 14.
 */
export const FLYTE_STALE_PASSES: StalePass[] = [
  {
    name: 'default',
    daysBeforeStale: 90,
    daysBeforeClose: 7,
    daysBeforePrStale: 270,
    daysBeforePrClose: 14,
    staleLabel: STALE,
    exemptIssueLabels: [UNTRIAGED, 'enhancement'],
    exemptPrLabels: ['review-needed', 'work-in-progress'],
  },
  {name: 'enhancements', onlyLabels: ['enhancement'], daysBeforeStale: 270, daysBeforeClose: 14, staleLabel: STALE},
]

/** Flyte's stale workflow's `operations-per-run`. */
export const FLYTE_OPERATIONS_PER_RUN = 500

/** The single pass the flat options describe (flags, or callers without passes). */
export function passFromPolicy(policy: StalePolicy): StalePass {
  return {
    name: 'default',
    daysBeforeStale: policy.daysBeforeStale ?? DEFAULTS.daysBeforeStale,
    daysBeforeClose: policy.daysBeforeClose ?? DEFAULTS.daysBeforeClose,
    daysBeforePrStale: policy.daysBeforePrStale ?? DEFAULTS.daysBeforePrStale,
    daysBeforePrClose: policy.daysBeforePrClose ?? DEFAULTS.daysBeforePrClose,
    staleLabel: policy.staleLabel ?? STALE,
    exemptIssueLabels: policy.exemptLabels ?? [],
    exemptPrLabels: policy.exemptLabels ?? [],
    markOnly: policy.markOnly ?? false,
    skipPulls: policy.includePulls === false,
  }
}

/** A pass as the one-pass policy the decisions below work with. */
function policyOf(pass: StalePass, item: ForgeIssue, bots: string[] | undefined): StalePolicy {
  return {
    daysBeforeStale: pass.daysBeforeStale ?? DEFAULTS.daysBeforeStale,
    daysBeforeClose: pass.daysBeforeClose ?? DEFAULTS.daysBeforeClose,
    daysBeforePrStale: pass.daysBeforePrStale ?? pass.daysBeforeStale ?? DEFAULTS.daysBeforePrStale,
    daysBeforePrClose: pass.daysBeforePrClose ?? pass.daysBeforeClose ?? DEFAULTS.daysBeforePrClose,
    staleLabel: pass.staleLabel ?? STALE,
    exemptLabels: (item.isPullRequest ? pass.exemptPrLabels : pass.exemptIssueLabels) ?? [],
    markOnly: pass.markOnly ?? false,
    ...(bots ? {bots} : {}),
  }
}

const sameLabel = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** The first pass that takes the item, or undefined (the item is exempt from every pass). */
export function passFor(item: ForgeIssue, passes: StalePass[]): StalePass | undefined {
  return passes.find((p) => {
    if (item.isPullRequest && p.skipPulls) return false
    if ((p.onlyLabels ?? []).some((l) => !item.labels.some((x) => sameLabel(x, l)))) return false
    const exempt = (item.isPullRequest ? p.exemptPrLabels : p.exemptIssueLabels) ?? []
    return !item.labels.some((x) => exempt.some((l) => sameLabel(x, l)))
  })
}

const DEFAULTS = {daysBeforeStale: 90, daysBeforeClose: 7, daysBeforePrStale: 270, daysBeforePrClose: 14}

export const STALE_MARKER = '<!-- flytectl:stale -->'

function limits(item: ForgeIssue, policy: StalePolicy): {stale: number; close: number} {
  return item.isPullRequest
    ? {
        stale: policy.daysBeforePrStale ?? DEFAULTS.daysBeforePrStale,
        close: policy.daysBeforePrClose ?? DEFAULTS.daysBeforePrClose,
      }
    : {
        stale: policy.daysBeforeStale ?? DEFAULTS.daysBeforeStale,
        close: policy.daysBeforeClose ?? DEFAULTS.daysBeforeClose,
      }
}

/** Why an item is exempt from staleness, or undefined. */
export function staleExemption(item: ForgeIssue, policy: StalePolicy = {}): string | undefined {
  if (item.milestone) return `in milestone ${item.milestone.title}`
  const always = [UNTRIAGED, SECURITY, ...(policy.exemptLabels ?? [])]
  const label = item.labels.find((l) => always.some((a) => a.toLowerCase() === l.toLowerCase()))
  return label ? `label "${label}"` : undefined
}

/** Pure: does this item need its timeline read to decide? */
export function needsTimeline(item: ForgeIssue, policy: StalePolicy, now: Date): boolean {
  if (staleExemption(item, policy)) return false
  if (hasLabel(item, policy.staleLabel ?? STALE)) return true
  const cutoff = now.getTime() - limits(item, policy).stale * DAY_MS
  if (Date.parse(item.updatedAt) < cutoff) return false // nothing at all happened since the cutoff
  if (!isBot(item.author, policy.bots) && Date.parse(item.createdAt) >= cutoff) return false // a person opened it recently
  return true
}

function isStaleEvent(e: ForgeTimelineEvent, staleLabel: string): boolean {
  return (
    (e.event === 'labeled' || e.event === 'unlabeled') && (e.label ?? '').toLowerCase() === staleLabel.toLowerCase()
  )
}

/** The last time a person did something on the item (creation by a person counts). */
export function lastHumanActivity(
  item: ForgeIssue,
  timeline: ForgeTimelineEvent[] | undefined,
  policy: StalePolicy,
): number {
  const staleLabel = policy.staleLabel ?? STALE
  let last = isBot(item.author, policy.bots) ? 0 : Date.parse(item.createdAt)
  if (!timeline) return Math.max(last, Date.parse(item.updatedAt))
  // Whoever applies the stale label also posts the notice right after it: that is part of the marking.
  const markings = timeline
    .filter((e) => e.event === 'labeled' && isStaleEvent(e, staleLabel))
    .map((e) => ({login: e.actor?.login.toLowerCase(), at: Date.parse(e.createdAt)}))
  const partOfMarking = (e: ForgeTimelineEvent) =>
    markings.some(
      (m) =>
        m.login === e.actor?.login.toLowerCase() &&
        Date.parse(e.createdAt) - m.at <= 60_000 &&
        Date.parse(e.createdAt) >= m.at,
    )
  for (const e of timeline) {
    if (isBot(e.actor, policy.bots) || isStaleEvent(e, staleLabel) || partOfMarking(e)) continue
    last = Math.max(last, Date.parse(e.createdAt))
  }
  return last
}

export interface StaleDecision {
  number: number
  action: 'mark' | 'unmark' | 'close' | 'keep'
  reason: string
  /** The pass that decided, when there are several. */
  pass?: string
}

/** Pure: decides each open item, given the timelines read for the ones that needed them. */
export function planStale(
  repo: RepoSlug,
  items: ForgeIssue[],
  timelines: Map<number, ForgeTimelineEvent[]>,
  policyOrPasses: StalePolicy | StalePass[],
  now: Date,
  bots?: string[],
): {steps: TriageStep[]; decisions: StaleDecision[]} {
  const passes = Array.isArray(policyOrPasses) ? policyOrPasses : [passFromPolicy(policyOrPasses)]
  const botLogins = Array.isArray(policyOrPasses) ? bots : (policyOrPasses.bots ?? bots)
  const labels = [...new Set(passes.map((p) => p.staleLabel ?? STALE))]
  const steps: TriageStep[] = []
  const decisions: StaleDecision[] = []
  for (const item of items) {
    if (item.state !== 'open') continue
    const pass = passFor(item, passes)
    const policy = pass ? policyOf(pass, item, botLogins) : {}
    const staleLabel = policy.staleLabel ?? STALE
    const exempt = pass ? staleExemption(item, policy) : 'no pass takes it'
    const kind = item.isPullRequest ? 'pull request' : 'issue'
    const tag = pass && passes.length > 1 ? {pass: pass.name} : {}
    if (exempt) {
      // An exempt item that was marked earlier gets its label back off; it is never closed.
      // Pull requests no pass takes because of --skip-pulls are left alone.
      if (!pass && item.isPullRequest && passes.every((p) => p.skipPulls)) continue
      for (const label of pass ? [staleLabel] : labels) {
        if (!hasLabel(item, label)) continue
        steps.push({kind: 'remove-label', repo, number: item.number, label, reason: `exempt: ${exempt}`})
        decisions.push({number: item.number, action: 'unmark', reason: `exempt: ${exempt}`, ...tag})
      }
      continue
    }
    const {stale, close} = limits(item, policy)
    const timeline = timelines.get(item.number)
    const last = lastHumanActivity(item, timeline, policy)
    const idleDays = Math.floor((now.getTime() - last) / DAY_MS)
    if (!hasLabel(item, staleLabel)) {
      if (idleDays >= stale) {
        steps.push({
          kind: 'add-label',
          repo,
          number: item.number,
          label: staleLabel,
          reason: `no human activity for ${idleDays} days`,
        })
        steps.push({
          kind: 'comment',
          repo,
          number: item.number,
          body: `${STALE_MARKER}\nThis ${kind} has had no activity from people for ${idleDays} days and is now marked \`${staleLabel}\`. ${policy.markOnly ? 'Comment or remove the label if it still matters.' : `It will be closed in ${close} days unless someone comments, or removes the label.`}`,
        })
        decisions.push({number: item.number, action: 'mark', reason: `idle ${idleDays} days`, ...tag})
      }
      continue
    }
    const markedAt = Math.max(
      0,
      ...(timeline ?? [])
        .filter((e) => e.event === 'labeled' && isStaleEvent(e, staleLabel))
        .map((e) => Date.parse(e.createdAt)),
    )
    if (markedAt === 0) {
      decisions.push({
        number: item.number,
        action: 'keep',
        reason: 'stale label with no labeling event; left for a person',
        ...tag,
      })
      continue
    }
    if (last > markedAt) {
      steps.push({
        kind: 'remove-label',
        repo,
        number: item.number,
        label: staleLabel,
        reason: 'a person was active after it was marked',
      })
      decisions.push({number: item.number, action: 'unmark', reason: 'human activity after marking', ...tag})
      continue
    }
    const sinceMarked = Math.floor((now.getTime() - markedAt) / DAY_MS)
    if (policy.markOnly) {
      decisions.push({
        number: item.number,
        action: 'keep',
        reason: `stale for ${sinceMarked} days; closing is off`,
        ...tag,
      })
    } else if (sinceMarked >= close) {
      steps.push({
        kind: 'comment',
        repo,
        number: item.number,
        body: `${STALE_MARKER}\nClosing this ${kind}: it was marked \`${staleLabel}\` ${sinceMarked} days ago and nobody has been active on it since. Reopen it if it still matters.`,
      })
      steps.push({kind: 'close-issue', repo, number: item.number, reason: `stale for ${sinceMarked} days`})
      decisions.push({number: item.number, action: 'close', reason: `stale for ${sinceMarked} days`, ...tag})
    } else {
      decisions.push({
        number: item.number,
        action: 'keep',
        reason: `stale; closes in ${close - sinceMarked} days`,
        ...tag,
      })
    }
  }
  return {steps, decisions}
}

export interface StaleOptions extends StalePolicy {
  repo: RepoSlug
  dryRun: boolean
  now?: Date
  /** Several passes (the manifest's triage.stale.passes, or FLYTE_STALE_PASSES); else one from the flat options. */
  passes?: StalePass[]
  /**
   * Most writes per run (actions/stale's operations-per-run; Flyte sets 500). Items are taken oldest
   * first, whole (label + notice, or notice + close); the rest wait for the next run and are counted
   * in `deferred`.
   */
  operationsPerRun?: number
}

export interface StaleResult {
  repo: RepoSlug
  dryRun: boolean
  scanned: number
  timelinesRead: number
  decisions: StaleDecision[]
  steps: StepOutcome[]
  api: {reads: number; writes: number}
  /** Items whose writes wait for the next run (over operationsPerRun). */
  deferred: number[]
}

/** Pure: whole items' steps, oldest item first, within `budget` writes; the numbers left over. */
export function withinBudget(
  steps: TriageStep[],
  budget: number | undefined,
): {steps: TriageStep[]; deferred: number[]} {
  if (budget === undefined) return {steps, deferred: []}
  const byItem = new Map<number, TriageStep[]>()
  for (const step of steps) {
    const n = 'number' in step ? step.number : 0
    byItem.set(n, [...(byItem.get(n) ?? []), step])
  }
  const kept: TriageStep[] = []
  const deferred: number[] = []
  for (const [n, group] of [...byItem].sort((a, b) => a[0] - b[0])) {
    if (kept.length + group.length <= budget) kept.push(...group)
    else deferred.push(n)
  }
  return {steps: kept, deferred}
}

export async function runStale(forge: Forge, options: StaleOptions): Promise<StaleResult> {
  const before = {...forge.counters}
  const now = options.now ?? new Date()
  const passes = options.passes ?? [passFromPolicy(options)]
  const items = await forge.listIssues(options.repo, {
    state: 'open',
    includePulls: passes.some((p) => !p.skipPulls),
  })
  const timelines = new Map<number, ForgeTimelineEvent[]>()
  for (const item of items) {
    const pass = passFor(item, passes)
    if (pass && needsTimeline(item, policyOf(pass, item, options.bots), now))
      timelines.set(item.number, await forge.listTimeline(options.repo, item.number))
  }
  const plan = planStale(options.repo, items, timelines, passes, now, options.bots)
  const budgeted = withinBudget(plan.steps, options.operationsPerRun)
  const steps = options.dryRun
    ? budgeted.steps.map((s) => ({...s, status: 'planned' as const}))
    : await applySteps(forge, budgeted.steps)
  return {
    repo: options.repo,
    dryRun: options.dryRun,
    scanned: items.length,
    timelinesRead: timelines.size,
    decisions: plan.decisions,
    steps,
    api: apiUsage(before, forge),
    deferred: budgeted.deferred,
  }
}
