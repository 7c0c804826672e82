/**
 * The plane's event publisher. The services call `record` inside the transaction that stores an
 * accepted execution event: it writes one outbox row per stream that wants the event (the CloudEvent
 * built and, for v2, enriched from the store), so an event is published exactly when it is recorded and
 * survives a crash or restart. One deliverer per sink (deliverer.ts) reads the outbox in order from
 * the sink's offset, sends, and then moves the offset: delivery is at least once (a crash resends what
 * went out since the offset was last written, with the same ids), a failing sink is retried with
 * backoff from the first event it lacks, and rows every sink has delivered are deleted.
 */
import {create, fromBinary} from '@bufbuild/protobuf'
import type {Registry} from 'prom-client'
import type {PlaneContext} from '../context.js'
import {getTaskById, getWorkflowById} from '../services/definitions.js'
import {getExecutionById} from '../services/executions.js'
import {TaskExecutionSchema} from '../../gen/flyteidl/admin/task_execution_pb.js'
import {IdentifierSchema, ResourceType} from '../../gen/flyteidl/core/identifier_pb.js'
import {buildEnvelope, wantsEnrichment, type Enrichment, type RawEvent, type Stream} from './cloudevent.js'
import {
  DEFAULT_EVENTS_CONFIG,
  sectionKinds,
  sectionSinks,
  type EventKind,
  type EventsConfig,
  type SectionConfig,
} from './config.js'
import {Deliverer} from './deliverer.js'
import type {PublisherMetrics} from './metrics.js'
import {FileSink} from './sinks/file.js'
import type {EventSink} from './sinks/types.js'

export type {OutboxRow} from './sinks/types.js'

interface StreamPlan {
  stream: Stream
  kinds: Set<EventKind>
  version: 'v1' | 'v2'
  enrichAll: boolean
}

export interface SinkStats {
  sink: string
  delivered: number
  failures: number
  /** Events in the outbox this sink has not delivered yet. */
  pending: number
  lastError?: string
  /** Publish lag (recorded → delivered), milliseconds, over the last samples. */
  lagP50Ms: number
  lagP95Ms: number
}

export interface PublisherStats {
  recorded: number
  unpublishable: number
  sinks: SinkStats[]
}

const PRUNE_MS = 5000

/** The sinks a config asks for, built lazily (kafkajs loads only when a section uses Kafka). */
async function buildSinks(ctx: PlaneContext, cfg: EventsConfig): Promise<EventSink[]> {
  const sinks: EventSink[] = []
  if (cfg.eventsFile.enable) sinks.push(new FileSink(ctx.dataDir, cfg.eventsFile))
  const sections: Array<[string, Stream, SectionConfig]> = [
    ['cloudEvents', 'cloud', cfg.cloudEvents],
    ['externalEvents', 'external', cfg.externalEvents],
  ]
  for (const [name, stream, s] of sections) {
    for (const kind of sectionSinks(name, s)) {
      if (kind === 'webhook') {
        const {WebhookSink} = await import('./sinks/webhook.js')
        sinks.push(new WebhookSink(`${name}.webhook`, stream, s.webhook!))
      } else {
        const {KafkaSink} = await import('./sinks/kafka.js')
        sinks.push(new KafkaSink(`${name}.kafka`, stream, s.kafka!, s.eventsPublisher.topicName))
      }
    }
  }
  return sinks
}

export class EventPublisher {
  private readonly plans: StreamPlan[]
  private deliverers: Deliverer[] = []
  private kickScheduled = false
  private started = false
  private pruner: NodeJS.Timeout | undefined
  private metrics: PublisherMetrics | undefined
  recorded = 0
  /** Events that could not be turned into CloudEvents (logged, not published). */
  unpublishable = 0

  constructor(
    private readonly ctx: PlaneContext,
    readonly config: EventsConfig,
    private readonly sinks: EventSink[],
  ) {
    this.plans = []
    const c = config.cloudEvents
    if (c.enable) {
      this.plans.push({
        stream: 'cloud',
        kinds: sectionKinds(c),
        version: c.cloudEventVersion,
        enrichAll: c.eventsPublisher.enrichAllWorkflowEventTypes,
      })
    }
    const x = config.externalEvents
    if (x.enable) this.plans.push({stream: 'external', kinds: sectionKinds(x), version: 'v1', enrichAll: false})
    this.deliverers = sinks.map((s) => new Deliverer(ctx, s, () => this.metrics))
  }

  /** Registers the publisher's metrics on the plane's Prometheus registry. */
  async attachMetrics(registry: Registry): Promise<void> {
    const {registerPublisherMetrics} = await import('./metrics.js')
    this.metrics = registerPublisherMetrics(registry, () =>
      Object.fromEntries(this.stats().sinks.map((s) => [s.sink, s.pending])),
    )
  }

  /**
   * Writes the outbox rows of one accepted event; called inside the transaction that stores it. An
   * event that cannot be turned into a CloudEvent is logged and not published: recording it goes on.
   */
  record(e: RawEvent): void {
    try {
      this.write(e)
    } catch (err) {
      this.unpublishable++
      process.stderr.write(`${new Date().toISOString()} events: not published: ${(err as Error).message}\n`)
    }
  }

