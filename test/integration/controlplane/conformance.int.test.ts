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
]

let plane: TestControlPlane
let c: AdminClients

before(async () => {
  plane = await startControlPlane()
  c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await registerHello(c.admin, P, D)
  await c.admin.registerProject({project: {id: ARCHIVED, name: 'conf archived'}})
  await c.admin.updateProject({id: ARCHIVED, state: 1})
  void fixtures
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
