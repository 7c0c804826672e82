import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {after, before, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {fixtures, registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let c: AdminClients
const P = 'execs'
const D = 'development'
const lp = fixtures.launchPlanId(P, D, 'wf.hello', 'v1')
const task = fixtures.taskId(P, D, 'wf.say_hello', 'v1')

function code(expected: Code, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof ConnectError, `expected a ConnectError, got ${String(e)}`)
    assert.equal(Code[e.code], Code[expected], e.rawMessage)
    if (message) assert.match(e.rawMessage, message)
    return true
  }
}

const ts = (ms: number) => ({seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6})

before(async () => {
  plane = await startControlPlane()
  c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await registerHello(c.admin, P, D, {defaultName: 'world'})
})

after(async () => {
  c.close()
  await plane.stop()
})

async function launch(name = '', inputs?: Record<string, ReturnType<typeof fixtures.stringLiteral>>) {
  const res = await c.admin.createExecution({
    project: P,
    domain: D,
    name,
    spec: {launchPlan: lp, metadata: {mode: 0, principal: 'tester'}},
    inputs: inputs ? {literals: inputs} : undefined,
  })
  return res.id!
}

test('create: generated name a+19 [a-z0-9], QUEUED with timestamps and the workflow id; inputs merged with defaults', async () => {
  const id = await launch()
  assert.match(id.name, /^a[a-z0-9]{19}$/)
  const ex = await c.admin.getExecution({id})
  assert.equal(ex.closure?.phase, 1 /* QUEUED */)
  assert.ok(ex.closure?.createdAt && ex.closure.updatedAt)
  assert.equal(ex.closure?.workflowId?.name, 'wf.hello')
  assert.equal(ex.spec?.launchPlan?.name, 'wf.hello')
  const data = await c.admin.getExecutionData({id})
  const name = data.fullInputs?.literals['name']
  assert.equal(
    name?.value.case === 'scalar' && name.value.value.value.case === 'primitive'
      ? name.value.value.value.value.value.value
      : undefined,
    'world',
  )
  assert.ok(data.inputs?.url.startsWith('file://'))
  assert.ok(Number(data.inputs?.bytes) > 0)
})

test('create: a named execution twice is AlreadyExists; unknown and wrong inputs are InvalidArgument', async () => {
  await launch('fixed-name')
  await assert.rejects(launch('fixed-name'), code(Code.AlreadyExists, /already exists/))
  await assert.rejects(
    launch('', {bogus: fixtures.stringLiteral('x')}),
    code(Code.InvalidArgument, /^invalid input bogus$/),
  )
  await assert.rejects(
    c.admin.createExecution({project: P, domain: D, spec: {launchPlan: fixtures.launchPlanId(P, D, 'nope', 'v1')}}),
    code(Code.NotFound, /missing entity of type LAUNCH_PLAN/),
  )
  await assert.rejects(
    c.admin.createExecution({project: P, domain: 'qa', spec: {launchPlan: lp}}),
    code(Code.InvalidArgument, /^domain \[qa\] is unrecognized by system$/),
  )
})

test('single-task execution records the task and requires its inputs', async () => {
  await assert.rejects(
    c.admin.createExecution({project: P, domain: D, spec: {launchPlan: task}}),
    code(Code.InvalidArgument, /^expected_inputs name missing$/),
  )
  const res = await c.admin.createExecution({
    project: P,
    domain: D,
    spec: {launchPlan: task},
    inputs: {literals: {name: fixtures.stringLiteral('solo')}},
  })
  const list = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 50,
    filters: 'eq(task.name,wf.say_hello)',
  })
  assert.deepEqual(
    list.executions.map((e) => e.id?.name),
    [res.id?.name],
  )
})

