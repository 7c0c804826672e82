/**
 * Launch-plan schedule times as flytescheduler computes them, shared by the plane's scheduler (which
 * fires them) and `get launchplan` (which shows the next one). Works on a plain description of the
 * schedule so either form of a launch plan (the message or its JSON) can use it; no heavy imports.
 */

/** Test-only: the length of a "minute" of fixed-rate schedules, in ms (default 60000). */
export const SCHEDULE_MINUTE_ENV = 'FLYTECTL_DEMO_SCHEDULE_MINUTE_MS'

export type ScheduleSpec =
  | {kind: 'rate'; value: number; unit: string}
  | {kind: 'cron'; schedule: string}
  /** The deprecated `cron_expression` field, which flytescheduler refuses. */
  | {kind: 'deprecated'; expression: string}

const MINUTES: Record<string, number> = {MINUTE: 1, HOUR: 60, DAY: 24 * 60}

export interface ScheduleTimes {
  /** The first scheduled time strictly after `t`, or undefined when there is none. */
  next(t: Date): Date | undefined
  /** The fixed-rate delay in ms, when the schedule is one. */
  readonly delayMs?: number
}

/** The minute length asked for by the test-only environment variable, else 60000. */
export function scheduleMinuteMs(env: NodeJS.ProcessEnv = process.env): number {
  const minute = Number(env[SCHEDULE_MINUTE_ENV])
  return Number.isInteger(minute) && minute > 0 ? minute : 60_000
}

/** The times of a schedule, or an error saying why it cannot fire. */
export async function scheduleTimes(s: ScheduleSpec | undefined, minuteMs = 60_000): Promise<ScheduleTimes | string> {
  if (s?.kind === 'rate') {
    const minutes = MINUTES[s.unit]
    if (minutes === undefined || !(s.value > 0)) return `unsupported fixed rate ${s.value} ${s.unit}`
    const delayMs = s.value * minutes * minuteMs
    return {next: (t) => new Date(t.getTime() + delayMs), delayMs}
  }
  if (s?.kind === 'cron') {
    const {parseCronExpression} = await import('cron-schedule')
    try {
      const cron = parseCronExpression(s.schedule)
      return {
        next: (t) => {
          try {
            return cron.getNextDate(new Date(t.getTime() + 1))
          } catch {
            return undefined
          }
        },
      }
    } catch (err) {
      return `invalid cron expression [${s.schedule}]: ${(err as Error).message}`
    }
  }
  if (s?.kind === 'deprecated') return 'failed adding schedule for unknown schedule expression type'
  return 'no schedule'
}

/**
 * The next time a running plane fires an active schedule: the first time after `now` of the sequence
 * the scheduler walks from `from` (the activation time, or the last fire when later). A fixed rate
 * steps from `from`; a cron schedule does not depend on it.
 */
export function nextRunAfter(times: ScheduleTimes, from: Date, now: Date): Date | undefined {
  if (times.delayMs !== undefined) {
    if (now < from) return new Date(from.getTime() + times.delayMs)
    const steps = Math.floor((now.getTime() - from.getTime()) / times.delayMs) + 1
    return new Date(from.getTime() + steps * times.delayMs)
  }
  return times.next(now < from ? from : now)
}

/** The schedule of a launch plan in its protojson form (`spec.entityMetadata.schedule`). */
export function scheduleSpecFromJson(schedule: unknown): ScheduleSpec | undefined {
  if (!schedule || typeof schedule !== 'object') return undefined
  const s = schedule as Record<string, unknown>
  const cron = s.cronSchedule as Record<string, unknown> | undefined
  if (cron && typeof cron === 'object') return {kind: 'cron', schedule: String(cron.schedule ?? '')}
  const rate = s.rate as Record<string, unknown> | undefined
  // protojson leaves out zero values: no unit is MINUTE, no value is 0.
  if (rate && typeof rate === 'object')
    return {kind: 'rate', value: Number(rate.value ?? 0), unit: String(rate.unit ?? 'MINUTE')}
  if (typeof s.cronExpression === 'string') return {kind: 'deprecated', expression: s.cronExpression}
  return undefined
}
