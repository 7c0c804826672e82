/**
 * The executor behind the real control plane over gRPC: register tasks, a workflow and a launch
 * plan, CreateExecution, and watch the execution reach its terminal phase with the records FlyteAdmin
 * would have (execution data, node executions, task executions with logs).
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {after, before, describe, it} from 'node:test'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {
  NodeExecution_Phase as NP,
  TaskExecution_Phase as TP,
  WorkflowExecution_Phase as WP,
} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import type {TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {bind, int, intOf, promise} from '../../unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode} from './workflows.js'

const P = 'flytesnacks'
const D = 'development'

describe('local executor behind the control plane', () => {
  let plane: TestControlPlane
  let c: AdminClients
  const executor = new LocalExecutor({log: () => {}})

  before(async () => {
    plane = await startControlPlane({executor})
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await c.admin.registerProject({project: {id: P, name: P}})
  })
  after(async () => {
    c.close()
    await plane.stop()
  })

  async function register(name: string, tasks: TaskTemplate[], wf: ReturnType<typeof closure>): Promise<Identifier> {
    for (const t of tasks) {
      await c.admin.createTask({id: t.id, spec: {template: t}}).catch((e: Error) => {
        if (!/already exists/i.test(e.message)) throw e
      })
    }
    const wfId = ident(ResourceType.WORKFLOW, name)
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    const lpId = ident(ResourceType.LAUNCH_PLAN, name)
    await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
    return lpId
  }

  async function waitTerminal(id: {project: string; domain: string; name: string}) {
    const deadline = Date.now() + 20_000
    for (;;) {
      const ex = await c.admin.getExecution({id})
      const phase = ex.closure?.phase ?? WP.UNDEFINED
      if ([WP.SUCCEEDED, WP.FAILED, WP.ABORTED, WP.TIMED_OUT].includes(phase)) return ex
      if (Date.now() > deadline) throw new Error(`execution still ${WP[phase]}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  it('runs a two-task workflow launched through CreateExecution to SUCCEEDED with outputs', async () => {
    const add = nodeTask('plane.add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
    const double = nodeTask('plane.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const wf = closure(
      'plane.pipeline',
      [
        taskNode('n0', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))]),
        taskNode('n1', double, [bind('x', promise('n0', 'o0'))]),
      ],
      [bind('result', promise('n1', 'o0'))],
      [add, double],
      {inputs: ['a', 'b'], outputs: ['result']},
    )
    const lp = await register('plane.pipeline', [add, double], wf)
    const {id} = await c.admin.createExecution({
      project: P,
      domain: D,
      spec: {launchPlan: lp},
      inputs: {literals: {a: int(2), b: int(5)}},
    })
    const ex = await waitTerminal(id!)
    assert.equal(WP[ex.closure!.phase], 'SUCCEEDED', JSON.stringify(ex.closure?.outputResult))
    assert.ok(ex.closure?.startedAt && ex.closure.duration, 'started and duration recorded')
    const data = await c.admin.getExecutionData({id})
    assert.equal(intOf(data.fullOutputs?.literals.result), 14n)

    const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 100})
    const byId = new Map(nodes.nodeExecutions.map((n) => [n.id?.nodeId, n]))
    for (const n of ['n0', 'n1']) assert.equal(NP[byId.get(n)!.closure!.phase], 'SUCCEEDED', n)
    const n1Data = await c.admin.getNodeExecutionData({id: byId.get('n1')!.id})
    assert.equal(intOf(n1Data.fullInputs?.literals.x), 7n)
    assert.equal(intOf(n1Data.fullOutputs?.literals.o0), 14n)

    const tasks = await c.admin.listTaskExecutions({nodeExecutionId: byId.get('n0')!.id, limit: 10})
    assert.equal(tasks.taskExecutions.length, 1)
    const t = tasks.taskExecutions[0]!
    assert.equal(TP[t.closure!.phase], 'SUCCEEDED')
    const log = t.closure!.logs[0]!
    assert.match(readFileSync(fileURLToPath(log.uri), 'utf8'), /task add attempt 0 in /)
  })

  it('fails after retries+1 attempts, each a task execution, with the last error', async () => {
    const flaky = nodeTask('plane.flaky', 'flaky', {inputs: ['succeed_on'], outputs: ['o0'], retries: 1})
    const wf = closure(
      'plane.retry',
      [taskNode('n0', flaky, [bind('succeed_on', promise('start-node', 'k'))])],
      [],
      [flaky],
      {
        inputs: ['k'],
      },
    )
    const lp = await register('plane.retry', [flaky], wf)
    const {id} = await c.admin.createExecution({
      project: P,
      domain: D,
      spec: {launchPlan: lp},
      inputs: {literals: {k: int(9)}},
    })
    const ex = await waitTerminal(id!)
    assert.equal(WP[ex.closure!.phase], 'FAILED')
    assert.equal(ex.closure?.outputResult.case, 'error')
    assert.match(
      ex.closure?.outputResult.case === 'error' ? ex.closure.outputResult.value.message : '',
      /\[2\/2\] .*exited with code 3/,
    )
    const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 100})
    const n0 = nodes.nodeExecutions.find((n) => n.id?.nodeId === 'n0')!
    assert.equal(NP[n0.closure!.phase], 'FAILED')
    const tasks = await c.admin.listTaskExecutions({nodeExecutionId: n0.id, limit: 10})
    assert.deepEqual(tasks.taskExecutions.map((t) => [t.id?.retryAttempt, TP[t.closure!.phase]]).sort(), [
      [0, 'RETRYABLE_FAILED'],
      [1, 'FAILED'],
    ])
  })

  it('terminate stops a running execution: ABORTED with the cause, the task process killed', async () => {
    const sleepy = nodeTask('plane.sleepy', 'sleep')
    const wf = closure('plane.sleepy', [taskNode('n0', sleepy, [])], [], [sleepy])
    const lp = await register('plane.sleepy', [sleepy], wf)
    const {id} = await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}})
    const deadline = Date.now() + 10_000
    for (;;) {
      const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 100})
      if (nodes.nodeExecutions.some((n) => n.id?.nodeId === 'n0' && n.closure?.phase === NP.RUNNING)) break
      if (Date.now() > deadline) throw new Error('n0 never ran')
      await new Promise((r) => setTimeout(r, 50))
    }
    const t0 = Date.now()
    await c.admin.terminateExecution({id, cause: 'changed my mind'})
    assert.ok(Date.now() - t0 < 5000, 'terminate returns once the task is stopped, not after 30 s')
    const ex = await c.admin.getExecution({id})
    assert.equal(WP[ex.closure!.phase], 'ABORTED')
    assert.equal(
      ex.closure?.outputResult.case === 'abortMetadata' ? ex.closure.outputResult.value.cause : '',
      'changed my mind',
    )
    const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 100})
    assert.equal(NP[nodes.nodeExecutions.find((n) => n.id?.nodeId === 'n0')!.closure!.phase], 'ABORTED')
  })
})
