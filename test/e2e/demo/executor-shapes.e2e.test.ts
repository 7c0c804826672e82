/**
 * The built CLI against a plane whose executor runs gates, launch-plan nodes and dynamic workflows
 * (tasks are the node fixture of the executor tests): `get signal` / `update signal` answer gates,
 * `get execution --filter.fieldSelector parent_execution=…` lists child executions, `--details`
 * shows a dynamic node's children, and `demo start` checks `--max-tasks`.
 */
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {createAdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {childExecutionName} from '../../../src/controlplane/executor/ids.js'
import {scheduledExecutionName} from '../../../src/controlplane/scheduler.js'
import {FixedRateUnit} from '../../../src/gen/flyteidl/admin/schedule_pb.js'
import {WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {LiteralTypeSchema, SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import type {TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {GateNodeSchema, NodeSchema, WorkflowNodeSchema} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {planeSession} from '../../support/cli-session.js'
import {startControlPlane} from '../../support/controlplane.js'
import {runCli, tempHome} from '../../support/cli.js'
import {bind, int, promise} from '../../unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode} from '../../integration/executor/workflows.js'
import {freePort} from '../../support/net.js'

const P = ['-p', 'flytesnacks', '-d', 'development']

async function planeWithExecutor() {
  const plane = await startControlPlane({executor: new LocalExecutor({log: () => {}})})
  const clients = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await clients.admin.registerProject({project: {id: 'flytesnacks', name: 'flytesnacks'}})
  return {
    plane,
    clients,
    async stop() {
      clients.close()
      await plane.stop()
    },
  }
}

const session = planeSession(planeWithExecutor, (s) => s.plane.configPath)
const cli = (...args: string[]) => session.cli(...args)
const admin = () => session.server.clients.admin

async function register(name: string, tasks: TaskTemplate[], wf: ReturnType<typeof closure>): Promise<Identifier> {
  for (const t of tasks) {
    await admin()
      .createTask({id: t.id, spec: {template: t}})
      .catch((e: Error) => {
        if (!/already exists/i.test(e.message)) throw e
      })
  }
  const wfId = ident(ResourceType.WORKFLOW, name)
  await admin().createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
  const lpId = ident(ResourceType.LAUNCH_PLAN, name)
  await admin().createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
  return lpId
}

async function launch(lp: Identifier, x: number): Promise<string> {
  const {id} = await admin().createExecution({
    project: 'flytesnacks',
    domain: 'development',
    spec: {launchPlan: lp},
    inputs: {literals: {x: int(x)}},
  })
  return id!.name
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function phaseOf(name: string): Promise<string> {
  const r = await cli('get', 'execution', ...P, name, '-o', 'json')
  assert.equal(r.code, 0, r.stderr)
  return (JSON.parse(r.stdout) as {closure: {phase: string}}).closure.phase
}

const terminal = (name: string) =>
  until(`${name} to end`, async () => {
    const p = await phaseOf(name)
    return ['SUCCEEDED', 'FAILED', 'ABORTED'].includes(p) ? p : undefined
  })

describe('executor shapes through the CLI', () => {
  it('get signal lists a waiting approval; update signal rejects bad values and approves it', async () => {
    const double = nodeTask('e2e.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const gate = create(NodeSchema, {
      id: 'n1',
      inputs: [bind('o0', promise('n0', 'o0'))],
      target: {
        case: 'gateNode',
        value: create(GateNodeSchema, {condition: {case: 'approve', value: {signalId: 'review'}}}),
      },
    })
    const input = create(NodeSchema, {
      id: 'n2',
      target: {
        case: 'gateNode',
        value: create(GateNodeSchema, {
          condition: {
            case: 'signal',
            value: {
              signalId: 'bonus',
              outputVariableName: 'o0',
              type: create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.INTEGER}}),
            },
          },
        }),
      },
    })
    const wf = closure(
      'e2e.gates',
      [taskNode('n0', double, [bind('x', promise('start-node', 'x'))]), gate, input],
      [bind('y', promise('n1', 'o0')), bind('z', promise('n2', 'o0'))],
      [double],
      {inputs: ['x'], outputs: ['y', 'z']},
    )
    const name = await launch(await register('e2e.gates', [double], wf), 4)
    const table = await until('both signals', async () => {
      const r = await cli('get', 'signal', ...P, '--execution', name)
      return r.code === 0 && /review/.test(r.stdout) && /bonus/.test(r.stdout) ? r.stdout : undefined
    })
    assert.match(table, /SIGNAL ID.*TYPE.*VALUE/)
    assert.match(table, /\| review +\| boolean +\| \(waiting\) +\|/)
    assert.match(table, /\| bonus +\| integer +\| \(waiting\) +\|/)

    const wrong = await cli('update', 'signal', ...P, '--execution', name, '--id', 'bonus', '--approve')
    assert.equal(wrong.code, 2)
    assert.match(wrong.stderr, /signal bonus takes a integer, not an approval/)
    const notInt = await cli('update', 'signal', ...P, '--execution', name, '--id', 'bonus', '--value', 'lots')
    assert.equal(notInt.code, 2)
    const missing = await cli('update', 'signal', ...P, '--execution', name, '--id', 'nope', '--value', '1')
    assert.equal(missing.code, 4)
    assert.match(missing.stderr, /execution .* has no signal nope/)
    const both = await cli('update', 'signal', ...P, '--execution', name, '--id', 'review', '--approve', '--reject')
    assert.equal(both.code, 2)
    assert.equal(await phaseOf(name), 'RUNNING', 'nothing was set by the refused updates')

    const ok = await cli('update', 'signal', ...P, '--execution', name, '--id', 'review', '--approve')
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, new RegExp(`set signal review of execution ${name} to true`))
    assert.equal((await cli('update', 'signal', ...P, '--execution', name, '--id', 'bonus', '--value', '5')).code, 0)
    assert.equal(await terminal(name), 'SUCCEEDED')
    const json = await cli('get', 'signal', ...P, '--execution', name, 'bonus', '-o', 'json')
    assert.equal(json.code, 0, json.stderr)
    type SignalRow = {id: {signalId: string}; valueText: string}
    const parsed = JSON.parse(json.stdout) as SignalRow | SignalRow[]
    const row = Array.isArray(parsed) ? parsed[0] : parsed
    assert.deepEqual([row?.id.signalId, row?.valueText], ['bonus', '5'])

    const details = await cli('get', 'execution', ...P, name, '--details', '-o', 'json')
    const end = (JSON.parse(details.stdout) as Array<{node_exec: {id: {nodeId: string}}; outputs?: unknown}>).find(
      (n) => n.node_exec.id.nodeId === 'end-node',
    )
    assert.deepEqual(end?.outputs, {y: 8, z: 5})
  })

  it('lists the child execution of a launch-plan node by parent_execution; --details shows dynamic children', async () => {
    const double = nodeTask('e2e.lp.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const child = await register(
      'e2e.lp.child',
      [double],
      closure(
        'e2e.lp.child',
        [taskNode('n0', double, [bind('x', promise('start-node', 'x'))])],
        [bind('o0', promise('n0', 'o0'))],
        [double],
        {
          inputs: ['x'],
          outputs: ['o0'],
        },
      ),
    )
    const lpNode = create(NodeSchema, {
      id: 'n0',
      inputs: [bind('x', promise('start-node', 'x'))],
      target: {
        case: 'workflowNode',
        value: create(WorkflowNodeSchema, {reference: {case: 'launchplanRef', value: child}}),
      },
    })
    const fanout = nodeTask('e2e.fanout', 'fanout', {inputs: ['n', 'x'], outputs: ['o0']})
    const dyn = taskNode('n1', fanout, [bind('n', promise('n0', 'o0')), bind('x', promise('start-node', 'x'))])
    const wf = closure('e2e.lp.parent', [lpNode, dyn], [bind('y', promise('n1', 'o0'))], [fanout], {
      inputs: ['x'],
      outputs: ['y'],
    })
    const name = await launch(await register('e2e.lp.parent', [fanout], wf), 1)
    assert.equal(await terminal(name), 'SUCCEEDED')
    const listed = await cli(
      'get',
      'execution',
      ...P,
      '--filter.fieldSelector',
      `parent_execution=${name}`,
      '-o',
      'json',
    )
    assert.equal(listed.code, 0, listed.stderr)
    const rows = JSON.parse(listed.stdout) as {id: {name: string}; spec: {metadata: {mode: string}}}
    assert.equal(rows.id.name, childExecutionName(name, 'n0', 0))
    assert.equal(rows.spec.metadata.mode, 'CHILD_WORKFLOW')

    // n0's child doubled 1 → 2, so the dynamic node n1 chained two doublings of 1.
    const details = JSON.parse((await cli('get', 'execution', ...P, name, '--details', '-o', 'json')).stdout) as Array<{
      node_exec: {id: {nodeId: string}}
      outputs?: Record<string, unknown>
      child_nodes?: Array<{node_exec: {id: {nodeId: string}}}>
    }>
    assert.deepEqual(details.find((n) => n.node_exec.id.nodeId === 'end-node')?.outputs, {y: 4})
    const kids = details.find((n) => n.node_exec.id.nodeId === 'n1')?.child_nodes?.map((c) => c.node_exec.id.nodeId)
    assert.deepEqual(
      kids?.filter((k) => /-dn\d$/.test(k)),
      ['n1-0-dn0', 'n1-0-dn1'],
    )
  })

  it('demo start refuses a --max-tasks below 1, a webhook that is not http(s) and a bad --retain before starting anything', async () => {
    const h = tempHome()
    try {
      const r = await runCli(['demo', 'start', '--max-tasks', '0', '--port', '1'], {env: {HOME: h.home}})
      assert.equal(r.code, 2)
      assert.match(r.stderr, /max-tasks/)
      const hook = await runCli(['demo', 'start', '--notify-webhook', 'ftp://x', '--port', '1'], {env: {HOME: h.home}})
      assert.equal(hook.code, 2)
      assert.match(hook.stderr, /--notify-webhook ftp:\/\/x is not an http\(s\) URL/)
      for (const bad of ['0s', '30', '1.5d', '2y']) {
        const retain = await runCli(['demo', 'start', '--retain', bad, '--port', '1'], {env: {HOME: h.home}})
        assert.equal(retain.code, 2, bad)
        assert.match(
          retain.stderr,
          new RegExp(`^Error: invalid --retain "${bad.replace('.', '\\.')}": give a whole number`),
          bad,
        )
      }
      assert.ok(!existsSync(join(h.home, '.flyte', 'demo')), 'nothing started, no data directory')
    } finally {
      h.cleanup()
    }
  })
})

