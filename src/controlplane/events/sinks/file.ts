/**
 * The NDJSON file sink: every event of every stream as one structured-mode CloudEvent per line in
 * `<data dir>/events/cloudevents.ndjson`, rotated by size to `.1` … `.<maxFiles>` (oldest dropped).
 */
import {appendFileSync, mkdirSync, renameSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'
import type {EventSink, OutboxRow} from './types.js'

export const eventsDir = (dataDir: string) => join(dataDir, 'events')
export const eventsFile = (dataDir: string) => join(eventsDir(dataDir), 'cloudevents.ndjson')

export class FileSink implements EventSink {
  readonly name = 'eventsFile'
  readonly retry = {initialDelayMs: 1000, maxDelayMs: 30_000}
  readonly flushOnStop = true
  private readonly path: string
  private size: number | undefined

  constructor(
    dataDir: string,
    private readonly opts: {maxBytes: number; maxFiles: number},
  ) {
    this.path = eventsFile(dataDir)
  }

  private currentSize(): number {
    if (this.size === undefined) {
      try {
        this.size = statSync(this.path).size
      } catch {
        this.size = 0
      }
    }
    return this.size
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.opts.maxFiles}`, {force: true})
    for (let i = this.opts.maxFiles - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`)
      } catch {
        // not there yet
      }
    }
    renameSync(this.path, `${this.path}.1`)
    this.size = 0
  }

  async send(rows: OutboxRow[]): Promise<number> {
    mkdirSync(join(this.path, '..'), {recursive: true, mode: 0o700})
    let chunk = ''
    const write = () => {
      if (chunk === '') return
      appendFileSync(this.path, chunk, {mode: 0o600})
      this.size = this.currentSize() + Buffer.byteLength(chunk)
      chunk = ''
    }
    for (const r of rows) {
      const line = r.envelope + '\n'
      if (this.currentSize() + Buffer.byteLength(chunk) + Buffer.byteLength(line) > this.opts.maxBytes) {
        write()
        if (this.currentSize() > 0) this.rotate()
      }
      chunk += line
    }
    write()
    return rows.length
  }

  async close(): Promise<void> {}
}
