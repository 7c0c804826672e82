/**
 * The journal: a JSON file holding the plan of a run and the result of every step, rewritten
 * (atomically) after each step. `--resume` continues the recorded plan (same commits, same
 * versions), skipping steps recorded as done; `--abort` marks the run abandoned. Nothing is ever
 * rolled back on the remote.
 */
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {CliError} from '../cli/errors.js'
import type {ReleasePlan, StepResult} from './types.js'

export type JournalState = 'running' | 'complete' | 'failed' | 'aborted'

export interface JournalData {
  format: 1
  key: string
  state: JournalState
  startedAt: string
  updatedAt: string
  plan: ReleasePlan
  results: Record<string, StepResult>
}

/** ~/.flyte/release-journal/<key>.json */
export function defaultJournalPath(key: string, home = homedir()): string {
  return join(home, '.flyte', 'release-journal', `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`)
}

export async function readJournal(path: string): Promise<JournalData | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    const data = JSON.parse(text) as JournalData
    if (data.format !== 1 || !data.plan || !data.results) throw new Error('unknown format')
    return data
  } catch (err) {
    throw new CliError('conflict', `release journal ${path} is unreadable: ${(err as Error).message}`, {
      hint: 'Move the file away to start over (remote state is checked before every write).',
    })
  }
}

export class Journal {
  private chain: Promise<void> = Promise.resolve()

  private constructor(
    readonly path: string,
    readonly data: JournalData,
  ) {}

  static async start(path: string, key: string, plan: ReleasePlan, now = new Date()): Promise<Journal> {
    const j = new Journal(path, {
      format: 1,
      key,
      state: 'running',
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      plan,
      results: {},
    })
    await j.save()
    return j
  }

  static async resume(path: string, data: JournalData): Promise<Journal> {
    const j = new Journal(path, {...data, state: 'running'})
    await j.save()
    return j
  }

  /** Steps a previous run finished (skipped on resume). */
  finished(id: string): StepResult | undefined {
    const r = this.data.results[id]
    return r && (r.status === 'done' || r.status === 'applied') ? r : undefined
  }

  record(result: StepResult): Promise<void> {
    this.data.results[result.id] = result
    return this.save()
  }

  finish(state: JournalState): Promise<void> {
    this.data.state = state
    return this.save()
  }

  private save(): Promise<void> {
    this.chain = this.chain.then(async () => {
      this.data.updatedAt = new Date().toISOString()
      await mkdir(dirname(this.path), {recursive: true})
      const tmp = `${this.path}.tmp-${process.pid}`
      await writeFile(tmp, JSON.stringify(this.data, null, 2) + '\n')
      await rename(tmp, this.path)
    })
    return this.chain
  }
}
