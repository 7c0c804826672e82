/**
 * Execution events for `get events` and `get execution --watch`: read from the plane's event stream
 * (`flytectl.plane.v1.ExecutionEventService/WatchExecutionEvents`), or — against a control plane
 * without it (FlyteAdmin answers Unimplemented) — by polling the execution, node and task executions
 * once a second and turning each phase change into the same event. A stream that drops before the
 * execution ended (the plane restarted, the reader fell behind) is opened again; what was printed
 * already is not printed twice.
 */
import {create} from '@bufbuild/protobuf'
import {timestampDate, type Timestamp} from '@bufbuild/protobuf/wkt'
import {Code, ConnectError} from '@connectrpc/connect'
import type {AdminClient, ExecutionEventClient} from '../admin/client.js'
import {rpcErrorToCliError, type ConnectionInfo} from '../admin/errors.js'
import {CliError} from '../cli/errors.js'
import type {Execution} from '../gen/flyteidl/admin/execution_pb.js'
import type {NodeExecution} from '../gen/flyteidl/admin/node_execution_pb.js'
import type {TaskExecution} from '../gen/flyteidl/admin/task_execution_pb.js'
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
  type ExecutionError,
} from '../gen/flyteidl/core/execution_pb.js'
import {
  NodeExecutionEventSchema,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
  type NodeExecutionEvent,
  type TaskExecutionEvent,
  type WorkflowExecutionEvent,
} from '../gen/flyteidl/event/event_pb.js'
import {executionDetails, isTerminalExecution, type NodeDetail} from './execution-details.js'
import {protoJson} from './proto-json.js'

export type EventKind = 'workflow' | 'node' | 'task'

/** One event as `get events` shows it; `event` is FlyteAdmin's event message. */
export interface EventRecord {
  kind: EventKind
  execution: string
  /** '' for the execution itself, the node id, or `<node>/<task>/<attempt>` for a task attempt. */
  id: string
  phase: string
  occurredAt: string
  /** First line of the error, when the event carries one. */
  message: string
  replayed: boolean
  event: WorkflowExecutionEvent | NodeExecutionEvent | TaskExecutionEvent
}

export interface WatchEventsOptions {
  project: string
  domain: string
  /** One execution, or undefined for every execution of the project and domain. */
  name?: string | undefined
  follow: boolean
  onEvent: (e: EventRecord) => void
  note: (text: string) => void
  /** Poll interval when the plane has no event stream (default 1 s). */
  pollMs?: number
  signal?: AbortSignal
  /** Stream reconnects in a row before giving up (default 5). */
  maxReconnects?: number
}

export interface WatchEventsResult {
  /** The execution's last phase (one execution only). */
  phase?: WorkflowExecution_Phase
  /** 'stream' or 'poll': how the events were read. */
  via: 'stream' | 'poll'
}

const iso = (t: Timestamp | undefined) => (t ? timestampDate(t).toISOString() : '')
const firstLine = (e: ExecutionError | undefined) => (e ? e.message.split('\n')[0]!.trim() : '')

type AnyEvent =
  | {case: 'workflowEvent'; value: WorkflowExecutionEvent}
  | {case: 'nodeEvent'; value: NodeExecutionEvent}
  | {case: 'taskEvent'; value: TaskExecutionEvent}

export function eventRecord(e: AnyEvent, replayed: boolean): EventRecord {
  switch (e.case) {
    case 'workflowEvent': {
      const v = e.value
      return {
        kind: 'workflow',
        execution: v.executionId?.name ?? '',
        id: '',
        phase: WorkflowExecution_Phase[v.phase] ?? String(v.phase),
        occurredAt: iso(v.occurredAt),
        message: v.outputResult.case === 'error' ? firstLine(v.outputResult.value) : '',
        replayed,
        event: v,
      }
    }
    case 'nodeEvent': {
      const v = e.value
      return {
        kind: 'node',
        execution: v.id?.executionId?.name ?? '',
        id: v.id?.nodeId ?? '',
        phase: NodeExecution_Phase[v.phase] ?? String(v.phase),
        occurredAt: iso(v.occurredAt),
        message: v.outputResult.case === 'error' ? firstLine(v.outputResult.value) : '',
        replayed,
        event: v,
      }
    }
    case 'taskEvent': {
      const v = e.value
      return {
        kind: 'task',
        execution: v.parentNodeExecutionId?.executionId?.name ?? '',
        id: `${v.parentNodeExecutionId?.nodeId ?? ''}/${v.taskId?.name ?? ''}/${v.retryAttempt}`,
        phase: TaskExecution_Phase[v.phase] ?? String(v.phase),
        occurredAt: iso(v.occurredAt),
        message: v.outputResult.case === 'error' ? firstLine(v.outputResult.value) : v.reason,
        replayed,
        event: v,
      }
    }
  }
}

