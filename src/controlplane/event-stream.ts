/**
 * `flytectl.plane.v1.ExecutionEventService/WatchExecutionEvents`: a server stream of the execution
 * events the plane records, as FlyteAdmin's event messages.
 *
 * - Source: the in-process event feed (every event the store accepts, once committed) and the store
 *   itself. For one execution the stream first replays what is recorded (the latest state of the
 *   execution and of each node and task execution, oldest first: the plane keeps state, not an event
 *   log), then live events; the feed is subscribed before the store is read, and a live event equal to
 *   a replayed one is dropped, so nothing falls between the two.
 * - End: after the execution's terminal phase. Terminate records ABORTED without an event, so the
 *   execution's row is also checked every second and its terminal phase sent from there.
 * - Bounds: at most MAX_WATCH_STREAMS open at once (ResourceExhausted beyond), at most
 *   MAX_PENDING_EVENTS waiting for a slow reader (the stream then ends with ResourceExhausted and
 *   the client reconnects or polls), a heartbeat after HEARTBEAT_MS of silence (well inside the edge's
 *   idle timeouts), and the stream ends when the plane closes.
 */
import {create} from '@bufbuild/protobuf'
import {timestampNow} from '@bufbuild/protobuf/wkt'
import {Code, ConnectError, type HandlerContext} from '@connectrpc/connect'
import {fromBinary} from '@bufbuild/protobuf'
import {ExecutionSchema, type Execution} from '../gen/flyteidl/admin/execution_pb.js'
import {NodeExecutionSchema} from '../gen/flyteidl/admin/node_execution_pb.js'
import {TaskExecutionSchema} from '../gen/flyteidl/admin/task_execution_pb.js'
import {WorkflowExecution_Phase} from '../gen/flyteidl/core/execution_pb.js'
import {
  NodeExecutionEventSchema,
  ParentNodeExecutionMetadataSchema,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
} from '../gen/flyteidl/event/event_pb.js'
import {
  HeartbeatSchema,
  WatchExecutionEventsResponseSchema,
  type WatchExecutionEventsRequest,
  type WatchExecutionEventsResponse,
} from '../gen/flytectl/plane/v1/events_pb.js'
import type {PlaneContext} from './context.js'
import type {RecordedEvent} from './event-feed.js'
import {invalidArgument, notFound} from './errors.js'

export const MAX_WATCH_STREAMS = 64
export const MAX_PENDING_EVENTS = 10_000
export const HEARTBEAT_MS = 15_000
const ROW_CHECK_MS = 1_000
/** Executions a project-domain stream replays. */
export const REPLAY_EXECUTIONS = 100
const NAME = /^[A-Za-z0-9_.:-]{1,128}$/

const TERMINAL = new Set([
  WorkflowExecution_Phase.SUCCEEDED,
  WorkflowExecution_Phase.FAILED,
  WorkflowExecution_Phase.ABORTED,
  WorkflowExecution_Phase.TIMED_OUT,
])

type Payload = Exclude<WatchExecutionEventsResponse['event'], {case: undefined} | {case: 'heartbeat'}>

interface Scope {
  project: string
  domain: string
  name: string
}

function execOf(e: RecordedEvent): {project: string; domain: string; name: string} | undefined {
  switch (e.case) {
    case 'workflowEvent':
      return e.value.executionId
    case 'nodeEvent':
      return e.value.id?.executionId
    case 'taskEvent':
      return e.value.parentNodeExecutionId?.executionId
  }
}

/** What an event is about and its phase: a replayed and a live event with the same key are one. */
function keyOf(e: Payload): string {
  switch (e.case) {
    case 'workflowEvent':
      return `w|${e.value.phase}`
    case 'nodeEvent':
      return `n|${e.value.id?.nodeId}|${e.value.phase}`
    case 'taskEvent': {
      const t = e.value
      return `t|${t.parentNodeExecutionId?.nodeId}|${t.taskId?.name}|${t.taskId?.version}|${t.retryAttempt}|${t.phase}|${t.phaseVersion}`
    }
  }
}

function workflowEventOf(ex: Execution) {
  const c = ex.closure!
  const out = c.outputResult
  return create(WorkflowExecutionEventSchema, {
    executionId: ex.id,
    phase: c.phase,
    occurredAt: c.updatedAt,
    outputResult:
      out.case === 'outputs' && out.value.data.case === 'uri'
        ? {case: 'outputUri', value: out.value.data.value}
        : out.case === 'error' || out.case === 'outputData'
          ? out
          : {case: undefined},
  })
}

