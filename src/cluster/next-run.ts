/**
 * The Next Run column of `get launchplan`: for an active launch plan with a schedule, the next time
 * the plane's scheduler fires it (a cron schedule's next time after now in this machine's zone; a
 * fixed rate stepped from the activation time, `closure.updatedAt`). Empty for inactive launch plans,
 * ones without a schedule, and schedules that cannot fire.
 */
import type {Column} from '../cli/printer.js'
import {valueAt} from '../cli/printer.js'
import {nextRunAfter, scheduleMinuteMs, scheduleSpecFromJson, scheduleTimes} from '../schedules/times.js'

type Json = Record<string, unknown>

/** RFC 3339 in UTC, whole seconds shown as protojson shows timestamps. */
function rfc3339(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z')
}

/** The next run of one launch plan in its protojson form, or '' when it does not fire. */
export async function nextRunOf(row: Json, now: Date, minuteMs = scheduleMinuteMs()): Promise<string> {
  if (valueAt(row, 'closure.state') !== 'ACTIVE') return ''
  const spec = scheduleSpecFromJson(valueAt(row, 'spec.entityMetadata.schedule'))
  if (!spec) return ''
  const times = await scheduleTimes(spec, minuteMs)
  if (typeof times === 'string') return ''
  const activated = new Date(String(valueAt(row, 'closure.updatedAt') ?? valueAt(row, 'closure.createdAt') ?? ''))
  const next = nextRunAfter(times, Number.isNaN(activated.getTime()) ? now : activated, now)
  return next ? rfc3339(next) : ''
}

export async function nextRunColumn(rows: Json[], now: Date): Promise<Column<Json>> {
  const cells = new Map<Json, string>()
  for (const row of rows) cells.set(row, await nextRunOf(row, now))
  return {header: 'Next Run', path: (row) => cells.get(row) ?? ''}
}
