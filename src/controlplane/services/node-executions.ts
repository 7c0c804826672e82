/** Node and task executions recorded from events: get, list (top level, children, for a task), data. */
import {create, fromBinary} from '@bufbuild/protobuf'
import {
  DynamicNodeWorkflowResponseSchema,
  DynamicWorkflowNodeMetadataSchema,
  NodeExecutionGetDataResponseSchema,
  NodeExecutionListSchema,
  NodeExecutionSchema,
  type DynamicNodeWorkflowResponse,
  type GetDynamicNodeWorkflowRequest,
  type NodeExecution,
  type NodeExecutionForTaskListRequest,
  type NodeExecutionGetDataRequest,
  type NodeExecutionGetDataResponse,
  type NodeExecutionGetRequest,
  type NodeExecutionList,
  type NodeExecutionListRequest,
} from '../../gen/flyteidl/admin/node_execution_pb.js'
import {
  TaskExecutionGetDataResponseSchema,
  TaskExecutionListSchema,
  TaskExecutionSchema,
  type TaskExecution,
  type TaskExecutionGetDataRequest,
  type TaskExecutionGetDataResponse,
  type TaskExecutionGetRequest,
  type TaskExecutionList,
  type TaskExecutionListRequest,
} from '../../gen/flyteidl/admin/task_execution_pb.js'
import {CompiledWorkflowClosureSchema} from '../../gen/flyteidl/core/compiler_pb.js'
import {
  NodeExecutionIdentifierSchema,
  type NodeExecutionIdentifier,
  type TaskExecutionIdentifier,
} from '../../gen/flyteidl/core/identifier_pb.js'
import type {LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import type {PlaneContext} from '../context.js'
import {missing, notFound} from '../errors.js'
import {requireDataKept} from '../retention.js'
import type {EntityFields} from '../filters.js'
import {listPage} from '../store/list.js'
import {executionText, readLiteralMap, requireExecution, requireExecutionId, urlBlob} from './executions.js'
import {getNodeExecutionRow, getTaskExecutionRow, taskExecutionKey} from './events.js'

const TIMES = {
  started_at: {column: 'started_at', kind: 'time'},
  duration: {column: 'duration', kind: 'duration'},
  created_at: {column: 'created_at', kind: 'time'},
  updated_at: {column: 'updated_at', kind: 'time'},
} as const

export const NODE_EXECUTION_FIELDS: EntityFields = {
  entity: 'ne',
  fields: {
    node_id: {column: 'node_id', kind: 'text'},
    input_uri: {column: 'input_uri', kind: 'text'},
    node_execution_created_at: {column: 'created_at', kind: 'time'},
    node_execution_updated_at: {column: 'updated_at', kind: 'time'},
    phase: {column: 'phase', kind: 'text'},
    error_kind: {column: 'error_kind', kind: 'text'},
    error_code: {column: 'error_code', kind: 'text'},
    ...TIMES,
  },
}

export const TASK_EXECUTION_FIELDS: EntityFields = {
  entity: 'te',
  fields: {
    retry_attempt: {column: 'retry_attempt', kind: 'int'},
    phase: {column: 'phase', kind: 'text'},
    phase_version: {column: 'phase_version', kind: 'int'},
    task_execution_created_at: {column: 'created_at', kind: 'time'},
    task_execution_updated_at: {column: 'updated_at', kind: 'time'},
    ...TIMES,
  },
  joins: {
    t: {
      project: {column: 'task_project', kind: 'text'},
      domain: {column: 'task_domain', kind: 'text'},
      name: {column: 'task_name', kind: 'text'},
      version: {column: 'task_version', kind: 'text'},
    },
  },
}

function nodeText(id: NodeExecutionIdentifier): string {
  return `node_id:"${id.nodeId}" execution_id:{${executionText(id.executionId!)}}`
}

function requireNodeId(id: NodeExecutionIdentifier | undefined): NodeExecutionIdentifier {
  if (!id) throw missing('id')
  if (id.nodeId === '') throw missing('node_id')
  requireExecutionId(id.executionId)
  return id
}

function requireNode(ctx: PlaneContext, id: NodeExecutionIdentifier): NodeExecution {
  const node = getNodeExecutionRow(ctx, id)
  if (!node) throw notFound(`missing entity of type node execution with identifier ${nodeText(id)}`)
  return node
}

export function getNodeExecution(ctx: PlaneContext, req: NodeExecutionGetRequest): NodeExecution {
  return requireNode(ctx, requireNodeId(req.id))
}

/** ListNodeExecutions: top-level nodes, or the children of `uniqueParentId`. */
export function listNodeExecutions(ctx: PlaneContext, req: NodeExecutionListRequest): NodeExecutionList {
  const ex = requireExecutionId(req.workflowExecutionId)
  requireExecution(ctx, ex)
  if (req.uniqueParentId !== '') {
    requireNode(ctx, create(NodeExecutionIdentifierSchema, {executionId: ex, nodeId: req.uniqueParentId}))
  }
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    rpc: 'ListNodeExecutions',
    table: 'node_executions',
    fields: NODE_EXECUTION_FIELDS,
    where: [
      {sql: 'project = ?', params: [ex.project]},
      {sql: 'domain = ?', params: [ex.domain]},
      {sql: 'execution_name = ?', params: [ex.name]},
      {sql: 'parent_id = ?', params: [req.uniqueParentId]},
    ],
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'created_at ASC',
    limit: req.limit,
    token: req.token,
  })
  return create(NodeExecutionListSchema, {
    nodeExecutions: page.rows.map((r) => fromBinary(NodeExecutionSchema, r.data)),
    token: page.token,
  })
}

