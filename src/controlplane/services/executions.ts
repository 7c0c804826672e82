/** Workflow executions: create (+ relaunch/recover), get, list, data, update state, terminate. */
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {randomBytes} from 'node:crypto'
import {Code, ConnectError} from '@connectrpc/connect'
import type {ResourceListRequest} from '../../gen/flyteidl/admin/common_pb.js'
import {UrlBlobSchema} from '../../gen/flyteidl/admin/common_pb.js'
import {EventFailureReasonSchema, EventErrorAlreadyInTerminalStateSchema} from '../../gen/flyteidl/admin/event_pb.js'
import {
  AbortMetadataSchema,
  ExecutionClosureSchema,
  ExecutionCreateResponseSchema,
  ExecutionListSchema,
  ExecutionMetadata_ExecutionMode,
  ExecutionMetadataSchema,
  ExecutionSchema,
  ExecutionSpecSchema,
  ExecutionState,
  ExecutionStateChangeDetailsSchema,
  ExecutionTerminateResponseSchema,
  ExecutionUpdateResponseSchema,
  WorkflowExecutionGetDataResponseSchema,
  type Execution,
  type ExecutionCreateRequest,
  type ExecutionCreateResponse,
  type ExecutionList,
  type ExecutionRecoverRequest,
  type ExecutionRelaunchRequest,
  type ExecutionSpec,
  type ExecutionTerminateRequest,
  type ExecutionTerminateResponse,
  type ExecutionUpdateRequest,
  type ExecutionUpdateResponse,
  type WorkflowExecutionGetDataRequest,
  type WorkflowExecutionGetDataResponse,
  type WorkflowExecutionGetRequest,
} from '../../gen/flyteidl/admin/execution_pb.js'
import {
  ExecutionError_ErrorKind,
  ExecutionErrorSchema,
  WorkflowExecution_Phase,
} from '../../gen/flyteidl/core/execution_pb.js'
import {WorkflowExecutionEventSchema} from '../../gen/flyteidl/event/event_pb.js'
import {
  ResourceType,
  WorkflowExecutionIdentifierSchema,
  type Identifier,
  type WorkflowExecutionIdentifier,
} from '../../gen/flyteidl/core/identifier_pb.js'
import {ParameterSchema, type Parameter, type ParameterMap} from '../../gen/flyteidl/core/interface_pb.js'
import {SimpleType} from '../../gen/flyteidl/core/types_pb.js'
import {LiteralMapSchema, type Literal, type LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import type {CompiledWorkflowClosure} from '../../gen/flyteidl/core/compiler_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import type {LaunchPlanSpec} from '../../gen/flyteidl/admin/launch_plan_pb.js'
import type {PlaneContext} from '../context.js'
import {alreadyExists, invalidArgument, missing, notFound} from '../errors.js'
import type {EntityFields, FieldSpec} from '../filters.js'
import type {ExecutionSink} from '../executor/types.js'
import {listPage} from '../store/list.js'
import {durationFromMicros, microsFromTimestamp, nowMicros, timestampFromMicros} from '../time.js'
import {
  identifierText,
  requireString,
  validateExecutionName,
  validateIdentifierFields,
  validateLabels,
} from '../validation.js'
import {getLaunchPlanById, getTaskById, getWorkflowById, missingEntity, resourceListWhere} from './definitions.js'
import {requireActiveProjectAndDomain} from './projects.js'
import {requireDataKept} from '../retention.js'

const joinFields = (prefix: string): Record<string, FieldSpec> => ({
  project: {column: `${prefix}_project`, kind: 'text'},
  domain: {column: `${prefix}_domain`, kind: 'text'},
  name: {column: `${prefix}_name`, kind: 'text'},
  version: {column: `${prefix}_version`, kind: 'text'},
})

const TAG_EXISTS = {
  table: 'execution_tags t',
  correlate: 't.project = executions.project AND t.domain = executions.domain AND t.execution_name = executions.name',
}

/** FlyteAdmin's execution columns (models/execution.go) the plane stores, and the joins it allows. */
export const EXECUTION_FIELDS: EntityFields = {
  entity: 'e',
  fields: {
    phase: {column: 'phase', kind: 'text'},
    mode: {column: 'mode', kind: 'int', names: ExecutionMetadata_ExecutionMode as unknown as Record<string, number>},
    state: {column: 'state', kind: 'int', names: {EXECUTION_ACTIVE: 0, EXECUTION_ARCHIVED: 1, ACTIVE: 0, ARCHIVED: 1}},
    user: {column: 'user', kind: 'text'},
    error_kind: {column: 'error_kind', kind: 'text'},
    error_code: {column: 'error_code', kind: 'text'},
    started_at: {column: 'started_at', kind: 'time'},
    duration: {column: 'duration', kind: 'duration'},
    created_at: {column: 'created_at', kind: 'time'},
    updated_at: {column: 'updated_at', kind: 'time'},
    inputs_uri: {column: 'inputs_uri', kind: 'text'},
    execution_project: {column: 'project', kind: 'text'},
    execution_domain: {column: 'domain', kind: 'text'},
    execution_name: {column: 'name', kind: 'text'},
    execution_created_at: {column: 'created_at', kind: 'time'},
    execution_updated_at: {column: 'updated_at', kind: 'time'},
    // The execution that launched this one from a launch-plan node (its name), and the one a relaunch or
    // recovery repeats (FlyteAdmin keeps row ids in parent_node_execution_id / source_execution_id).
    parent_execution: {column: 'parent_execution', kind: 'text'},
    source_execution: {column: 'source_execution', kind: 'text'},
  },
  joins: {
    l: joinFields('launch_plan'),
    w: joinFields('workflow'),
    t: joinFields('task'),
    et: {key: {column: 't.key', kind: 'text', exists: TAG_EXISTS}},
    // admin_tag.name is the tag key (common/filters.go customizeField/customizeEntity).
    at: {name: {column: 't.key', kind: 'text', exists: TAG_EXISTS}},
  },
}

export const TERMINAL_WORKFLOW_PHASES = new Set([
  WorkflowExecution_Phase.SUCCEEDED,
  WorkflowExecution_Phase.FAILED,
  WorkflowExecution_Phase.ABORTED,
  WorkflowExecution_Phase.TIMED_OUT,
])

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** `a` + 19 random characters of [a-z0-9], as FlyteAdmin names executions. */
export function generateExecutionName(): string {
  const bytes = randomBytes(19)
  let name = 'a'
  for (const b of bytes) name += NAME_ALPHABET[b % NAME_ALPHABET.length]
  return name
}

export function executionText(id: {project: string; domain: string; name: string}): string {
  return `project:"${id.project}" domain:"${id.domain}" name:"${id.name}"`
}

export function requireExecutionId(id: WorkflowExecutionIdentifier | undefined): WorkflowExecutionIdentifier {
  if (!id) throw missing('id')
  requireString(id.project, 'project')
  requireString(id.domain, 'domain')
  requireString(id.name, 'name')
  return id
}

export function getExecutionById(
  ctx: PlaneContext,
  id: {project: string; domain: string; name: string},
): Execution | undefined {
  const row = ctx.db.get<{data: Uint8Array}>(
    'SELECT data FROM executions WHERE project = ? AND domain = ? AND name = ?',
    id.project,
    id.domain,
    id.name,
  )
  return row ? fromBinary(ExecutionSchema, row.data) : undefined
}

export function requireExecution(ctx: PlaneContext, id: WorkflowExecutionIdentifier): Execution {
  const execution = getExecutionById(ctx, id)
  if (!execution) throw notFound(`missing entity of type execution with identifier ${executionText(id)}`)
  return execution
}

/** Writes the execution's message and the columns derived from it. */
export function saveExecution(ctx: PlaneContext, execution: Execution): void {
  const c = execution.closure!
  const id = execution.id!
  const error = c.outputResult.case === 'error' ? c.outputResult.value : undefined
  ctx.db.run(
    `UPDATE executions SET phase = ?, state = ?, error_kind = ?, error_code = ?, started_at = ?, duration = ?, updated_at = ?, data = ?
     WHERE project = ? AND domain = ? AND name = ?`,
    WorkflowExecution_Phase[c.phase],
    c.stateChangeDetails?.state ?? ExecutionState.EXECUTION_ACTIVE,
    error ? String(error.kind) : '',
    error?.code ?? '',
    microsFromTimestamp(c.startedAt) ?? null,
    c.duration ? Number(c.duration.seconds) * 1e6 + Math.floor(c.duration.nanos / 1000) : 0,
    microsFromTimestamp(c.updatedAt) ?? nowMicros(),
    toBinary(ExecutionSchema, execution),
    id.project,
    id.domain,
    id.name,
  )
}

const PRIMITIVE_TYPES: Record<string, SimpleType> = {
  integer: SimpleType.INTEGER,
  floatValue: SimpleType.FLOAT,
  stringValue: SimpleType.STRING,
  boolean: SimpleType.BOOLEAN,
  datetime: SimpleType.DATETIME,
  duration: SimpleType.DURATION,
}

/**
 * FlyteAdmin's input type check, kept to what is certain: a primitive value given for a different
 * simple type (`"7"` for an integer). Collections, unions, blobs and the rest are left to the task.
 */
function checkInputType(name: string, value: Literal, param: Parameter): void {
  const expected = param.var?.type?.type
  if (expected?.case !== 'simple') return
  if (value.value.case !== 'scalar' || value.value.value.value.case !== 'primitive') return
  const given = PRIMITIVE_TYPES[value.value.value.value.value.value.case ?? '']
  if (given === undefined || given === expected.value) return
  throw invalidArgument(
    `invalid ${name} input wrong type. Expected simple:${SimpleType[expected.value]}, but got simple:${SimpleType[given]}`,
  )
}

/** CheckAndFetchInputsForExecution: user inputs must be expected, required ones present, fixed not overridden. */
function resolveInputs(
  user: LiteralMap | undefined,
  fixed: LiteralMap | undefined,
  expected: ParameterMap | undefined,
): LiteralMap {
  const out: Record<string, Literal> = {}
  const expectedParams = expected?.parameters ?? {}
  for (const [name, value] of Object.entries(user?.literals ?? {})) {
    const param = expectedParams[name]
    if (!param) throw invalidArgument(`invalid input ${name}`)
    checkInputType(name, value, param)
    out[name] = value
  }
  for (const [name, param] of Object.entries(expectedParams)) {
    if (name in out) continue
    if (param.behavior.case === 'required' && param.behavior.value)
      throw invalidArgument(`expected_inputs ${name} missing`)
    if (param.behavior.case === 'default') out[name] = param.behavior.value
  }
  for (const [name, value] of Object.entries(fixed?.literals ?? {})) {
    if (name in out) throw invalidArgument(`fixed_inputs ${name} cannot be overridden`)
    out[name] = value
  }
  return create(LiteralMapSchema, {literals: out})
}

interface LaunchTarget {
  launchPlanId?: Identifier
  workflowId?: Identifier
  taskId?: Identifier
  inputs: LiteralMap
  workflowClosure?: CompiledWorkflowClosure
  task?: TaskTemplate
  /** The launch plan's spec (max parallelism, notifications) when launching one. */
  launchPlanSpec?: LaunchPlanSpec
}

function resolveTarget(ctx: PlaneContext, spec: ExecutionSpec, userInputs: LiteralMap | undefined): LaunchTarget {
  const ref = spec.launchPlan!
  if (ref.resourceType === ResourceType.TASK) {
    const task = getTaskById(ctx, ref)
    if (!task) throw missingEntity('TASK', ref)
    const template = task.closure?.compiledTask?.template
    const params: ParameterMap = {$typeName: 'flyteidl.core.ParameterMap', parameters: {}}
    for (const [name, v] of Object.entries(template?.interface?.inputs?.variables ?? {})) {
      params.parameters[name] = create(ParameterSchema, {var: v, behavior: {case: 'required', value: true}})
    }
    return {taskId: ref, inputs: resolveInputs(userInputs, undefined, params), task: template}
  }
  const lp = getLaunchPlanById(ctx, ref)
  if (!lp) throw missingEntity('LAUNCH_PLAN', ref)
  const wfId = lp.spec!.workflowId!
  const wf = getWorkflowById(ctx, wfId)
  return {
    launchPlanId: ref,
    workflowId: wfId,
    inputs: resolveInputs(userInputs, lp.spec?.fixedInputs, lp.closure?.expectedInputs),
    workflowClosure: wf?.closure?.compiledWorkflow,
    launchPlanSpec: lp.spec,
  }
}

export interface NewExecution {
  project: string
  domain: string
  name: string
  spec: ExecutionSpec
  userInputs: LiteralMap | undefined
}

/** Records a new execution (QUEUED) and hands it to the executor. */
export function launchExecution(ctx: PlaneContext, n: NewExecution, sink: ExecutionSink): ExecutionCreateResponse {
  const target = resolveTarget(ctx, n.spec, n.userInputs)
  const name = n.name === '' ? generateExecutionName() : n.name
  const id = create(WorkflowExecutionIdentifierSchema, {project: n.project, domain: n.domain, name})
  const now = nowMicros()
  const base = `metadata/${n.project}/${n.domain}/${name}`
  const execution = create(ExecutionSchema, {
    id,
    spec: n.spec,
    closure: create(ExecutionClosureSchema, {
      phase: WorkflowExecution_Phase.QUEUED,
      createdAt: timestampFromMicros(now),
      updatedAt: timestampFromMicros(now),
      workflowId: target.workflowId ?? target.taskId,
    }),
  })
  execution.spec!.metadata ??= create(ExecutionMetadataSchema)
  // As FlyteAdmin does: the request's notifications, else the launch plan's; none with disable_all.
  const overrides = execution.spec!.notificationOverrides
  execution.closure!.notifications =
    overrides.case === 'notifications' && overrides.value.notifications.length > 0
      ? overrides.value.notifications
      : overrides.case === 'disableAll' && overrides.value
        ? []
        : (target.launchPlanSpec?.entityMetadata?.notifications ?? [])
  // As FlyteAdmin does: the launch plan's max_parallelism unless the request sets one.
  if (!execution.spec!.maxParallelism && target.launchPlanSpec?.maxParallelism) {
    execution.spec!.maxParallelism = target.launchPlanSpec.maxParallelism
  }
  // Inputs live in the blob store (GetExecutionData), not in the spec, as FlyteAdmin offloads them.
  execution.spec!.inputs = undefined
  const meta = execution.spec!.metadata
  const inputsBytes = toBinary(LiteralMapSchema, target.inputs)
  const userBytes = toBinary(LiteralMapSchema, n.userInputs ?? create(LiteralMapSchema))
  ctx.db.transaction(() => {
    if (
      ctx.db.get('SELECT 1 FROM executions WHERE project = ? AND domain = ? AND name = ?', n.project, n.domain, name)
    ) {
      // FlyteAdmin passes the database's unique-violation text through (repositories/errors/postgres.go).
      throw alreadyExists(
        'value with matching already exists (duplicate key value violates unique constraint "executions_pkey")',
      )
    }
    const inputsUri = ctx.blobs.write(`${base}/inputs.pb`, inputsBytes, {fresh: true})
    const lp = target.launchPlanId
    const wf = target.workflowId
    const task = target.taskId
    ctx.db.run(
      `INSERT INTO executions (project, domain, name, launch_plan_project, launch_plan_domain, launch_plan_name, launch_plan_version,
       workflow_project, workflow_domain, workflow_name, workflow_version, task_project, task_domain, task_name, task_version,
       phase, mode, state, user, inputs_uri, user_inputs, created_at, updated_at, data,
       parent_execution, parent_node_id, source_execution)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      n.project,
      n.domain,
      name,
      lp?.project ?? '',
      lp?.domain ?? '',
      lp?.name ?? '',
      lp?.version ?? '',
      wf?.project ?? '',
      wf?.domain ?? '',
      wf?.name ?? '',
      wf?.version ?? '',
      task?.project ?? '',
      task?.domain ?? '',
      task?.name ?? '',
      task?.version ?? '',
      WorkflowExecution_Phase[WorkflowExecution_Phase.QUEUED],
      execution.spec!.metadata!.mode,
      ExecutionState.EXECUTION_ACTIVE,
      execution.spec!.metadata!.principal,
      inputsUri,
      userBytes,
      now,
      now,
      toBinary(ExecutionSchema, execution),
      meta.parentNodeExecution?.executionId?.name ?? '',
      meta.parentNodeExecution?.nodeId ?? '',
      meta.referenceExecution?.name ?? '',
    )
    for (const tag of new Set(n.spec.tags)) {
      ctx.db.run(
        'INSERT INTO execution_tags (project, domain, execution_name, key) VALUES (?, ?, ?, ?)',
        n.project,
        n.domain,
        name,
        tag,
      )
    }
  })
  if (ctx.executor) {
    const job = {
      execution,
      inputs: target.inputs,
      workflowClosure: target.workflowClosure,
      task: target.task,
      dataDir: ctx.dataDir,
      blobRoot: ctx.blobs.root,
      platformEndpoint: new URL(ctx.baseUrl()).host,
    }
    try {
      ctx.executor.start(job, sink)
    } catch (error) {
      // The execution is recorded either way; a start failure fails it with the reason.
      void sink.workflowEvent(
        create(WorkflowExecutionEventSchema, {
          executionId: id,
          phase: WorkflowExecution_Phase.FAILED,
          occurredAt: timestampFromMicros(nowMicros()),
          outputResult: {
            case: 'error',
            value: create(ExecutionErrorSchema, {
              code: 'ExecutorStartFailed',
              message: `the local executor could not start this execution: ${error instanceof Error ? error.message : String(error)}`,
              kind: ExecutionError_ErrorKind.SYSTEM,
            }),
          },
        }),
      )
    }
  }
  return create(ExecutionCreateResponseSchema, {id})
}

export function createExecution(
  ctx: PlaneContext,
  req: ExecutionCreateRequest,
  sink: ExecutionSink,
): ExecutionCreateResponse {
  requireString(req.project, 'project')
  requireString(req.domain, 'domain')
  if (req.name !== '') validateExecutionName(req.name)
  requireActiveProjectAndDomain(ctx, req.project, req.domain)
  if (!req.spec) throw missing('spec')
  validateIdentifierFields(req.spec.launchPlan, 'launch_plan')
  const kind = req.spec.launchPlan!.resourceType
  if (kind !== ResourceType.LAUNCH_PLAN && kind !== ResourceType.TASK) {
    throw invalidArgument(
      `Invalid reference entity resource type [${ResourceType[kind] ?? kind}], only [map[LAUNCH_PLAN:<nil> TASK:<nil>]] allowed`,
    )
  }
  validateLabels(req.spec.labels?.values)
  const userInputs = req.inputs ?? req.spec.inputs
  const spec = create(ExecutionSpecSchema, req.spec)
  return launchExecution(
    ctx,
    {project: req.project, domain: req.domain, name: req.name.toLowerCase(), spec, userInputs},
    sink,
  )
}

export interface ChildLaunch {
  /** The parent execution and the unique id of its launch-plan node. */
  parent: WorkflowExecutionIdentifier
  nodeId: string
  name: string
  launchPlan: Identifier
  inputs: LiteralMap
}

/**
 * A launch-plan node's child execution, as propeller asks FlyteAdmin for it: mode CHILD_WORKFLOW, the
 * parent node execution recorded, nesting one deeper, the parent's principal, labels, annotations,
 * security context, parallelism, raw output config, interruptible, cache overwrite and envs
 * inherited. An existing child of the same name is adopted (a retried launch).
 */
export function launchChildExecution(
  ctx: PlaneContext,
  c: ChildLaunch,
  sink: ExecutionSink,
): WorkflowExecutionIdentifier {
  const parent = requireExecution(ctx, c.parent)
  const existing = getExecutionById(ctx, {project: c.parent.project, domain: c.parent.domain, name: c.name})
  if (existing?.id) return existing.id
  const ps = parent.spec
  const spec = create(ExecutionSpecSchema, {
    launchPlan: c.launchPlan,
    metadata: create(ExecutionMetadataSchema, {
      mode: ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW,
      principal: ps?.metadata?.principal ?? '',
      nesting: (ps?.metadata?.nesting ?? 0) + 1,
      parentNodeExecution: {executionId: c.parent, nodeId: c.nodeId},
    }),
    labels: ps?.labels,
    annotations: ps?.annotations,
    securityContext: ps?.securityContext,
    maxParallelism: ps?.maxParallelism ?? 0,
    rawOutputDataConfig: ps?.rawOutputDataConfig,
    interruptible: ps?.interruptible,
    overwriteCache: ps?.overwriteCache ?? false,
    envs: ps?.envs,
  })
  const res = launchExecution(
    ctx,
    {project: c.parent.project, domain: c.parent.domain, name: c.name, spec, userInputs: c.inputs},
    sink,
  )
  return res.id!
}

function userInputsOf(ctx: PlaneContext, execution: Execution): LiteralMap | undefined {
  const id = execution.id!
  const row = ctx.db.get<{user_inputs: Uint8Array | null}>(
    'SELECT user_inputs FROM executions WHERE project = ? AND domain = ? AND name = ?',
    id.project,
    id.domain,
    id.name,
  )
  return row?.user_inputs ? fromBinary(LiteralMapSchema, row.user_inputs) : execution.spec?.inputs
}

/** RelaunchExecution: same spec and user inputs, mode RELAUNCH, referencing the original. */
export function relaunchExecution(
  ctx: PlaneContext,
  req: ExecutionRelaunchRequest,
  sink: ExecutionSink,
): ExecutionCreateResponse {
  const id = requireExecutionId(req.id)
  if (req.name !== '') validateExecutionName(req.name)
  const original = requireExecution(ctx, id)
  const spec = create(ExecutionSpecSchema, original.spec)
  spec.metadata = create(ExecutionMetadataSchema, spec.metadata)
  spec.metadata.mode = ExecutionMetadata_ExecutionMode.RELAUNCH
  spec.metadata.referenceExecution = id
  spec.overwriteCache = req.overwriteCache
  const userInputs = userInputsOf(ctx, original)
  return launchExecution(
    ctx,
    {project: id.project, domain: id.domain, name: req.name.toLowerCase(), spec, userInputs},
    sink,
  )
}

/** RecoverExecution: same spec and inputs, mode RECOVERED, referencing the original. */
export function recoverExecution(
  ctx: PlaneContext,
  req: ExecutionRecoverRequest,
  sink: ExecutionSink,
): ExecutionCreateResponse {
  const id = requireExecutionId(req.id)
  if (req.name !== '') validateExecutionName(req.name)
  const original = requireExecution(ctx, id)
  const spec = create(ExecutionSpecSchema, original.spec)
  spec.metadata = create(ExecutionMetadataSchema, spec.metadata)
  if (req.metadata) spec.metadata.principal = req.metadata.principal
  spec.metadata.mode = ExecutionMetadata_ExecutionMode.RECOVERED
  spec.metadata.referenceExecution = id
  const userInputs = userInputsOf(ctx, original)
  return launchExecution(
    ctx,
    {project: id.project, domain: id.domain, name: req.name.toLowerCase(), spec, userInputs},
    sink,
  )
}

export function getExecution(ctx: PlaneContext, req: WorkflowExecutionGetRequest): Execution {
  return requireExecution(ctx, requireExecutionId(req.id))
}

/** ListExecutions: archived executions hidden unless the filters mention state. */
export function listExecutions(ctx: PlaneContext, req: ResourceListRequest): ExecutionList {
  const where = resourceListWhere(req)
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    table: 'executions',
    fields: EXECUTION_FIELDS,
    where,
    rpc: 'ListExecutions',
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'created_at DESC',
    limit: req.limit,
    token: req.token,
    defaults: (used) => (used.has('state') ? [] : [{sql: 'state = ?', params: [ExecutionState.EXECUTION_ACTIVE]}]),
  })
  return create(ExecutionListSchema, {
    executions: page.rows.map((r) => fromBinary(ExecutionSchema, r.data)),
    token: page.token,
  })
}

export function alreadyTerminal(message: string, phase: string): ConnectError {
  return new ConnectError(message, Code.FailedPrecondition, undefined, [
    {
      desc: EventFailureReasonSchema,
      value: {
        reason: {
          case: 'alreadyInTerminalState',
          value: create(EventErrorAlreadyInTerminalStateSchema, {currentPhase: phase}),
        },
      },
    },
  ])
}

/** TerminateExecution: ABORTED with abortMetadata.cause; the executor is told to stop. */
export async function terminateExecution(
  ctx: PlaneContext,
  req: ExecutionTerminateRequest,
): Promise<ExecutionTerminateResponse> {
  const id = requireExecutionId(req.id)
  ctx.db.transaction(() => {
    const execution = requireExecution(ctx, id)
    const closure = execution.closure!
    if (TERMINAL_WORKFLOW_PHASES.has(closure.phase)) {
      throw alreadyTerminal(
        'Cannot abort an already terminated workflow execution',
        WorkflowExecution_Phase[closure.phase],
      )
    }
    const now = nowMicros()
    closure.phase = WorkflowExecution_Phase.ABORTED
    closure.outputResult = {
      case: 'abortMetadata',
      value: create(AbortMetadataSchema, {cause: req.cause, principal: ''}),
    }
    closure.updatedAt = timestampFromMicros(now)
    const started = microsFromTimestamp(closure.startedAt)
    if (started !== undefined) closure.duration = durationFromMicros(Math.max(0, now - started))
    saveExecution(ctx, execution)
  })
  await ctx.executor?.terminate(id, req.cause)
  return create(ExecutionTerminateResponseSchema)
}

/** UpdateExecution: archive or activate. */
export function updateExecution(ctx: PlaneContext, req: ExecutionUpdateRequest): ExecutionUpdateResponse {
  const id = requireExecutionId(req.id)
  if (req.state !== ExecutionState.EXECUTION_ACTIVE && req.state !== ExecutionState.EXECUTION_ARCHIVED) {
    throw invalidArgument(`invalid execution state ${req.state} for execution [${identifierText(id)}]`)
  }
  ctx.db.transaction(() => {
    const execution = requireExecution(ctx, id)
    const now = nowMicros()
    execution.closure!.stateChangeDetails = create(ExecutionStateChangeDetailsSchema, {
      state: req.state,
      occurredAt: timestampFromMicros(now),
      principal: '',
    })
    saveExecution(ctx, execution)
  })
  return create(ExecutionUpdateResponseSchema)
}

export function urlBlob(ctx: PlaneContext, uri: string) {
  return create(UrlBlobSchema, {url: uri, bytes: BigInt(ctx.blobs.size(uri))})
}

export function readLiteralMap(ctx: PlaneContext, uri: string): LiteralMap | undefined {
  if (uri === '') return undefined
  const bytes = ctx.blobs.read(uri)
  return bytes ? fromBinary(LiteralMapSchema, bytes) : undefined
}

export function getExecutionData(
  ctx: PlaneContext,
  req: WorkflowExecutionGetDataRequest,
): WorkflowExecutionGetDataResponse {
  const id = requireExecutionId(req.id)
  const execution = requireExecution(ctx, id)
  requireDataKept(ctx, id)
  const row = ctx.db.get<{inputs_uri: string}>(
    'SELECT inputs_uri FROM executions WHERE project = ? AND domain = ? AND name = ?',
    id.project,
    id.domain,
    id.name,
  )
  const inputsUri = row?.inputs_uri ?? ''
  const res = create(WorkflowExecutionGetDataResponseSchema, {
    inputs: urlBlob(ctx, inputsUri),
    fullInputs: readLiteralMap(ctx, inputsUri) ?? create(LiteralMapSchema),
  })
  const out = execution.closure?.outputResult
  if (out?.case === 'outputs') {
    if (out.value.data.case === 'uri') {
      res.outputs = urlBlob(ctx, out.value.data.value)
      res.fullOutputs = readLiteralMap(ctx, out.value.data.value)
    } else if (out.value.data.case === 'values') res.fullOutputs = out.value.data.value
  } else if (out?.case === 'outputData') res.fullOutputs = out.value
  return res
}