describe('schedules of a running demo plane', () => {
  it('fire a fixed-rate launch plan while active (SCHEDULED, flytescheduler names), show the next run, and stop once deactivated', async () => {
    const h = tempHome()
    const port = await freePort()
    // A "minute" of 300 ms: a one-minute fixed rate fires about three times a second.
    const env = {HOME: h.home, FLYTECTL_DEMO_SCHEDULE_MINUTE_MS: '300'}
    const started = await runCli(['demo', 'start', '--port', String(port)], {env})
    assert.equal(started.code, 0, started.stderr)
    const config = ['--config', `${h.home}/.flyte/config-sandbox.yaml`]
    const clients = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
    try {
      const nap = nodeTask('e2e.tick', 'nap')
      await clients.admin.createTask({id: nap.id, spec: {template: nap}})
      const wfId = ident(ResourceType.WORKFLOW, 'e2e.tick')
      const wf = closure('e2e.tick', [taskNode('n0', nap, [])], [], [nap])
      await clients.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
      const lpId = ident(ResourceType.LAUNCH_PLAN, 'e2e.tick')
      await clients.admin.createLaunchPlan({
        id: lpId,
        spec: {
          workflowId: wfId,
          entityMetadata: {
            schedule: {ScheduleExpression: {case: 'rate', value: {value: 1, unit: FixedRateUnit.MINUTE}}},
          },
        },
      })
      const scheduled = async () => {
        const r = await runCli(
          ['get', 'execution', ...P, '--filter.fieldSelector', 'mode=SCHEDULED', '-o', 'json', ...config],
          {env},
        )
        assert.equal(r.code, 0, r.stderr)
        const rows = JSON.parse(r.stdout || '[]') as Row | Row[]
        return Array.isArray(rows) ? rows : [rows]
      }
      type Row = {id: {name: string}; spec: {launchPlan: {name: string}; metadata: {mode: string; scheduledAt: string}}}
      assert.deepEqual(await scheduled(), [], 'an inactive launch plan does not fire')

      const on = await runCli(
        ['update', 'launchplan', ...P, 'e2e.tick', '--version', 'v1', '--activate', '--force', ...config],
        {env},
      )
      assert.equal(on.code, 0, on.stderr)
      const fired = await until('two scheduled executions', async () => {
        const rows = await scheduled()
        return rows.length >= 2 ? rows : undefined
      })
      for (const row of fired) {
        assert.equal(row.spec.metadata.mode, 'SCHEDULED')
        assert.equal(row.spec.launchPlan.name, 'e2e.tick')
        assert.equal(row.id.name, scheduledExecutionName(lpId, new Date(row.spec.metadata.scheduledAt)))
      }

      // `get launchplan` shows the next run: a later time on the same 300 ms grid the plane fires on.
      const nextRun = async (name: string): Promise<string | undefined> => {
        const r = await runCli(['get', 'launchplan', ...P, name, ...config], {env})
        assert.equal(r.code, 0, r.stderr)
        assert.match(r.stdout, /NEXT RUN/)
        return /\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(r.stdout.split('\n').find((l) => l.includes(name)) ?? '')?.[0]
      }
      const asked = Date.now()
      const next = await nextRun('e2e.tick')
      assert.ok(next, 'an active fixed-rate launch plan has a next run')
      assert.ok(new Date(next).getTime() > asked - 300, `${next} is not before the command ran`)
      assert.equal((new Date(next).getTime() - new Date(fired[0]!.spec.metadata.scheduledAt).getTime()) % 300, 0)
      // A yearly cron schedule, active: its next run is next New Year's midnight in this machine's zone.
      const yearly = ident(ResourceType.LAUNCH_PLAN, 'e2e.yearly')
      await clients.admin.createLaunchPlan({
        id: yearly,
        spec: {
          workflowId: wfId,
          entityMetadata: {schedule: {ScheduleExpression: {case: 'cronSchedule', value: {schedule: '0 0 1 1 *'}}}},
        },
      })
      assert.equal(await nextRun('e2e.yearly'), undefined, 'an inactive launch plan has no next run')
      const yearlyOn = await runCli(
        ['update', 'launchplan', ...P, 'e2e.yearly', '--version', 'v1', '--activate', '--force', ...config],
        {env},
      )
      assert.equal(yearlyOn.code, 0, yearlyOn.stderr)
      assert.equal(
        new Date((await nextRun('e2e.yearly'))!).getTime(),
        new Date(new Date().getFullYear() + 1, 0, 1).getTime(),
      )

      const off = await runCli(
        ['update', 'launchplan', ...P, 'e2e.tick', '--version', 'v1', '--deactivate', '--force', ...config],
        {env},
      )
      assert.equal(off.code, 0, off.stderr)
      // Ticks come every 75 ms: after a few of them the count stays where it is.
      await new Promise((r) => setTimeout(r, 500))
      const before = (await scheduled()).length
      await new Promise((r) => setTimeout(r, 1000))
      assert.equal((await scheduled()).length, before, 'no fires after deactivation')
      assert.equal(await nextRun('e2e.tick'), undefined, 'no next run once deactivated')
    } finally {
      clients.close()
      await runCli(['demo', 'teardown', '--volume'], {env})
      h.cleanup()
    }
  })
})