/** The latest workflow event of the most recently updated executions of a project and domain. */
function replayScope(ctx: PlaneContext, scope: Scope): Array<{at: number; event: Payload}> {
  const rows = ctx.db.all<{data: Uint8Array; updated_at: number}>(
    'SELECT data, updated_at FROM executions WHERE project = ? AND domain = ? ORDER BY updated_at DESC LIMIT ?',
    scope.project,
    scope.domain,
    REPLAY_EXECUTIONS,
  )
  return rows.reverse().map((r) => ({
    at: r.updated_at,
    event: {case: 'workflowEvent' as const, value: workflowEventOf(fromBinary(ExecutionSchema, r.data))},
  }))
}

/** The recorded state of one execution, as the latest event of it and of each node and task execution. */
function replay(ctx: PlaneContext, scope: Scope): Array<{at: number; event: Payload}> {
  if (!scope.name) return replayScope(ctx, scope)
  const args = [scope.project, scope.domain, scope.name] as const
  const row = ctx.db.get<{data: Uint8Array; updated_at: number}>(
    'SELECT data, updated_at FROM executions WHERE project = ? AND domain = ? AND name = ?',
    ...args,
  )
  if (!row) return []
  const out: Array<{at: number; event: Payload}> = []
  const nodes = ctx.db.all<{data: Uint8Array; parent_id: string; updated_at: number}>(
    'SELECT data, parent_id, updated_at FROM node_executions WHERE project = ? AND domain = ? AND execution_name = ?',
    ...args,
  )
  for (const n of nodes) {
    const ne = fromBinary(NodeExecutionSchema, n.data)
    const c = ne.closure
    out.push({
      at: n.updated_at,
      event: {
        case: 'nodeEvent',
        value: create(NodeExecutionEventSchema, {
          id: ne.id,
          phase: c?.phase,
          occurredAt: c?.updatedAt,
          outputResult: c?.outputResult ?? {case: undefined},
          isParent: ne.metadata?.isParentNode ?? false,
          isDynamic: ne.metadata?.isDynamic ?? false,
          isArray: ne.metadata?.isArray ?? false,
          specNodeId: ne.metadata?.specNodeId ?? '',
          retryGroup: ne.metadata?.retryGroup ?? '',
          inputValue: ne.inputUri ? {case: 'inputUri', value: ne.inputUri} : {case: undefined},
          ...(n.parent_id
            ? {parentNodeMetadata: create(ParentNodeExecutionMetadataSchema, {nodeId: n.parent_id})}
            : {}),
        }),
      },
    })
  }
  const tasks = ctx.db.all<{data: Uint8Array; phase_version: number; updated_at: number}>(
    'SELECT data, phase_version, updated_at FROM task_executions WHERE project = ? AND domain = ? AND execution_name = ?',
    ...args,
  )
  for (const t of tasks) {
    const te = fromBinary(TaskExecutionSchema, t.data)
    const c = te.closure
    out.push({
      at: t.updated_at,
      event: {
        case: 'taskEvent',
        value: create(TaskExecutionEventSchema, {
          taskId: te.id?.taskId,
          parentNodeExecutionId: te.id?.nodeExecutionId,
          retryAttempt: te.id?.retryAttempt ?? 0,
          phase: c?.phase,
          phaseVersion: t.phase_version,
          occurredAt: c?.updatedAt,
          logs: c?.logs ?? [],
          outputResult: c?.outputResult ?? {case: undefined},
          taskType: c?.taskType ?? '',
          reason: c?.reason ?? '',
          metadata: c?.metadata,
          eventVersion: c?.eventVersion ?? 0,
          inputValue: te.inputUri ? {case: 'inputUri', value: te.inputUri} : {case: undefined},
        }),
      },
    })
  }
  out.sort((a, b) => a.at - b.at)
  // The execution's own state first unless it is terminal (then it closes the replay).
  const wf = {
    at: row.updated_at,
    event: {case: 'workflowEvent' as const, value: workflowEventOf(fromBinary(ExecutionSchema, row.data))},
  }
  return TERMINAL.has(wf.event.value.phase) ? [...out, wf] : [wf, ...out]
}

/** A queue the feed fills and the stream drains; `wake` resolves the stream's wait. */
class Pending {
  readonly items: Payload[] = []
  overflow = false
  private wake: (() => void) | undefined

  constructor(private readonly max: number) {}

  push(e: Payload): void {
    if (this.items.length >= this.max) this.overflow = true
    else this.items.push(e)
    this.notify()
  }

  notify(): void {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((ok) => {
      const done = () => {
        clearTimeout(t)
        signal.removeEventListener('abort', done)
        this.wake = undefined
        ok()
      }
      const t = setTimeout(done, ms)
      signal.addEventListener('abort', done, {once: true})
      this.wake = done
    })
  }
}

/** The stream bounds (tests shrink them). */
export interface WatchLimits {
  maxStreams: number
  maxPending: number
  heartbeatMs: number
}

export class ExecutionEventStreams {
  private open = 0
  private readonly limits: WatchLimits

