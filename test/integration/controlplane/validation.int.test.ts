/** FlyteAdmin's validation rules, each with the message a client sees. */
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {fixtures, registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let c: AdminClients
const D = 'development'

function rejectsWith(expected: Code, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof ConnectError, `expected a ConnectError, got ${String(e)}`)
    assert.equal(Code[e.code], Code[expected], e.rawMessage)
    if (typeof message === 'string') assert.equal(e.rawMessage, message)
    else assert.match(e.rawMessage, message)
    return true
  }
}

before(async () => {
  plane = await startControlPlane()
  c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await registerHello(c.admin, 'valid', D)
})

after(async () => {
  c.close()
  await plane.stop()
})

const register = (project: Record<string, unknown>) =>
  c.admin.registerProject({project: {id: 'p1', name: 'p1', ...project}})

test('project id is required', async () => {
  await assert.rejects(register({id: ''}), rejectsWith(Code.InvalidArgument, 'missing project_id'))
})

test('project name is required on register', async () => {
  await assert.rejects(register({name: ''}), rejectsWith(Code.InvalidArgument, 'missing project_name'))
})

test('project id must be a DNS-1123 label', async () => {
  await assert.rejects(
    register({id: 'Bad_Id'}),
    rejectsWith(
      Code.InvalidArgument,
      "invalid project id [Bad_Id]: [a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]",
    ),
  )
})

test('project id is at most 63 characters', async () => {
  const id = 'a'.repeat(64)
  await assert.rejects(
    register({id}),
    rejectsWith(Code.InvalidArgument, `invalid project id [${id}]: [must be no more than 63 characters]`),
  )
})

test('project name is at most 64 characters', async () => {
  await assert.rejects(
    register({name: 'n'.repeat(65)}),
    rejectsWith(Code.InvalidArgument, 'project_name cannot exceed 64 characters'),
  )
})

test('project description is at most 300 characters', async () => {
  await assert.rejects(
    register({description: 'd'.repeat(301)}),
    rejectsWith(Code.InvalidArgument, 'project_description cannot exceed 300 characters'),
  )
})

test('at most 16 labels', async () => {
  const values = Object.fromEntries(Array.from({length: 17}, (_, i) => [`k${i}`, 'v']))
  await assert.rejects(
    register({labels: {values}}),
    rejectsWith(Code.InvalidArgument, 'labels map cannot exceed 16 entries'),
  )
})

