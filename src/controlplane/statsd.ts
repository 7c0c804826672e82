/**
 * `demo start --statsd host:port`: pushes the plane's metrics (the /metrics registry) to a StatsD
 * server over UDP every interval, for users on StatsD rather than Prometheus. Counters go as the
 * increase since the last push (StatsD counters are deltas), gauges as their value, histograms as the
 * increase of their `_count` and `_sum`. Plain StatsD has no tags: label values join the name
 * (`grpc_server_handled_total.flyteidl_service_AdminService.GetExecution.OK.unary`), and the `:`
 * of FlyteAdmin's scoped names becomes `.`. Delivery is UDP: a server that is down loses nothing here.
 */
import {StatsD} from 'hot-shots'
import type {PlaneMetrics} from './metrics.js'

export const DEFAULT_STATSD_INTERVAL_MS = 10_000

const part = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_')

function statName(name: string, labels: Record<string, string | number>): string {
  const values = Object.keys(labels)
    .sort()
    .filter((k) => k !== 'le')
    .map((k) => part(String(labels[k])))
  return [name.replace(/:+/g, '.').replace(/[^A-Za-z0-9_.-]+/g, '_'), ...values].join('.')
}

export interface StatsdPush {
  /** Sends the metrics now (also done every interval). */
  flush(): Promise<void>
  stop(): Promise<void>
}

export function startStatsdPush(
  metrics: PlaneMetrics,
  target: {host: string; port: number},
  opts: {intervalMs?: number; prefix?: string; log?: (line: string) => void} = {},
): StatsdPush {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`))
  let reported = false
  const client = new StatsD({
    host: target.host,
    port: target.port,
    protocol: 'udp',
    prefix: opts.prefix ?? 'flyte.',
    // Lines batched into packets of at most 1,400 bytes (one MTU), sent at least every 100 ms.
    maxBufferSize: 1400,
    bufferFlushInterval: 100,
    errorHandler: (err) => {
      // Once: a StatsD server that is away must not fill the plane's log.
      if (!reported) log(`statsd: ${err.message}`)
      reported = true
    },
  })
  const last = new Map<string, number>()
  const delta = (key: string, value: number) => {
    const before = last.get(key) ?? 0
    last.set(key, value)
    return value - before
  }
  const flush = async () => {
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      const type = String(m.type)
      for (const v of m.values as Array<{
        value: number
        labels: Record<string, string | number>
        metricName?: string
      }>) {
        if (type === 'gauge') {
          client.gauge(statName(m.name, v.labels), v.value)
        } else if (type === 'counter') {
          const d = delta(statName(m.name, v.labels), v.value)
          if (d > 0) client.increment(statName(m.name, v.labels), d)
        } else if (type === 'histogram' && (v.metricName?.endsWith('_count') || v.metricName?.endsWith('_sum'))) {
          const name = statName(v.metricName, v.labels)
          const d = delta(name, v.value)
          if (d > 0) client.increment(name, d)
        }
      }
    }
  }
  let running: Promise<void> = Promise.resolve()
  const tick = () => {
    running = running.then(flush).catch((err: unknown) => log(`statsd: ${(err as Error).message}`))
  }
  const timer = setInterval(tick, opts.intervalMs ?? DEFAULT_STATSD_INTERVAL_MS)
  timer.unref()
  return {
    flush: () => {
      tick()
      return running
    },
    async stop() {
      clearInterval(timer)
      tick()
      await running
      await new Promise<void>((ok) => client.close(() => ok()))
    },
  }
}
