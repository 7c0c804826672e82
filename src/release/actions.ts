/**
 * GitHub Actions integration for the CI bot: when GITHUB_STEP_SUMMARY / GITHUB_OUTPUT are set, the
 * report is appended as a Markdown table to the job summary and the released tags become step
 * outputs (`version`, `tags`, `ok`).
 */
import {appendFile} from 'node:fs/promises'
import type {ReleaseReport} from './types.js'

export function reportMarkdown(r: ReleaseReport): string {
  const lines = [
    `### release ${r.command} ${r.version}${r.dryRun ? ' (dry run)' : ''}: ${r.ok ? 'ok' : 'did not finish'}`,
    '',
    '| repository | step | target | status | detail |',
    '|---|---|---|---|---|',
    ...r.steps.map(
      (s) => `| ${s.repo} | ${s.kind} | \`${s.target}\` | ${s.status} | ${(s.detail ?? '').replace(/\|/g, '\\|')} |`,
    ),
    '',
    ...r.notes.map((n) => `- ${n}`),
  ]
  return lines.join('\n').trimEnd() + '\n'
}

export function reportOutputs(r: ReleaseReport): string {
  const tags = r.components.map((c) => c.tag).join(' ')
  return `version=${r.version}\ntags=${tags}\nok=${r.ok}\n`
}

/** Writes the summary and outputs when running inside GitHub Actions; otherwise does nothing. */
export async function publishToActions(r: ReleaseReport, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, reportMarkdown(r))
  if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, reportOutputs(r))
}
