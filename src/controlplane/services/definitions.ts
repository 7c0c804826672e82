import type {SQLInputValue} from 'node:sqlite'
/** Tasks, workflows and launch plans: create (identical = AlreadyExists), get, list, ids, LP state. */
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import type {
  NamedEntityIdentifier,
  NamedEntityIdentifierList,
  NamedEntityIdentifierListRequest,
  ObjectGetRequest,
  ResourceListRequest,
} from '../../gen/flyteidl/admin/common_pb.js'
import {NamedEntityIdentifierListSchema, NamedEntityIdentifierSchema} from '../../gen/flyteidl/admin/common_pb.js'
import {DescriptionEntitySchema, type DescriptionEntity} from '../../gen/flyteidl/admin/description_entity_pb.js'
import {
  LaunchPlanClosureSchema,
  LaunchPlanCreateResponseSchema,
  LaunchPlanListSchema,
  LaunchPlanSchema,
  LaunchPlanSpecSchema,
  LaunchPlanState,
  LaunchPlanUpdateResponseSchema,
  type ActiveLaunchPlanListRequest,
  type ActiveLaunchPlanRequest,
  type LaunchPlan,
  type LaunchPlanCreateRequest,
  type LaunchPlanCreateResponse,
  type LaunchPlanList,
  type LaunchPlanUpdateRequest,
  type LaunchPlanUpdateResponse,
} from '../../gen/flyteidl/admin/launch_plan_pb.js'
import {
  TaskClosureSchema,
  TaskCreateResponseSchema,
  TaskListSchema,
  TaskSchema,
  type Task,
  type TaskCreateRequest,
  type TaskCreateResponse,
  type TaskList,
} from '../../gen/flyteidl/admin/task_pb.js'
import {
  CreateWorkflowFailureReasonSchema,
  WorkflowClosureSchema,
  WorkflowCreateResponseSchema,
  WorkflowErrorExistsDifferentStructureSchema,
  WorkflowErrorExistsIdenticalStructureSchema,
  WorkflowListSchema,
  WorkflowSchema,
  type Workflow,
  type WorkflowCreateRequest,
  type WorkflowCreateResponse,
  type WorkflowList,
} from '../../gen/flyteidl/admin/workflow_pb.js'
import {CompiledTaskSchema, CompiledWorkflowClosureSchema} from '../../gen/flyteidl/core/compiler_pb.js'
import {IdentifierSchema, ResourceType, type Identifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {ParameterMapSchema, ParameterSchema} from '../../gen/flyteidl/core/interface_pb.js'
import {compileWorkflow, referencedTaskIds} from '../compile.js'
import type {PlaneContext} from '../context.js'
import {invalidArgument, missing, notFound} from '../errors.js'
import type {EntityFields, FieldSpec} from '../filters.js'
import {listPage} from '../store/list.js'
import {sameStructure, structureDiff, structureDigest} from '../structure-diff.js'
import {nowMicros, timestampFromMicros} from '../time.js'
import {identifierText, requireString, validateIdentifier, validateIdentifierFields} from '../validation.js'
import {requireActiveProjectAndDomain} from './projects.js'

const COMMON: Record<string, FieldSpec> = {
  project: {column: 'project', kind: 'text'},
  domain: {column: 'domain', kind: 'text'},
  name: {column: 'name', kind: 'text'},
  version: {column: 'version', kind: 'text'},
  created_at: {column: 'created_at', kind: 'time'},
  updated_at: {column: 'updated_at', kind: 'time'},
}

export const TASK_FIELDS: EntityFields = {
  entity: 't',
  fields: {
    ...COMMON,
    type: {column: 'type', kind: 'text'},
    short_description: {column: 'short_description', kind: 'text'},
  },
}

export const WORKFLOW_FIELDS: EntityFields = {
  entity: 'w',
  fields: {...COMMON, short_description: {column: 'short_description', kind: 'text'}},
}

const WORKFLOW_JOIN: Record<string, FieldSpec> = {
  project: {column: 'workflow_project', kind: 'text'},
  domain: {column: 'workflow_domain', kind: 'text'},
  name: {column: 'workflow_name', kind: 'text'},
  version: {column: 'workflow_version', kind: 'text'},
}

export const LAUNCH_PLAN_FIELDS: EntityFields = {
  entity: 'l',
  fields: {
    ...COMMON,
    state: {column: 'state', kind: 'int', names: {INACTIVE: 0, ACTIVE: 1}},
    schedule_type: {column: 'schedule_type', kind: 'text'},
  },
  joins: {w: WORKFLOW_JOIN},
}

type Table = 'tasks' | 'workflows' | 'launch_plans'

export function missingEntity(kind: string, id: Parameters<typeof identifierText>[0]): ConnectError {
  return notFound(`missing entity of type ${kind} with identifier ${identifierText(id)}`)
}

function getRow(ctx: PlaneContext, table: Table, id: Identifier): {data: Uint8Array; digest: string} | undefined {
  return ctx.db.get(
    `SELECT data, digest FROM ${table} WHERE project = ? AND domain = ? AND name = ? AND version = ?`,
    id.project,
    id.domain,
    id.name,
    id.version,
  )
}

function plainId(id: Identifier, resourceType: ResourceType): Identifier {
  return create(IdentifierSchema, {
    resourceType,
    project: id.project,
    domain: id.domain,
    name: id.name,
    version: id.version,
    org: id.org,
  })
}

function storeDescription(
  ctx: PlaneContext,
  resourceType: ResourceType,
  id: Identifier,
  d: DescriptionEntity,
  at: number,
) {
  const entity = create(DescriptionEntitySchema, d)
  entity.id = plainId(id, resourceType)
  ctx.db.run(
    `INSERT OR REPLACE INTO description_entities (resource_type, project, domain, name, version, short_description, created_at, updated_at, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    resourceType,
    id.project,
    id.domain,
    id.name,
    id.version,
    entity.shortDescription,
    at,
    at,
    toBinary(DescriptionEntitySchema, entity),
  )
}

// ---- tasks ----

export function getTaskById(ctx: PlaneContext, id: Identifier): Task | undefined {
  const row = getRow(ctx, 'tasks', id)
  return row ? fromBinary(TaskSchema, row.data) : undefined
}

export function createTask(ctx: PlaneContext, req: TaskCreateRequest): TaskCreateResponse {
  validateIdentifier(req.id, ResourceType.TASK)
  const id = req.id!
  requireActiveProjectAndDomain(ctx, id.project, id.domain)
  const template = req.spec?.template
  if (!template) throw missing('spec')
  requireString(template.type, 'type')
  if (!template.metadata) throw missing('metadata')
  const compiled = create(CompiledTaskSchema, {template})
  const hash = structureDigest(CompiledTaskSchema, compiled)
  ctx.db.transaction(() => {
    const existing = getRow(ctx, 'tasks', id)
    if (existing) {
      const before = fromBinary(TaskSchema, existing.data).closure?.compiledTask ?? create(CompiledTaskSchema)
      if (existing.digest === hash || sameStructure(CompiledTaskSchema, before, compiled))
        throw new ConnectError('task with identical structure already exists', Code.AlreadyExists)
      throw invalidArgument(
        `${id.name} task with different structure already exists. (Please register a new version of the task):\n${structureDiff(CompiledTaskSchema, before, compiled)}`,
      )
    }
    const now = nowMicros()
    const task = create(TaskSchema, {
      id: plainId(id, ResourceType.TASK),
      closure: create(TaskClosureSchema, {compiledTask: compiled, createdAt: timestampFromMicros(now)}),
      shortDescription: req.spec?.description?.shortDescription ?? '',
    })
    ctx.db.run(
      `INSERT INTO tasks (project, domain, name, version, type, digest, short_description, created_at, updated_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id.project,
      id.domain,
      id.name,
      id.version,
      template.type,
      hash,
      task.shortDescription,
      now,
      now,
      toBinary(TaskSchema, task),
    )
    if (req.spec?.description) storeDescription(ctx, ResourceType.TASK, id, req.spec.description, now)
  })
  return create(TaskCreateResponseSchema)
}

