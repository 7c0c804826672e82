/**
 * The plane's metrics, one Prometheus registry per plane (tests run several planes in one process),
 * served on `GET /metrics` in the Prometheus text format and optionally pushed to StatsD.
 *
 * Names follow FlyteAdmin where it has the metric: the go-grpc-prometheus series FlyteAdmin's gRPC
 * server exports (`grpc_server_started_total`, `grpc_server_handled_total`, `grpc_server_handling_seconds`
 * with `grpc_type`, `grpc_service`, `grpc_method`, `grpc_code`), and its `flyte:admin:*` scope names
 * (`flyte:admin:execution_manager:active_executions`, `…:executions_created`,
 * `…:execution_events_created`, `flyte:admin:node_execution_manager:node_execution_events_created`,
 * `flyte:admin:task_execution_manager:task_execution_events_created`). What FlyteAdmin has no name for
 * is `flytectl_plane_*`: executions by phase, running task processes, queue depth, database size.
 * REST gateway calls count under the same RPC series (FlyteAdmin's gateway proxies REST to gRPC).
 *
 * Other parts of the plane register their own metrics on `metrics.registry` (prom-client's
 * `registers: [metrics.registry]`).
 */
import {statSync} from 'node:fs'
import {Code, ConnectError, type Interceptor} from '@connectrpc/connect'
import type {DescMethod} from '@bufbuild/protobuf'
import {collectDefaultMetrics, Counter, Gauge, Histogram, Registry} from 'prom-client'
import type {ExecutorStats} from './executor/types.js'
import type {Database} from './store/db.js'

/** Where the plane's numbers come from at scrape time. */
export interface MetricSources {
  db: Database
  /** The SQLite file (its -wal beside it counts too). */
  dbPath: string
  executor?: () => ExecutorStats | undefined
}

/** go-grpc-prometheus's default handling-time buckets (prometheus.DefBuckets), in seconds. */
const GRPC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** One of the three event kinds the plane records. */
export type EventKind = 'workflow' | 'node' | 'task'

/** gRPC's method type label, as go-grpc-prometheus spells it. */
function grpcType(method: DescMethod): string {
  switch (method.methodKind) {
    case 'server_streaming':
      return 'server_stream'
    case 'client_streaming':
      return 'client_stream'
    case 'bidi_streaming':
      return 'bidi_stream'
    default:
      return 'unary'
  }
}

export class PlaneMetrics {
  readonly registry = new Registry()
  private readonly started: Counter<'grpc_type' | 'grpc_service' | 'grpc_method'>
  private readonly handled: Counter<'grpc_type' | 'grpc_service' | 'grpc_method' | 'grpc_code'>
  private readonly handling: Histogram<'grpc_type' | 'grpc_service' | 'grpc_method'>
  private readonly events: Record<EventKind, Counter>

  constructor(sources: MetricSources) {
    const registers = [this.registry]
    collectDefaultMetrics({register: this.registry})
    this.started = new Counter({
      name: 'grpc_server_started_total',
      help: 'Total number of RPCs started on the server.',
      labelNames: ['grpc_type', 'grpc_service', 'grpc_method'],
      registers,
    })
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      labelNames: ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'],
      registers,
    })
    this.handling = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
      labelNames: ['grpc_type', 'grpc_service', 'grpc_method'],
      buckets: GRPC_BUCKETS,
      registers,
    })
    this.events = {
      workflow: new Counter({
        name: 'flyte:admin:execution_manager:execution_events_created',
        help: 'overall count of successfully completed WorkflowExecutionEventRequest',
        registers,
      }),
      node: new Counter({
        name: 'flyte:admin:node_execution_manager:node_execution_events_created',
        help: 'overall count of successfully completed NodeExecutionEventRequest',
        registers,
      }),
      task: new Counter({
        name: 'flyte:admin:task_execution_manager:task_execution_events_created',
        help: 'overall count of successfully completed TaskExecutionEventRequest',
        registers,
      }),
    }
    const {db} = sources
    new Gauge({
      name: 'flyte:admin:execution_manager:active_executions',
      help: 'overall count of active workflow executions',
      registers,
      collect() {
        const row = db.get<{n: number}>(
          "SELECT count(*) AS n FROM executions WHERE phase NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT')",
        )
        this.set(Number(row?.n ?? 0))
      },
    })
    new Gauge({
      name: 'flytectl_plane_executions',
      help: 'Workflow executions stored, by phase',
      labelNames: ['phase'],
      registers,
      collect() {
        this.reset()
        for (const r of db.all<{phase: string; n: number}>(
          'SELECT phase, count(*) AS n FROM executions GROUP BY phase',
        )) {
          this.set({phase: r.phase}, Number(r.n))
        }
      },
    })
    const executor = sources.executor
    const stat = (pick: (s: ExecutorStats) => number) =>
      function (this: Gauge) {
        const s = executor?.()
        this.set(s ? pick(s) : 0)
      }
    new Gauge({
      name: 'flytectl_plane_task_processes_running',
      help: 'Task processes the local executor is running now',
      registers,
      collect: stat((s) => s.processes),
    })
    new Gauge({
      name: 'flytectl_plane_task_queue_depth',
      help: 'Tasks waiting for a free process slot (demo start --maxParallelism bounds the slots)',
      registers,
      collect: stat((s) => s.waiting),
    })
    new Gauge({
      name: 'flytectl_plane_executor_executions_running',
      help: 'Executions the local executor is running now',
      registers,
      collect: stat((s) => s.executions),
    })
    new Gauge({
      name: 'flytectl_plane_db_size_bytes',
      help: 'Size of the SQLite database file and its write-ahead log, in bytes',
      registers,
      collect() {
        let size = 0
        for (const f of [sources.dbPath, `${sources.dbPath}-wal`]) {
          try {
            size += statSync(f).size
          } catch {
            // no WAL file yet
          }
        }
        this.set(size)
      },
    })
  }

  /** Counts one recorded event (after the store accepted it). */
  eventRecorded(kind: EventKind): void {
    this.events[kind].inc()
  }

  /** Records one finished call: started, handled with its code, and its handling time. */
  observeCall(method: DescMethod, code: Code | undefined, seconds: number): void {
    const labels = {grpc_type: grpcType(method), grpc_service: method.parent.typeName, grpc_method: method.name}
    this.handled.inc({...labels, grpc_code: code === undefined ? 'OK' : Code[code]})
    this.handling.observe(labels, seconds)
  }

  callStarted(method: DescMethod): void {
    this.started.inc({grpc_type: grpcType(method), grpc_service: method.parent.typeName, grpc_method: method.name})
  }

  /** Connect interceptor: counts every RPC (unary at its answer, streams when they end). */
  interceptor(): Interceptor {
    return (next) => async (req) => {
      const method = req.method
      const t0 = performance.now()
      this.callStarted(method)
      const done = (code: Code | undefined) => this.observeCall(method, code, (performance.now() - t0) / 1000)
      let res
      try {
        res = await next(req)
      } catch (err) {
        done(ConnectError.from(err).code)
        throw err
      }
      if (!res.stream) {
        done(undefined)
        return res
      }
      const messages = res.message
      async function* counted() {
        let code: Code | undefined = Code.Canceled
        try {
          yield* messages
          code = undefined
        } catch (err) {
          code = ConnectError.from(err).code
          throw err
        } finally {
          done(code)
        }
      }
      return {...res, message: counted()}
    }
  }

  /** The text exposition and its content type. */
  async render(): Promise<{body: string; contentType: string}> {
    return {body: await this.registry.metrics(), contentType: this.registry.contentType}
  }
}
