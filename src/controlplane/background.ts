/**
 * What the daemon runs beside the services: the scheduler of launch-plan schedules, the webhook
 * notifier, and retention of execution data.
 */
import type {PlaneContext} from './context.js'
import {WebhookNotifier} from './notifications.js'
import {parseRetain} from './retain.js'
import {Retention} from './retention.js'
import {Scheduler, SCHEDULE_MINUTE_ENV} from './scheduler.js'
import {storeSink} from './services/events.js'

export function startScheduler(ctx: PlaneContext, env: NodeJS.ProcessEnv = process.env): Scheduler {
  const minute = Number(env[SCHEDULE_MINUTE_ENV])
  const scheduler = new Scheduler(ctx, {
    sink: storeSink(ctx),
    ...(Number.isInteger(minute) && minute > 0
      ? {minuteMs: minute, tickMs: Math.min(1000, Math.max(50, minute / 4))}
      : {}),
  })
  scheduler.start()
  return scheduler
}

export function startWebhookNotifier(ctx: PlaneContext, url: string): WebhookNotifier {
  return new WebhookNotifier(ctx.dataDir, url).start()
}

/** `--retain 30d`: the background sweep (the text was checked when the daemon's flags were read). */
export function startRetention(ctx: PlaneContext, retain: string): Retention {
  const retainMs = parseRetain(retain)
  if (typeof retainMs === 'string') throw new Error(retainMs)
  return new Retention(ctx, {retainMs, retainText: retain}).start()
}