function requireTaskId(id: TaskExecutionIdentifier | undefined): TaskExecutionIdentifier {
  if (!id) throw missing('id')
  if (!id.taskId) throw missing('task_id')
  requireNodeId(id.nodeExecutionId)
  return id
}

export function listNodeExecutionsForTask(ctx: PlaneContext, req: NodeExecutionForTaskListRequest): NodeExecutionList {
  const id = requireTaskId(req.taskExecutionId)
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    rpc: 'ListNodeExecutions',
    table: 'node_executions',
    fields: NODE_EXECUTION_FIELDS,
    where: [{sql: 'parent_task_key = ?', params: [taskExecutionKey(id)]}],
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'created_at ASC',
    limit: req.limit,
    token: req.token,
  })
  return create(NodeExecutionListSchema, {
    nodeExecutions: page.rows.map((r) => fromBinary(NodeExecutionSchema, r.data)),
    token: page.token,
  })
}

function dynamicWorkflow(ctx: PlaneContext, id: NodeExecutionIdentifier) {
  const ex = id.executionId!
  const row = ctx.db.get<{dynamic_workflow: Uint8Array | null}>(
    'SELECT dynamic_workflow FROM node_executions WHERE project = ? AND domain = ? AND execution_name = ? AND node_id = ?',
    ex.project,
    ex.domain,
    ex.name,
    id.nodeId,
  )
  return row?.dynamic_workflow ? fromBinary(CompiledWorkflowClosureSchema, row.dynamic_workflow) : undefined
}

function outputsOf(
  ctx: PlaneContext,
  result:
    | {case: 'outputUri'; value: string}
    | {case: 'outputData'; value: LiteralMap}
    | {case: string | undefined; value?: unknown},
) {
  if (result.case === 'outputUri') {
    const uri = result.value as string
    return {outputs: urlBlob(ctx, uri), fullOutputs: readLiteralMap(ctx, uri)}
  }
  if (result.case === 'outputData') return {fullOutputs: result.value as LiteralMap}
  return {}
}

export function getNodeExecutionData(
  ctx: PlaneContext,
  req: NodeExecutionGetDataRequest,
): NodeExecutionGetDataResponse {
  const id = requireNodeId(req.id)
  const node = requireNode(ctx, id)
  requireDataKept(ctx, id.executionId!)
  const res = create(NodeExecutionGetDataResponseSchema, {
    ...outputsOf(ctx, node.closure!.outputResult),
    inputs: node.inputUri ? urlBlob(ctx, node.inputUri) : undefined,
    fullInputs: readLiteralMap(ctx, node.inputUri),
  })
  const dyn = dynamicWorkflow(ctx, id)
  if (dyn) {
    res.dynamicWorkflow = create(DynamicWorkflowNodeMetadataSchema, {
      id: dyn.primary?.template?.id,
      compiledWorkflow: dyn,
      dynamicJobSpecUri: node.closure?.dynamicJobSpecUri ?? '',
    })
  }
  return res
}

export function getDynamicNodeWorkflow(
  ctx: PlaneContext,
  req: GetDynamicNodeWorkflowRequest,
): DynamicNodeWorkflowResponse {
  const id = requireNodeId(req.id)
  requireNode(ctx, id)
  const dyn = dynamicWorkflow(ctx, id)
  if (!dyn) throw notFound(`node execution ${nodeText(id)} has no dynamic workflow`)
  return create(DynamicNodeWorkflowResponseSchema, {compiledWorkflow: dyn})
}

function requireTask(ctx: PlaneContext, id: TaskExecutionIdentifier): TaskExecution {
  const row = getTaskExecutionRow(ctx, id)
  if (!row) {
    throw notFound(
      `missing entity of type task execution with identifier task_id:{name:"${id.taskId!.name}" version:"${id.taskId!.version}"} node_execution_id:{${nodeText(id.nodeExecutionId!)}} retry_attempt:${id.retryAttempt}`,
    )
  }
  return row.exec
}

export function getTaskExecution(ctx: PlaneContext, req: TaskExecutionGetRequest): TaskExecution {
  return requireTask(ctx, requireTaskId(req.id))
}

export function listTaskExecutions(ctx: PlaneContext, req: TaskExecutionListRequest): TaskExecutionList {
  const id = requireNodeId(req.nodeExecutionId)
  requireNode(ctx, id)
  const ex = id.executionId!
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    rpc: 'ListTaskExecutions',
    table: 'task_executions',
    fields: TASK_EXECUTION_FIELDS,
    where: [
      {sql: 'project = ?', params: [ex.project]},
      {sql: 'domain = ?', params: [ex.domain]},
      {sql: 'execution_name = ?', params: [ex.name]},
      {sql: 'node_id = ?', params: [id.nodeId]},
    ],
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'retry_attempt ASC',
    limit: req.limit,
    token: req.token,
  })
  return create(TaskExecutionListSchema, {
    taskExecutions: page.rows.map((r) => fromBinary(TaskExecutionSchema, r.data)),
    token: page.token,
  })
}

export function getTaskExecutionData(
  ctx: PlaneContext,
  req: TaskExecutionGetDataRequest,
): TaskExecutionGetDataResponse {
  const t = requireTask(ctx, requireTaskId(req.id))
  requireDataKept(ctx, req.id!.nodeExecutionId!.executionId!)
  return create(TaskExecutionGetDataResponseSchema, {
    ...outputsOf(ctx, t.closure!.outputResult),
    inputs: t.inputUri ? urlBlob(ctx, t.inputUri) : undefined,
    fullInputs: readLiteralMap(ctx, t.inputUri),
  })
}