export function getTask(ctx: PlaneContext, req: ObjectGetRequest): Task {
  validateIdentifierFields(req.id)
  const task = getTaskById(ctx, req.id!)
  if (!task) throw missingEntity('TASK', req.id!)
  return task
}

/** project = ? AND domain = ? [AND name = ?] for list requests scoped by a named entity id. */
export function resourceListWhere(req: {id?: {project: string; domain: string; name: string}}): {
  sql: string
  params: SQLInputValue[]
}[] {
  if (!req.id) throw missing('id')
  requireString(req.id.project, 'project')
  requireString(req.id.domain, 'domain')
  const where = [
    {sql: 'project = ?', params: [req.id.project]},
    {sql: 'domain = ?', params: [req.id.domain]},
  ]
  if (req.id.name !== '') where.push({sql: 'name = ?', params: [req.id.name]})
  return where
}

const LIST_RPC: Record<Table, string> = {
  tasks: 'ListTasks',
  workflows: 'ListWorkflows',
  launch_plans: 'ListLaunchPlans',
}
// The bad-token message names these (task_manager.go, workflow_manager.go; launch plan ids name none).
const IDS_RPC: Record<Table, string | undefined> = {
  tasks: 'ListUniqueTaskIdentifiers',
  workflows: 'ListWorkflowIdentifiers',
  launch_plans: undefined,
}

