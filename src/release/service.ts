/**
 * The release commands as services: observe → plan (pure) → journal → apply → report.
 * Clients are parameters (a Forge), so tests pass the real GitHub forge pointed at the simulator.
 */
import {CliError} from '../cli/errors.js'
import type {ReleaseComponent, ReleaseManifest} from '../config/release-manifest.js'
import type {Forge} from '../forge/types.js'
import type {GitLayer} from '../git/types.js'
import {parseReleaseLine, parseReleaseVersion, quoteValue, versionParseMessage} from '../versioning/parse.js'
import {parseMinorLine, parseStableVersion, versionText} from '../versioning/version.js'
import {applyPlan, type GroupRunner} from './apply.js'
import {defaultJournalPath, Journal, readJournal} from './journal.js'
import {observe} from './observe.js'
import {betaObserveRequest, cutObserveRequest, patchObserveRequest, planBeta, planCut, planPatch} from './plan.js'
import type {ReleasePlan, ReleaseReport, StepResult} from './types.js'

export interface RunOptions {
  dryRun?: boolean
  resume?: boolean
  abort?: boolean
  /** Journal file; default ~/.flyte/release-journal/<command>-<version>.json */
  journalPath?: string
  home?: string
  now?: Date
  runner?: GroupRunner
  /** Local git for single bump commits (see applyPlan). */
  git?: GitLayer
  onResult?: (r: StepResult) => void
  /** Called once the plan is known (before any write). */
  onPlan?: (plan: ReleasePlan) => void
  /** A Helm marker that matches nothing is an error, not a warning. */
  strict?: boolean
}

export type ReleaseRequest =
  | {command: 'cut'; version: string}
  | {command: 'beta'; components?: string[]; repositories?: string[]}
  /** `line` X.Y for the aligned set; without it, only components on their own lines (--component). */
  | {command: 'patch'; line?: string; beta?: boolean; components?: string[]}

export function selectComponents(manifest: ReleaseManifest, names: string[] | undefined, fallback: ReleaseComponent[]) {
  if (!names || names.length === 0) return fallback
  return names.map((n) => {
    const c = manifest.components.find((x) => x.name === n)
    if (!c) {
      throw new CliError('invalid-input', `unknown component "${n}"`, {
        hint: `Use one of: ${manifest.components.map((x) => x.name).join(', ')}.`,
      })
    }
    return c
  })
}

function journalKey(req: ReleaseRequest): string {
  if (req.command === 'cut') return `cut-${req.version}`
  if (req.command === 'patch') {
    const what = req.line ?? (req.components ?? []).join('+')
    return `patch-${what}${req.beta ? '-beta' : ''}`
  }
  return 'beta'
}

/** Validate arguments before any API call. */
export function checkRequest(req: ReleaseRequest): void {
  if (req.command === 'cut') {
    const parsed = parseReleaseVersion(req.version)
    if (!parsed.ok) {
      throw new CliError('invalid-input', versionParseMessage(req.version, parsed.reason), {
        hint: 'Use a version such as 1.4.0 (or v1.4.0).',
      })
    }
    const v = parsed.version
    if (v.pre) {
      throw new CliError('invalid-input', `${quoteValue(req.version)} is not a release version (it is a prerelease)`, {
        hint: 'release cut takes a stable version such as 1.4.0; betas come from `flytectl release beta`.',
      })
    }
    if (v.patch !== 0) {
      throw new CliError('invalid-input', `release cut takes a minor version X.Y.0, not ${versionText(v)}`, {
        hint: `Patch releases are made with \`flytectl release patch ${v.major}.${v.minor}\`.`,
      })
    }
  }
  if (req.command === 'patch' && req.line !== undefined) {
    const line = parseReleaseLine(req.line)
    if (!line.ok) {
      throw new CliError('invalid-input', `${quoteValue(req.line)} is not a minor line: ${line.reason}`, {
        hint: 'release patch takes the minor line, such as 1.3 (the branch release-v1.3).',
      })
    }
  }
  if (req.command === 'patch' && req.line === undefined && !req.components?.length) {
    throw new CliError(
      'usage',
      'release patch needs the minor line X.Y, or --component for a component on its own line',
      {
        hint: 'Run `flytectl release patch 1.16`, or `flytectl release patch --component flytectl`.',
      },
    )
  }
}

