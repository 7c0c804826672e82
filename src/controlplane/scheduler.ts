/**
 * Schedules that fire, as flytescheduler fires them: every active launch plan with a cron or
 * fixed-rate schedule launches an execution at each scheduled time (mode SCHEDULED, `scheduled_at`,
 * for cron schedules the kickoff-time input set to that time), named as flytescheduler names them so a
 * repeated fire is the same execution. Activation and deactivation (`update launchplan`) take effect on
 * the next tick. The last fire time per schedule is kept in the database; at start every time missed
 * since then (or since the launch plan was last activated, whichever is later) is fired in order, as
 * flytescheduler's catch-up does.
 */
import {create, fromBinary} from '@bufbuild/protobuf'
import {timestampFromDate} from '@bufbuild/protobuf/wkt'
import {Code, ConnectError} from '@connectrpc/connect'
import {ExecutionMetadata_ExecutionMode, ExecutionSpecSchema} from '../gen/flyteidl/admin/execution_pb.js'
import {LaunchPlanSchema, LaunchPlanState, type LaunchPlan} from '../gen/flyteidl/admin/launch_plan_pb.js'
import {FixedRateUnit, type Schedule} from '../gen/flyteidl/admin/schedule_pb.js'
import {LiteralMapSchema, LiteralSchema, PrimitiveSchema, ScalarSchema} from '../gen/flyteidl/core/literals_pb.js'
import type {PlaneContext} from './context.js'
import type {ExecutionSink} from './executor/types.js'
import {launchExecution} from './services/executions.js'
import {scheduleTimes as timesOf, type ScheduleSpec, type ScheduleTimes} from '../schedules/times.js'

export {SCHEDULE_MINUTE_ENV} from '../schedules/times.js'

/** FNV-1 (not 1a), 64-bit. */
function fnv1_64(text: string): bigint {
  let h = 0xcbf29ce484222325n
  const mask = (1n << 64n) - 1n
  for (const b of new TextEncoder().encode(text)) h = ((h * 0x100000001b3n) & mask) ^ BigInt(b)
  return h
}

/**
 * flytescheduler's execution name: FNV-1 64 of `project:domain:name:version:<unix seconds>`, its 8
 * little-endian bytes as hex (the first half of a UUID built from them and 8 zero bytes), 19 hex
 * characters of that UUID, prefixed `f`.
 */
