/**
 * `GET /console/api/events?project=&domain=[&execution=]`: a Server-Sent Events stream that says
 * `change` whenever the runs of a project-domain (or one run, its nodes and attempts) change, so open
 * pages re-read them from the REST API. One timer for all streams looks at SQLite's change counter
 * (the plane's single connection makes every write), and only when it moved compares each stream's
 * scoped signature.
 */
import type {PlaneContext} from '../context.js'
import type {ConsoleRequest, ConsoleResponse} from './serve.js'
import {SECURITY_HEADERS} from './serve.js'

/** Streams one plane serves at once; more get 503 so a runaway page cannot pin the plane. */
export const MAX_STREAMS = 64
const POLL_MS = 250
const HEARTBEAT_MS = 15_000

interface Stream {
  project: string
  domain: string
  execution: string
  signature: string
  res: ConsoleResponse
  lastWrite: number
}

const NAME = /^[A-Za-z0-9_.:-]{1,128}$/

export class ChangeStreams {
  private readonly streams = new Set<Stream>()
  private timer: NodeJS.Timeout | undefined
  private lastChanges = -1

  constructor(private readonly ctx: PlaneContext) {}

  get size(): number {
    return this.streams.size
  }

  open(url: URL, req: ConsoleRequest, res: ConsoleResponse): void {
    const project = url.searchParams.get('project') ?? ''
    const domain = url.searchParams.get('domain') ?? ''
    const execution = url.searchParams.get('execution') ?? ''
    const bad = !NAME.test(project) || !NAME.test(domain) || (execution !== '' && !NAME.test(execution))
    if ((req.method ?? 'GET').toUpperCase() !== 'GET' || bad) {
      res.writeHead(400, {...SECURITY_HEADERS, 'content-type': 'text/plain'})
      res.end('events need GET with project, domain and optionally execution (letters, digits, _ . : -)\n')
      return
    }
    if (this.streams.size >= MAX_STREAMS || this.ctx.closing) {
      res.writeHead(503, {...SECURITY_HEADERS, 'content-type': 'text/plain', 'retry-after': '5'})
      res.end('too many open event streams\n')
      return
    }
    const stream: Stream = {project, domain, execution, signature: '', res, lastWrite: Date.now()}
    stream.signature = this.signature(stream)
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    })
    res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({signature: stream.signature})}\n\n`)
    this.streams.add(stream)
    const drop = () => {
      this.streams.delete(stream)
      if (this.streams.size === 0) this.stop()
    }
    req.on('close', drop)
    res.on('close', drop)
    this.start()
  }

  closeAll(): void {
    this.stop()
    for (const s of this.streams) s.res.end()
    this.streams.clear()
  }

  private start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.tick(), POLL_MS)
    this.timer.unref()
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private tick(): void {
    if (this.ctx.closing) return this.closeAll()
    const now = Date.now()
    const changes = this.totalChanges()
    const moved = changes !== this.lastChanges
    this.lastChanges = changes
    for (const s of this.streams) {
      if (moved) {
        const sig = this.signature(s)
        if (sig !== s.signature) {
          s.signature = sig
          s.res.write(`event: change\ndata: ${JSON.stringify({signature: sig})}\n\n`)
          s.lastWrite = now
          continue
        }
      }
      if (now - s.lastWrite >= HEARTBEAT_MS) {
        s.res.write(': keep-alive\n\n')
        s.lastWrite = now
      }
    }
  }

  private totalChanges(): number {
    return Number(this.ctx.db.get<{n: number}>('SELECT total_changes() AS n')?.n ?? 0)
  }

  /** Row count and the sum of update times in the stream's scope: any insert or update moves it. */
  signature(s: Pick<Stream, 'project' | 'domain' | 'execution'>): string {
    const db = this.ctx.db
    type Sig = {c: number; s: number}
    const parts: Sig[] = []
    if (s.execution === '') {
      parts.push(
        db.get<Sig>(
          'SELECT count(*) AS c, total(updated_at) AS s FROM executions WHERE project = ? AND domain = ?',
          s.project,
          s.domain,
        )!,
      )
    } else {
      const where = 'project = ? AND domain = ? AND execution_name = ?'
      const args = [s.project, s.domain, s.execution]
      parts.push(
        db.get<Sig>(
          'SELECT count(*) AS c, total(updated_at) AS s FROM executions WHERE project = ? AND domain = ? AND name = ?',
          ...args,
        )!,
        db.get<Sig>(`SELECT count(*) AS c, total(updated_at) AS s FROM node_executions WHERE ${where}`, ...args)!,
        db.get<Sig>(`SELECT count(*) AS c, total(updated_at) AS s FROM task_executions WHERE ${where}`, ...args)!,
      )
    }
    return parts.map((p) => `${p.c}:${p.s}`).join('/')
  }
}
