import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {fixtures, registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let c: AdminClients
const P = 'defs'
const D = 'development'

function code(expected: Code, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof ConnectError, `expected a ConnectError, got ${String(e)}`)
    assert.equal(Code[e.code], Code[expected], e.rawMessage)
    if (message) assert.match(e.rawMessage, message)
    return true
  }
}

before(async () => {
  plane = await startControlPlane()
  c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await registerHello(c.admin, P, D, {version: 'v1'})
  await registerHello(c.admin, P, D, {version: 'v2', registerProject: false})
})

after(async () => {
  c.close()
  await plane.stop()
})

test('task: get returns the compiled template and createdAt; list and ids', async () => {
  const task = await c.admin.getTask({id: fixtures.taskId(P, D, 'wf.say_hello', 'v1')})
  assert.equal(task.closure?.compiledTask?.template?.type, 'python-task')
  assert.ok(task.closure?.createdAt && task.closure.createdAt.seconds > 0n)
  assert.equal(task.shortDescription, 'Says hello')
  const list = await c.admin.listTasks({id: {project: P, domain: D, name: 'wf.say_hello'}, limit: 10})
  assert.deepEqual(
    list.tasks.map((t) => t.id?.version),
    ['v2', 'v1'],
  )
  const ids = await c.admin.listTaskIds({project: P, domain: D, limit: 10})
  assert.deepEqual(
    ids.entities.map((e) => e.name),
    ['wf.say_hello'],
  )
})

test('task: identical re-registration is AlreadyExists, a different one InvalidArgument naming the change', async () => {
  const id = fixtures.taskId(P, D, 'wf.say_hello', 'v1')
  await assert.rejects(
    c.admin.createTask({id, spec: fixtures.taskSpec(id)}),
    code(Code.AlreadyExists, /task with identical structure already exists/),
  )
  await assert.rejects(
    c.admin.createTask({id, spec: fixtures.taskSpec(id, 'other/image:2')}),
    code(
      Code.InvalidArgument,
      /^wf\.say_hello task with different structure already exists\. \(Please register a new version of the task\):\n\/template\/Target\/Container\/image:\n\t- ghcr\.io\/flyteorg\/flytekit:py3\.11 \n\t\+ other\/image:2$/,
    ),
  )
})

test('task: missing one is NotFound with FlyteAdmin message', async () => {
  await assert.rejects(
    c.admin.getTask({id: fixtures.taskId(P, D, 'nope', 'v9')}),
    code(
      Code.NotFound,
      /^missing entity of type TASK with identifier resource_type:TASK project:"defs" domain:"development" name:"nope" version:"v9"$/,
    ),
  )
})

test('workflow: compiled closure has start/end nodes, connections and the referenced task', async () => {
  const wf = await c.admin.getWorkflow({id: fixtures.workflowId(P, D, 'wf.hello', 'v1')})
  const compiled = wf.closure?.compiledWorkflow
  assert.deepEqual(
    compiled?.primary?.template?.nodes.map((n) => n.id),
    ['start-node', 'n0', 'end-node'],
  )
  assert.deepEqual(compiled?.primary?.connections?.upstream['n0']?.ids, ['start-node'])
  assert.deepEqual(compiled?.primary?.connections?.upstream['end-node']?.ids, ['n0'])
  assert.deepEqual(compiled?.primary?.connections?.downstream['start-node']?.ids, ['n0'])
  assert.equal(compiled?.tasks[0]?.template?.id?.name, 'wf.say_hello')
  const list = await c.admin.listWorkflows({id: {project: P, domain: D}, limit: 1})
  assert.equal(list.workflows.length, 1)
  assert.equal(list.token, '1')
  const next = await c.admin.listWorkflows({id: {project: P, domain: D}, limit: 1, token: list.token})
  assert.notEqual(next.workflows[0]?.id?.version, list.workflows[0]?.id?.version)
  const ids = await c.admin.listWorkflowIds({project: P, domain: D, limit: 10})
  assert.deepEqual(
    ids.entities.map((e) => e.name),
    ['wf.hello'],
  )
})

test('workflow: a missing task reference is NotFound; identical re-registration AlreadyExists', async () => {
  const id = fixtures.workflowId(P, D, 'wf.broken', 'v1')
  await assert.rejects(
    c.admin.createWorkflow({id, spec: fixtures.workflowSpec(id, fixtures.taskId(P, D, 'ghost', 'v1'))}),
    code(Code.NotFound, /missing entity of type TASK .*name:"ghost"/),
  )
  const same = fixtures.workflowId(P, D, 'wf.hello', 'v1')
  await assert.rejects(
    c.admin.createWorkflow({id: same, spec: fixtures.workflowSpec(same, fixtures.taskId(P, D, 'wf.say_hello', 'v1'))}),
    code(Code.AlreadyExists, /workflow with identical structure already exists/),
  )
})