test('label keys are Kubernetes qualified names', async () => {
  await assert.rejects(
    register({labels: {values: {'bad key': 'v'}}}),
    rejectsWith(Code.InvalidArgument, /^invalid label key \[bad key\]: \[name part must consist of/),
  )
})

test('label values are Kubernetes label values', async () => {
  await assert.rejects(
    register({labels: {values: {team: '-bad-'}}}),
    rejectsWith(
      Code.InvalidArgument,
      /^invalid label value \[-bad-\]: \[a valid label must be an empty string or consist of/,
    ),
  )
})

test('domains cannot be sent with a project', async () => {
  await assert.rejects(
    register({domains: [{id: 'x', name: 'x'}]}),
    rejectsWith(
      Code.InvalidArgument,
      'Domains are currently only set system wide. Please retry without domains included in your request.',
    ),
  )
})

test('a duplicate project id is AlreadyExists', async () => {
  await assert.rejects(register({id: 'valid'}), rejectsWith(Code.AlreadyExists, /value with matching already exists/))
})

test('updating an unknown project is NotFound; empty name/description keep stored values', async () => {
  await assert.rejects(
    c.admin.updateProject({id: 'ghost', name: 'g'}),
    rejectsWith(Code.NotFound, 'project [ghost] not found'),
  )
  await c.admin.registerProject({project: {id: 'keep', name: 'Keep me', description: 'kept'}})
  await c.admin.updateProject({id: 'keep', name: '', description: ''})
  const p = await c.admin.getProject({id: 'keep'})
  assert.equal(p.name, 'Keep me')
  assert.equal(p.description, 'kept')
})

test('archived projects are hidden from the default list and are not active for new work', async () => {
  await c.admin.registerProject({project: {id: 'old', name: 'old'}})
  await c.admin.updateProject({id: 'old', state: 1 /* ARCHIVED */})
  const list = await c.admin.listProjects({})
  assert.ok(!list.projects.some((p) => p.id === 'old'))
  assert.ok(list.projects.some((p) => p.id === 'valid'))
  const archived = await c.admin.listProjects({filters: 'eq(state,1)'})
  assert.deepEqual(
    archived.projects.map((p) => p.id),
    ['old'],
  )
  const id = fixtures.taskId('old', D)
  await assert.rejects(
    c.admin.createTask({id, spec: fixtures.taskSpec(id)}),
    rejectsWith(Code.InvalidArgument, 'project [old] is not active'),
  )
})

test('an unregistered project is rejected when registering entities', async () => {
  const id = fixtures.taskId('nowhere', D)
  await assert.rejects(
    c.admin.createTask({id, spec: fixtures.taskSpec(id)}),
    rejectsWith(
      Code.InvalidArgument,
      /^failed to validate that project \[nowhere\] and domain \[development\] are registered/,
    ),
  )
})

test('an unknown domain is rejected', async () => {
  const id = fixtures.taskId('valid', 'qa')
  await assert.rejects(
    c.admin.createTask({id, spec: fixtures.taskSpec(id)}),
    rejectsWith(Code.InvalidArgument, 'domain [qa] is unrecognized by system'),
  )
})

test('every identifier field is required', async () => {
  for (const field of ['project', 'domain', 'name', 'version'] as const) {
    const id = {...fixtures.taskId('valid', D, 'x', 'v9'), [field]: ''}
    await assert.rejects(
      c.admin.createTask({id, spec: fixtures.taskSpec(id)}),
      rejectsWith(Code.InvalidArgument, `missing ${field}`),
    )
  }
  await assert.rejects(
    c.admin.getWorkflow({id: {...fixtures.workflowId('valid', D), version: ''}}),
    rejectsWith(Code.InvalidArgument, 'missing version'),
  )
})

test('the identifier resource type must match the entity', async () => {
  const id = fixtures.workflowId('valid', D, 'x', 'v9')
  await assert.rejects(
    c.admin.createTask({id, spec: fixtures.taskSpec(id)}),
    rejectsWith(
      Code.InvalidArgument,
      /^unexpected resource type workflow for identifier \[.*\], expected task instead$/,
    ),
  )
})

test('a launch plan re-registered with a different spec is InvalidArgument', async () => {
  const id = fixtures.launchPlanId('valid', D, 'wf.hello', 'v1')
  await assert.rejects(
    c.admin.createLaunchPlan({id, spec: fixtures.launchPlanSpec(fixtures.workflowId('valid', D), 'someone')}),
    rejectsWith(
      Code.InvalidArgument,
      /^wf\.hello launch plan with different structure already exists\. \(Please register a new version of the launch plan\):\n\/default_inputs/,
    ),
  )
})

test('launch plan default inputs must be workflow inputs', async () => {
  const id = fixtures.launchPlanId('valid', D, 'wf.other', 'v1')
  const spec = fixtures.launchPlanSpec(fixtures.workflowId('valid', D), 'x')
  spec.defaultInputs.parameters = {nope: spec.defaultInputs.parameters['name']!}
  await assert.rejects(
    c.admin.createLaunchPlan({id, spec}),
    rejectsWith(Code.InvalidArgument, 'unexpected default_input nope'),
  )
})

test('fixed inputs cannot be overridden', async () => {
  const id = fixtures.launchPlanId('valid', D, 'wf.fixed', 'v1')
  await c.admin.createLaunchPlan({
    id,
    spec: {
      workflowId: fixtures.workflowId('valid', D),
      fixedInputs: {literals: {name: fixtures.stringLiteral('fixed')}},
    },
  })
  await assert.rejects(
    c.admin.createExecution({
      project: 'valid',
      domain: D,
      spec: {launchPlan: id},
      inputs: {literals: {name: fixtures.stringLiteral('x')}},
    }),
    rejectsWith(Code.InvalidArgument, 'invalid input name'),
  )
  const ok = await c.admin.createExecution({project: 'valid', domain: D, spec: {launchPlan: id}})
  const data = await c.admin.getExecutionData({id: ok.id})
  assert.ok(data.fullInputs?.literals['name'], 'the fixed input is part of the execution inputs')
})

test('required inputs must be given', async () => {
  await assert.rejects(
    c.admin.createExecution({project: 'valid', domain: D, spec: {launchPlan: fixtures.launchPlanId('valid', D)}}),
    rejectsWith(Code.InvalidArgument, 'expected_inputs name missing'),
  )
})

test('execution names follow ^[a-z][a-z\\-0-9]*$ and 63 characters', async () => {
  const spec = {launchPlan: fixtures.launchPlanId('valid', D)}
  await assert.rejects(
    c.admin.createExecution({project: 'valid', domain: D, name: '9lives', spec}),
    rejectsWith(Code.InvalidArgument, "invalid name format: 9lives, does not match regex '^[a-z][a-z\\-0-9]*$'"),
  )
  const long = 'a'.repeat(64)
  await assert.rejects(
    c.admin.createExecution({project: 'valid', domain: D, name: long, spec}),
    rejectsWith(Code.InvalidArgument, `size of name exceeded length 63 : ${long}`),
  )
})

test('execution create requires project, domain and spec', async () => {
  await assert.rejects(
    c.admin.createExecution({project: '', domain: D}),
    rejectsWith(Code.InvalidArgument, 'missing project'),
  )
  await assert.rejects(
    c.admin.createExecution({project: 'valid', domain: ''}),
    rejectsWith(Code.InvalidArgument, 'missing domain'),
  )
  await assert.rejects(
    c.admin.createExecution({project: 'valid', domain: D}),
    rejectsWith(Code.InvalidArgument, 'missing spec'),
  )
})

test('missing executions are NotFound with the identifier', async () => {
  await assert.rejects(
    c.admin.getExecution({id: {project: 'valid', domain: D, name: 'ghost'}}),
    rejectsWith(
      Code.NotFound,
      'missing entity of type execution with identifier project:"valid" domain:"development" name:"ghost"',
    ),
  )
})

test('ListProjects accepts limit 0 (no limit); other lists reject it', async () => {
  const all = await c.admin.listProjects({limit: 0})
  assert.ok(all.projects.length >= 2)
  await assert.rejects(
    c.admin.listExecutions({id: {project: 'valid', domain: D}, limit: 0}),
    rejectsWith(Code.InvalidArgument, 'invalid value for limit'),
  )
})

test('a primitive input of the wrong simple type is rejected', async () => {
  const intLiteral = {
    value: {
      case: 'scalar' as const,
      value: {value: {case: 'primitive' as const, value: {value: {case: 'integer' as const, value: 7n}}}},
    },
  }
  await assert.rejects(
    c.admin.createExecution({
      project: 'valid',
      domain: D,
      spec: {launchPlan: fixtures.launchPlanId('valid', D)},
      inputs: {literals: {name: intLiteral}},
    }),
    rejectsWith(Code.InvalidArgument, 'invalid name input wrong type. Expected simple:STRING, but got simple:INTEGER'),
  )
})
