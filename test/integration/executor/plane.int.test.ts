/**
 * The executor behind the real control plane over gRPC: register tasks, a workflow and a launch
 * plan, CreateExecution, and watch the execution reach its terminal phase with the records FlyteAdmin
 * would have (execution data, node executions, task executions with logs).
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
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
import {create} from '@bufbuild/protobuf'
import {durationFromMs} from '@bufbuild/protobuf/wkt'
import {childExecutionName} from '../../../src/controlplane/executor/ids.js'
import {WebhookNotifier} from '../../../src/controlplane/notifications.js'
import {ExecutionMetadata_ExecutionMode} from '../../../src/gen/flyteidl/admin/execution_pb.js'
import {LiteralTypeSchema, SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {
  GateNodeSchema,
  NodeSchema,
  WorkflowMetadataSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowNodeSchema,
} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {bind, bool, int, intOf, promise} from '../../unit/executor/helpers.js'
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

  async function nodePhase(id: {project: string; domain: string; name: string}, nodeId: string, phase: NP) {
    const deadline = Date.now() + 20_000
    for (;;) {
      const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 100})
      if (nodes.nodeExecutions.some((n) => n.id?.nodeId === nodeId && n.closure?.phase === phase)) return
      if (Date.now() > deadline) throw new Error(`${nodeId} never reached ${NP[phase]}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  const errorOf = (ex: Awaited<ReturnType<typeof waitTerminal>>) =>
    ex.closure?.outputResult.case === 'error' ? ex.closure.outputResult.value : undefined

  function lpNode(id: string, lp: Identifier, inputs: ReturnType<typeof bind>[]) {
    return create(NodeSchema, {
      id,
      inputs,
      target: {
        case: 'workflowNode',
        value: create(WorkflowNodeSchema, {reference: {case: 'launchplanRef', value: lp}}),
      },
    })
  }

  function gateNode(
    id: string,
    condition: {case: 'approve' | 'signal'; value: Record<string, unknown>},
    inputs: ReturnType<typeof bind>[] = [],
    timeoutMs?: number,
  ) {
    return create(NodeSchema, {
      id,
      inputs,
      metadata: timeoutMs ? {timeout: durationFromMs(timeoutMs)} : {},
      target: {case: 'gateNode', value: create(GateNodeSchema, {condition: condition as never})},
    })
  }

  it('runs a launch-plan node as a child execution and takes its outputs', async () => {
    const double = nodeTask('plane.lp.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const childLp = await register(
      'plane.lp.child',
      [double],
      closure(
        'plane.lp.child',
        [taskNode('n0', double, [bind('x', promise('start-node', 'x'))])],
        [bind('o0', promise('n0', 'o0'))],
        [double],
        {
          inputs: ['x'],
          outputs: ['o0'],
        },
      ),
    )
    const parentWf = closure(
      'plane.lp.parent',
      [
        lpNode('n0', childLp, [bind('x', promise('start-node', 'x'))]),
        taskNode('n1', double, [bind('x', promise('n0', 'o0'))]),
      ],
      [bind('y', promise('n1', 'o0'))],
      [double],
      {inputs: ['x'], outputs: ['y']},
    )
    const lp = await register('plane.lp.parent', [double], parentWf)
    const {id} = await c.admin.createExecution({
      project: P,
      domain: D,
      spec: {launchPlan: lp},
      inputs: {literals: {x: int(3)}},
    })
    const ex = await waitTerminal(id!)
    assert.equal(WP[ex.closure!.phase], 'SUCCEEDED', errorOf(ex)?.message)
    assert.equal(intOf((await c.admin.getExecutionData({id})).fullOutputs?.literals.y), 12n)

    const n0 = await c.admin.getNodeExecution({id: {executionId: id, nodeId: 'n0'}})
    assert.equal(n0.closure?.targetMetadata.case, 'workflowNodeMetadata')
    const childId = n0.closure!.targetMetadata.value!.executionId!
    assert.equal(childId.name, childExecutionName(id!.name, 'n0', 0))
    assert.equal(n0.metadata?.isParentNode, false)
    const child = await c.admin.getExecution({id: childId})
    assert.equal(WP[child.closure!.phase], 'SUCCEEDED')
    assert.equal(child.spec?.metadata?.mode, ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW)
    assert.equal(child.spec?.metadata?.nesting, 1)
    assert.equal(child.spec?.metadata?.parentNodeExecution?.executionId?.name, id!.name)
    assert.equal(child.spec?.metadata?.parentNodeExecution?.nodeId, 'n0')
    const listed = await c.admin.listExecutions({
      id: {project: P, domain: D},
      limit: 10,
      filters: `eq(parent_execution,${id!.name})`,
    })
    assert.deepEqual(
      listed.executions.map((e) => e.id?.name),
      [childId.name],
    )
  })

  it('aborting the parent aborts a running child execution with the cascading cause', async () => {
    const sleepy = nodeTask('plane.lp.sleepy', 'sleep')
    const childLp = await register(
      'plane.lp.sleepy',
      [sleepy],
      closure('plane.lp.sleepy', [taskNode('n0', sleepy, [])], [], [sleepy]),
    )
    const lp = await register('plane.lp.outer', [], closure('plane.lp.outer', [lpNode('n0', childLp, [])], [], []))
    const {id} = await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}})
    await nodePhase(id!, 'n0', NP.RUNNING)
    const childId = {project: P, domain: D, name: childExecutionName(id!.name, 'n0', 0)}
    await nodePhase(childId, 'n0', NP.RUNNING)
    await c.admin.terminateExecution({id, cause: 'stop all'})
    const child = await waitTerminal(childId)
    assert.equal(WP[child.closure!.phase], 'ABORTED')
    assert.equal(
      child.closure?.outputResult.case === 'abortMetadata' ? child.closure.outputResult.value.cause : '',
      `cascading abort as parent execution id [${id!.name}] aborted, reason [Workflow aborted.]`,
    )
  })

  it('waits at approval and input gates until SignalService sets their signals', async () => {
    const double = nodeTask('plane.gate.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const wf = closure(
      'plane.gates',
      [
        taskNode('n0', double, [bind('x', promise('start-node', 'x'))]),
        gateNode('n1', {case: 'approve', value: {signalId: 'review'}}, [bind('o0', promise('n0', 'o0'))]),
        gateNode('n2', {case: 'signal', value: {signalId: 'extra', type: INT_TYPE, outputVariableName: 'o0'}}),
        taskNode('n3', add, [bind('a', promise('n1', 'o0')), bind('b', promise('n2', 'o0'))]),
      ],
      [bind('y', promise('n3', 'o0'))],
      [double, add],
      {inputs: ['x'], outputs: ['y']},
    )
    const lp = await register('plane.gates', [double, add], wf)
    const {id} = await c.admin.createExecution({
      project: P,
      domain: D,
      spec: {launchPlan: lp},
      inputs: {literals: {x: int(5)}},
    })
    await nodePhase(id!, 'n1', NP.RUNNING)
    await nodePhase(id!, 'n2', NP.RUNNING)
    const sig = (signalId: string) => ({signalId, executionId: id})
    await assert.rejects(
      c.signal.setSignal({id: sig('nope'), value: int(1)}),
      /failed to validate that signal \[nope\] exists/,
    )
    // Both gates created their signals, untyped values first.
    let listed = await c.signal.listSignals({workflowExecutionId: id, limit: 10})
    assert.deepEqual(listed.signals.map((s) => [s.id?.signalId, s.value === undefined]).sort(), [
      ['extra', true],
      ['review', true],
    ])
    await assert.rejects(c.signal.listSignals({workflowExecutionId: id, limit: 0}), /invalid value for limit/)
    await assert.rejects(
      c.signal.setSignal({id: sig('review'), value: int(1)}),
      /requested signal value \[integer:1\] is not castable to existing signal type \[simple:BOOLEAN\]/,
    )
    await c.signal.setSignal({id: sig('review'), value: bool(true)})
    await c.signal.setSignal({id: sig('extra'), value: int(7)})
    const ex = await waitTerminal(id!)
    assert.equal(WP[ex.closure!.phase], 'SUCCEEDED', errorOf(ex)?.message)
    assert.equal(intOf((await c.admin.getExecutionData({id})).fullOutputs?.literals.y), 17n)
    listed = await c.signal.listSignals({workflowExecutionId: id, limit: 10, filters: 'eq(signal_id,extra)'})
    assert.equal(intOf(listed.signals[0]?.value), 7n)
  })

  it('fails a rejected approval and a gate past its timeout', async () => {
    const wf = closure(
      'plane.gates.fail',
      [
        gateNode('n0', {case: 'approve', value: {signalId: 'ok'}}),
        gateNode('n1', {case: 'signal', value: {signalId: 'late', type: INT_TYPE, outputVariableName: 'o0'}}, [], 300),
      ],
      [],
      [],
      {},
    )
    wf.primary!.template!.metadata = create(WorkflowMetadataSchema, {
      onFailure: WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
    })
    const lp = await register('plane.gates.fail', [], wf)
    const {id} = await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}})
    await nodePhase(id!, 'n1', NP.FAILED)
    const n1 = await c.admin.getNodeExecution({id: {executionId: id, nodeId: 'n1'}})
    assert.equal(n1.closure?.outputResult.case === 'error' ? n1.closure.outputResult.value.code : '', 'TimeoutExpired')
    await c.signal.setSignal({id: {signalId: 'ok', executionId: id}, value: bool(false)})
    const ex = await waitTerminal(id!)
    assert.equal(WP[ex.closure!.phase], 'FAILED')
    const n0 = await c.admin.getNodeExecution({id: {executionId: id, nodeId: 'n0'}})
    assert.deepEqual(
      n0.closure?.outputResult.case === 'error'
        ? [n0.closure.outputResult.value.code, n0.closure.outputResult.value.message]
        : [],
      ['ReceivedRejectSignal', 'received a reject signal to disapprove the node input values'],
    )
  })

  it("runs at most max_parallelism of an execution's tasks at once", async () => {
    const nap = nodeTask('plane.nap', 'nap')
    const nodes = ['n0', 'n1', 'n2', 'n3'].map((n) => taskNode(n, nap, []))
    const lp = await register('plane.parallel', [nap], closure('plane.parallel', nodes, [], [nap]))
    const {id} = await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp, maxParallelism: 1}})
    const ex = await waitTerminal(id!)
    assert.equal(WP[ex.closure!.phase], 'SUCCEEDED', errorOf(ex)?.message)
    assert.equal(ex.spec?.maxParallelism, 1)
    const windows: Array<[number, number]> = []
    for (const n of ['n0', 'n1', 'n2', 'n3']) {
      const t = (await c.admin.listTaskExecutions({nodeExecutionId: {executionId: id, nodeId: n}, limit: 10}))
        .taskExecutions[0]!
      const start = timestampMs(t.closure!.startedAt!)
      windows.push([start, start + Number(t.closure!.duration!.seconds) * 1000 + t.closure!.duration!.nanos / 1e6])
    }
    // A task's recorded end comes a moment after its slot is freed (the SUCCEEDED event is written
    // after the process exits), so windows may touch; run in parallel, 700 ms naps would overlap by far more.
    windows.sort((a, b) => a[0] - b[0])
    for (let i = 1; i < windows.length; i++) {
      assert.ok(
        windows[i]![0] >= windows[i - 1]![1] - 100,
        `task ${i} started before the one before it ended: ${JSON.stringify(windows)}`,
      )
    }
  })

  it('writes a notification to the outbox when an execution reaches a phase it lists, and a webhook gets it once', async () => {
    const double = nodeTask('plane.notify.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const wf = closure(
      'plane.notify',
      [taskNode('n0', double, [bind('x', promise('start-node', 'x'))])],
      [],
      [double],
      {
        inputs: ['x'],
      },
    )
    await c.admin.createTask({id: double.id, spec: {template: double}})
    const wfId = ident(ResourceType.WORKFLOW, 'plane.notify')
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    const lp = ident(ResourceType.LAUNCH_PLAN, 'plane.notify')
    await c.admin.createLaunchPlan({
      id: lp,
      spec: {
        workflowId: wfId,
        entityMetadata: {
          notifications: [
            {phases: [WP.SUCCEEDED], type: {case: 'slack', value: {recipientsEmail: ['team@example.com']}}},
            {phases: [WP.FAILED], type: {case: 'email', value: {recipientsEmail: ['oncall@example.com']}}},
          ],
        },
      },
    })
    const {id} = await c.admin.createExecution({
      project: P,
      domain: D,
      spec: {launchPlan: lp},
      inputs: {literals: {x: int(2)}},
    })
    assert.equal(WP[(await waitTerminal(id!)).closure!.phase], 'SUCCEEDED')
    const outbox = join(plane.dataDir, 'notifications', 'outbox')
    const files = readdirSync(outbox).filter((f) => f.includes(id!.name))
    assert.equal(files.length, 1, 'only the SUCCEEDED notification fires')
    const msg = JSON.parse(readFileSync(join(outbox, files[0]!), 'utf8')) as Record<string, unknown>
    assert.deepEqual(msg.recipients_email, ['team@example.com'])
    assert.equal(msg.type, 'slack')
    assert.equal(msg.subject_line, `Notice: Execution "${id!.name}" has succeeded in "development".`)
    assert.match(
      String(msg.body),
      new RegExp(`/console/projects/flytesnacks/domains/development/executions/${id!.name}`),
    )

    const got: string[] = []
    const srv = createServer((req, res) => {
      let b = ''
      req.on('data', (d: Buffer) => (b += d.toString()))
      req.on('end', () => {
        got.push(b)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    try {
      const notifier = new WebhookNotifier(
        plane.dataDir,
        `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`,
      )
      assert.ok((await notifier.deliver()) >= 1)
      assert.ok(got.some((b) => (JSON.parse(b) as {execution: {name: string}}).execution.name === id!.name))
      assert.equal(await notifier.deliver(), 0, 'delivered messages are not sent again')
    } finally {
      srv.close()
    }
  })
})

const add = nodeTask('plane.gate.add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
const INT_TYPE = create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.INTEGER}})
const timestampMs = (t: {seconds: bigint; nanos: number}) => Number(t.seconds) * 1000 + t.nanos / 1e6
