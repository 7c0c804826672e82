/**
 * One sink's delivery loop: reads the outbox in order from the sink's offset, sends a batch, moves the
 * offset (kept in memory, written at most every SAVE_EVERY_MS and at stop), and on failure retries
 * from the first event the sink lacks with doubling backoff. Woken when events are recorded, else
 * polls every IDLE_POLL_MS. Keeps the last LAG_SAMPLES publish lags for percentiles.
 */
import type {PlaneContext} from '../context.js'
import type {PublisherMetrics} from './metrics.js'
import type {EventSink, OutboxRow} from './sinks/types.js'

const BATCH = 200
const LAG_SAMPLES = 10_000
const IDLE_POLL_MS = 1000
const SAVE_EVERY_MS = 100

export class Deliverer {
  delivered = 0
  failures = 0
  lastError: string | undefined
  private readonly lags: number[] = []
  private lagNext = 0
  private wake: (() => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private loop: Promise<void> | undefined
  private delayMs = 0
  private kicked = false
  private current: number | undefined
  private saved: number | undefined
  private savedAt = 0
  private saveTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly ctx: PlaneContext,
    readonly sink: EventSink,
    private readonly metrics: () => PublisherMetrics | undefined,
  ) {}

  /** How far this sink has delivered (in memory; the saved offset trails it by at most SAVE_EVERY_MS). */
  offset(): number {
    this.current ??=
      this.ctx.db.get<{seq: number}>('SELECT seq FROM event_sink_offsets WHERE sink = ?', this.sink.name)?.seq ?? 0
    return this.current
  }

  /**
   * Moves the offset; it is written to the store at most every SAVE_EVERY_MS and at stop, so a burst
   * costs one write, not one per event. A crash resends what was delivered since the last write (same ids).
   */
  private save(seq: number): void {
    this.current = seq
    if (this.saveTimer) return
    const wait = this.savedAt + SAVE_EVERY_MS - Date.now()
    if (wait <= 0) this.persist()
    else {
      this.saveTimer = setTimeout(() => this.persist(), wait)
      this.saveTimer.unref()
    }
  }

  persist(): void {
    clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    if (this.current === undefined || this.current === this.saved || this.ctx.closing) return
    this.ctx.db.run(
      `INSERT INTO event_sink_offsets (sink, seq, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (sink) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`,
      this.sink.name,
      this.current,
      Date.now() * 1000,
    )
    this.saved = this.current
    this.savedAt = Date.now()
  }

  private rows(after: number): OutboxRow[] {
    const stream = this.sink.stream
    return stream
      ? this.ctx.db.all<OutboxRow>(
          'SELECT seq, stream, kind, id, created_at, envelope FROM event_outbox WHERE seq > ? AND stream = ? ORDER BY seq LIMIT ?',
          after,
          stream,
          BATCH,
        )
      : this.ctx.db.all<OutboxRow>(
          'SELECT seq, stream, kind, id, created_at, envelope FROM event_outbox WHERE seq > ? ORDER BY seq LIMIT ?',
          after,
          BATCH,
        )
  }

  private lastSeq(): number {
    return this.ctx.db.get<{seq: number | null}>('SELECT MAX(seq) AS seq FROM event_outbox')?.seq ?? 0
  }

  /** Sends what is pending once; returns how many were delivered (throws after a partial delivery). */
  async pass(): Promise<number> {
    let total = 0
    for (;;) {
      const from = this.offset()
      const rows = this.rows(from)
      if (rows.length === 0) {
        // Nothing of this sink's stream: skip past rows of other streams.
        const last = this.lastSeq()
        if (last > from && !this.ctx.closing) this.save(last)
        return total
      }
      let sent: number
      try {
        sent = await this.sink.send(rows)
      } catch (err) {
        const partial = (err as {delivered?: number}).delivered ?? 0
        this.advance(rows, partial)
        throw err
      }
      this.advance(rows, sent)
      total += sent
      if (rows.length < BATCH) return total
    }
  }

  private advance(rows: OutboxRow[], count: number): void {
    if (count <= 0 || this.ctx.closing) return
    const done = rows.slice(0, count)
    this.save(done[done.length - 1]!.seq)
    const now = Date.now()
    const lags = done.map((r) => Math.max(0, now - r.created_at / 1000))
    for (const lag of lags) {
      if (this.lags.length < LAG_SAMPLES) this.lags.push(lag)
      else this.lags[this.lagNext++ % LAG_SAMPLES] = lag
    }
    this.delivered += count
    this.metrics()?.delivered(this.sink.name, lags)
  }

  lagPercentile(p: number): number {
    if (this.lags.length === 0) return 0
    const sorted = [...this.lags].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
  }

  kick(): void {
    if (this.delayMs > 0) return // backing off: the timer wakes it
    this.kicked = true
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        this.kicked = false
        try {
          await this.pass()
          this.delayMs = 0
          this.lastError = undefined
        } catch (err) {
          this.failures++
          this.metrics()?.failed(this.sink.name)
          this.lastError = (err as Error).message
          const {initialDelayMs, maxDelayMs} = this.sink.retry
          this.delayMs = this.delayMs === 0 ? initialDelayMs : Math.min(maxDelayMs, this.delayMs * 2)
          if (this.failures === 1 || this.failures % 20 === 0) {
            process.stderr.write(
              `${new Date().toISOString()} events: ${this.sink.name}: ${this.lastError}; retrying in ${this.delayMs} ms\n`,
            )
          }
        }
        if (this.stopped) break
        if (this.kicked && this.delayMs === 0) continue // events came in while this pass ran
        await new Promise<void>((resolve) => {
          this.wake = resolve
          this.timer = setTimeout(() => {
            this.delayMs = 0
            resolve()
          }, this.delayMs || IDLE_POLL_MS)
        })
        clearTimeout(this.timer)
      }
    })()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.wake?.()
    await this.loop
    this.persist()
  }
}