describe('notifications and retention on a running demo plane', () => {
  it('writes the outbox message and POSTs it once; after --retain, get execution --details says the data expired', async () => {
    const h = tempHome()
    const port = await freePort()
    const env = {HOME: h.home}
    const hooked: string[] = []
    const hook = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += d.toString()))
      req.on('end', () => {
        hooked.push(body)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/flyte`
    const started = await runCli(
      ['demo', 'start', '--port', String(port), '--retain', '2s', '--notify-webhook', hookUrl],
      {env},
    )
    assert.equal(started.code, 0, started.stderr)
    const outbox = /^Notifications: (\S+) \(one JSON file per message\)$/m.exec(started.stdout)?.[1]
    assert.equal(outbox, join(h.home, '.flyte', 'demo', 'notifications', 'outbox'))
    const status = await runCli(['demo', 'status', '-o', 'json'], {env})
    assert.equal(status.code, 0, status.stderr)
    assert.equal((JSON.parse(status.stdout) as {retain: string}).retain, '2s')
    assert.match(
      started.stdout,
      /^Retention: the inputs, outputs and logs of an execution are deleted 2s after it ends; its rows stay\.$/m,
    )
    const config = ['--config', `${h.home}/.flyte/config-sandbox.yaml`]
    const clients = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
    try {
      const add = nodeTask('e2e.sum', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
      await clients.admin.createTask({id: add.id, spec: {template: add}})
      const wfId = ident(ResourceType.WORKFLOW, 'e2e.sum')
      const wf = closure(
        'e2e.sum',
        [taskNode('n0', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))])],
        [bind('o0', promise('n0', 'o0'))],
        [add],
        {inputs: ['a', 'b'], outputs: ['o0']},
      )
      await clients.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
      const lpId = ident(ResourceType.LAUNCH_PLAN, 'e2e.sum')
      await clients.admin.createLaunchPlan({
        id: lpId,
        spec: {
          workflowId: wfId,
          entityMetadata: {
            notifications: [
              {
                phases: [WorkflowExecution_Phase.SUCCEEDED],
                type: {case: 'email', value: {recipientsEmail: ['team@example.com']}},
              },
            ],
          },
        },
      })
      const {id} = await clients.admin.createExecution({
        project: 'flytesnacks',
        domain: 'development',
        spec: {launchPlan: lpId},
        inputs: {literals: {a: int(4), b: int(5)}},
      })
      const name = id!.name

      // The daemon wrote the message to the outbox it printed, and POSTed it to the webhook once.
      const file = await until('the outbox message', async () =>
        existsSync(outbox!) ? readdirSync(outbox!).find((f) => f.includes(name)) : undefined,
      )
      const msg = JSON.parse(readFileSync(join(outbox!, file), 'utf8')) as Record<string, unknown>
      assert.equal(msg.type, 'email')
      assert.deepEqual(msg.recipients_email, ['team@example.com'])
      assert.equal(msg.subject_line, `Notice: Execution "${name}" has succeeded in "development".`)
      const posted = await until('the webhook POST', async () =>
        hooked.find((b) => (JSON.parse(b) as {execution?: {name?: string}}).execution?.name === name),
      )
      assert.equal((JSON.parse(posted) as {subject_line: string}).subject_line, msg.subject_line)
      const details = (...more: string[]) =>
        runCli(['get', 'execution', ...P, name, '--details', ...more, ...config], {env})
      await until('the execution to succeed', async () => {
        const r = await runCli(['get', 'execution', ...P, name, '-o', 'json', ...config], {env})
        return r.code === 0 && /"phase": "SUCCEEDED"/.test(r.stdout) ? true : undefined
      })
      const expired = await until('the data to expire', async () => {
        const r = await details()
        return r.code === 0 && /expired/.test(r.stdout) ? r : undefined
      })
      assert.match(
        expired.stdout,
        new RegExp(
          `^  data of execution ${name} expired: its inputs, outputs and logs were deleted at \\S+, more than 2s after it ended \\(demo start --retain 2s\\)$`,
          'm',
        ),
      )
      assert.match(expired.stdout, /n0 \[SUCCEEDED\]/, 'the node tree is still there')
      const json = await details('-o', 'json')
      assert.equal(json.code, 0, json.stderr)
      const nodes = JSON.parse(json.stdout) as Array<{
        node_exec: {id: {nodeId: string}}
        outputs?: unknown
        data_expired?: string
      }>
      const n0 = nodes.find((n) => n.node_exec.id.nodeId === 'n0')!
      assert.equal(n0.outputs, undefined)
      assert.match(n0.data_expired!, new RegExp(`^data of execution ${name} expired: `))
      assert.ok(!existsSync(join(h.home, '.flyte', 'demo', 'logs', 'flytesnacks', 'development', name)), 'logs deleted')
      const row = await runCli(['get', 'execution', ...P, name, '-o', 'json', ...config], {env})
      assert.equal(row.code, 0, row.stderr)
      assert.equal((JSON.parse(row.stdout) as {closure: {phase: string}}).closure.phase, 'SUCCEEDED', 'the row stays')
      assert.ok(existsSync(join(outbox!, file)), 'retention leaves the outbox alone')
      assert.equal(hooked.filter((b) => b.includes(name)).length, 1, 'POSTed once')
    } finally {
      hook.close()
      clients.close()
      await runCli(['demo', 'teardown', '--volume'], {env})
      h.cleanup()
    }
  })
})