  constructor(
    private readonly ctx: PlaneContext,
    limits: Partial<WatchLimits> = {},
  ) {
    this.limits = {maxStreams: MAX_WATCH_STREAMS, maxPending: MAX_PENDING_EVENTS, heartbeatMs: HEARTBEAT_MS, ...limits}
  }

  get size(): number {
    return this.open
  }

  async *watch(req: WatchExecutionEventsRequest, hctx: HandlerContext): AsyncGenerator<WatchExecutionEventsResponse> {
    const ctx = this.ctx
    if (!ctx.feed) throw new ConnectError('this control plane records no event feed', Code.Unimplemented)
    if (!req.project) throw invalidArgument('missing project')
    if (!req.domain) throw invalidArgument('missing domain')
    for (const [field, v] of [
      ['project', req.project],
      ['domain', req.domain],
      ['name', req.name],
    ] as const) {
      if (v !== '' && !NAME.test(v)) throw invalidArgument(`invalid ${field} ${JSON.stringify(v.slice(0, 64))}`)
    }
    // The auth interceptor sees a stream before its request message: decide again on the real target.
    if (ctx.auth) {
      const caller = await ctx.auth.caller((n) => hctx.requestHeader.get(n), hctx.method)
      await ctx.auth.run(caller, hctx.method, req, () => Promise.resolve())
    }
    const scope: Scope = {project: req.project, domain: req.domain, name: req.name}
    if (
      scope.name &&
      !ctx.db.get(
        'SELECT 1 FROM executions WHERE project = ? AND domain = ? AND name = ?',
        scope.project,
        scope.domain,
        scope.name,
      )
    ) {
      throw notFound(
        `missing entity of type execution with identifier [project:${scope.project} domain:${scope.domain} name:${scope.name}]`,
      )
    }
    const {maxStreams, maxPending, heartbeatMs} = this.limits
    if (this.open >= maxStreams || ctx.closing) {
      throw new ConnectError(`too many open event streams (${maxStreams}); retry later`, Code.ResourceExhausted)
    }
    this.open++
    const pending = new Pending(maxPending)
    const unsubscribe = ctx.feed.subscribe((e) => {
      const id = execOf(e)
      if (!id || id.project !== scope.project || id.domain !== scope.domain) return
      if (scope.name && id.name !== scope.name) return
      pending.push(e as Payload)
    })
    let seq = 0n
    const message = (event: WatchExecutionEventsResponse['event'], replayed = false) =>
      create(WatchExecutionEventsResponseSchema, {event, seq: ++seq, replayed})
    try {
      const seen = new Set<string>()
      let ended = false
      for (const r of replay(ctx, scope)) {
        if (scope.name) seen.add(keyOf(r.event))
        yield message(r.event, true)
        if (scope.name && r.event.case === 'workflowEvent' && TERMINAL.has(r.event.value.phase)) ended = true
      }
      if (!req.follow) ended = true
      let lastSent = Date.now()
      let lastCheck = Date.now()
      while (!ended && !hctx.signal.aborted && !ctx.closing) {
        if (pending.overflow) {
          throw new ConnectError(
            `the client read too slowly: over ${maxPending} events waiting; reconnect to resume`,
            Code.ResourceExhausted,
          )
        }
        const batch = pending.items.splice(0)
        for (const e of batch) {
          const key = keyOf(e)
          if (seen.has(key)) {
            seen.delete(key)
            continue
          }
          yield message(e)
          lastSent = Date.now()
          if (scope.name && e.case === 'workflowEvent' && TERMINAL.has(e.value.phase)) ended = true
        }
        if (ended) break
        const now = Date.now()
        if (scope.name && now - lastCheck >= ROW_CHECK_MS) {
          lastCheck = now
          const row = ctx.db.get<{data: Uint8Array}>(
            'SELECT data FROM executions WHERE project = ? AND domain = ? AND name = ?',
            scope.project,
            scope.domain,
            scope.name,
          )
          const ex = row ? fromBinary(ExecutionSchema, row.data) : undefined
          if (ex && TERMINAL.has(ex.closure!.phase) && pending.items.length === 0) {
            // Recorded without an event (terminate): the row's phase is the last word.
            const e = {case: 'workflowEvent' as const, value: workflowEventOf(ex)}
            if (!seen.has(keyOf(e))) yield message(e)
            break
          }
        }
        if (now - lastSent >= heartbeatMs) {
          yield message({case: 'heartbeat', value: create(HeartbeatSchema, {sentAt: timestampNow()})})
          lastSent = now
        }
        if (pending.items.length === 0) {
          await pending.wait(Math.min(ROW_CHECK_MS, heartbeatMs - (Date.now() - lastSent)), hctx.signal)
        }
      }
    } finally {
      unsubscribe()
      this.open--
    }
  }
}