test('terminate: ABORTED with abortMetadata.cause; terminating again is FailedPrecondition', async () => {
  const id = await launch()
  await c.admin.terminateExecution({id, cause: 'no longer needed'})
  const ex = await c.admin.getExecution({id})
  assert.equal(ex.closure?.phase, 7 /* ABORTED */)
  assert.equal(ex.closure?.outputResult.case, 'abortMetadata')
  assert.equal(
    ex.closure?.outputResult.case === 'abortMetadata' ? ex.closure.outputResult.value.cause : '',
    'no longer needed',
  )
  await assert.rejects(
    c.admin.terminateExecution({id, cause: 'again'}),
    code(Code.FailedPrecondition, /already terminated/),
  )
})

test('list: filters by phase (value_in), paging tokens, archive hides unless state is filtered', async () => {
  const a = await launch('list-a')
  const b = await launch('list-b')
  await c.admin.terminateExecution({id: b, cause: 'x'})
  const aborted = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 100,
    filters: 'value_in(execution.phase,ABORTED;FAILED)+eq(launch_plan.name,wf.hello)',
  })
  assert.ok(aborted.executions.some((e) => e.id?.name === 'list-b'))
  assert.ok(!aborted.executions.some((e) => e.id?.name === 'list-a'))
  const page1 = await c.admin.listExecutions({id: {project: P, domain: D}, limit: 2})
  assert.equal(page1.executions.length, 2)
  assert.equal(page1.token, '2')
  assert.equal(page1.executions[0]?.id?.name, 'list-b', 'newest first by default')
  const asc = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 1000,
    sortBy: {key: 'created_at', direction: 1},
  })
  assert.equal(asc.token, '')
  assert.equal(asc.executions.at(-1)?.id?.name, 'list-b')

  await c.admin.updateExecution({id: a, state: 1 /* ARCHIVED */})
  const after1 = await c.admin.listExecutions({id: {project: P, domain: D}, limit: 1000})
  assert.ok(!after1.executions.some((e) => e.id?.name === 'list-a'), 'archived hidden by default')
  const archived = await c.admin.listExecutions({id: {project: P, domain: D}, limit: 1000, filters: 'eq(state,1)'})
  assert.deepEqual(
    archived.executions.map((e) => e.id?.name),
    ['list-a'],
  )
  assert.equal((await c.admin.getExecution({id: a})).closure?.stateChangeDetails?.state, 1)
  const byColumn = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 10,
    filters: 'eq(execution.execution_name,list-b)',
    sortBy: {key: 'execution_created_at', direction: 0},
  })
  assert.deepEqual(
    byColumn.executions.map((e) => e.id?.name),
    ['list-b'],
  )
  const since = new Date(Date.now() - 60_000).toISOString()
  const recent = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 1000,
    filters: `gte(execution.created_at,${since})`,
  })
  assert.ok(recent.executions.length >= 1)
  await assert.rejects(
    c.admin.listExecutions({id: {project: P, domain: D}, limit: 10, filters: 'gt(created_at,yesterday)'}),
    code(Code.InvalidArgument, /RFC3339/),
  )
})

test('relaunch and recover create new executions referencing the original', async () => {
  const orig = await launch('', {name: fixtures.stringLiteral('again')})
  const re = await c.admin.relaunchExecution({id: orig, name: 'relaunched'})
  assert.equal(re.id?.name, 'relaunched')
  const reEx = await c.admin.getExecution({id: re.id})
  assert.equal(reEx.spec?.metadata?.mode, 3 /* RELAUNCH */)
  assert.equal(reEx.spec?.metadata?.referenceExecution?.name, orig.name)
  const reData = await c.admin.getExecutionData({id: re.id})
  const lit = reData.fullInputs?.literals['name']
  assert.equal(
    lit?.value.case === 'scalar' && lit.value.value.value.case === 'primitive'
      ? lit.value.value.value.value.value.value
      : '',
    'again',
  )
  const rec = await c.admin.recoverExecution({id: orig})
  const recEx = await c.admin.getExecution({id: rec.id})
  assert.equal(recEx.spec?.metadata?.mode, 5 /* RECOVERED */)
  assert.equal(recEx.spec?.metadata?.referenceExecution?.name, orig.name)
  await assert.rejects(c.admin.relaunchExecution({id: {project: P, domain: D, name: 'ghost'}}), code(Code.NotFound))
})

