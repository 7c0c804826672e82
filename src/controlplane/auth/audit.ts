/**
 * The audit log: one JSON line per decision in `<dataDir>/auth/audit.log` (0600) — when, who,
 * what (action, project, domain, resource), allowed or denied, and the rule that decided. When the
 * file passes its size limit (default 10 MiB) it becomes `audit.log.1` (older ones shift to `.2`, …;
 * the oldest beyond `keep`, default 5, is dropped) and a new file starts.
 */
import {createWriteStream, openSync, renameSync, rmSync, statSync, type WriteStream} from 'node:fs'
import {join} from 'node:path'
import {authDir} from './keys.js'
import type {Decision, DecisionInput} from './policy.js'

export const auditPath = (dataDir: string) => join(authDir(dataDir), 'audit.log')

export const AUDIT_MAX_BYTES = 10 * 1024 * 1024
export const AUDIT_KEEP = 5

export interface AuditOptions {
  /** Size at which the file is rotated. */
  maxBytes?: number
  /** Rotated files kept (`audit.log.1` … `audit.log.<keep>`). */
  keep?: number
}

export class AuditLog {
  private out: WriteStream
  private size: number
  private readonly maxBytes: number
  private readonly keep: number
  private readonly closing: Promise<void>[] = []

  constructor(
    readonly path: string,
    opts: AuditOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? AUDIT_MAX_BYTES
    this.keep = Math.max(1, opts.keep ?? AUDIT_KEEP)
    this.out = this.open()
    try {
      this.size = statSync(path).size
    } catch {
      this.size = 0
    }
  }

  private open(): WriteStream {
    // Opened now (not when the stream gets to it), so that a rotation right after renames this file.
    const fd = openSync(this.path, 'a', 0o600)
    const out = createWriteStream('', {fd})
    out.on('error', (err) => process.stderr.write(`audit log ${this.path}: ${err.message}\n`))
    return out
  }

  private rotate(): void {
    // Lines still buffered in the old stream land in the renamed file: its descriptor follows it.
    const old = this.out
    this.closing.push(new Promise((ok) => old.end(() => ok())))
    try {
      rmSync(`${this.path}.${this.keep}`, {force: true})
      for (let i = this.keep - 1; i >= 1; i--) {
        try {
          renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
        }
      }
      renameSync(this.path, `${this.path}.1`)
    } catch (err) {
      process.stderr.write(`audit log ${this.path}: rotation failed: ${(err as Error).message}\n`)
    }
    this.out = this.open()
    this.size = 0
  }

  record(input: DecisionInput, decision: Decision, via: string): void {
    const line =
      JSON.stringify({
        time: new Date().toISOString(),
        principal: input.principal.name,
        kind: input.principal.kind,
        action: input.action,
        project: input.project,
        domain: input.domain,
        resource: input.resource,
        decision: decision.allow ? 'allow' : 'deny',
        rule: decision.rule,
        via,
      }) + '\n'
    const bytes = Buffer.byteLength(line)
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate()
    this.size += bytes
    this.out.write(line)
  }

  async close(): Promise<void> {
    await new Promise<void>((ok) => this.out.end(() => ok()))
    await Promise.all(this.closing)
  }
}