test('launch plan: expected inputs from the workflow, INACTIVE at first; one active version per name', async () => {
  const v1 = fixtures.launchPlanId(P, D, 'wf.hello', 'v1')
  const v2 = fixtures.launchPlanId(P, D, 'wf.hello', 'v2')
  const lp = await c.admin.getLaunchPlan({id: v1})
  assert.equal(lp.closure?.state, 0)
  assert.ok(lp.closure?.expectedInputs?.parameters['name'])
  assert.ok(lp.closure?.expectedOutputs?.variables['o0'])
  await assert.rejects(
    c.admin.getActiveLaunchPlan({id: {project: P, domain: D, name: 'wf.hello'}}),
    code(Code.NotFound),
  )
  await c.admin.updateLaunchPlan({id: v1, state: 1})
  assert.equal((await c.admin.getActiveLaunchPlan({id: {project: P, domain: D, name: 'wf.hello'}})).id?.version, 'v1')
  await c.admin.updateLaunchPlan({id: v2, state: 1})
  assert.equal((await c.admin.getLaunchPlan({id: v1})).closure?.state, 0, 'activating v2 deactivates v1')
  assert.equal((await c.admin.getActiveLaunchPlan({id: {project: P, domain: D, name: 'wf.hello'}})).id?.version, 'v2')
  const active = await c.admin.listActiveLaunchPlans({project: P, domain: D, limit: 10})
  assert.deepEqual(
    active.launchPlans.map((l) => l.id?.version),
    ['v2'],
  )
  const filtered = await c.admin.listLaunchPlans({
    id: {project: P, domain: D},
    limit: 10,
    filters: 'eq(state,1)+eq(workflow.name,wf.hello)',
  })
  assert.deepEqual(
    filtered.launchPlans.map((l) => l.id?.version),
    ['v2'],
  )
  const ids = await c.admin.listLaunchPlanIds({project: P, domain: D, limit: 10})
  assert.deepEqual(
    ids.entities.map((e) => e.name),
    ['wf.hello'],
  )
})

test('named entities: list, get, update metadata (archive) and filter by state', async () => {
  const list = await c.admin.listNamedEntities({resourceType: 2, project: P, domain: D, limit: 10})
  assert.deepEqual(
    list.entities.map((e) => e.id?.name),
    ['wf.hello'],
  )
  await c.admin.updateNamedEntity({
    resourceType: 2,
    id: {project: P, domain: D, name: 'wf.hello'},
    metadata: {description: 'greets', state: 1},
  })
  const got = await c.admin.getNamedEntity({resourceType: 2, id: {project: P, domain: D, name: 'wf.hello'}})
  assert.equal(got.metadata?.description, 'greets')
  assert.equal(got.metadata?.state, 1)
  const active = await c.admin.listNamedEntities({
    resourceType: 2,
    project: P,
    domain: D,
    limit: 10,
    filters: 'eq(state,0)',
  })
  assert.equal(active.entities.length, 0)
  await assert.rejects(
    c.admin.getNamedEntity({resourceType: 1, id: {project: P, domain: D, name: 'nope'}}),
    code(Code.NotFound),
  )
})

test('description entities: stored from the task spec, get and list', async () => {
  const d = await c.admin.getDescriptionEntity({id: fixtures.taskId(P, D, 'wf.say_hello', 'v1')})
  assert.equal(d.shortDescription, 'Says hello')
  const list = await c.admin.listDescriptionEntities({
    resourceType: 1,
    id: {project: P, domain: D, name: 'wf.say_hello'},
    limit: 10,
  })
  assert.equal(list.descriptionEntities.length, 2)
})

test('list requests: bad filter, sort key, token and limit are InvalidArgument with FlyteAdmin messages', async () => {
  const id = {project: P, domain: D}
  await assert.rejects(
    c.admin.listTasks({id, limit: 10, filters: 'eq(bogus,1)'}),
    code(Code.InvalidArgument, /^'t\.bogus' is invalid filter$/),
  )
  await assert.rejects(
    c.admin.listTasks({id, limit: 10, filters: 'eq(execution.phase,1)'}),
    code(Code.InvalidArgument, /^'e' entity is not allowed in filters$/),
  )
  await assert.rejects(
    c.admin.listTasks({id, limit: 10, filters: 'nonsense'}),
    code(Code.InvalidArgument, /invalid value for filters/),
  )
  await assert.rejects(
    c.admin.listTasks({id, limit: 10, sortBy: {key: 'nope'}}),
    code(Code.InvalidArgument, /^invalid sort key 'nope'$/),
  )
  await assert.rejects(
    c.admin.listTasks({id, limit: 10, token: 'x'}),
    code(Code.InvalidArgument, /^invalid pagination token x for ListTasks$/),
  )
  await assert.rejects(c.admin.listTasks({id, limit: 0}), code(Code.InvalidArgument, /^invalid value for limit$/))
  const byValueIn = await c.admin.listTasks({
    id,
    limit: 10,
    filters: 'value_in(version,v1;v3)',
    sortBy: {key: 'version', direction: 1},
  })
  assert.deepEqual(
    byValueIn.tasks.map((t) => t.id?.version),
    ['v1'],
  )
})
