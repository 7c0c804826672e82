/**
 * The backport journal: one JSON file per run (repo + sources) under the user state dir, written
 * after every step, so a run that stopped half-way resumes where it was (`--resume`) and knows what
 * it already did (the picked sha, the conflicting files, the PR it opened).
 */
import {existsSync} from 'node:fs'
import {mkdir, readFile, readdir, rename, stat, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {CliError} from '../cli/errors.js'
import type {ConflictPolicy} from './model.js'

export interface JournalItem {
  pick?: {sha?: string; conflicts: string[]; empty: boolean}
  push?: {sha: string}
  pull?: {number: number; url: string; draft: boolean}
  labels?: boolean
  error?: {step: string; message: string}
}

export interface RunArgs {
  pulls: number[]
  commits: string[]
  label?: string
  to: string[]
  conflicts: ConflictPolicy
}

export interface JournalData {
  version: 1
  repo: string
  run: string
  args: RunArgs
  finished: boolean
  items: Record<string, JournalItem>
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'flytectl')
}

/** A stable run name: the sources and explicit targets. */
export function runName(args: RunArgs): string {
  const parts = [
    ...args.pulls.map((n) => `pr${n}`),
    ...args.commits.map((c) => c.slice(0, 12)),
    ...(args.label ? [`label-${args.label}`] : []),
    ...args.to.map((t) => `to-${t}`),
  ]
  return parts.join('_').replace(/[^A-Za-z0-9._-]/g, '_') || 'run'
}

export class Journal {
  private constructor(
    readonly path: string,
    readonly data: JournalData,
  ) {}

  static dir(stateDir: string, repo: string): string {
    return join(stateDir, 'backport', repo.replace('/', '__'))
  }

  /** Opens this run's journal: an unfinished one is continued; a finished one starts over. */
  static async open(stateDir: string, repo: string, args: RunArgs): Promise<Journal> {
    const run = runName(args)
    const path = join(Journal.dir(stateDir, repo), `${run}.json`)
    const previous = await Journal.read(path)
    if (previous && !previous.data.finished) return previous
    return new Journal(path, {version: 1, repo, run, args, finished: false, items: {}})
  }

  /** The newest unfinished journal of a repository (for `--resume` without arguments). */
  static async latestUnfinished(stateDir: string, repo: string): Promise<Journal | undefined> {
    const dir = Journal.dir(stateDir, repo)
    if (!existsSync(dir)) return undefined
    const found: {j: Journal; mtime: number}[] = []
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue
      const j = await Journal.read(join(dir, name))
      if (j && !j.data.finished) found.push({j, mtime: (await stat(j.path)).mtimeMs})
    }
    return found.sort((a, b) => b.mtime - a.mtime)[0]?.j
  }

  private static async read(path: string): Promise<Journal | undefined> {
    if (!existsSync(path)) return undefined
    try {
      const data = JSON.parse(await readFile(path, 'utf8')) as JournalData
      if (data.version !== 1) throw new Error(`unknown journal version ${String(data.version)}`)
      return new Journal(path, data)
    } catch (err) {
      throw new CliError('conflict', `backport journal ${path} is unreadable: ${(err as Error).message}`, {
        hint: 'Move the file away and run the command again; every step checks the remote before it acts.',
        cause: err,
      })
    }
  }

  item(branch: string): JournalItem {
    return (this.data.items[branch] ??= {})
  }

  async record(branch: string, patch: Partial<JournalItem>): Promise<void> {
    Object.assign(this.item(branch), patch)
    await this.save()
  }

  async finish(finished: boolean): Promise<void> {
    this.data.finished = finished
    await this.save()
  }

  private async save(): Promise<void> {
    await mkdir(join(this.path, '..'), {recursive: true})
    const tmp = `${this.path}.tmp-${process.pid}`
    await writeFile(tmp, JSON.stringify(this.data, null, 2) + '\n')
    await rename(tmp, this.path)
  }
}