function listDefinitions(ctx: PlaneContext, table: Table, fields: EntityFields, req: ResourceListRequest) {
  return listPage<{data: Uint8Array}>(ctx.db, {
    rpc: LIST_RPC[table],
    table,
    fields,
    where: resourceListWhere(req),
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'created_at DESC',
    limit: req.limit,
    token: req.token,
  })
}

export function listTasks(ctx: PlaneContext, req: ResourceListRequest): TaskList {
  const page = listDefinitions(ctx, 'tasks', TASK_FIELDS, req)
  return create(TaskListSchema, {tasks: page.rows.map((r) => fromBinary(TaskSchema, r.data)), token: page.token})
}

/** List{Task,Workflow,LaunchPlan}Ids: the distinct names in a project/domain. */
export function listIds(
  ctx: PlaneContext,
  table: Table,
  req: NamedEntityIdentifierListRequest,
): NamedEntityIdentifierList {
  requireString(req.project, 'project')
  requireString(req.domain, 'domain')
  const fields = table === 'tasks' ? TASK_FIELDS : table === 'workflows' ? WORKFLOW_FIELDS : LAUNCH_PLAN_FIELDS
  const page = listPage<{project: string; domain: string; name: string}>(ctx.db, {
    rpc: IDS_RPC[table],
    table: `(SELECT project, domain, name, MIN(created_at) AS created_at, MAX(updated_at) AS updated_at FROM ${table}
             WHERE project = ? AND domain = ? GROUP BY project, domain, name)`,
    fields: {
      entity: fields.entity,
      fields: {name: COMMON.name!, created_at: COMMON.created_at!, updated_at: COMMON.updated_at!},
    },
    where: [],
    tableParams: [req.project, req.domain],
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'name ASC',
    limit: req.limit,
    token: req.token,
    select: 'project, domain, name',
  })
  return create(NamedEntityIdentifierListSchema, {
    entities: page.rows.map((r) => create(NamedEntityIdentifierSchema, r)),
    token: page.token,
  })
}

// ---- workflows ----

export function getWorkflowById(ctx: PlaneContext, id: Identifier): Workflow | undefined {
  const row = getRow(ctx, 'workflows', id)
  return row ? fromBinary(WorkflowSchema, row.data) : undefined
}

