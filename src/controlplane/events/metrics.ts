/**
 * The publisher's Prometheus metrics, on the plane's registry. FlyteAdmin's cloud-event publisher
 * counts `flyte:admin:cloudevents_publisher:event_publish_{total,success,errors}`; here `total` counts
 * events recorded for publishing (every stream), `success` deliveries and `errors` failed attempts,
 * summed over sinks. Per sink: `flytectl_plane_event_publish_lag_seconds` (recorded → delivered),
 * `flytectl_plane_events_delivered_total`, `flytectl_plane_event_publish_failures_total` and
 * `flytectl_plane_event_outbox_pending`.
 */
import {Counter, Gauge, Histogram, type Registry} from 'prom-client'

const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

export interface PublisherMetrics {
  recorded(n: number): void
  delivered(sink: string, lagsMs: number[]): void
  failed(sink: string): void
}

export function registerPublisherMetrics(registry: Registry, pending: () => Record<string, number>): PublisherMetrics {
  const registers = [registry]
  const total = new Counter({
    name: 'flyte:admin:cloudevents_publisher:event_publish_total',
    help: 'overall count of publish messages',
    registers,
  })
  const success = new Counter({
    name: 'flyte:admin:cloudevents_publisher:event_publish_success',
    help: 'success count of publish messages',
    registers,
  })
  const errors = new Counter({
    name: 'flyte:admin:cloudevents_publisher:event_publish_errors',
    help: 'count of publish errors',
    registers,
  })
  const lag = new Histogram({
    name: 'flytectl_plane_event_publish_lag_seconds',
    help: 'Time from an event being recorded to its delivery by a sink, in seconds',
    labelNames: ['sink'],
    buckets: LAG_BUCKETS,
    registers,
  })
  const delivered = new Counter({
    name: 'flytectl_plane_events_delivered_total',
    help: 'Events delivered, by sink',
    labelNames: ['sink'],
    registers,
  })
  const failures = new Counter({
    name: 'flytectl_plane_event_publish_failures_total',
    help: 'Failed delivery attempts (retried), by sink',
    labelNames: ['sink'],
    registers,
  })
  new Gauge({
    name: 'flytectl_plane_event_outbox_pending',
    help: 'Events recorded and not yet delivered, by sink',
    labelNames: ['sink'],
    registers,
    collect() {
      this.reset()
      for (const [sink, n] of Object.entries(pending())) this.set({sink}, n)
    },
  })
  return {
    recorded: (n) => total.inc(n),
    delivered(sink, lagsMs) {
      success.inc(lagsMs.length)
      delivered.inc({sink}, lagsMs.length)
      for (const ms of lagsMs) lag.observe({sink}, ms / 1000)
    },
    failed(sink) {
      errors.inc()
      failures.inc({sink})
    },
  }
}
