/**
 * Retention (`demo start --retain 30d`): in the background, the data of executions that ended longer
 * ago than the limit is deleted — inputs, outputs and node data (`blobs/metadata/<p>/<d>/<name>`), raw
 * outputs such as files and data frames (`blobs/raw/...`), task logs (`logs/...`) and working
 * directories (`work/...`) — while every row stays (the execution, its nodes, task attempts and
 * events) with a note saying when and why its data went. The data calls answer an expired
 * execution with that note instead of empty data.
 *
 * Never touched: an execution that is not in a terminal phase, one the executor still runs, and a
 * child execution whose parent is still running (the parent is about to read its outputs). Cache
 * entries whose outputs point into deleted data are dropped as well, so a cache hit cannot hand a
 * later execution a file that is gone. Off unless asked for.
 */
import {fromBinary} from '@bufbuild/protobuf'
import {existsSync} from 'node:fs'
import {readdir, readFile, rm} from 'node:fs/promises'
import {join, sep} from 'node:path'
import {pathToFileURL} from 'node:url'
import {ExecutionSchema} from '../gen/flyteidl/admin/execution_pb.js'
import type {WorkflowExecutionIdentifier} from '../gen/flyteidl/core/identifier_pb.js'
import type {PlaneContext} from './context.js'
import {failedPrecondition} from './errors.js'
import {ExecutionPaths} from './executor/storage.js'
export {parseRetain} from './retain.js'

const TERMINAL = `('SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT')`
const BATCH = 100

/** The note of an expired execution, or '' when its data is kept. */
export function dataExpiredNote(ctx: PlaneContext, id: {project: string; domain: string; name: string}): string {
  const row = ctx.db.get<{data_expired: string}>(
    'SELECT data_expired FROM executions WHERE project = ? AND domain = ? AND name = ?',
    id.project,
    id.domain,
    id.name,
  )
  return row?.data_expired ?? ''
}

/** The data calls on an expired execution: FAILED_PRECONDITION with the note, not empty data. */
export function requireDataKept(ctx: PlaneContext, id: {project: string; domain: string; name: string}): void {
  const note = dataExpiredNote(ctx, id)
  if (note) throw failedPrecondition(`data of execution ${id.name} expired: ${note}`)
}

export interface RetentionOptions {
  /** Keep the data of an execution this long after it ended. */
  retainMs: number
  /** How the limit was written (`30d`), for the note. */
  retainText: string
  /** How often to look (default: a quarter of the limit, between 200 ms and a minute). */
  tickMs?: number
  now?: () => Date
  log?: (line: string) => void
}

export interface SweepResult {
  /** `project/domain/name` of each execution whose data was deleted. */
  expired: string[]
  /** Cache entries dropped because their outputs pointed into deleted data. */
  cacheEntries: number
}

export class Retention {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  private stopped = false

  constructor(
    private readonly ctx: PlaneContext,
    private readonly o: RetentionOptions,
  ) {}

  start(): this {
    const tickMs = this.o.tickMs ?? Math.min(60_000, Math.max(200, Math.floor(this.o.retainMs / 4)))
    const tick = () => {
      if (this.stopped) return
      this.running = this.sweep()
        .catch((err: unknown) => this.log(`retention: ${(err as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, tickMs)
        })
    }
    tick()
    return this
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  private log(line: string): void {
    ;(this.o.log ?? ((l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`)))(line)
  }

  /** Deletes the data of every execution that ended before now − the limit; returns what it did. */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = {expired: [], cacheEntries: 0}
    const now = (this.o.now ?? (() => new Date()))()
    const cutoffMicros = (now.getTime() - this.o.retainMs) * 1000
    const prefixes: string[] = []
    const skipped = new Set<string>()
    for (;;) {
      if (this.stopped || this.ctx.closing) break
      const rows = this.ctx.db.all<{project: string; domain: string; name: string; data: Uint8Array}>(
        `SELECT e.project, e.domain, e.name, e.data FROM executions e
         WHERE e.phase IN ${TERMINAL} AND e.data_expired = '' AND e.updated_at < ?
           AND NOT EXISTS (SELECT 1 FROM executions p WHERE e.parent_execution != ''
             AND p.name = e.parent_execution AND p.phase NOT IN ${TERMINAL})
         ORDER BY e.updated_at LIMIT ?`,
        cutoffMicros,
        BATCH + skipped.size,
      )
      const due = rows.filter((r) => !skipped.has(`${r.project}/${r.domain}/${r.name}`))
      if (due.length === 0) break
      for (const row of due) {
        const key = `${row.project}/${row.domain}/${row.name}`
        const id: WorkflowExecutionIdentifier = fromBinary(ExecutionSchema, row.data).id!
        if (this.ctx.executor?.isRunning?.(id)) {
          skipped.add(key)
          continue
        }
        prefixes.push(...(await this.deleteData(id)))
        // Deleted first, noted after: a crash in between leaves nothing to redo but the note.
        const note = `its inputs, outputs and logs were deleted at ${now.toISOString()}, more than ${this.o.retainText} after it ended (demo start --retain ${this.o.retainText})`
        this.ctx.db.run(
          `UPDATE executions SET data_expired = ? WHERE project = ? AND domain = ? AND name = ? AND data_expired = ''`,
          note,
          row.project,
          row.domain,
          row.name,
        )
        result.expired.push(key)
      }
      if (rows.length < BATCH + skipped.size) break
    }
    if (prefixes.length > 0) result.cacheEntries = await this.dropCacheEntries(prefixes)
    if (result.expired.length > 0)
      this.log(
        `retention: deleted the data of ${result.expired.length} execution(s) older than ${this.o.retainText}` +
          (result.cacheEntries
            ? `, and ${result.cacheEntries} cache entr${result.cacheEntries === 1 ? 'y' : 'ies'}`
            : ''),
      )
    return result
  }

  /** Removes the execution's directories; returns the path prefixes (plain and file://) that are gone. */
  private async deleteData(id: WorkflowExecutionIdentifier): Promise<string[]> {
    const paths = new ExecutionPaths(this.ctx.blobs.root, this.ctx.dataDir, id)
    const gone: string[] = []
    for (const dir of [paths.metadataDir, paths.rawDir, paths.logDir, paths.workRoot]) {
      await rm(dir, {recursive: true, force: true})
      gone.push(dir + sep, pathToFileURL(dir).href + '/')
    }
    return gone
  }

  /** Drops `blobs/catalog/<xx>/<key>/` entries whose outputs name a deleted path. */
  private async dropCacheEntries(prefixes: string[]): Promise<number> {
    const root = join(this.ctx.blobs.root, 'catalog')
    if (!existsSync(root)) return 0
    const needles = prefixes.map((p) => Buffer.from(p))
    let dropped = 0
    for (const shard of await readdir(root)) {
      for (const key of await readdir(join(root, shard)).catch(() => [] as string[])) {
        const dir = join(root, shard, key)
        let bytes: Buffer
        try {
          bytes = await readFile(join(dir, 'outputs.pb'))
        } catch {
          continue
        }
        if (needles.some((n) => bytes.includes(n))) {
          await rm(dir, {recursive: true, force: true})
          dropped++
        }
      }
    }
    return dropped
  }
}
