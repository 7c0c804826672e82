/**
 * Bot mode: a GitHub Actions run on `pull_request` events (closed+merged, labeled). Reads the event
 * payload, decides what to backport, and reports through step outputs, the job summary and
 * `::error` annotations. Pure functions; the command does the file writes.
 */
import {CliError} from '../cli/errors.js'
import type {BackportConfig} from './config.js'
import type {BackportReport} from './model.js'
import {labelTargets} from './targets.js'

export type BotDecision =
  {run: true; repo: string; pr: number; reason: string} | {run: false; repo?: string; pr?: number; reason: string}

interface EventPayload {
  action?: string
  label?: {name?: string}
  pull_request?: {number?: number; merged?: boolean; labels?: {name?: string}[]; base?: {ref?: string}}
  repository?: {full_name?: string; default_branch?: string}
}

function isBackportLabel(label: string, config: BackportConfig): boolean {
  return (
    label === config.policyLabel ||
    config.securityLabels.includes(label) ||
    labelTargets([label], config.targetLabelPattern).length > 0
  )
}

export function decideFromEvent(payload: unknown, config: BackportConfig): BotDecision {
  if (!payload || typeof payload !== 'object') {
    throw new CliError('invalid-input', 'the event file is not a JSON object', {
      hint: 'Pass --event "$GITHUB_EVENT_PATH" from a pull_request or pull_request_target workflow.',
    })
  }
  const event = payload as EventPayload
  const pull = event.pull_request
  const repo = event.repository?.full_name
  if (!pull || typeof pull.number !== 'number' || !repo) {
    throw new CliError('invalid-input', 'the event is not a pull_request event', {
      hint: 'Run bot mode on `pull_request_target: [closed, labeled]` events.',
    })
  }
  const pr = pull.number
  if (!pull.merged) return {run: false, repo, pr, reason: `#${pr} is not merged`}
  const defaultBranch = event.repository?.default_branch
  if (defaultBranch && pull.base?.ref && pull.base.ref !== defaultBranch) {
    return {run: false, repo, pr, reason: `#${pr} was merged into ${pull.base.ref}, not ${defaultBranch}`}
  }
  const labels = (pull.labels ?? []).map((l) => l.name ?? '')
  if (event.action === 'labeled') {
    const label = event.label?.name ?? ''
    if (!isBackportLabel(label, config))
      return {run: false, repo, pr, reason: `label "${label}" is not a backport label`}
    return {run: true, repo, pr, reason: `labelled "${label}"`}
  }
  if (event.action === 'closed') {
    if (!labels.some((l) => isBackportLabel(l, config))) {
      return {run: false, repo, pr, reason: `#${pr} carries no backport label`}
    }
    return {run: true, repo, pr, reason: 'merged with backport labels'}
  }
  return {run: false, repo, pr, reason: `action "${event.action ?? ''}" is not handled`}
}

/** `name=value` lines for $GITHUB_OUTPUT. */
export function actionOutputs(report: BackportReport | undefined, ok: boolean): string {
  const results = report?.results ?? []
  const created = results.filter((r) => r.created && r.pull).map((r) => r.pull!.number)
  const compact = results.map((r) => ({
    target: r.target,
    status: r.status,
    pull: r.pull?.number ?? null,
    ...(r.error ? {error: r.error} : {}),
  }))
  return [
    `created_pull_numbers=${created.join(' ')}`,
    `was_successful=${ok}`,
    `results=${JSON.stringify(compact)}`,
    '',
  ].join('\n')
}

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function jobSummary(report: BackportReport | undefined, decision: BotDecision): string {
  const lines = [`### Backport of ${decision.pr !== undefined ? `#${decision.pr}` : 'this event'}`, '']
  if (!report) return [...lines, `Nothing to do: ${decision.reason}.`, ''].join('\n')
  lines.push('| Target | Status | Pull request | Detail |', '|---|---|---|---|')
  for (const r of report.results) {
    const detail = r.error ?? (r.conflicts?.length ? `conflicts in ${r.conflicts.join(', ')}` : '')
    lines.push(
      `| \`${r.target}\` | ${r.status} | ${r.pull ? `#${r.pull.number}` : '—'} | ${detail.replace(/\|/g, '\\|')} |`,
    )
  }
  lines.push('', `API calls: ${report.api.reads} reads, ${report.api.writes} writes.`, '')
  return lines.join('\n')
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** Workflow commands: one `::error` per target that did not land, a `::notice` when skipped. */
export function annotations(report: BackportReport | undefined, decision: BotDecision): string[] {
  if (!report) return [`::notice title=${escapeProperty('Backport skipped')}::${escapeData(decision.reason)}`]
  return reportAnnotations(report)
}

export function reportAnnotations(report: BackportReport): string[] {
  return report.results
    .filter((r) => r.status === 'failed' || r.status === 'conflict')
    .map((r) => {
      const title = escapeProperty(`Backport of ${r.pr !== undefined ? `#${r.pr}` : r.source} to ${r.target}`)
      const what =
        r.status === 'conflict'
          ? `conflicts in ${(r.conflicts ?? []).join(', ')}${r.pull ? `; draft PR #${r.pull.number} needs a manual fix` : ''}`
          : (r.error ?? 'failed')
      return `::error title=${title}::${escapeData(what)}`
    })
}
