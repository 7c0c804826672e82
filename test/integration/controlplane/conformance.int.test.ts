/**
 * FlyteAdmin conformance table: one row per rule — an RPC, a request, and FlyteAdmin's answer
 * (gRPC code + message, or the shape of a success) — run against the embedded plane over real gRPC.
 *
 * Every row cites where the rule lives in FlyteAdmin (flyteorg/flyte @ v1.16.8, paths relative to
 * flyteadmin/pkg/). Rows marked `kept` assert a difference we keep on purpose; each has a line in
 * the README's "Differences from Go flytectl and FlyteAdmin".
 *
 * Rows run in order against one plane; a row may rely on the state earlier rows left behind
 * (e.g. "delete twice" after "delete").
 */
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {fixtures, registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

const P = 'conf'
const ARCHIVED = 'conf-archived'
const D = 'development'
const TASK_RESOURCE = 0
const WORKFLOW_EXECUTION_CONFIG = 6
const EXECUTION_QUEUE = 2
const WORKFLOW = 2

// Rows inspect answers of many message types; each row's assertions are its type check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any
type Answer = {code: Code; message: string | RegExp} | {ok: (res: Loose) => void}

interface Row {
  /** The rule, as a sentence. */
  rule: string
  /** Where FlyteAdmin says so: `<file under flyteadmin/pkg> <Function>`. */
  source: string
  call: (c: AdminClients) => Promise<unknown>
  answer: Answer
  /** A difference kept on purpose (README "Differences…"): what FlyteAdmin does instead. */
  kept?: string
}

const fail = (code: Code, message: string | RegExp): Answer => ({code, message})
const ok = (check: (res: Loose) => void = () => {}): Answer => ({ok: check})

const rid = (name = '') => ({project: P, domain: D, name})

interface FilterCase {
  rpc: string
  /** FlyteAdmin's primary entity code and the manager it is listed by. */
  source: string
  list: (c: AdminClients, filters: string) => Promise<unknown>
  valid: string[]
  invalid: Array<[string, string]>
}

const FILTER_CASES: FilterCase[] = [
  {
    rpc: 'ListExecutions',
    source: 'manager/impl/execution_manager.go ListExecutions (common.Execution, models.ExecutionColumns)',
    list: (c, filters) => c.admin.listExecutions({id: rid(), limit: 5, filters}),
    valid: [
      'eq(execution_name,x)',
      'value_in(phase,FAILED;SUCCEEDED)',
      'lt(execution.duration,200)',
      'eq(launch_plan.name,wf.hello)',
      'eq(workflow.version,v1)',
      'eq(task.name,t)',
      'eq(execution_tag.key,k)',
      'eq(admin_tag.name,k)',
      'gte(execution_created_at,2024-01-01T00:00:00Z)',
    ],
    invalid: [
      ['contains(execution.name,x)', "'e.name' is invalid filter"],
      ['eq(project,x)', "'e.project' is invalid filter"],
      ['eq(node_execution.phase,x)', "'ne' entity is not allowed in filters"],
      ['eq(project.name,x)', "'p' entity is not allowed in filters"],
      ['eq(launch_plan.bogus,x)', "'l.bogus' is invalid filter"],
      ['gt(duration,soon)', 'Failed to parse duration [soon]'],
    ],
  },
  {
    rpc: 'ListTasks',
    source: 'manager/impl/task_manager.go ListTasks (common.Task, models.TaskColumns)',
    list: (c, filters) => c.admin.listTasks({id: rid(), limit: 5, filters}),
    valid: ['eq(name,wf.say_hello)', 'eq(type,python-task)', 'contains(short_description,hello)', 'eq(version,v1)'],
    invalid: [
      ['eq(workflow.name,x)', "'w' entity is not allowed in filters"],
      ['eq(task_type,x)', "'t.task_type' is invalid filter"],
    ],
  },
  {
    rpc: 'ListWorkflows',
    source: 'manager/impl/workflow_manager.go ListWorkflows (common.Workflow, models.WorkflowColumns)',
    list: (c, filters) => c.admin.listWorkflows({id: rid(), limit: 5, filters}),
    valid: ['eq(name,wf.hello)', 'eq(workflow.version,v1)'],
    invalid: [
      ['eq(state,0)', "'w.state' is invalid filter"],
      ['eq(task.name,x)', "'t' entity is not allowed in filters"],
    ],
  },
  {
    rpc: 'ListLaunchPlans',
    source: 'manager/impl/launch_plan_manager.go ListLaunchPlans (common.LaunchPlan, models.LaunchPlanColumns)',
    list: (c, filters) => c.admin.listLaunchPlans({id: rid(), limit: 5, filters}),
    valid: ['eq(state,1)', 'eq(workflow.name,wf.hello)', 'eq(schedule_type,NONE)'],
    invalid: [
      ['eq(execution.phase,x)', "'e' entity is not allowed in filters"],
      ['eq(workflow_name,x)', "'l.workflow_name' is invalid filter"],
    ],
  },
  {
    rpc: 'ListProjects',
    source: 'manager/impl/project_manager.go ListProjects (common.Project, models.ProjectColumns)',
    list: (c, filters) => c.admin.listProjects({limit: 5, filters}),
    valid: ['eq(identifier,conf)', 'contains(name,conf)', 'eq(state,1)'],
    invalid: [['eq(id2,x)', "'p.id2' is invalid filter"]],
  },
  {
    rpc: 'ListNamedEntities',
    source: 'manager/impl/named_entity_manager.go ListNamedEntities (common.NamedEntity, models.NamedEntityColumns)',
    list: (c, filters) => c.admin.listNamedEntities({resourceType: WORKFLOW, project: P, domain: D, limit: 5, filters}),
    valid: ['eq(name,wf.hello)', 'eq(state,0)', 'contains(named_entity_metadata.description,x)'],
    invalid: [
      ['gt(created_at,2024-01-01T00:00:00Z)', "'nen.created_at' is invalid filter"],
      ['eq(workflow.name,x)', "'w' entity is not allowed in filters"],
    ],
  },
]

function filterRows(): Row[] {
  return FILTER_CASES.flatMap((fc) => [
    ...fc.valid.map((f): Row => ({
      rule: `${fc.rpc} accepts ${f}`,
      source: fc.source,
      call: (c) => fc.list(c, f),
      answer: ok(),
    })),
    ...fc.invalid.map(([f, message]): Row => ({
      rule: `${fc.rpc} refuses ${f}`,
      source: `manager/impl/util/filters.go ParseFilters; ${fc.source}`,
      call: (c) => fc.list(c, f),
      answer: fail(Code.InvalidArgument, message),
    })),
  ])
}

function sortRows(): Row[] {
  const cases: Array<[string, string, (c: AdminClients, key: string) => Promise<unknown>, string[], string[]]> = [
    [
      'ListExecutions',
      'manager/impl/execution_manager.go ListExecutions',
      (c, key) => c.admin.listExecutions({id: rid(), limit: 5, sortBy: {key}}),
      ['created_at', 'execution_name', 'phase'],
      ['name'],
    ],
    [
      'ListLaunchPlans',
      'manager/impl/launch_plan_manager.go ListLaunchPlans',
      (c, key) => c.admin.listLaunchPlans({id: rid(), limit: 5, sortBy: {key}}),
      ['created_at', 'version'],
      ['workflow_name'],
    ],
    [
      'ListWorkflows',
      'manager/impl/workflow_manager.go ListWorkflows',
      (c, key) => c.admin.listWorkflows({id: rid(), limit: 5, sortBy: {key}}),
      ['created_at'],
      ['state'],
    ],
    [
      'ListProjects',
      'manager/impl/project_manager.go ListProjects',
      (c, key) => c.admin.listProjects({limit: 5, sortBy: {key}}),
      ['identifier', 'name'],
      ['id2'],
    ],
  ]
  return cases.flatMap(([rpc, source, list, valid, invalid]) => [
    ...valid.map((key): Row => ({rule: `${rpc} sorts by ${key}`, source, call: (c) => list(c, key), answer: ok()})),
    ...invalid.map((key): Row => ({
      rule: `${rpc} refuses sort key ${key}`,
      source: `common/sorting.go NewSortParameter; ${source}`,
      call: (c) => list(c, key),
      answer: fail(Code.InvalidArgument, `invalid sort key '${key}'`),
    })),
  ])
}

function tokenRows(): Row[] {
  const cases: Array<[string, string, (c: AdminClients, token: string) => Promise<unknown>]> = [
    [
      'ListTasks',
      'manager/impl/task_manager.go ListTasks',
      (c, token) => c.admin.listTasks({id: rid(), limit: 1, token}),
    ],
    [
      'ListWorkflows',
      'manager/impl/workflow_manager.go ListWorkflows',
      (c, token) => c.admin.listWorkflows({id: rid(), limit: 1, token}),
    ],
    [
      'ListLaunchPlans',
      'manager/impl/launch_plan_manager.go ListLaunchPlans',
      (c, token) => c.admin.listLaunchPlans({id: rid(), limit: 1, token}),
    ],
    [
      'ListExecutions',
      'manager/impl/execution_manager.go ListExecutions',
      (c, token) => c.admin.listExecutions({id: rid(), limit: 1, token}),
    ],
    [
      'ListProjects',
      'manager/impl/project_manager.go ListProjects',
      (c, token) => c.admin.listProjects({limit: 1, token}),
    ],
    [
      'ListNamedEntities',
      'manager/impl/named_entity_manager.go ListNamedEntities',
      (c, token) => c.admin.listNamedEntities({resourceType: WORKFLOW, project: P, domain: D, limit: 1, token}),
    ],
    [
      'ListUniqueTaskIdentifiers',
      'manager/impl/task_manager.go ListUniqueTaskIdentifiers',
      (c, token) => c.admin.listTaskIds({project: P, domain: D, limit: 1, token}),
    ],
    [
      'ListWorkflowIdentifiers',
      'manager/impl/workflow_manager.go ListWorkflowIdentifiers',
      (c, token) => c.admin.listWorkflowIds({project: P, domain: D, limit: 1, token}),
    ],
  ]
  return cases.map(([rpc, source, list]): Row => ({
    rule: `${rpc} refuses a token that is not an offset, naming the RPC`,
    source: `${source}; manager/impl/validation/validation.go ValidateToken`,
    call: (c) => list(c, 'abc'),
    answer: fail(Code.InvalidArgument, `invalid pagination token abc for ${rpc}`),
  }))
}

const rows: Row[] = [
  // ---- ListProjects: archived projects, filters, sort, pagination ----
  {
    rule: 'ListProjects without filters hides archived projects',
    source: 'repositories/gormimpl/project_repo.go List',
    call: (c) => c.admin.listProjects({limit: 100}),
    answer: ok((res) => {
      const ids = res.projects.map((p: {id: string}) => p.id)
      assert.ok(ids.includes(P), ids.join())
      assert.ok(!ids.includes(ARCHIVED), ids.join())
    }),
  },
  {
    rule: 'ListProjects with any filter shows archived projects (eq(identifier,X) finds an archived one)',
    source: 'repositories/gormimpl/project_repo.go List',
    call: (c) => c.admin.listProjects({limit: 1, filters: `eq(identifier,${ARCHIVED})`}),
    answer: ok((res) =>
      assert.deepEqual(
        res.projects.map((p: {id: string}) => p.id),
        [ARCHIVED],
      ),
    ),
  },
  {
    rule: 'ListProjects filtered on name (not state) still shows archived projects',
    source: 'repositories/gormimpl/project_repo.go List',
    call: (c) => c.admin.listProjects({limit: 100, filters: `contains(name,conf)`}),
    answer: ok((res) => assert.ok(res.projects.some((p: {id: string}) => p.id === ARCHIVED))),
  },
  {
    rule: 'ListProjects with no sort orders by identifier ascending',
    source: 'manager/impl/project_manager.go alphabeticalSortParam',
    call: (c) => c.admin.listProjects({limit: 100}),
    answer: ok((res) => {
      const ids = res.projects.map((p: {id: string}) => p.id)
      assert.deepEqual(ids, [...ids].sort())
    }),
  },
  {
    rule: 'ListProjects accepts limit 0 (no limit)',
    source: 'repositories/gormimpl/project_repo.go List (Limit applied only when non-zero)',
    call: (c) => c.admin.listProjects({limit: 0}),
    answer: ok((res) =>
      assert.deepEqual(
        res.projects.map((p: {id: string}) => p.id),
        [P],
      ),
    ),
  },
  {
    rule: 'ListProjects sorts by created_at (a model column)',
    source: 'manager/impl/project_manager.go ListProjects (models.ProjectColumns)',
    call: (c) => c.admin.listProjects({limit: 100, sortBy: {key: 'created_at', direction: 1}}),
    answer: ok((res) =>
      assert.deepEqual(
        res.projects.map((p: {id: string}) => p.id),
        [P],
      ),
    ),
  },

  // ---- UpdateProject ----
  {
    rule: 'UpdateProject of an unknown id is NotFound',
    source: 'repositories/gormimpl/project_repo.go Get',
    call: (c) => c.admin.updateProject({id: 'nope', name: 'n'}),
    answer: fail(Code.NotFound, 'project [nope] not found'),
  },
  {
    rule: 'UpdateProject with labels present replaces them',
    source: 'repositories/transformers/project.go CreateProjectModel; gormimpl/project_repo.go UpdateProject',
    call: async (c) => {
      await c.admin.updateProject({id: P, labels: {values: {team: 'a', tier: 'b'}}})
      await c.admin.updateProject({id: P, labels: {values: {team: 'c'}}})
      return c.admin.getProject({id: P})
    },
    answer: ok((res) => assert.deepEqual(res.labels?.values, {team: 'c'})),
  },
  {
    rule: 'UpdateProject without labels keeps them; empty name/description keep theirs',
    source:
      'repositories/transformers/project.go CreateProjectModel (labels nil ⇒ column untouched); GORM Updates skips zero fields',
    call: async (c) => {
      await c.admin.updateProject({id: P, description: 'described'})
      return c.admin.getProject({id: P})
    },
    answer: ok((res) => {
      assert.deepEqual(res.labels?.values, {team: 'c'})
      assert.equal(res.name, P)
      assert.equal(res.description, 'described')
    }),
  },
  {
    rule: 'UpdateProject with labels present but empty empties them',
    source: 'repositories/transformers/project.go CreateProjectModel (labels non-nil ⇒ written)',
    call: async (c) => {
      await c.admin.updateProject({id: P, labels: {values: {}}})
      return c.admin.getProject({id: P})
    },
    answer: ok((res) => assert.deepEqual(res.labels?.values ?? {}, {})),
  },
  {
    rule: 'UpdateProject writes state even when zero: archive, then activate',
    source: 'repositories/models/project.go State *int32 (pointer ⇒ always updated)',
    call: async (c) => {
      await c.admin.registerProject({project: {id: 'conf-cycle', name: 'cycle'}})
      await c.admin.updateProject({id: 'conf-cycle', state: 1})
      const archived = await c.admin.listProjects({limit: 1, filters: 'eq(identifier,conf-cycle)'})
      await c.admin.updateProject({id: 'conf-cycle', state: 0})
      const active = await c.admin.getProject({id: 'conf-cycle'})
      return {archived: archived.projects[0]?.state, active: active.state}
    },
    answer: ok((res) => assert.deepEqual(res, {archived: 1, active: 0})),
  },

  // ---- matchable attributes ----
  {
    rule: 'DeleteProjectDomainAttributes of an unset resource succeeds',
    source: 'repositories/gormimpl/resource_repo.go Delete (no rows is not an error)',
    call: (c) => c.admin.deleteProjectDomainAttributes({project: P, domain: D, resourceType: EXECUTION_QUEUE}),
    answer: ok(),
  },
  {
    rule: 'DeleteProjectAttributes of an unset resource succeeds',
    source: 'repositories/gormimpl/resource_repo.go Delete',
    call: (c) => c.admin.deleteProjectAttributes({project: P, resourceType: EXECUTION_QUEUE}),
    answer: ok(),
  },
  {
    rule: 'DeleteWorkflowAttributes of an unset resource succeeds',
    source: 'repositories/gormimpl/resource_repo.go Delete',
    call: (c) =>
      c.admin.deleteWorkflowAttributes({project: P, domain: D, workflow: 'wf.hello', resourceType: EXECUTION_QUEUE}),
    answer: ok(),
  },
  {
    rule: 'Delete twice: set, delete, delete again — both deletes succeed',
    source: 'manager/impl/resources/resource_manager.go DeleteProjectDomainAttributes',
    call: async (c) => {
      await c.admin.updateProjectDomainAttributes({
        attributes: {
          project: P,
          domain: D,
          matchingAttributes: {target: {case: 'executionQueueAttributes', value: {tags: ['q']}}},
        },
      })
      await c.admin.deleteProjectDomainAttributes({project: P, domain: D, resourceType: EXECUTION_QUEUE})
      return c.admin.deleteProjectDomainAttributes({project: P, domain: D, resourceType: EXECUTION_QUEUE})
    },
    answer: ok(),
  },
  {
    rule: 'GetProjectDomainAttributes of an unset resource is NotFound with the resource id',
    source: 'repositories/gormimpl/resource_repo.go Get',
    call: (c) => c.admin.getProjectDomainAttributes({project: P, domain: D, resourceType: TASK_RESOURCE}),
    answer: fail(
      Code.NotFound,
      `Resource [{Project:${P} Domain:${D} Workflow: LaunchPlan: ResourceType:TASK_RESOURCE}] not found`,
    ),
  },
  {
    rule: 'GetProjectDomainAttributes falls back to the project-level value and names that scope',
    source: 'repositories/gormimpl/resource_repo.go Get (domain IN (d, "") … ORDER BY priority desc)',
    call: async (c) => {
      await c.admin.updateProjectAttributes({
        attributes: {
          project: P,
          matchingAttributes: {target: {case: 'executionQueueAttributes', value: {tags: ['p']}}},
        },
      })
      return c.admin.getProjectDomainAttributes({project: P, domain: D, resourceType: EXECUTION_QUEUE})
    },
    answer: ok((res) => {
      assert.equal(res.attributes.project, P)
      assert.equal(res.attributes.domain, '')
      assert.deepEqual(res.attributes.matchingAttributes.target.value.tags, ['p'])
    }),
  },
  {
    rule: 'GetWorkflowAttributes prefers the most specific scope (project-domain over project)',
    source: 'repositories/gormimpl/resource_repo.go Get',
    call: async (c) => {
      await c.admin.updateProjectDomainAttributes({
        attributes: {
          project: P,
          domain: D,
          matchingAttributes: {target: {case: 'executionQueueAttributes', value: {tags: ['pd']}}},
        },
      })
      return c.admin.getWorkflowAttributes({project: P, domain: D, workflow: 'wf.hello', resourceType: EXECUTION_QUEUE})
    },
    answer: ok((res) => {
      assert.equal(res.attributes.domain, D)
      assert.equal(res.attributes.workflow, '')
      assert.deepEqual(res.attributes.matchingAttributes.target.value.tags, ['pd'])
    }),
  },
  {
    rule: 'GetProjectAttributes of an unset workflow execution config answers the platform defaults',
    source: 'manager/impl/resources/resource_manager.go GetProjectAttributes',
    call: (c) => c.admin.getProjectAttributes({project: P, resourceType: WORKFLOW_EXECUTION_CONFIG}),
    answer: ok((res) => assert.equal(res.attributes.matchingAttributes.target.case, 'workflowExecutionConfig')),
  },
  {
    rule: 'GetProjectAttributes of another unset resource is NotFound',
    source: 'repositories/gormimpl/resource_repo.go GetProjectLevel',
    call: (c) => c.admin.getProjectAttributes({project: P, resourceType: TASK_RESOURCE}),
    answer: fail(
      Code.NotFound,
      `Resource [{Project:${P} Domain: Workflow: LaunchPlan: ResourceType:TASK_RESOURCE}] not found`,
    ),
  },
  {
    rule: 'GetProjectAttributes works on an archived project',
    source: 'manager/impl/validation/project_validator.go ValidateProjectExists',
    call: (c) => c.admin.getProjectAttributes({project: ARCHIVED, resourceType: WORKFLOW_EXECUTION_CONFIG}),
    answer: ok(),
  },
  {
    rule: 'GetProjectAttributes of an unknown project names it',
    source: 'manager/impl/validation/project_validator.go ValidateProjectExists',
    call: (c) => c.admin.getProjectAttributes({project: 'nope', resourceType: TASK_RESOURCE}),
    answer: fail(
      Code.InvalidArgument,
      'failed to validate that project [nope] exists, err: [project [nope] not found]',
    ),
  },
  {
    rule: 'UpdateProjectAttributes on an archived project is refused',
    source: 'manager/impl/validation/project_validator.go ValidateProjectForUpdate',
    call: (c) =>
      c.admin.updateProjectAttributes({
        attributes: {
          project: ARCHIVED,
          matchingAttributes: {target: {case: 'executionQueueAttributes', value: {tags: ['x']}}},
        },
      }),
    answer: fail(Code.InvalidArgument, `project [${ARCHIVED}] is not active`),
  },
  {
    rule: 'DeleteProjectAttributes on an unknown project names it as not registered',
    source: 'manager/impl/validation/project_validator.go ValidateProjectForUpdate',
    call: (c) => c.admin.deleteProjectAttributes({project: 'nope', resourceType: TASK_RESOURCE}),
    answer: fail(
      Code.InvalidArgument,
      'failed to validate that project [nope] is registered, err: [project [nope] not found]',
    ),
  },
  {
    rule: 'UpdateWorkflowAttributes without a workflow says `missing name`',
    source: 'manager/impl/validation/attributes_validator.go ValidateWorkflowAttributesUpdateRequest',
    call: (c) =>
      c.admin.updateWorkflowAttributes({
        attributes: {
          project: P,
          domain: D,
          workflow: '',
          matchingAttributes: {target: {case: 'executionQueueAttributes', value: {tags: ['x']}}},
        },
      }),
    answer: fail(Code.InvalidArgument, 'missing name'),
  },
  {
    rule: 'UpdateProjectDomainAttributes without matching attributes says `missing matching_attributes`',
    source: 'manager/impl/validation/attributes_validator.go validateMatchingAttributes',
    call: (c) => c.admin.updateProjectDomainAttributes({attributes: {project: P, domain: D}}),
    answer: fail(Code.InvalidArgument, 'missing matching_attributes'),
  },
  {
    rule: 'UpdateProjectDomainAttributes with quality of service is not a matchable target',
    source: 'manager/impl/validation/attributes_validator.go validateMatchingAttributes',
    call: (c) =>
      c.admin.updateProjectDomainAttributes({
        attributes: {project: P, domain: D, matchingAttributes: {target: {case: 'qualityOfService', value: {}}}},
      }),
    answer: fail(Code.InvalidArgument, `Unrecognized matching attributes type for request ${P}-${D}`),
  },
  {
    rule: 'UpdateProjectDomainAttributes without attributes says `missing attributes`',
    source: 'manager/impl/validation/attributes_validator.go ValidateProjectDomainAttributesUpdateRequest',
    call: (c) => c.admin.updateProjectDomainAttributes({}),
    answer: fail(Code.InvalidArgument, 'missing attributes'),
  },

  // ---- sort keys per entity ----
  {
    rule: 'ListNamedEntities rejects sort key created_at (not a named-entity column)',
    source: 'manager/impl/named_entity_manager.go ListNamedEntities (models.NamedEntityColumns); common/sorting.go',
    call: (c) =>
      c.admin.listNamedEntities({
        resourceType: WORKFLOW,
        project: P,
        domain: D,
        limit: 10,
        sortBy: {key: 'created_at', direction: 0},
      }),
    answer: fail(Code.InvalidArgument, "invalid sort key 'created_at'"),
  },
  {
    rule: 'ListNamedEntities sorts by name',
    source: 'manager/impl/named_entity_manager.go ListNamedEntities',
    call: (c) =>
      c.admin.listNamedEntities({resourceType: WORKFLOW, project: P, domain: D, limit: 10, sortBy: {key: 'name'}}),
    answer: ok((res) =>
      assert.deepEqual(
        res.entities.map((e: {id: {name: string}}) => e.id.name),
        ['wf.hello'],
      ),
    ),
  },
  {
    rule: 'ListTasks sorts by created_at',
    source: 'manager/impl/task_manager.go ListTasks (models.TaskColumns)',
    call: (c) => c.admin.listTasks({id: rid(), limit: 10, sortBy: {key: 'created_at'}}),
    answer: ok((res) => assert.equal(res.tasks.length, 1)),
  },
  {
    rule: 'ListTasks rejects an unknown sort key',
    source: 'common/sorting.go NewSortParameter',
    call: (c) => c.admin.listTasks({id: rid(), limit: 10, sortBy: {key: 'bogus'}}),
    answer: fail(Code.InvalidArgument, "invalid sort key 'bogus'"),
  },

  // ---- filters: FlyteAdmin's column names, entity codes and joins per entity ----
  ...filterRows(),

  // ---- sort keys per entity (models.*Columns) ----
  ...sortRows(),

  // ---- pagination tokens and limits ----
  ...tokenRows(),
  {
    rule: 'ListTasks with limit 0 is refused',
    source: 'manager/impl/validation/validation.go ValidateLimit',
    call: (c) => c.admin.listTasks({id: rid(), limit: 0}),
    answer: fail(Code.InvalidArgument, 'invalid value for limit'),
  },
  {
    rule: 'ListExecutions with limit 0 is refused',
    source: 'manager/impl/validation/validation.go ValidateResourceListRequest',
    call: (c) => c.admin.listExecutions({id: rid(), limit: 0}),
    answer: fail(Code.InvalidArgument, 'invalid value for limit'),
  },
  {
    rule: 'ListNamedEntities with limit 0 is refused',
    source: 'manager/impl/validation/named_entity_validator.go ValidateNamedEntityListRequest',
    call: (c) => c.admin.listNamedEntities({resourceType: WORKFLOW, project: P, domain: D, limit: 0}),
    answer: fail(Code.InvalidArgument, 'invalid value for limit'),
  },
  {
    rule: 'ListTasks without a project says `missing project`',
    source: 'manager/impl/validation/validation.go ValidateResourceListRequest',
    call: (c) => c.admin.listTasks({id: {project: '', domain: D}, limit: 1}),
    answer: fail(Code.InvalidArgument, 'missing project'),
  },
  {
    rule: 'ListTasks without a domain says `missing domain`',
    source: 'manager/impl/validation/validation.go ValidateResourceListRequest',
    call: (c) => c.admin.listTasks({id: {project: P, domain: ''}, limit: 1}),
    answer: fail(Code.InvalidArgument, 'missing domain'),
  },
  {
    rule: 'a full page answers the next offset as its token (even when nothing follows); a short page answers none',
    source: 'manager/impl/task_manager.go ListTasks (token = offset + len when len == limit)',
    call: async (c) => {
      const first = await c.admin.listTasks({id: rid(), limit: 1})
      const rest = await c.admin.listTasks({id: rid(), limit: 5, token: first.token})
      return {first: first.token, rest: rest.token, n: rest.tasks.length}
    },
    answer: ok((res) => assert.deepEqual(res, {first: '1', rest: '', n: 0})),
  },

  // ---- idempotency and duplicates ----
  {
    rule: 'RegisterProject twice is AlreadyExists with the database unique-violation text',
    source: 'repositories/errors/postgres.go uniqueConstraintViolation',
    call: (c) => c.admin.registerProject({project: {id: P, name: 'again'}}),
    answer: fail(
      Code.AlreadyExists,
      'value with matching already exists (duplicate key value violates unique constraint "projects_pkey")',
    ),
  },
  {
    rule: 'CreateExecution with a name in use is AlreadyExists with the database unique-violation text',
    source: 'repositories/errors/postgres.go uniqueConstraintViolation',
    call: async (c) => {
      const req = {project: P, domain: D, name: 'dup-exec', spec: {launchPlan: fixtures.launchPlanId(P, D)}}
      await c.admin.createExecution({...req, inputs: {literals: {name: fixtures.stringLiteral('x')}}})
      return c.admin.createExecution({...req, inputs: {literals: {name: fixtures.stringLiteral('x')}}})
    },
    answer: fail(
      Code.AlreadyExists,
      'value with matching already exists (duplicate key value violates unique constraint "executions_pkey")',
    ),
  },
  {
    rule: 'CreateTask of an identical task is AlreadyExists',
    source: 'errors/errors.go NewTaskExistsIdenticalStructureError',
    call: (c) => {
      const id = fixtures.taskId(P, D)
      return c.admin.createTask({id, spec: fixtures.taskSpec(id)})
    },
    answer: fail(Code.AlreadyExists, 'task with identical structure already exists'),
  },
  {
    rule: 'CreateTask of a different task at the same id lists the differing paths',
    source: 'errors/errors.go NewTaskExistsDifferentStructureError',
    call: (c) => {
      const id = fixtures.taskId(P, D)
      return c.admin.createTask({id, spec: fixtures.taskSpec(id, 'other:image')})
    },
    answer: fail(
      Code.InvalidArgument,
      /^wf\.say_hello task with different structure already exists\. \(Please register a new version of the task\):\n\/template\/Target\/Container\/image:\n\t- ghcr\.io\/flyteorg\/flytekit:py3\.11 \n\t\+ other:image$/,
    ),
  },
  {
    rule: 'CreateWorkflow of an identical workflow is AlreadyExists',
    source: 'errors/errors.go NewWorkflowExistsIdenticalStructureError',
    call: (c) => {
      const id = fixtures.workflowId(P, D)
      return c.admin.createWorkflow({id, spec: fixtures.workflowSpec(id, fixtures.taskId(P, D))})
    },
    answer: fail(Code.AlreadyExists, 'workflow with identical structure already exists'),
  },
  {
    rule: 'UpdateProject twice with the same state succeeds both times',
    source: 'manager/impl/project_manager.go UpdateProject',
    call: async (c) => {
      await c.admin.updateProject({id: P, state: 0})
      return c.admin.updateProject({id: P, state: 0})
    },
    answer: ok(),
  },
  {
    rule: 'UpdateProject without an id says `missing project_id`',
    source: 'manager/impl/validation/project_validator.go ValidateProject',
    call: (c) => c.admin.updateProject({id: '', name: 'x'}),
    answer: fail(Code.InvalidArgument, 'missing project_id'),
  },
  {
    rule: 'GetProject of an unknown id is NotFound',
    source: 'repositories/gormimpl/project_repo.go Get',
    call: (c) => c.admin.getProject({id: 'nope'}),
    answer: fail(Code.NotFound, 'project [nope] not found'),
  },
  {
    rule: 'GetProject without an id says `missing project_id`',
    source: 'manager/impl/validation/project_validator.go ValidateProjectGetRequest',
    call: (c) => c.admin.getProject({id: ''}),
    answer: fail(Code.InvalidArgument, 'missing project_id'),
  },

  // ---- archived / active ----
  {
    rule: 'registering a task in an archived project is refused',
    source: 'errors/errors.go NewInactiveProjectError (via validation.ValidateProjectAndDomain)',
    call: (c) => {
      const id = fixtures.taskId(ARCHIVED, D)
      return c.admin.createTask({id, spec: fixtures.taskSpec(id)})
    },
    answer: fail(Code.InvalidArgument, `project [${ARCHIVED}] is not active`),
  },
  {
    rule: 'registering in an unknown domain is refused',
    source: 'manager/impl/validation/project_validator.go ValidateProjectAndDomain',
    call: (c) => {
      const id = fixtures.taskId(P, 'qa')
      return c.admin.createTask({id, spec: fixtures.taskSpec(id)})
    },
    answer: fail(Code.InvalidArgument, 'domain [qa] is unrecognized by system'),
  },
  {
    rule: 'ListExecutions hides archived executions unless a filter names state',
    source: 'manager/impl/execution_manager.go addStateFilter',
    call: async (c) => {
      const e = await c.admin.createExecution({
        project: P,
        domain: D,
        name: 'to-archive',
        spec: {launchPlan: fixtures.launchPlanId(P, D)},
        inputs: {literals: {name: fixtures.stringLiteral('x')}},
      })
      await c.admin.updateExecution({id: e.id, state: 1})
      const plain = await c.admin.listExecutions({id: rid(), limit: 100})
      const archived = await c.admin.listExecutions({id: rid(), limit: 100, filters: 'eq(state,1)'})
      return {
        plain: plain.executions.some((x: {id?: {name: string}}) => x.id?.name === 'to-archive'),
        archived: archived.executions.map((x: {id?: {name: string}}) => x.id?.name),
      }
    },
    answer: ok((res) => assert.deepEqual(res, {plain: false, archived: ['to-archive']})),
  },
  {
    rule: 'UpdateNamedEntity may archive a launch plan (tasks, workflows and launch plans are archivable)',
    source: 'manager/impl/validation/named_entity_validator.go archivableResourceTypes',
    call: async (c) => {
      const id = {project: P, domain: D, name: 'wf.hello'}
      await c.admin.updateNamedEntity({resourceType: 3, id, metadata: {state: 1}})
      const got = await c.admin.getNamedEntity({resourceType: 3, id})
      await c.admin.updateNamedEntity({resourceType: 3, id, metadata: {state: 0}})
      return got.metadata?.state
    },
    answer: ok((state) => assert.equal(state, 1)),
  },
  {
    rule: 'UpdateNamedEntity without a resource type says `invalid value for resource_type`',
    source: 'manager/impl/validation/validation.go ValidateResourceType',
    call: (c) =>
      c.admin.updateNamedEntity({resourceType: 0, id: {project: P, domain: D, name: 'wf.hello'}, metadata: {}}),
    answer: fail(Code.InvalidArgument, 'invalid value for resource_type'),
  },
  {
    rule: 'ListNamedEntities filtered on state finds archived entities (metadata state)',
    source: 'manager/impl/named_entity_manager.go getQueryFilters (COALESCE(state, 0))',
    call: async (c) => {
      await c.admin.updateNamedEntity({
        resourceType: 1,
        id: {project: P, domain: D, name: 'wf.say_hello'},
        metadata: {state: 1, description: 'archived task'},
      })
      const archived = await c.admin.listNamedEntities({
        resourceType: 1,
        project: P,
        domain: D,
        limit: 10,
        filters: 'eq(state,1)',
      })
      const active = await c.admin.listNamedEntities({
        resourceType: 1,
        project: P,
        domain: D,
        limit: 10,
        filters: 'eq(named_entity_metadata.state,0)',
      })
      return {archived: archived.entities.length, active: active.entities.length}
    },
    answer: ok((res) => assert.deepEqual(res, {archived: 1, active: 0})),
  },
]

let plane: TestControlPlane
let c: AdminClients

before(async () => {
  plane = await startControlPlane()
  c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await registerHello(c.admin, P, D)
  await c.admin.registerProject({project: {id: ARCHIVED, name: 'conf archived'}})
  await c.admin.updateProject({id: ARCHIVED, state: 1})
})

after(async () => {
  c.close()
  await plane.stop()
})

for (const row of rows) {
  test(`${row.rule}${row.kept ? ' [kept]' : ''}`, async () => {
    let res: unknown
    let error: unknown
    try {
      res = await row.call(c)
    } catch (e) {
      error = e
    }
    if ('ok' in row.answer) {
      if (error)
        assert.fail(
          `expected success, got ${error instanceof ConnectError ? `${Code[error.code]}: ${error.rawMessage}` : String(error)}`,
        )
      row.answer.ok(res)
      return
    }
    assert.ok(
      error instanceof ConnectError,
      `expected ${Code[row.answer.code]}, got ${error ? String(error) : 'success'}`,
    )
    assert.equal(Code[error.code], Code[row.answer.code], error.rawMessage)
    if (typeof row.answer.message === 'string') assert.equal(error.rawMessage, row.answer.message)
    else assert.match(error.rawMessage, row.answer.message)
  })
}

test('the table has a source for every row', () => {
  for (const row of rows) assert.match(row.source, /\.go /, row.rule)
})