/** What an event is about and its phase: the same key twice is one event (reconnects, polls). */
function keyOf(r: EventRecord): string {
  const version = r.kind === 'task' ? `|${(r.event as TaskExecutionEvent).phaseVersion}` : ''
  return `${r.kind}|${r.execution}|${r.id}|${r.phase}${version}`
}

/** protojson of an event record: `{kind, execution, id, phase, occurred_at, replayed, event}`. */
export function eventJson(r: EventRecord): Record<string, unknown> {
  const schema =
    r.kind === 'workflow'
      ? WorkflowExecutionEventSchema
      : r.kind === 'node'
        ? NodeExecutionEventSchema
        : TaskExecutionEventSchema
  return {
    kind: r.kind,
    execution: r.execution,
    id: r.id,
    phase: r.phase,
    occurredAt: r.occurredAt,
    ...(r.message ? {message: r.message} : {}),
    replayed: r.replayed,
    event: protoJson(schema as never, r.event as never),
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((ok) => {
    const t = setTimeout(ok, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        ok()
      },
      {once: true},
    )
  })

const TERMINAL_WF = (p: WorkflowExecution_Phase) => isTerminalExecution(p)

/** Streams (or polls) the events; resolves when the execution ended, or without `follow` once caught up. */
export async function watchEvents(
  clients: {admin: AdminClient; events: ExecutionEventClient; connection?: ConnectionInfo},
  o: WatchEventsOptions,
): Promise<WatchEventsResult> {
  const seen = new Set<string>()
  let phase: WorkflowExecution_Phase | undefined
  const emit = (r: EventRecord): void => {
    const key = keyOf(r)
    if (seen.has(key)) return
    seen.add(key)
    if (r.kind === 'workflow' && o.name) phase = (r.event as WorkflowExecutionEvent).phase
    o.onEvent(r)
  }
  const ended = () => o.name !== undefined && phase !== undefined && TERMINAL_WF(phase)
  const maxReconnects = o.maxReconnects ?? 5
  let failures = 0
  for (;;) {
    try {
      const stream = clients.events.watchExecutionEvents(
        {project: o.project, domain: o.domain, name: o.name ?? '', follow: o.follow},
        o.signal ? {signal: o.signal} : {},
      )
      for await (const res of stream) {
        failures = 0
        if (res.event.case === undefined || res.event.case === 'heartbeat') continue
        emit(eventRecord(res.event as AnyEvent, res.replayed))
      }
      if (!o.follow || ended() || o.signal?.aborted) return {via: 'stream', ...(phase !== undefined ? {phase} : {})}
      // The plane closed the stream before the end (it is shutting down): open it again.
    } catch (err) {
      if (o.signal?.aborted) return {via: 'stream', ...(phase !== undefined ? {phase} : {})}
      const e = ConnectError.from(err)
      if (e.code === Code.Unimplemented) {
        o.note(
          `the control plane has no event stream (flytectl.plane.v1.ExecutionEventService); polling every ${Math.round((o.pollMs ?? 1000) / 1000)}s instead`,
        )
        return pollEvents(clients.admin, o, emit, () => phase)
      }
      const retryable = [Code.Unavailable, Code.ResourceExhausted, Code.Internal, Code.Unknown, Code.Aborted]
      // Errors read from a stream are not the client's typed errors yet: make them so.
      if (!o.follow || !retryable.includes(e.code))
        throw clients.connection && !(err instanceof CliError) ? rpcErrorToCliError(e, clients.connection) : err
    }
    if (++failures > maxReconnects) {
      throw new CliError('unavailable', `the event stream of ${o.name ?? `${o.project}/${o.domain}`} kept dropping`, {
        hint: 'Check that the control plane is running (flytectl demo status), then run the command again.',
      })
    }
    await sleep(Math.min(8000, 250 * 2 ** failures), o.signal)
  }
}

// ---- polling, for a control plane without the event stream ----

function workflowEventOf(ex: Execution): WorkflowExecutionEvent {
  const c = ex.closure
  const out = c?.outputResult
  return create(WorkflowExecutionEventSchema, {
    executionId: ex.id,
    phase: c?.phase ?? WorkflowExecution_Phase.UNDEFINED,
    occurredAt: c?.updatedAt,
    outputResult:
      out?.case === 'outputs' && out.value.data.case === 'uri'
        ? {case: 'outputUri', value: out.value.data.value}
        : out?.case === 'error'
          ? out
          : {case: undefined},
  })
}

function nodeEventOf(n: NodeExecution): NodeExecutionEvent {
  const c = n.closure
  return create(NodeExecutionEventSchema, {
    id: n.id,
    phase: c?.phase ?? NodeExecution_Phase.UNDEFINED,
    occurredAt: c?.updatedAt,
    outputResult:
      c?.outputResult.case === 'outputUri' || c?.outputResult.case === 'error' ? c.outputResult : {case: undefined},
    isParent: n.metadata?.isParentNode ?? false,
    specNodeId: n.metadata?.specNodeId ?? '',
    retryGroup: n.metadata?.retryGroup ?? '',
  })
}

function taskEventOf(t: TaskExecution): TaskExecutionEvent {
  const c = t.closure
  return create(TaskExecutionEventSchema, {
    taskId: t.id?.taskId,
    parentNodeExecutionId: t.id?.nodeExecutionId,
    retryAttempt: t.id?.retryAttempt ?? 0,
    phase: c?.phase ?? TaskExecution_Phase.UNDEFINED,
    occurredAt: c?.updatedAt,
    logs: c?.logs ?? [],
    outputResult:
      c?.outputResult.case === 'outputUri' || c?.outputResult.case === 'error' ? c.outputResult : {case: undefined},
    reason: c?.reason ?? '',
    taskType: c?.taskType ?? '',
  })
}

function treeEvents(nodes: NodeDetail[], out: Array<{at: number; event: AnyEvent}>): void {
  const ms = (t: Timestamp | undefined) => (t ? timestampDate(t).getTime() : 0)
  for (const n of nodes) {
    out.push({at: ms(n.nodeExec.closure?.updatedAt), event: {case: 'nodeEvent', value: nodeEventOf(n.nodeExec)}})
    for (const t of n.taskExecs)
      out.push({at: ms(t.closure?.updatedAt), event: {case: 'taskEvent', value: taskEventOf(t)}})
    treeEvents(n.children, out)
  }
}

async function pollEvents(
  admin: AdminClient,
  o: WatchEventsOptions,
  emit: (r: EventRecord) => void,
  phase: () => WorkflowExecution_Phase | undefined,
): Promise<WatchEventsResult> {
  const interval = o.pollMs ?? 1000
  let first = true
  for (;;) {
    if (o.name) {
      const ref = {project: o.project, domain: o.domain, name: o.name}
      const ex = await admin.getExecution({id: ref})
      const nodes = await executionDetails(admin, ref, {withData: false})
      const events: Array<{at: number; event: AnyEvent}> = []
      treeEvents(nodes, events)
      events.sort((a, b) => a.at - b.at)
      const wf: AnyEvent = {case: 'workflowEvent', value: workflowEventOf(ex)}
      const terminal = TERMINAL_WF(ex.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED)
      if (!terminal) emit(eventRecord(wf, first))
      for (const e of events) emit(eventRecord(e.event, first))
      if (terminal) emit(eventRecord(wf, first))
      if (terminal || !o.follow) return {via: 'poll', ...(phase() !== undefined ? {phase: phase()!} : {})}
    } else {
      const list = await admin.listExecutions({
        id: {project: o.project, domain: o.domain},
        limit: 100,
        sortBy: {key: 'updated_at', direction: 0 /* DESCENDING */},
      })
      for (const ex of [...list.executions].reverse())
        emit(eventRecord({case: 'workflowEvent', value: workflowEventOf(ex)}, first))
      if (!o.follow) return {via: 'poll'}
    }
    first = false
    await sleep(interval, o.signal)
    if (o.signal?.aborted) return {via: 'poll', ...(phase() !== undefined ? {phase: phase()!} : {})}
  }
}

/**
 * Wake-ups for `get execution --watch`: `wait()` resolves when the plane records an event of the
 * execution (then the caller reads it again), or after `fallbackMs` when the plane has no event stream
 * (a note says so once) or the stream dropped. Without the stream it is the old polling loop.
 */
export function executionChanges(
  events: ExecutionEventClient,
  ref: {project: string; domain: string; name: string},
  o: {note: (text: string) => void; fallbackMs: number; settleMs?: number},
): {wait(): Promise<void>; close(): void} {
  const abort = new AbortController()
  let dirty = false
  let streaming = true
  let wake: (() => void) | undefined
  const poke = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  void (async () => {
    try {
      for await (const res of events.watchExecutionEvents({...ref, follow: true}, {signal: abort.signal})) {
        if (res.event.case === 'heartbeat') continue
        dirty = true
        poke()
      }
    } catch (err) {
      if (!abort.signal.aborted && ConnectError.from(err).code === Code.Unimplemented) {
        o.note(
          `the control plane has no event stream (flytectl.plane.v1.ExecutionEventService); polling every ${Math.round(o.fallbackMs / 1000)}s instead`,
        )
      }
    }
    streaming = false
    poke()
  })()
  return {
    async wait() {
      if (!streaming) return sleep(o.fallbackMs, abort.signal)
      if (!dirty) {
        await new Promise<void>((ok) => {
          wake = ok
        })
      }
      if (!streaming && !dirty) return sleep(o.fallbackMs, abort.signal)
      // Events come in bursts (a node and its task): read once they settle.
      await sleep(o.settleMs ?? 50, abort.signal)
      dirty = false
    },
    close() {
      abort.abort()
      poke()
    },
  }
}