test('events: workflow, node and task events drive phases, timestamps, outputs and logs', async () => {
  const id = await launch()
  const t0 = Date.now()
  const nodeId = {executionId: id, nodeId: 'n0'}
  await c.admin.createWorkflowEvent({
    event: {executionId: id, phase: 2 /* RUNNING */, occurredAt: ts(t0), producerId: 'test'},
  })
  await assert.rejects(
    c.admin.createWorkflowEvent({event: {executionId: id, phase: 2, occurredAt: ts(t0 + 1)}}),
    code(Code.AlreadyExists, /already recorded/),
  )
  await c.admin.createNodeEvent({
    event: {
      id: nodeId,
      phase: 2,
      occurredAt: ts(t0 + 10),
      inputValue: {case: 'inputUri', value: 'file:///nowhere/inputs.pb'},
      specNodeId: 'n0',
    },
  })
  await assert.rejects(
    c.admin.createTaskEvent({
      event: {taskId: task, parentNodeExecutionId: {executionId: id, nodeId: 'n9'}, phase: 2, occurredAt: ts(t0 + 20)},
    }),
    code(Code.NotFound, /failed to get existing node execution id/),
  )
  const taskEvent = (phase: number, at: number, extra: Record<string, unknown> = {}) =>
    c.admin.createTaskEvent({
      event: {taskId: task, parentNodeExecutionId: nodeId, retryAttempt: 0, phase, occurredAt: ts(at), ...extra},
    })
  await taskEvent(2, t0 + 20, {logs: [{name: 'stdout', uri: 'file:///tmp/attempt0.log'}], taskType: 'python-task'})
  await taskEvent(2, t0 + 25, {phaseVersion: 1, logs: [{name: 'stderr', uri: 'file:///tmp/attempt0.err'}]})
  await taskEvent(3 /* SUCCEEDED */, t0 + 500, {
    outputResult: {case: 'outputData', value: {literals: {o0: fixtures.stringLiteral('hi')}}},
  })
  await c.admin.createNodeEvent({
    event: {
      id: nodeId,
      phase: 3 /* SUCCEEDED */,
      occurredAt: ts(t0 + 600),
      outputResult: {case: 'outputData', value: {literals: {o0: fixtures.stringLiteral('hi')}}},
    },
  })
  await c.admin.createWorkflowEvent({
    event: {
      executionId: id,
      phase: 4 /* SUCCEEDED */,
      occurredAt: ts(t0 + 1000),
      outputResult: {case: 'outputData', value: {literals: {o0: fixtures.stringLiteral('hi')}}},
    },
  })
  await assert.rejects(
    c.admin.createWorkflowEvent({event: {executionId: id, phase: 2, occurredAt: ts(t0 + 2000)}}),
    code(Code.FailedPrecondition, /Invalid phase change from SUCCEEDED to RUNNING/),
  )

  const ex = await c.admin.getExecution({id})
  assert.equal(ex.closure?.phase, 4)
  assert.equal(Number(ex.closure?.startedAt?.seconds), Math.floor(t0 / 1000))
  assert.equal(
    Number(ex.closure?.duration?.seconds ?? 0n) * 1000 + Math.round((ex.closure?.duration?.nanos ?? 0) / 1e6),
    1000,
  )
  const data = await c.admin.getExecutionData({id})
  assert.ok(data.fullOutputs?.literals['o0'])

  const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 10})
  assert.deepEqual(
    nodes.nodeExecutions.map((n) => [n.id?.nodeId, n.closure?.phase]),
    [['n0', 3]],
  )
  const node = await c.admin.getNodeExecution({id: nodeId})
  assert.equal(node.inputUri, 'file:///nowhere/inputs.pb')
  assert.equal(node.metadata?.specNodeId, 'n0')
  const nodeData = await c.admin.getNodeExecutionData({id: nodeId})
  assert.ok(nodeData.fullOutputs?.literals['o0'])

  const tasks = await c.admin.listTaskExecutions({nodeExecutionId: nodeId, limit: 10})
  assert.equal(tasks.taskExecutions.length, 1)
  const te = tasks.taskExecutions[0]!
  assert.equal(te.closure?.phase, 3)
  assert.deepEqual(
    te.closure?.logs.map((l) => l.name),
    ['stdout', 'stderr'],
  )
  assert.equal(Number(te.closure?.duration?.nanos ?? 0) / 1e6 + Number(te.closure?.duration?.seconds ?? 0n) * 1000, 480)
  const got = await c.admin.getTaskExecution({id: te.id})
  assert.equal(got.closure?.taskType, 'python-task')
  const tData = await c.admin.getTaskExecutionData({id: te.id})
  assert.ok(tData.fullOutputs?.literals['o0'])
  const children = await c.admin.listNodeExecutionsForTask({taskExecutionId: te.id, limit: 10})
  assert.equal(children.nodeExecutions.length, 0)
})

