/**
 * What the triage and docs commands share: forge flags, building the forge from flags and the
 * environment, GitHub Actions output (annotations, job summary), and turning a run with failed
 * steps into a partial-failure error. Light at the top level: the forge (octokit) loads lazily.
 */
import {Flags} from '@oclif/core'
import {CliError} from '../cli/errors.js'

import {forgeCliError} from '../forge/cli.js'

export {forgeFlags} from '../forge/cli.js'

/** Awaits a service call, reporting a ForgeError as the CLI error for its kind (auth, not found, …). */
export async function forgeCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (err) {
    throw forgeCliError(err)
  }
}

export const manifestFlag = {
  manifest: Flags.string({
    char: 'm',
    description: 'Release manifest giving the repositories and release policy (default: ./release.yaml when present)',
  }),
}

/** `--repo owner/name`, repeatable; without it, $GITHUB_REPOSITORY. */
export const reposFlag = {
  repo: Flags.string({
    description: 'Repository owner/name (repeatable; default: $GITHUB_REPOSITORY)',
    multiple: true,
  }),
}

export const dryRunFlag = {
  'dry-run': Flags.boolean({description: 'Print the plan and change nothing', default: false}),
}

export function inGitHubActions(): boolean {
  return process.env.GITHUB_ACTIONS === 'true'
}

/** A workflow-command annotation (`::error title=…::message`), escaped as GitHub requires. */
export function annotation(level: 'error' | 'warning' | 'notice', message: string, title?: string): string {
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
  return `::${level}${title ? ` title=${prop(title)}` : ''}::${data(message)}`
}

/** Appends Markdown to the Actions job summary when `$GITHUB_STEP_SUMMARY` names a file. */
export async function appendStepSummary(markdown: string): Promise<string | undefined> {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return undefined
  const {appendFile} = await import('node:fs/promises')
  await appendFile(file, markdown.endsWith('\n') ? markdown : markdown + '\n')
  return file
}

/** Throws partial-failure (exit 8) with the per-step report when any applied step failed. */
export function failOnFailedSteps(
  result: {steps: Array<{status: string; error?: string}>},
  what: string,
  describe: (step: never) => string,
): void {
  const failed = result.steps.filter((s) => s.status === 'failed')
  if (failed.length === 0) return
  const first = failed[0]
  throw new CliError(
    'partial-failure',
    `${what}: ${failed.length} of ${result.steps.length} step(s) failed; first: ${describe(first as never)}: ${first.error}`,
    {
      hint: 'Fix the cause and re-run: steps that succeeded are not repeated.',
      details: result,
    },
  )
}