export function scheduledExecutionName(
  id: {project: string; domain: string; name: string; version: string},
  at: Date,
): string {
  const h = fnv1_64(`${id.project}:${id.domain}:${id.name}:${id.version}:${Math.floor(at.getTime() / 1000)}`)
  let hex = ''
  for (let i = 0; i < 8; i++) hex += ((h >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0')
  return `f${(hex + '0'.repeat(16)).slice(0, 19)}`
}

/** A launch plan's schedule message as the plain description the schedule times work on. */
export function scheduleSpec(s: Schedule | undefined): ScheduleSpec | undefined {
  const expr = s?.ScheduleExpression
  if (expr?.case === 'rate')
    return {kind: 'rate', value: expr.value.value, unit: FixedRateUnit[expr.value.unit] ?? String(expr.value.unit)}
  if (expr?.case === 'cronSchedule') return {kind: 'cron', schedule: expr.value.schedule}
  if (expr?.case === 'cronExpression') return {kind: 'deprecated', expression: expr.value}
  return undefined
}

/** The schedule of a launch plan, or an error saying why it cannot fire. */
export function scheduleTimes(s: Schedule | undefined, minuteMs = 60_000): Promise<ScheduleTimes | string> {
  return timesOf(scheduleSpec(s), minuteMs)
}

interface Entry {
  key: string
  lp: LaunchPlan
  times: ScheduleTimes
  last: Date
}

export interface SchedulerOptions {
  sink: ExecutionSink
  /** How often active schedules are looked at (default 1 s). */
  tickMs?: number
  minuteMs?: number
  log?: (line: string) => void
  now?: () => Date
}

export class Scheduler {
  private readonly entries = new Map<string, Entry>()
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly ctx: PlaneContext,
    private readonly o: SchedulerOptions,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return
      this.running = this.tick()
        .catch((err: unknown) => this.log(`scheduler: ${(err as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.o.tickMs ?? 1000)
        })
    }
    tick()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  private log(line: string): void {
    ;(this.o.log ?? ((l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`)))(line)
  }

  /** Loads active schedules (new ones start from their activation or last fire), fires what is due. */
  async tick(): Promise<void> {
    if (this.ctx.closing) return
    const rows = this.ctx.db.all<{data: Uint8Array; updated_at: number; last_fire: number | null}>(
      `SELECT l.data, l.updated_at, s.last_fire FROM launch_plans l
       LEFT JOIN schedule_snapshots s ON s.schedule_key = l.project || ':' || l.domain || ':' || l.name || ':' || l.version
       WHERE l.state = ? AND l.schedule_type != ''`,
      LaunchPlanState.ACTIVE,
    )
    const seen = new Set<string>()
    for (const row of rows) {
      const lp = fromBinary(LaunchPlanSchema, row.data)
      const id = lp.id!
      const key = `${id.project}:${id.domain}:${id.name}:${id.version}`
      seen.add(key)
      if (this.entries.has(key)) continue
      const times = await scheduleTimes(lp.spec?.entityMetadata?.schedule, this.o.minuteMs)
      if (typeof times === 'string') {
        this.log(`scheduler: launch plan ${key} does not fire: ${times}`)
        continue
      }
      const from = Math.max(row.updated_at / 1000, row.last_fire ?? 0)
      this.entries.set(key, {key, lp, times, last: new Date(from)})
    }
    for (const key of this.entries.keys()) if (!seen.has(key)) this.entries.delete(key)
    const now = (this.o.now ?? (() => new Date()))()
    for (const e of this.entries.values()) {
      for (let t = e.times.next(e.last); t && t <= now; t = e.times.next(e.last)) {
        if (this.stopped || this.ctx.closing) return
        this.fire(e, t)
        e.last = t
        this.ctx.db.run(
          `INSERT INTO schedule_snapshots (schedule_key, last_fire) VALUES (?, ?)
           ON CONFLICT (schedule_key) DO UPDATE SET last_fire = excluded.last_fire`,
          e.key,
          t.getTime(),
        )
      }
    }
  }

  private fire(e: Entry, at: Date): void {
    const id = e.lp.id!
    const schedule = e.lp.spec?.entityMetadata?.schedule
    const kickoff = schedule?.kickoffTimeInputArg ?? ''
    const inputs = create(LiteralMapSchema, {literals: {}})
    // As flytescheduler: only cron schedules get the kickoff-time input.
    if (kickoff !== '' && schedule?.ScheduleExpression.case === 'cronSchedule') {
      inputs.literals[kickoff] = create(LiteralSchema, {
        value: {
          case: 'scalar',
          value: create(ScalarSchema, {
            value: {
              case: 'primitive',
              value: create(PrimitiveSchema, {value: {case: 'datetime', value: timestampFromDate(at)}}),
            },
          }),
        },
      })
    }
    const spec = create(ExecutionSpecSchema, {
      launchPlan: id,
      metadata: {mode: ExecutionMetadata_ExecutionMode.SCHEDULED, scheduledAt: timestampFromDate(at)},
    })
    try {
      launchExecution(
        this.ctx,
        {project: id.project, domain: id.domain, name: scheduledExecutionName(id, at), spec, userInputs: inputs},
        this.o.sink,
      )
    } catch (err) {
      // A repeated fire is the same execution (idempotent catch-up); anything else is logged.
      if (err instanceof ConnectError && err.code === Code.AlreadyExists) return
      this.log(`scheduler: launch plan ${e.key} at ${at.toISOString()}: ${(err as Error).message}`)
    }
  }
}