test('data proxy: upload location is a PUT-able URL whose bytes land at the native path', async () => {
  const body = Buffer.from('hello blob')
  const md5 = createHash('md5').update(body).digest()
  const loc = await c.dataProxy.createUploadLocation({
    project: P,
    domain: D,
    filename: 'script.tar.gz',
    contentMd5: md5,
  })
  assert.match(loc.signedUrl, new RegExp(`^${plane.url}/blobs/uploads/${P}/${D}/`))
  assert.match(loc.nativeUrl, /^\/.*\/blobs\/uploads\/.*\/script\.tar\.gz$/)
  const bad = await fetch(loc.signedUrl, {method: 'PUT', body: Buffer.from('tampered')})
  assert.equal(bad.status, 400)
  const put = await fetch(loc.signedUrl, {method: 'PUT', body})
  assert.equal(put.status, 200)
  assert.equal(readFileSync(loc.nativeUrl, 'utf8'), 'hello blob')
  const dl = await c.dataProxy.createDownloadLocation({nativeUrl: loc.nativeUrl})
  assert.equal(await (await fetch(dl.signedUrl)).text(), 'hello blob')
  await assert.rejects(
    c.dataProxy.createUploadLocation({project: '', domain: D, filename: 'x'}),
    code(Code.InvalidArgument, /project and domain are required parameters/),
  )
})

test('auth metadata and identity answer for an open server', async () => {
  const meta = await c.authMetadata.getOAuth2Metadata({})
  assert.equal(meta.issuer, plane.url)
  const pub = await c.authMetadata.getPublicClientConfig({})
  assert.equal(pub.clientId, 'flytectl')
  const me = await c.identity.userInfo({})
  assert.ok(me.subject.length > 0)
})