export async function makePlan(
  forge: Forge,
  manifest: ReleaseManifest,
  req: ReleaseRequest,
  now: Date,
  options: {strict?: boolean} = {},
): Promise<ReleasePlan> {
  checkRequest(req)
  if (req.command === 'cut') {
    const v = parseStableVersion(req.version)!
    const {CONF_PY_CANDIDATES} = await import('../docs-versioning/pin.js')
    const obs = await observe(forge, cutObserveRequest(manifest, v, CONF_PY_CANDIDATES))
    return planCut(manifest, obs, v, now, {docsCandidates: CONF_PY_CANDIDATES, strict: options.strict})
  }
  if (req.command === 'beta') {
    let components = selectComponents(manifest, req.components, manifest.components)
    if (req.repositories?.length) {
      const unknown = req.repositories.find((r) => !manifest.components.some((c) => c.repository === r))
      if (unknown) {
        throw new CliError('invalid-input', `no component of the release manifest lives in ${unknown}`, {
          hint: `Use one of: ${[...new Set(manifest.components.map((c) => c.repository))].join(', ')}.`,
        })
      }
      components = components.filter((c) => req.repositories!.includes(c.repository))
    }
    const obs = await observe(forge, betaObserveRequest(manifest, components))
    return planBeta(manifest, obs, components)
  }
  const components = selectComponents(
    manifest,
    req.components,
    manifest.components.filter((c) => c.aligned),
  )
  const line = req.line === undefined ? undefined : parseMinorLine(req.line)!
  if (!line) {
    const aligned = components.filter((c) => c.aligned)
    if (aligned.length > 0) {
      throw new CliError(
        'usage',
        `release patch needs the minor line X.Y for ${aligned.map((c) => c.name).join(', ')}`,
        {
          hint: `Aligned components are patched on their release branch: \`flytectl release patch X.Y --component ${aligned[0]!.name}\`.`,
        },
      )
    }
  }
  const obs = await observe(forge, patchObserveRequest(manifest, line, components))
  return planPatch(manifest, obs, line, components, {
    beta: Boolean(req.beta),
    explicit: Boolean(req.components?.length),
    strict: options.strict,
  })
}

export async function runRelease(
  forge: Forge,
  manifest: ReleaseManifest,
  req: ReleaseRequest,
  options: RunOptions = {},
): Promise<ReleaseReport> {
  checkRequest(req)
  const key = journalKey(req)
  const path = options.journalPath ?? defaultJournalPath(key, options.home)
  const before = {reads: forge.counters.reads, writes: forge.counters.writes}
  const recorded = await readJournal(path)

  if (options.abort) {
    if (!recorded || recorded.state === 'complete' || recorded.state === 'aborted') {
      throw new CliError('not-found', `no unfinished release ${key.replace('-', ' ')} to abort (${path})`, {
        hint: 'Nothing to do: the run finished or never started.',
      })
    }
    const j = await Journal.resume(path, recorded)
    await j.finish('aborted')
    const steps = recorded.plan.steps.map(
      (s) =>
        recorded.results[s.id] ?? {
          id: s.id,
          repo: s.repo,
          kind: s.kind,
          target: s.summary,
          status: 'not-run' as const,
          detail: 'aborted',
        },
    )
    return report(recorded.plan, steps, false, forge, before, path, true)
  }

  let plan: ReleasePlan
  let journal: Journal | undefined
  if (options.resume) {
    if (!recorded || recorded.state === 'complete' || recorded.state === 'aborted') {
      throw new CliError('not-found', `no unfinished release ${key.replace('-', ' ')} to resume (${path})`, {
        hint: 'Run the command without --resume; every step checks the remote before it acts.',
      })
    }
    plan = recorded.plan
    options.onPlan?.(plan)
    if (!options.dryRun) journal = await Journal.resume(path, recorded)
  } else {
    if (recorded && (recorded.state === 'running' || recorded.state === 'failed') && !options.dryRun) {
      const stopped = Object.values(recorded.results).find((r) => r.status === 'failed')
      throw new CliError(
        'conflict',
        `an unfinished release ${key.replace('-', ' ')} is recorded in ${path}${stopped ? ` (stopped at ${stopped.repo} ${stopped.kind} ${stopped.target})` : ''}`,
        {hint: 'Pass --resume to finish it, or --abort to drop it.'},
      )
    }
    plan = await makePlan(forge, manifest, req, options.now ?? new Date(), {strict: options.strict})
    options.onPlan?.(plan)
    // Betas are re-planned from the remote on every run (the CI bot); the others are journaled.
    if (!options.dryRun && plan.steps.length > 0 && req.command !== 'beta') {
      journal = await Journal.start(path, key, plan, options.now)
    }
  }

  const steps = await applyPlan(forge, plan, {
    dryRun: options.dryRun,
    journal,
    runner: options.runner,
    git: options.git,
    now: options.now,
    onResult: options.onResult,
  })
  const ok = steps.every((s) => s.status === 'done' || s.status === 'applied' || s.status === 'planned')
  await journal?.finish(ok ? 'complete' : 'failed')
  return report(plan, steps, Boolean(options.dryRun), forge, before, journal?.path)
}