export function createWorkflow(ctx: PlaneContext, req: WorkflowCreateRequest): WorkflowCreateResponse {
  validateIdentifier(req.id, ResourceType.WORKFLOW)
  const id = req.id!
  requireActiveProjectAndDomain(ctx, id.project, id.domain)
  const spec = req.spec
  const template = spec?.template
  if (!spec || !template) throw missing('spec')
  ctx.db.transaction(() => {
    // Identity is the compiled closure's structure, as FlyteAdmin digests it.
    const tasks = referencedTaskIds([template, ...spec.subWorkflows]).map((taskId) => {
      const task = getTaskById(ctx, taskId)
      if (!task) throw missingEntity('TASK', taskId)
      return task.closure!.compiledTask!.template!
    })
    const compiled = compileWorkflow(template, spec.subWorkflows, tasks)
    const hash = structureDigest(CompiledWorkflowClosureSchema, compiled)
    const existing = getRow(ctx, 'workflows', id)
    if (existing) {
      const before =
        fromBinary(WorkflowSchema, existing.data).closure?.compiledWorkflow ?? create(CompiledWorkflowClosureSchema)
      if (existing.digest === hash || sameStructure(CompiledWorkflowClosureSchema, before, compiled)) {
        throw new ConnectError('workflow with identical structure already exists', Code.AlreadyExists, undefined, [
          {
            desc: CreateWorkflowFailureReasonSchema,
            value: {
              reason: {
                case: 'existsIdenticalStructure',
                value: create(WorkflowErrorExistsIdenticalStructureSchema, {id}),
              },
            },
          },
        ])
      }
      throw new ConnectError(
        `${id.name} workflow with different structure already exists. (Please register a new version of the workflow):\n${structureDiff(CompiledWorkflowClosureSchema, before, compiled)}`,
        Code.InvalidArgument,
        undefined,
        [
          {
            desc: CreateWorkflowFailureReasonSchema,
            value: {
              reason: {
                case: 'existsDifferentStructure',
                value: create(WorkflowErrorExistsDifferentStructureSchema, {id}),
              },
            },
          },
        ],
      )
    }
    const now = nowMicros()
    const workflow = create(WorkflowSchema, {
      id: plainId(id, ResourceType.WORKFLOW),
      closure: create(WorkflowClosureSchema, {compiledWorkflow: compiled, createdAt: timestampFromMicros(now)}),
      shortDescription: spec.description?.shortDescription ?? '',
    })
    ctx.db.run(
      `INSERT INTO workflows (project, domain, name, version, digest, short_description, created_at, updated_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id.project,
      id.domain,
      id.name,
      id.version,
      hash,
      workflow.shortDescription,
      now,
      now,
      toBinary(WorkflowSchema, workflow),
    )
    if (spec.description) storeDescription(ctx, ResourceType.WORKFLOW, id, spec.description, now)
  })
  return create(WorkflowCreateResponseSchema)
}

export function getWorkflow(ctx: PlaneContext, req: ObjectGetRequest): Workflow {
  validateIdentifierFields(req.id)
  const wf = getWorkflowById(ctx, req.id!)
  if (!wf) throw missingEntity('WORKFLOW', req.id!)
  return wf
}

export function listWorkflows(ctx: PlaneContext, req: ResourceListRequest): WorkflowList {
  const page = listDefinitions(ctx, 'workflows', WORKFLOW_FIELDS, req)
  return create(WorkflowListSchema, {
    workflows: page.rows.map((r) => fromBinary(WorkflowSchema, r.data)),
    token: page.token,
  })
}

// ---- launch plans ----

export function getLaunchPlanById(ctx: PlaneContext, id: Identifier): LaunchPlan | undefined {
  const row = getRow(ctx, 'launch_plans', id)
  return row ? fromBinary(LaunchPlanSchema, row.data) : undefined
}

export function createLaunchPlan(ctx: PlaneContext, req: LaunchPlanCreateRequest): LaunchPlanCreateResponse {
  validateIdentifier(req.id, ResourceType.LAUNCH_PLAN)
  const id = req.id!
  requireActiveProjectAndDomain(ctx, id.project, id.domain)
  const spec = req.spec
  if (!spec) throw missing('spec')
  validateIdentifier(spec.workflowId, ResourceType.WORKFLOW)
  const hash = structureDigest(LaunchPlanSpecSchema, spec)
  ctx.db.transaction(() => {
    const existing = getRow(ctx, 'launch_plans', id)
    if (existing) {
      const before = fromBinary(LaunchPlanSchema, existing.data).spec ?? create(LaunchPlanSpecSchema)
      if (existing.digest === hash || sameStructure(LaunchPlanSpecSchema, before, spec)) {
        throw new ConnectError('launch plan with identical structure already exists', Code.AlreadyExists)
      }
      throw invalidArgument(
        `${id.name} launch plan with different structure already exists. (Please register a new version of the launch plan):\n${structureDiff(LaunchPlanSpecSchema, before, spec)}`,
      )
    }
    const wfId = spec.workflowId!
    const workflow = getWorkflowById(ctx, wfId)
    if (!workflow) throw missingEntity('WORKFLOW', wfId)
    const iface = workflow.closure?.compiledWorkflow?.primary?.template?.interface
    const wfInputs = iface?.inputs?.variables ?? {}
    const defaults = spec.defaultInputs?.parameters ?? {}
    const fixed = spec.fixedInputs?.literals ?? {}
    for (const name of Object.keys(defaults)) {
      if (!(name in wfInputs)) throw invalidArgument(`unexpected default_input ${name}`)
      if (name in fixed)
        throw invalidArgument(`default_input ${name} specified in both default_inputs and fixed_inputs`)
    }
    for (const name of Object.keys(fixed))
      if (!(name in wfInputs)) throw invalidArgument(`unexpected fixed_input ${name}`)
    const expected = create(ParameterMapSchema)
    for (const [name, variable] of Object.entries(wfInputs)) {
      if (name in fixed) continue
      expected.parameters[name] =
        defaults[name] ?? create(ParameterSchema, {var: variable, behavior: {case: 'required', value: true}})
    }
    const now = nowMicros()
    const launchPlan = create(LaunchPlanSchema, {
      id: plainId(id, ResourceType.LAUNCH_PLAN),
      spec,
      closure: create(LaunchPlanClosureSchema, {
        state: LaunchPlanState.INACTIVE,
        expectedInputs: expected,
        expectedOutputs: iface?.outputs,
        createdAt: timestampFromMicros(now),
        updatedAt: timestampFromMicros(now),
      }),
    })
    const schedule = spec.entityMetadata?.schedule?.ScheduleExpression.case ?? ''
    ctx.db.run(
      `INSERT INTO launch_plans (project, domain, name, version, workflow_project, workflow_domain, workflow_name, workflow_version,
       state, schedule_type, digest, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id.project,
      id.domain,
      id.name,
      id.version,
      wfId.project,
      wfId.domain,
      wfId.name,
      wfId.version,
      LaunchPlanState.INACTIVE,
      schedule,
      hash,
      now,
      now,
      toBinary(LaunchPlanSchema, launchPlan),
    )
  })
  return create(LaunchPlanCreateResponseSchema)
}

export function getLaunchPlan(ctx: PlaneContext, req: ObjectGetRequest): LaunchPlan {
  validateIdentifierFields(req.id)
  const lp = getLaunchPlanById(ctx, req.id!)
  if (!lp) throw missingEntity('LAUNCH_PLAN', req.id!)
  return lp
}

export function listLaunchPlans(ctx: PlaneContext, req: ResourceListRequest): LaunchPlanList {
  const page = listDefinitions(ctx, 'launch_plans', LAUNCH_PLAN_FIELDS, req)
  return create(LaunchPlanListSchema, {
    launchPlans: page.rows.map((r) => fromBinary(LaunchPlanSchema, r.data)),
    token: page.token,
  })
}

function setLaunchPlanState(ctx: PlaneContext, lp: LaunchPlan, state: LaunchPlanState, now: number): void {
  lp.closure ??= create(LaunchPlanClosureSchema)
  lp.closure.state = state
  lp.closure.updatedAt = timestampFromMicros(now)
  const id = lp.id!
  ctx.db.run(
    'UPDATE launch_plans SET state = ?, updated_at = ?, data = ? WHERE project = ? AND domain = ? AND name = ? AND version = ?',
    state,
    now,
    toBinary(LaunchPlanSchema, lp),
    id.project,
    id.domain,
    id.name,
    id.version,
  )
}

/** UpdateLaunchPlan: ACTIVE makes this version the only active one of its name. */
export function updateLaunchPlan(ctx: PlaneContext, req: LaunchPlanUpdateRequest): LaunchPlanUpdateResponse {
  validateIdentifier(req.id, ResourceType.LAUNCH_PLAN)
  const id = req.id!
  if (req.state !== LaunchPlanState.ACTIVE && req.state !== LaunchPlanState.INACTIVE) {
    throw invalidArgument(
      `Unrecognized launch plan state ${req.state} for update for launch plan [${identifierText(id)}]`,
    )
  }
  ctx.db.transaction(() => {
    const lp = getLaunchPlanById(ctx, id)
    if (!lp) throw missingEntity('LAUNCH_PLAN', id)
    const now = nowMicros()
    if (req.state === LaunchPlanState.ACTIVE) {
      const active = ctx.db.all<{data: Uint8Array}>(
        'SELECT data FROM launch_plans WHERE project = ? AND domain = ? AND name = ? AND state = ? AND version != ?',
        id.project,
        id.domain,
        id.name,
        LaunchPlanState.ACTIVE,
        id.version,
      )
      for (const row of active)
        setLaunchPlanState(ctx, fromBinary(LaunchPlanSchema, row.data), LaunchPlanState.INACTIVE, now)
    }
    setLaunchPlanState(ctx, lp, req.state, now)
  })
  return create(LaunchPlanUpdateResponseSchema)
}

function requireNamedId(id: NamedEntityIdentifier | undefined): NamedEntityIdentifier {
  if (!id) throw missing('id')
  requireString(id.project, 'project')
  requireString(id.domain, 'domain')
  requireString(id.name, 'name')
  return id
}

export function getActiveLaunchPlan(ctx: PlaneContext, req: ActiveLaunchPlanRequest): LaunchPlan {
  const id = requireNamedId(req.id)
  const row = ctx.db.get<{data: Uint8Array}>(
    'SELECT data FROM launch_plans WHERE project = ? AND domain = ? AND name = ? AND state = ?',
    id.project,
    id.domain,
    id.name,
    LaunchPlanState.ACTIVE,
  )
  if (!row) throw notFound(`No active launch plan could be found: ${id.project}:${id.domain}:${id.name}`)
  return fromBinary(LaunchPlanSchema, row.data)
}

export function listActiveLaunchPlans(ctx: PlaneContext, req: ActiveLaunchPlanListRequest): LaunchPlanList {
  requireString(req.project, 'project')
  requireString(req.domain, 'domain')
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    rpc: 'ListActiveLaunchPlans',
    table: 'launch_plans',
    fields: LAUNCH_PLAN_FIELDS,
    where: [
      {sql: 'project = ?', params: [req.project]},
      {sql: 'domain = ?', params: [req.domain]},
      {sql: 'state = ?', params: [LaunchPlanState.ACTIVE]},
    ],
    filters: '',
    sortBy: req.sortBy,
    defaultOrder: 'created_at DESC',
    limit: req.limit,
    token: req.token,
  })
  return create(LaunchPlanListSchema, {
    launchPlans: page.rows.map((r) => fromBinary(LaunchPlanSchema, r.data)),
    token: page.token,
  })
}