  private write(e: RawEvent): void {
    const at = Date.now() * 1000
    let enrichment: Enrichment | undefined
    for (const plan of this.plans) {
      if (!plan.kinds.has(e.kind)) continue
      if (plan.stream === 'cloud' && plan.version === 'v2' && wantsEnrichment(e, plan.enrichAll)) {
        enrichment ??= this.enrich(e)
      }
      const env = buildEnvelope(e, plan.stream, plan.version, plan.version === 'v2' ? enrichment : undefined)
      this.ctx.db.run(
        'INSERT INTO event_outbox (stream, kind, id, created_at, envelope) VALUES (?, ?, ?, ?, ?)',
        plan.stream,
        e.kind,
        env.id,
        at,
        JSON.stringify(env),
      )
      this.recorded++
      this.metrics?.recorded(1)
    }
    if (this.started && !this.kickScheduled) {
      this.kickScheduled = true
      // After the recording transaction commits (it is synchronous), before other I/O: low lag.
      queueMicrotask(() => {
        this.kickScheduled = false
        for (const d of this.deliverers) d.kick()
      })
    }
  }

  /** FlyteAdmin's enrichment, from the execution, its workflow and the node's latest task execution. */
  private enrich(e: RawEvent): Enrichment | undefined {
    const exId =
      e.kind === 'workflow'
        ? e.event.executionId
        : e.kind === 'node'
          ? e.event.id?.executionId
          : e.event.parentNodeExecutionId?.executionId
    const ex = exId ? getExecutionById(this.ctx, exId) : undefined
    if (!ex) return undefined
    const spec = ex.spec
    const labels = {...(spec?.labels?.values ?? {})}
    if (e.kind === 'task') return {labels}
    const common: Enrichment = {
      labels,
      artifactIds: spec?.metadata?.artifactIds ?? [],
      principal: spec?.metadata?.principal ?? '',
      launchPlanId: spec?.launchPlan,
    }
    if (e.kind === 'workflow') {
      const wfId = ex.closure?.workflowId
      const wf = wfId ? getWorkflowById(this.ctx, wfId) : undefined
      return {
        ...common,
        referenceExecution: spec?.metadata?.referenceExecution,
        outputInterface: wf?.closure?.compiledWorkflow?.primary?.template?.interface,
      }
    }
    const n = e.event.id!
    const ex2 = n.executionId!
    const row = this.ctx.db.get<{data: Uint8Array}>(
      `SELECT data FROM task_executions WHERE project = ? AND domain = ? AND execution_name = ? AND node_id = ?
       ORDER BY retry_attempt DESC LIMIT 1`,
      ex2.project,
      ex2.domain,
      ex2.name,
      n.nodeId,
    )
    if (!row) return common
    const t = fromBinary(TaskExecutionSchema, row.data)
    const taskId = t.id?.taskId
    const task = taskId
      ? getTaskById(this.ctx, create(IdentifierSchema, {...taskId, resourceType: ResourceType.TASK}))
      : undefined
    return {
      ...common,
      taskExecId: t.id,
      outputInterface: task?.closure?.compiledTask?.template?.interface,
    }
  }

  /** Starts delivering (once the plane listens); earlier rows wait in the outbox. */
  start(): void {
    this.started = true
    for (const d of this.deliverers) d.start()
    this.pruner = setInterval(() => {
      if (!this.ctx.closing) this.prune()
    }, PRUNE_MS)
    this.pruner.unref()
  }

  /** Delivers what is pending to every sink once, now (tests and shutdown). */
  async flush(): Promise<void> {
    for (const d of this.deliverers) {
      await d.pass()
      d.persist()
    }
  }

  /** Deletes rows every sink has delivered (a sink not configured any more does not hold them). */
  prune(): number {
    if (this.deliverers.length === 0) return this.ctx.db.run('DELETE FROM event_outbox').changes
    const min = Math.min(...this.deliverers.map((d) => d.offset()))
    return this.ctx.db.run('DELETE FROM event_outbox WHERE seq <= ?', min).changes
  }

  stats(): PublisherStats {
    const last = this.ctx.db.get<{seq: number | null}>('SELECT MAX(seq) AS seq FROM event_outbox')?.seq ?? 0
    return {
      recorded: this.recorded,
      unpublishable: this.unpublishable,
      sinks: this.deliverers.map((d) => {
        const from = d.offset()
        const pending = d.sink.stream
          ? (this.ctx.db.get<{n: number}>(
              'SELECT COUNT(*) AS n FROM event_outbox WHERE seq > ? AND stream = ?',
              from,
              d.sink.stream,
            )?.n ?? 0)
          : Math.max(0, last - from)
        return {
          sink: d.sink.name,
          delivered: d.delivered,
          failures: d.failures,
          pending,
          ...(d.lastError ? {lastError: d.lastError} : {}),
          lagP50Ms: d.lagPercentile(50),
          lagP95Ms: d.lagPercentile(95),
        }
      }),
    }
  }

  /** Stops the deliverers; the file gets what is pending first, the others resume after a restart. */
  async stop(): Promise<void> {
    clearInterval(this.pruner)
    for (const d of this.deliverers) await d.stop()
    for (const d of this.deliverers) {
      if (!d.sink.flushOnStop) continue
      await d.pass().catch(() => 0)
      d.persist()
    }
    this.prune()
    for (const s of this.sinks) await s.close()
  }
}

export async function createEventPublisher(
  ctx: PlaneContext,
  config: EventsConfig = DEFAULT_EVENTS_CONFIG,
): Promise<EventPublisher> {
  const publisher = new EventPublisher(ctx, config, await buildSinks(ctx, config))
  if (ctx.metrics) await publisher.attachMetrics(ctx.metrics.registry)
  return publisher
}