test('matchable attributes: project, project-domain and workflow scope; list; delete; NotFound message', async () => {
  const attrs = {target: {case: 'taskResourceAttributes' as const, value: {defaults: {cpu: '1', memory: '1Gi'}}}}
  await c.admin.updateProjectAttributes({attributes: {project: P, matchingAttributes: attrs}})
  await c.admin.updateProjectDomainAttributes({attributes: {project: P, domain: D, matchingAttributes: attrs}})
  await c.admin.updateWorkflowAttributes({
    attributes: {project: P, domain: D, workflow: 'wf.hello', matchingAttributes: attrs},
  })
  const pa = await c.admin.getProjectAttributes({project: P, resourceType: 0})
  assert.equal(pa.attributes?.matchingAttributes?.target.case, 'taskResourceAttributes')
  const pda = await c.admin.getProjectDomainAttributes({project: P, domain: D, resourceType: 0})
  assert.equal(pda.attributes?.domain, D)
  const wa = await c.admin.getWorkflowAttributes({project: P, domain: D, workflow: 'wf.hello', resourceType: 0})
  assert.equal(wa.attributes?.workflow, 'wf.hello')
  const list = await c.admin.listMatchableAttributes({resourceType: 0})
  assert.equal(list.configurations.length, 3)
  await c.admin.deleteWorkflowAttributes({project: P, domain: D, workflow: 'wf.hello', resourceType: 0})
  // The workflow scope now falls back to the project-domain value, as FlyteAdmin's lookup does.
  const inherited = await c.admin.getWorkflowAttributes({project: P, domain: D, workflow: 'wf.hello', resourceType: 0})
  assert.deepEqual([inherited.attributes?.domain, inherited.attributes?.workflow], [D, ''])
  await c.admin.deleteProjectDomainAttributes({project: P, domain: D, resourceType: 0})
  await c.admin.deleteProjectAttributes({project: P, resourceType: 0})
  await assert.rejects(
    c.admin.getWorkflowAttributes({project: P, domain: D, workflow: 'wf.hello', resourceType: 0}),
    code(
      Code.NotFound,
      /^Resource \[\{Project:execs Domain:development Workflow:wf\.hello LaunchPlan: ResourceType:TASK_RESOURCE\}\] not found$/,
    ),
  )
  await assert.rejects(c.admin.getProjectAttributes({project: P, resourceType: 0}), code(Code.NotFound))
  await assert.rejects(
    c.admin.getProjectDomainAttributes({project: P, domain: D, resourceType: 2}),
    code(Code.NotFound, /ResourceType:EXECUTION_QUEUE/),
  )
})

test('unimplemented RPCs answer Unimplemented', async () => {
  await assert.rejects(
    c.admin.getExecutionMetrics({}),
    code(Code.Unimplemented, /GetExecutionMetrics is not implemented/),
  )
})

test('workflow events: a repeated QUEUED is accepted, RUNNING → QUEUED is FailedPrecondition', async () => {
  const id = await launch()
  await c.admin.createWorkflowEvent({event: {executionId: id, phase: 1 /* QUEUED */, occurredAt: ts(Date.now())}})
  await c.admin.createWorkflowEvent({event: {executionId: id, phase: 2 /* RUNNING */, occurredAt: ts(Date.now())}})
  await assert.rejects(
    c.admin.createWorkflowEvent({event: {executionId: id, phase: 1, occurredAt: ts(Date.now())}}),
    code(Code.FailedPrecondition, /^Cannot go from RUNNING to QUEUED for workflow execution/),
  )
  await assert.rejects(
    c.admin.createWorkflowEvent({}),
    code(Code.InvalidArgument, /^Workflow event handler was called without event$/),
  )
})

test('executions reference only launch plans or tasks; bad tokens name ListExecutions', async () => {
  await assert.rejects(
    c.admin.createExecution({project: P, domain: D, spec: {launchPlan: fixtures.workflowId(P, D)}}),
    code(Code.InvalidArgument, /^Invalid reference entity resource type \[WORKFLOW\]/),
  )
  await assert.rejects(
    c.admin.listExecutions({id: {project: P, domain: D}, limit: 5, token: '-1'}),
    code(Code.InvalidArgument, /^invalid pagination token -1 for ListExecutions$/),
  )
})

test('list: execution_tag.key matches any of the tags of an execution', async () => {
  const tagged = await c.admin.createExecution({
    project: P,
    domain: D,
    spec: {launchPlan: lp, tags: ['nightly', 'gpu']},
  })
  await launch()
  const byTag = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 100,
    filters: 'eq(execution_tag.key,gpu)',
  })
  assert.deepEqual(
    byTag.executions.map((e) => e.id?.name),
    [tagged.id?.name],
  )
  const either = await c.admin.listExecutions({
    id: {project: P, domain: D},
    limit: 100,
    filters: 'value_in(execution_tag.key,nightly;weekly)',
  })
  assert.deepEqual(
    either.executions.map((e) => e.id?.name),
    [tagged.id?.name],
  )
})

