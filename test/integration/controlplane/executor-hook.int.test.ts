/**
 * The executor hook: CreateExecution hands the job to the executor; the sink records its events as the
 * event RPCs do; terminate reaches the executor; a restart fails executions left running.
 * The executor here is a small recording implementation of the interface, driving the real sink.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, test} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {createAdminClients} from '../../../src/admin/client.js'
import type {ExecutionJob, ExecutionSink, Executor} from '../../../src/controlplane/executor/types.js'
import {startServer} from '../../../src/controlplane/server.js'
import {WorkflowExecutionEventSchema, NodeExecutionEventSchema} from '../../../src/gen/flyteidl/event/event_pb.js'
import type {WorkflowExecutionIdentifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {fixtures, registerHello} from '../../support/controlplane.js'

class RecordingExecutor implements Executor {
  jobs: {job: ExecutionJob; sink: ExecutionSink}[] = []
  terminated: {id: WorkflowExecutionIdentifier; cause: string}[] = []
  closed = 0
  failNextStart = false
  start(job: ExecutionJob, sink: ExecutionSink): void {
    if (this.failNextStart) {
      this.failNextStart = false
      throw new Error('no slots left')
    }
    this.jobs.push({job, sink})
  }
  async terminate(id: WorkflowExecutionIdentifier, cause: string): Promise<void> {
    this.terminated.push({id, cause})
  }
  async close(): Promise<void> {
    this.closed++
  }
}

const root = mkdtempSync(join(tmpdir(), 'flytectl-hook-'))
after(() => rmSync(root, {recursive: true, force: true}))

const now = () => {
  const ms = Date.now()
  return {seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6}
}

test('job, sink, terminate, start failure and restart recovery', async () => {
  const dataDir = join(root, 'data')
  const executor = new RecordingExecutor()
  let server = await startServer({port: 0, dataDir, executor})
  let c = createAdminClients({endpoint: server.url, insecure: true})
  await registerHello(c.admin, 'hook', 'development', {defaultName: 'world'})
  const lp = fixtures.launchPlanId('hook', 'development')

  const created = await c.admin.createExecution({project: 'hook', domain: 'development', spec: {launchPlan: lp}})
  assert.equal(executor.jobs.length, 1)
  const {job, sink} = executor.jobs[0]!
  assert.equal(job.execution.id?.name, created.id?.name)
  assert.equal(job.execution.closure?.phase, 1, 'stored QUEUED before the executor starts')
  assert.ok(job.inputs.literals['name'], 'defaults are merged into the inputs')
  assert.deepEqual(
    job.workflowClosure?.primary?.template?.nodes.map((n) => n.id),
    ['start-node', 'n0', 'end-node'],
  )
  assert.equal(job.task, undefined)
  assert.equal(job.dataDir, dataDir)
  assert.equal(job.blobRoot, join(dataDir, 'blobs'))

  const executionId = created.id!
  await sink.workflowEvent(create(WorkflowExecutionEventSchema, {executionId, phase: 2, occurredAt: now()}))
  await sink.nodeEvent(create(NodeExecutionEventSchema, {id: {executionId, nodeId: 'n0'}, phase: 2, occurredAt: now()}))
  // A duplicate phase is dropped by the sink instead of rejecting.
  await sink.workflowEvent(create(WorkflowExecutionEventSchema, {executionId, phase: 2, occurredAt: now()}))
  assert.equal((await c.admin.getExecution({id: executionId})).closure?.phase, 2)

  await c.admin.terminateExecution({id: executionId, cause: 'user asked'})
  assert.deepEqual(
    executor.terminated.map((t) => [t.id.name, t.cause]),
    [[executionId.name, 'user asked']],
  )
  // Late events after the terminal phase are dropped too.
  await sink.workflowEvent(create(WorkflowExecutionEventSchema, {executionId, phase: 4, occurredAt: now()}))
  assert.equal((await c.admin.getExecution({id: executionId})).closure?.phase, 7)

  executor.failNextStart = true
  const failed = await c.admin.createExecution({project: 'hook', domain: 'development', spec: {launchPlan: lp}})
  const failedEx = await c.admin.getExecution({id: failed.id})
  assert.equal(failedEx.closure?.phase, 6)
  assert.match(
    failedEx.closure?.outputResult.case === 'error' ? failedEx.closure.outputResult.value.message : '',
    /could not start this execution: no slots left/,
  )

  const running = await c.admin.createExecution({project: 'hook', domain: 'development', spec: {launchPlan: lp}})
  const runningSink = executor.jobs.at(-1)!.sink
  await runningSink.workflowEvent(
    create(WorkflowExecutionEventSchema, {executionId: running.id, phase: 2, occurredAt: now()}),
  )
  await runningSink.nodeEvent(
    create(NodeExecutionEventSchema, {id: {executionId: running.id, nodeId: 'n0'}, phase: 2, occurredAt: now()}),
  )
  c.close()
  await server.close()
  assert.equal(executor.closed, 1, 'closing the server closes the executor')

  server = await startServer({port: 0, dataDir, executor: new RecordingExecutor()})
  c = createAdminClients({endpoint: server.url, insecure: true})
  const after = await c.admin.getExecution({id: running.id})
  assert.equal(after.closure?.phase, 6 /* FAILED */)
  assert.match(
    after.closure?.outputResult.case === 'error' ? after.closure.outputResult.value.message : '',
    /restarted/,
  )
  const node = await c.admin.getNodeExecution({id: {executionId: running.id, nodeId: 'n0'}})
  assert.equal(node.closure?.phase, 6 /* ABORTED */)
  assert.equal((await c.admin.getExecution({id: executionId})).closure?.phase, 7, 'finished executions are untouched')
  c.close()
  await server.close()
})
