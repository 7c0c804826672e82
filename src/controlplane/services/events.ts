/**
 * Execution events as FlyteAdmin records them (CreateWorkflowEvent / CreateNodeEvent / CreateTaskEvent
 * and the executor's sink): phase transitions, start times and durations, inputs/outputs/errors, logs.
 * A phase already recorded is AlreadyExists; any change after a terminal phase is FailedPrecondition.
 */
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import {
  NodeExecutionEventResponseSchema,
  TaskExecutionEventResponseSchema,
  WorkflowExecutionEventResponseSchema,
  type NodeExecutionEventRequest,
  type NodeExecutionEventResponse,
  type TaskExecutionEventRequest,
  type TaskExecutionEventResponse,
  type WorkflowExecutionEventRequest,
  type WorkflowExecutionEventResponse,
} from '../../gen/flyteidl/admin/event_pb.js'
import {LiteralMapBlobSchema} from '../../gen/flyteidl/admin/execution_pb.js'
import {
  NodeExecutionClosureSchema,
  NodeExecutionMetaDataSchema,
  NodeExecutionSchema,
  TaskNodeMetadataSchema,
  WorkflowNodeMetadataSchema,
  type NodeExecution,
} from '../../gen/flyteidl/admin/node_execution_pb.js'
import {
  ReasonSchema,
  TaskExecutionClosureSchema,
  TaskExecutionSchema,
  type TaskExecution,
} from '../../gen/flyteidl/admin/task_execution_pb.js'
import {CompiledWorkflowClosureSchema} from '../../gen/flyteidl/core/compiler_pb.js'
import {
  ExecutionError_ErrorKind,
  ExecutionErrorSchema,
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from '../../gen/flyteidl/core/execution_pb.js'
import {WorkflowExecutionIdentifierSchema, type TaskExecutionIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {LiteralMapSchema} from '../../gen/flyteidl/core/literals_pb.js'
import {
  NodeExecutionEventSchema,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
  type NodeExecutionEvent,
  type TaskExecutionEvent,
  type WorkflowExecutionEvent,
} from '../../gen/flyteidl/event/event_pb.js'
import type {PlaneContext} from '../context.js'
import {alreadyExists, failedPrecondition, invalidArgument, missing, notFound} from '../errors.js'
import type {ExecutionSink} from '../executor/types.js'
import {getOrCreateSignal} from './signals.js'
import {publishNotifications} from '../notifications.js'
import {SignalGetOrCreateRequestSchema} from '../../gen/flyteidl/admin/signal_pb.js'
import {durationFromMicros, microsFromTimestamp, nowMicros, timestampFromMicros} from '../time.js'
import {
  ExecutionTerminateRequestSchema,
  WorkflowExecutionGetDataRequestSchema,
} from '../../gen/flyteidl/admin/execution_pb.js'
import {
  alreadyTerminal,
  executionText,
  getExecutionById,
  getExecutionData,
  launchChildExecution,
  terminateExecution,
  requireExecution,
  requireExecutionId,
  saveExecution,
  TERMINAL_WORKFLOW_PHASES,
} from './executions.js'

export const TERMINAL_NODE_PHASES = new Set([
  NodeExecution_Phase.SUCCEEDED,
  NodeExecution_Phase.FAILED,
  NodeExecution_Phase.ABORTED,
  NodeExecution_Phase.SKIPPED,
  NodeExecution_Phase.TIMED_OUT,
  NodeExecution_Phase.RECOVERED,
])

export const TERMINAL_TASK_PHASES = new Set([
  TaskExecution_Phase.SUCCEEDED,
  TaskExecution_Phase.FAILED,
  TaskExecution_Phase.ABORTED,
])

function eventTime(ts: {seconds: bigint; nanos: number} | undefined): number {
  return microsFromTimestamp(ts as never) ?? nowMicros()
}

// ---- workflow events ----

export function applyWorkflowEvent(ctx: PlaneContext, e: WorkflowExecutionEvent | undefined): void {
  if (!e) throw invalidArgument('Workflow event handler was called without event')
  if (!e.executionId) throw invalidArgument("Workflow event handler request event doesn't have an execution id")
  const id = requireExecutionId(e.executionId)
  const saved = ctx.db.transaction(() => {
    const execution = requireExecution(ctx, id)
    const c = execution.closure!
    const cur = c.phase
    // A repeated QUEUED is accepted (FlyteAdmin takes it as a cluster reassignment).
    if (cur === e.phase && e.phase !== WorkflowExecution_Phase.QUEUED) {
      throw alreadyExists(
        `This phase ${WorkflowExecution_Phase[e.phase]} was already recorded for workflow execution ${executionText(id)}`,
      )
    }
    if (TERMINAL_WORKFLOW_PHASES.has(cur)) {
      throw alreadyTerminal(
        `Invalid phase change from ${WorkflowExecution_Phase[cur]} to ${WorkflowExecution_Phase[e.phase]} for workflow execution ${executionText(id)}`,
        WorkflowExecution_Phase[cur],
      )
    }
    if (cur === WorkflowExecution_Phase.RUNNING && e.phase === WorkflowExecution_Phase.QUEUED) {
      throw failedPrecondition(`Cannot go from RUNNING to QUEUED for workflow execution ${executionText(id)}`)
    }
    const at = eventTime(e.occurredAt)
    c.phase = e.phase
    c.updatedAt = timestampFromMicros(at)
    if (e.phase === WorkflowExecution_Phase.RUNNING && !c.startedAt) c.startedAt = timestampFromMicros(at)
    if (TERMINAL_WORKFLOW_PHASES.has(e.phase)) {
      const started = microsFromTimestamp(c.startedAt) ?? microsFromTimestamp(c.createdAt) ?? at
      c.duration = durationFromMicros(Math.max(0, at - started))
    }
    switch (e.outputResult.case) {
      case 'outputUri':
        c.outputResult = {
          case: 'outputs',
          value: create(LiteralMapBlobSchema, {data: {case: 'uri', value: e.outputResult.value}}),
        }
        break
      case 'outputData':
        c.outputResult = {case: 'outputData', value: e.outputResult.value}
        break
      case 'error':
        c.outputResult = {case: 'error', value: e.outputResult.value}
        break
      default:
    }
    saveExecution(ctx, execution)
    ctx.events?.record({kind: 'workflow', event: e})
    return execution
  })
  ctx.feed?.recorded({case: 'workflowEvent', value: e})
  // As FlyteAdmin: notifications go out after the terminal phase is recorded.
  if (TERMINAL_WORKFLOW_PHASES.has(e.phase)) publishNotifications(ctx, saved)
}

// ---- node events ----

interface NodeRow {
  data: Uint8Array
}

function nodeKey(id: {executionId?: {project: string; domain: string; name: string}; nodeId: string}) {
  const ex = id.executionId!
  return [ex.project, ex.domain, ex.name, id.nodeId] as const
}

export function taskExecutionKey(id: TaskExecutionIdentifier): string {
  const n = id.nodeExecutionId!
  const ex = n.executionId!
  const t = id.taskId!
  return [ex.project, ex.domain, ex.name, n.nodeId, t.project, t.domain, t.name, t.version, id.retryAttempt].join(
    '\u001f',
  )
}

export function getNodeExecutionRow(
  ctx: PlaneContext,
  id: {executionId?: {project: string; domain: string; name: string}; nodeId: string},
): NodeExecution | undefined {
  const row = ctx.db.get<NodeRow>(
    'SELECT data FROM node_executions WHERE project = ? AND domain = ? AND execution_name = ? AND node_id = ?',
    ...nodeKey(id),
  )
  return row ? fromBinary(NodeExecutionSchema, row.data) : undefined
}

function saveNodeExecution(
  ctx: PlaneContext,
  n: NodeExecution,
  extra: {parentId: string; parentTaskKey: string; dynamic?: Uint8Array},
  insert: boolean,
): void {
  const c = n.closure!
  const error = c.outputResult.case === 'error' ? c.outputResult.value : undefined
  const values = [
    NodeExecution_Phase[c.phase],
    n.metadata?.isParentNode ? 1 : 0,
    n.inputUri,
    error ? String(error.kind) : '',
    error?.code ?? '',
    microsFromTimestamp(c.startedAt) ?? null,
    c.duration ? Number(c.duration.seconds) * 1e6 + Math.floor(c.duration.nanos / 1000) : 0,
    microsFromTimestamp(c.updatedAt) ?? nowMicros(),
    toBinary(NodeExecutionSchema, n),
  ]
  if (insert) {
    ctx.db.run(
      `INSERT INTO node_executions (phase, is_parent, input_uri, error_kind, error_code, started_at, duration, updated_at, data,
       created_at, parent_id, parent_task_key, dynamic_workflow, project, domain, execution_name, node_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ...values,
      microsFromTimestamp(c.createdAt) ?? nowMicros(),
      extra.parentId,
      extra.parentTaskKey,
      extra.dynamic ?? null,
      ...nodeKey(n.id!),
    )
  } else {
    ctx.db.run(
      `UPDATE node_executions SET phase = ?, is_parent = ?, input_uri = ?, error_kind = ?, error_code = ?, started_at = ?, duration = ?,
       updated_at = ?, data = ?, dynamic_workflow = COALESCE(?, dynamic_workflow)
       WHERE project = ? AND domain = ? AND execution_name = ? AND node_id = ?`,
      ...values,
      extra.dynamic ?? null,
      ...nodeKey(n.id!),
    )
  }
}

export function applyNodeEvent(ctx: PlaneContext, e: NodeExecutionEvent | undefined): void {
  if (!e) throw missing('event')
  if (!e.id) throw missing('id')
  if (e.id.nodeId === '') throw missing('node_id')
  const exId = requireExecutionId(e.id.executionId)
  ctx.db.transaction(() => {
    requireExecution(ctx, exId)
    const at = eventTime(e.occurredAt)
    let n = getNodeExecutionRow(ctx, e.id!)
    const insert = !n
    if (n) {
      const cur = n.closure!.phase
      if (cur === e.phase) {
        throw alreadyExists(
          `This phase ${NodeExecution_Phase[e.phase]} was already recorded for node execution ${e.id!.nodeId}`,
        )
      }
      if (TERMINAL_NODE_PHASES.has(cur)) {
        throw alreadyTerminal(
          `Invalid phase change from ${NodeExecution_Phase[cur]} to ${NodeExecution_Phase[e.phase]} for node execution ${e.id!.nodeId}`,
          NodeExecution_Phase[cur],
        )
      }
    } else {
      n = create(NodeExecutionSchema, {
        id: e.id,
        closure: create(NodeExecutionClosureSchema, {createdAt: timestampFromMicros(at)}),
        metadata: create(NodeExecutionMetaDataSchema, {
          retryGroup: e.retryGroup,
          isParentNode: e.isParent,
          specNodeId: e.specNodeId,
          isDynamic: e.isDynamic,
          isArray: e.isArray,
          isEager: e.isEager,
        }),
      })
    }
    const c = n.closure!
    c.phase = e.phase
    c.updatedAt = timestampFromMicros(at)
    if (n.metadata) {
      if (e.isParent) n.metadata.isParentNode = true
      if (e.isDynamic) n.metadata.isDynamic = true
    }
    if (e.inputValue.case === 'inputUri') n.inputUri = e.inputValue.value
    else if (e.inputValue.case === 'inputData') {
      const ex = e.id!.executionId!
      n.inputUri = ctx.blobs.write(
        `metadata/${ex.project}/${ex.domain}/${ex.name}/nodes/${e.id!.nodeId}/inputs.pb`,
        toBinary(LiteralMapSchema, e.inputValue.value),
      )
    }
    if ((e.phase === NodeExecution_Phase.RUNNING || e.phase === NodeExecution_Phase.DYNAMIC_RUNNING) && !c.startedAt) {
      c.startedAt = timestampFromMicros(at)
    }
    if (TERMINAL_NODE_PHASES.has(e.phase)) {
      const started = microsFromTimestamp(c.startedAt) ?? microsFromTimestamp(c.createdAt) ?? at
      c.duration = durationFromMicros(Math.max(0, at - started))
    }
    if (e.outputResult.case !== undefined) c.outputResult = {...e.outputResult}
    if (e.deckUri !== '') c.deckUri = e.deckUri
    let dynamic: Uint8Array | undefined
    if (e.targetMetadata.case === 'workflowNodeMetadata') {
      c.targetMetadata = {
        case: 'workflowNodeMetadata',
        value: create(WorkflowNodeMetadataSchema, {executionId: e.targetMetadata.value.executionId}),
      }
    } else if (e.targetMetadata.case === 'taskNodeMetadata') {
      const t = e.targetMetadata.value
      c.targetMetadata = {
        case: 'taskNodeMetadata',
        value: create(TaskNodeMetadataSchema, {
          cacheStatus: t.cacheStatus,
          catalogKey: t.catalogKey,
          checkpointUri: t.checkpointUri,
        }),
      }
      if (t.dynamicWorkflow?.compiledWorkflow) {
        c.dynamicJobSpecUri = t.dynamicWorkflow.dynamicJobSpecUri
        dynamic = toBinary(CompiledWorkflowClosureSchema, t.dynamicWorkflow.compiledWorkflow)
      }
    }
    const parentTaskKey = e.parentTaskMetadata?.id ? taskExecutionKey(e.parentTaskMetadata.id) : ''
    saveNodeExecution(ctx, n, {parentId: e.parentNodeMetadata?.nodeId ?? '', parentTaskKey, dynamic}, insert)
    ctx.events?.record({kind: 'node', event: e})
  })
  ctx.feed?.recorded({case: 'nodeEvent', value: e})
}

// ---- task events ----

function taskKeyParams(id: TaskExecutionIdentifier) {
  const n = id.nodeExecutionId!
  const ex = n.executionId!
  const t = id.taskId!
  return [ex.project, ex.domain, ex.name, n.nodeId, t.project, t.domain, t.name, t.version, id.retryAttempt] as const
}

const TASK_WHERE = `project = ? AND domain = ? AND execution_name = ? AND node_id = ? AND task_project = ? AND task_domain = ?
  AND task_name = ? AND task_version = ? AND retry_attempt = ?`

export function getTaskExecutionRow(
  ctx: PlaneContext,
  id: TaskExecutionIdentifier,
): {exec: TaskExecution; phaseVersion: number} | undefined {
  const row = ctx.db.get<{data: Uint8Array; phase_version: number}>(
    `SELECT data, phase_version FROM task_executions WHERE ${TASK_WHERE}`,
    ...taskKeyParams(id),
  )
  return row ? {exec: fromBinary(TaskExecutionSchema, row.data), phaseVersion: row.phase_version} : undefined
}

export function applyTaskEvent(ctx: PlaneContext, e: TaskExecutionEvent | undefined): void {
  if (!e) throw missing('event')
  if (!e.taskId) throw missing('task_id')
  if (!e.parentNodeExecutionId) throw missing('parent_node_execution_id')
  requireExecutionId(e.parentNodeExecutionId.executionId)
  const id = {
    $typeName: 'flyteidl.core.TaskExecutionIdentifier' as const,
    taskId: e.taskId,
    nodeExecutionId: e.parentNodeExecutionId,
    retryAttempt: e.retryAttempt,
  }
  ctx.db.transaction(() => {
    if (!getNodeExecutionRow(ctx, e.parentNodeExecutionId!)) {
      throw notFound(
        `failed to get existing node execution id: [node_id:"${e.parentNodeExecutionId!.nodeId}" execution_id:{${executionText(e.parentNodeExecutionId!.executionId!)}}]`,
      )
    }
    const at = eventTime(e.occurredAt)
    const existing = getTaskExecutionRow(ctx, id)
    let t: TaskExecution
    if (existing) {
      t = existing.exec
      const cur = t.closure!.phase
      if (cur === e.phase && e.phaseVersion <= existing.phaseVersion) {
        throw alreadyExists(
          `This phase ${TaskExecution_Phase[e.phase]} was already recorded for task execution ${e.taskId!.name} attempt ${e.retryAttempt}`,
        )
      }
      if (TERMINAL_TASK_PHASES.has(cur)) {
        throw alreadyTerminal(
          `Invalid phase change from ${TaskExecution_Phase[cur]} to ${TaskExecution_Phase[e.phase]} for task execution ${e.taskId!.name} attempt ${e.retryAttempt}`,
          TaskExecution_Phase[cur],
        )
      }
    } else {
      t = create(TaskExecutionSchema, {
        id,
        closure: create(TaskExecutionClosureSchema, {createdAt: timestampFromMicros(at)}),
      })
    }
    const c = t.closure!
    c.phase = e.phase
    c.updatedAt = timestampFromMicros(at)
    if (e.inputValue.case === 'inputUri') t.inputUri = e.inputValue.value
    if (e.phase === TaskExecution_Phase.RUNNING && !c.startedAt) c.startedAt = timestampFromMicros(at)
    if (TERMINAL_TASK_PHASES.has(e.phase) || e.phase === TaskExecution_Phase.RETRYABLE_FAILED) {
      const started = microsFromTimestamp(c.startedAt) ?? microsFromTimestamp(c.createdAt) ?? at
      c.duration = durationFromMicros(Math.max(0, at - started))
    }
    const seen = new Set(c.logs.map((l) => `${l.name}\u001f${l.uri}`))
    for (const log of e.logs) if (!seen.has(`${log.name}\u001f${log.uri}`)) c.logs.push(log)
    if (e.outputResult.case !== undefined) c.outputResult = {...e.outputResult}
    if (e.reason !== '') {
      c.reason = e.reason
      c.reasons.push(create(ReasonSchema, {occurredAt: timestampFromMicros(at), message: e.reason}))
    }
    for (const r of e.reasons) c.reasons.push(create(ReasonSchema, {occurredAt: r.occurredAt, message: r.reason}))
    if (e.taskType !== '') c.taskType = e.taskType
    if (e.metadata) c.metadata = e.metadata
    if (e.customInfo) c.customInfo = e.customInfo
    if (e.logContext) c.logContext = e.logContext
    c.eventVersion = e.eventVersion
    t.isParent = t.isParent || (e.metadata?.externalResources.length ?? 0) > 0
    const values = [
      TaskExecution_Phase[c.phase],
      e.phaseVersion,
      microsFromTimestamp(c.startedAt) ?? null,
      c.duration ? Number(c.duration.seconds) * 1e6 + Math.floor(c.duration.nanos / 1000) : 0,
      at,
      toBinary(TaskExecutionSchema, t),
    ]
    if (existing) {
      ctx.db.run(
        `UPDATE task_executions SET phase = ?, phase_version = ?, started_at = ?, duration = ?, updated_at = ?, data = ? WHERE ${TASK_WHERE}`,
        ...values,
        ...taskKeyParams(id),
      )
    } else {
      ctx.db.run(
        `INSERT INTO task_executions (phase, phase_version, started_at, duration, updated_at, data, created_at, project, domain,
         execution_name, node_id, task_project, task_domain, task_name, task_version, retry_attempt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ...values,
        at,
        ...taskKeyParams(id),
      )
    }
    ctx.events?.record({kind: 'task', event: e})
  })
  ctx.feed?.recorded({case: 'taskEvent', value: e})
}

export function createWorkflowEvent(
  ctx: PlaneContext,
  req: WorkflowExecutionEventRequest,
): WorkflowExecutionEventResponse {
  applyWorkflowEvent(ctx, req.event)
  return create(WorkflowExecutionEventResponseSchema)
}

export function createNodeEvent(ctx: PlaneContext, req: NodeExecutionEventRequest): NodeExecutionEventResponse {
  applyNodeEvent(ctx, req.event)
  return create(NodeExecutionEventResponseSchema)
}

export function createTaskEvent(ctx: PlaneContext, req: TaskExecutionEventRequest): TaskExecutionEventResponse {
  applyTaskEvent(ctx, req.event)
  return create(TaskExecutionEventResponseSchema)
}

/**
 * The executor's sink: the same rules as the event RPCs. A duplicate phase or a change after a terminal
 * phase (e.g. the execution was terminated meanwhile) is dropped, as propeller drops such events.
 */
export function storeSink(ctx: PlaneContext): ExecutionSink {
  const apply = async (fn: () => void): Promise<void> => {
    if (ctx.closing) return
    try {
      fn()
    } catch (error) {
      if (
        error instanceof ConnectError &&
        (error.code === Code.AlreadyExists || error.code === Code.FailedPrecondition)
      )
        return
      throw error
    }
  }
  const sink: ExecutionSink = {
    workflowEvent: (e) => apply(() => applyWorkflowEvent(ctx, e)),
    nodeEvent: (e) => apply(() => applyNodeEvent(ctx, e)),
    taskEvent: (e) => apply(() => applyTaskEvent(ctx, e)),
    signal: async (id, type) =>
      ctx.closing ? undefined : getOrCreateSignal(ctx, create(SignalGetOrCreateRequestSchema, {id, type})).value,
    launchChild: async (child) => launchChildExecution(ctx, child, sink),
    execution: async (id) => (ctx.closing ? undefined : getExecutionById(ctx, id)),
    terminate: async (id, cause) => {
      if (ctx.closing) return
      try {
        await terminateExecution(ctx, create(ExecutionTerminateRequestSchema, {id, cause}))
      } catch (error) {
        if (error instanceof ConnectError && (error.code === Code.NotFound || error.code === Code.FailedPrecondition))
          return
        throw error
      }
    },
    outputs: async (id) =>
      ctx.closing ? undefined : getExecutionData(ctx, create(WorkflowExecutionGetDataRequestSchema, {id})).fullOutputs,
  }
  return sink
}

const RESTART_MESSAGE = 'the control plane restarted while this execution was running; relaunch it'

/**
 * After a restart nothing is running any more: executions left QUEUED/RUNNING by the previous process
 * are FAILED (SYSTEM error saying so) and their unfinished node and task executions ABORTED.
 */
export function failInterruptedExecutions(ctx: PlaneContext): number {
  const live = ctx.db.all<{project: string; domain: string; name: string}>(
    `SELECT project, domain, name FROM executions WHERE phase NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT')`,
  )
  const now = nowMicros()
  for (const ex of live) {
    const executionId = create(WorkflowExecutionIdentifierSchema, ex)
    const tasks = ctx.db.all<{data: Uint8Array}>(
      `SELECT data FROM task_executions WHERE project = ? AND domain = ? AND execution_name = ? AND phase NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED')`,
      ex.project,
      ex.domain,
      ex.name,
    )
    for (const row of tasks) {
      const t = fromBinary(TaskExecutionSchema, row.data)
      applyTaskEvent(
        ctx,
        create(TaskExecutionEventSchema, {
          taskId: t.id!.taskId,
          parentNodeExecutionId: t.id!.nodeExecutionId,
          retryAttempt: t.id!.retryAttempt,
          phase: TaskExecution_Phase.ABORTED,
          occurredAt: timestampFromMicros(now),
          reason: RESTART_MESSAGE,
        }),
      )
    }
    const nodes = ctx.db.all<{node_id: string}>(
      `SELECT node_id FROM node_executions WHERE project = ? AND domain = ? AND execution_name = ?
       AND phase NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED', 'SKIPPED', 'TIMED_OUT', 'RECOVERED')`,
      ex.project,
      ex.domain,
      ex.name,
    )
    for (const n of nodes) {
      applyNodeEvent(
        ctx,
        create(NodeExecutionEventSchema, {
          id: {executionId, nodeId: n.node_id},
          phase: NodeExecution_Phase.ABORTED,
          occurredAt: timestampFromMicros(now),
        }),
      )
    }
    applyWorkflowEvent(
      ctx,
      create(WorkflowExecutionEventSchema, {
        executionId,
        phase: WorkflowExecution_Phase.FAILED,
        occurredAt: timestampFromMicros(now),
        outputResult: {
          case: 'error',
          value: create(ExecutionErrorSchema, {
            code: 'ControlPlaneRestarted',
            message: RESTART_MESSAGE,
            kind: ExecutionError_ErrorKind.SYSTEM,
          }),
        },
      }),
    )
  }
  return live.length
}