test('dynamic parent nodes: children by parent and by task, the dynamic workflow, deck download link, domains', async () => {
  const id = await launch()
  const parent = {executionId: id, nodeId: 'n0'}
  const wf = await c.admin.getWorkflow({id: fixtures.workflowId(P, D)})
  // A deck file in the blob store, uploaded the way flytekit does.
  const loc = await c.dataProxy.createUploadLocation({
    project: P,
    domain: D,
    filename: 'deck.html',
    filenameRoot: 'decks',
  })
  assert.equal((await fetch(loc.signedUrl, {method: 'PUT', body: '<html>deck</html>'})).status, 200)
  await c.admin.createNodeEvent({
    event: {
      id: parent,
      phase: 9 /* DYNAMIC_RUNNING */,
      occurredAt: ts(Date.now()),
      isParent: true,
      isDynamic: true,
      deckUri: loc.nativeUrl,
      targetMetadata: {
        case: 'taskNodeMetadata',
        value: {
          dynamicWorkflow: {
            id: wf.id,
            compiledWorkflow: wf.closure?.compiledWorkflow,
            dynamicJobSpecUri: 'file:///x/futures.pb',
          },
        },
      },
    },
  })
  const taskExecId = {taskId: task, nodeExecutionId: parent, retryAttempt: 0}
  await c.admin.createTaskEvent({
    event: {taskId: task, parentNodeExecutionId: parent, phase: 2, occurredAt: ts(Date.now())},
  })
  await c.admin.createNodeEvent({
    event: {
      id: {executionId: id, nodeId: 'n0-0-dn0'},
      phase: 2,
      occurredAt: ts(Date.now()),
      parentNodeMetadata: {nodeId: 'n0'},
      parentTaskMetadata: {id: taskExecId},
    },
  })
  const top = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 10})
  assert.deepEqual(
    top.nodeExecutions.map((n) => n.id?.nodeId),
    ['n0'],
  )
  assert.equal(top.nodeExecutions[0]?.metadata?.isParentNode, true)
  const children = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 10, uniqueParentId: 'n0'})
  assert.deepEqual(
    children.nodeExecutions.map((n) => n.id?.nodeId),
    ['n0-0-dn0'],
  )
  const forTask = await c.admin.listNodeExecutionsForTask({taskExecutionId: taskExecId, limit: 10})
  assert.deepEqual(
    forTask.nodeExecutions.map((n) => n.id?.nodeId),
    ['n0-0-dn0'],
  )
  const dyn = await c.admin.getDynamicNodeWorkflow({id: parent})
  assert.deepEqual(
    dyn.compiledWorkflow?.primary?.template?.nodes.map((n) => n.id),
    ['start-node', 'n0', 'end-node'],
  )
  const data = await c.admin.getNodeExecutionData({id: parent})
  assert.equal(data.dynamicWorkflow?.dynamicJobSpecUri, 'file:///x/futures.pb')
  const link = await c.dataProxy.createDownloadLink({artifactType: 1, source: {case: 'nodeExecutionId', value: parent}})
  assert.equal(await (await fetch(link.signedUrl[0]!)).text(), '<html>deck</html>')
  await assert.rejects(c.admin.getDynamicNodeWorkflow({id: {executionId: id, nodeId: 'n0-0-dn0'}}), code(Code.NotFound))
  await assert.rejects(
    c.admin.listNodeExecutions({workflowExecutionId: id, limit: 10, uniqueParentId: 'nope'}),
    code(Code.NotFound, /missing entity of type node execution/),
  )
  const domains = await c.admin.getDomains({})
  assert.deepEqual(
    domains.domains.map((d) => d.name),
    ['development', 'staging', 'production'],
  )
})