function report(
  plan: ReleasePlan,
  steps: StepResult[],
  dryRun: boolean,
  forge: Forge,
  before: {reads: number; writes: number},
  journal?: string,
  aborted = false,
): ReleaseReport {
  const ok = !aborted && steps.every((s) => s.status === 'done' || s.status === 'applied' || s.status === 'planned')
  return {
    command: plan.command,
    version: plan.version,
    dryRun,
    ok,
    components: plan.components,
    steps,
    notes: plan.notes,
    api: {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes},
    ...(journal ? {journal} : {}),
  }
}

/** A plan as text: one line per step, grouped by repository. */
export function renderPlanText(plan: ReleasePlan): string {
  const lines = [`release ${plan.command} ${plan.version}${plan.releaseBranch ? ` (${plan.releaseBranch})` : ''}`]
  for (const c of plan.components) {
    lines.push(
      `  ${c.component.padEnd(16)} ${c.tag}${c.previous && c.previous !== c.tag ? `  (previous ${c.previous})` : ''}`,
    )
  }
  let repo = ''
  for (const s of plan.steps) {
    if (s.repo !== repo) {
      repo = s.repo
      lines.push(`${repo}:`)
    }
    lines.push(`  - ${s.summary}`)
  }
  if (plan.steps.length === 0) lines.push('nothing to do')
  for (const n of plan.notes) lines.push(`note: ${n}`)
  return lines.join('\n') + '\n'
}

/** The report as text: one line per repo × step and a summary line. */
export function renderReportText(r: ReleaseReport): string {
  const width = Math.max(4, ...r.steps.map((s) => s.repo.length))
  const kindWidth = Math.max(4, ...r.steps.map((s) => s.kind.length))
  const lines = r.steps.map(
    (s) =>
      `${s.repo.padEnd(width)}  ${s.kind.padEnd(kindWidth)}  ${s.status.padEnd(8)}  ${s.target}${s.detail ? `  (${s.detail})` : ''}`,
  )
  const count = (st: string) => r.steps.filter((s) => s.status === st).length
  lines.push(
    `release ${r.command} ${r.version}${r.dryRun ? ' (dry run)' : ''}: ${count('applied')} applied, ${count('done')} already done, ${count('planned')} planned, ${count('failed')} failed, ${count('not-run')} not run; API ${r.api.reads} reads, ${r.api.writes} writes`,
  )
  for (const n of r.notes) lines.push(`note: ${n}`)
  return lines.join('\n') + '\n'
}

/** Throw exit 8 (partial) with the report as details when a planned step did not happen. */
export function assertReportOk(r: ReleaseReport): void {
  if (r.ok) return
  const bad = r.steps.filter((s) => s.status === 'failed' || s.status === 'not-run')
  const first = bad.find((s) => s.status === 'failed') ?? bad[0]
  throw new CliError(
    'partial-failure',
    `${bad.length} of ${r.steps.length} planned steps did not happen${first ? ` (first: ${first.repo} ${first.kind} ${first.target}: ${first.detail ?? first.status})` : ''}`,
    {
      hint: r.journal
        ? `Fix the cause, then rerun with --resume (journal: ${r.journal}).`
        : 'Fix the cause and rerun the command.',
      details: r,
    },
  )
}
