/**
 * The `flytectl backport` flow behind the thin command: bot-mode event handling, the request, the
 * service call, and the Actions outputs. Returns what the command prints or throws.
 */
import {CliError} from '../cli/errors.js'
import {checkBranchName, pullNumber} from '../cli/validate-forge.js'
import {reportAnnotations} from './bot.js'
import {finishBotRun, readEvent} from './bot-run.js'
import {formatsFor, manifestFormats, type BackportConfig} from './config.js'
import {backportContext, readManifestDoc, type ContextFlags} from './context.js'
import type {BackportReport, ConflictPolicy} from './model.js'
import {continueBackport, runBackport} from './service.js'

export interface BackportCommandInput extends ContextFlags {
  pulls: number[]
  repo?: string
  label?: string
  commit?: string[]
  to?: string[]
  conflicts: ConflictPolicy
  dryRun: boolean
  resume: boolean
  continue: boolean
  event?: string
  /** A release manifest whose `repositories.<slug>.backport` names this repository's formats. */
  manifest?: string
}

export type BackportCommandResult =
  | {kind: 'skipped'; reason: string; annotations: string[]}
  | {kind: 'report'; report: BackportReport; ok: boolean; annotations: string[]}

export function parsePullNumbers(args: string[]): number[] {
  return args.map((a) => pullNumber(a))
}

/** Everything the request names, checked before credentials, clones or GitHub. */
function checkRequest(input: BackportCommandInput): void {
  if (input.repo !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(input.repo))
    throw new CliError('usage', `--repo ${JSON.stringify(input.repo.slice(0, 60))} is not owner/name`, {
      hint: 'Pass --repo flyteorg/flyte.',
    })
  for (const branch of input.to ?? []) checkBranchName(branch, '--to')
  for (const sha of input.commit ?? [])
    if (!/^[0-9a-f]{4,40}$/i.test(sha))
      throw new CliError('usage', `--commit ${JSON.stringify(sha.slice(0, 60))} is not a commit sha`, {
        hint: 'Pass a full or abbreviated hex sha, e.g. --commit 1a2b3c4.',
      })
  if (input.label !== undefined && (input.label.trim() === '' || input.label.length > 50))
    throw new CliError('usage', `--label ${JSON.stringify(input.label.slice(0, 60))} is not a GitHub label name`, {
      hint: 'Label names are 1 to 50 characters, e.g. --label needs-backport.',
    })
}

export async function runBackportCommand(
  input: BackportCommandInput,
  config: BackportConfig,
  note: (line: string) => void,
): Promise<BackportCommandResult> {
  checkRequest(input)
  const event = input.event ? await readEvent(input.event, config) : undefined
  if (event && !event.run) {
    return {kind: 'skipped', reason: event.reason, annotations: await finishBotRun(undefined, event, true)}
  }
  const repo = event?.repo ?? input.repo
  if (!repo)
    throw new CliError('usage', 'which repository? pass --repo owner/name', {hint: 'Or set GITHUB_REPOSITORY.'})
  const fromManifest = input.manifest
    ? manifestFormats(await readManifestDoc(input.manifest), `manifest ${input.manifest}`)
    : {}
  const formats = formatsFor(config, repo, fromManifest)
  const ctx = await backportContext(input, {readOnly: input.dryRun})
  const request = {
    repo,
    pulls: event?.pr !== undefined ? [event.pr] : input.pulls,
    commits: input.commit ?? [],
    label: input.label,
    to: input.to ?? [],
    conflicts: input.conflicts,
    dryRun: input.dryRun,
    resume: input.resume,
    config,
    formats,
    policyOnlyWhenAsked: event !== undefined,
  }
  const {report} = await (input.continue ? continueBackport : runBackport)(request, {...ctx, note})
  const ok = report.results.every((r) => r.status !== 'failed' && r.status !== 'conflict')
  // Annotations also in a plain `flytectl backport` step of a workflow.
  const lines = event ? await finishBotRun(report, event, ok) : reportAnnotations(report)
  return {kind: 'report', report, ok, annotations: event || process.env.GITHUB_ACTIONS === 'true' ? lines : []}
}
