/** Bot-mode file I/O: the event payload in, step outputs and the job summary out. */
import {appendFile, readFile} from 'node:fs/promises'
import {CliError} from '../cli/errors.js'
import {actionOutputs, annotations, decideFromEvent, jobSummary, type BotDecision} from './bot.js'
import type {BackportConfig} from './config.js'
import type {BackportReport} from './model.js'

export async function readEvent(path: string, config: BackportConfig): Promise<BotDecision> {
  let payload: unknown
  try {
    payload = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new CliError('invalid-input', `cannot read the event file ${path}: ${(err as Error).message}`, {
      hint: 'Pass --event "$GITHUB_EVENT_PATH" inside a GitHub Actions job.',
    })
  }
  return decideFromEvent(payload, config)
}

/** Writes $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY when set; returns the annotation lines. */
export async function finishBotRun(
  report: BackportReport | undefined,
  decision: BotDecision,
  ok: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, actionOutputs(report, ok))
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, jobSummary(report, decision))
  return annotations(report, decision)
}
