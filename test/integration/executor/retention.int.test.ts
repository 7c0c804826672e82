/**
 * Retention (`demo start --retain`) on a real plane with the local executor: a sweep on the plane's
 * clock deletes the data of executions that ended before the limit (blobs, raw outputs, logs, working
 * directories, cache entries pointing into them), keeps every row, leaves running and recent
 * executions alone, and the data calls and `get execution --details` say that the data expired.
 */
import assert from 'node:assert/strict'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {executionDetails, renderTree} from '../../../src/cluster/execution-details.js'
import {detailsJson} from '../../../src/cluster/execution-details-json.js'
import type {PlaneContext} from '../../../src/controlplane/context.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {Retention} from '../../../src/controlplane/retention.js'
import {WorkflowExecution_Phase as WP} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {VariableMapSchema, VariableSchema} from '../../../src/gen/flyteidl/core/interface_pb.js'
import type {TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {BlobType_BlobDimensionality, LiteralTypeSchema} from '../../../src/gen/flyteidl/core/types_pb.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {bind, int, promise} from '../../unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode, TASK_SCRIPT} from './workflows.js'

const P = 'flytesnacks'
const D = 'development'
const MINUTE = 60_000

describe('retention of execution data', () => {
  let plane: TestControlPlane
  let c: AdminClients
  let ctx: PlaneContext
  let clock = new Date()
  const executor = new LocalExecutor({log: () => {}})
  const lines: string[] = []

  before(async () => {
    plane = await startControlPlane({
      executor,
      background: [
        (planeCtx) => {
          ctx = planeCtx
          // Not started: the test sweeps by hand on its own clock.
          return {stop: async () => {}}
        },
      ],
    })
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await c.admin.registerProject({project: {id: P, name: P}})
  })
  after(async () => {
    c.close()
    await plane.stop()
  })

  const retention = () =>
    new Retention(ctx, {retainMs: 30 * MINUTE, retainText: '30m', now: () => clock, log: (l) => lines.push(l)})

  async function register(name: string, tasks: TaskTemplate[], wf: ReturnType<typeof closure>): Promise<Identifier> {
    for (const t of tasks) await c.admin.createTask({id: t.id, spec: {template: t}})
    const wfId = ident(ResourceType.WORKFLOW, name)
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    const lpId = ident(ResourceType.LAUNCH_PLAN, name)
    await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
    return lpId
  }

  async function waitPhase(id: {project: string; domain: string; name: string}, want: (p: WP) => boolean) {
    const deadline = Date.now() + 20_000
    for (;;) {
      const ex = await c.admin.getExecution({id})
      const phase = ex.closure?.phase ?? WP.UNDEFINED
      if (want(phase)) return ex
      if (Date.now() > deadline) throw new Error(`execution still ${WP[phase]}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  const dirsOf = (name: string) => [
    join(plane.dataDir, 'blobs', 'metadata', P, D, name),
    join(plane.dataDir, 'blobs', 'raw', P, D, name),
    join(plane.dataDir, 'logs', P, D, name),
  ]
  const cacheEntries = () => {
    const root = join(plane.dataDir, 'blobs', 'catalog')
    return existsSync(root) ? readdirSync(root).flatMap((shard) => readdirSync(join(root, shard))) : []
  }
  const expiredError = async (call: Promise<unknown>) => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(err instanceof ConnectError, `expected an error, got ${String(err)}`)
    assert.equal(err.code, Code.FailedPrecondition)
    return err.rawMessage
  }

  it('deletes the data of ended executions past the limit, keeps their rows, and says so', async () => {
    // A cached task that returns a file from its raw output prefix, and a cached sum of integers.
    const file = nodeTask('ret.file', 'raw-file', {
      outputs: [],
      cacheVersion: '1',
      command: [
        process.execPath,
        TASK_SCRIPT,
        'raw-file',
        '{{.input}}',
        '{{.outputPrefix}}',
        '{{.rawOutputDataPrefix}}',
      ],
    })
    file.interface!.outputs = create(VariableMapSchema, {
      variables: {
        f: create(VariableSchema, {
          type: create(LiteralTypeSchema, {
            type: {case: 'blob', value: {format: '', dimensionality: BlobType_BlobDimensionality.SINGLE}},
          }),
        }),
      },
    })
    const add = nodeTask('ret.add', 'add', {inputs: ['a', 'b'], outputs: ['o0'], cacheVersion: '1'})
    const wf = closure(
      'ret.pipeline',
      [
        taskNode('n0', file, []),
        taskNode('n1', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))]),
      ],
      [bind('sum', promise('n1', 'o0'))],
      [file, add],
      {inputs: ['a', 'b'], outputs: ['sum']},
    )
    const lp = await register('ret.pipeline', [file, add], wf)
    const old = (
      await c.admin.createExecution({
        project: P,
        domain: D,
        spec: {launchPlan: lp},
        inputs: {literals: {a: int(2), b: int(3)}},
      })
    ).id!
    const done = await waitPhase(old, (p) => p === WP.SUCCEEDED || p === WP.FAILED)
    assert.equal(WP[done.closure!.phase], 'SUCCEEDED', JSON.stringify(done.closure?.outputResult))
    for (const dir of dirsOf(old.name)) assert.ok(existsSync(dir), `${dir} exists before the sweep`)
    assert.equal(cacheEntries().length, 2, 'both tasks cached')

    // A running execution, started before the clock moves on.
    const sleep = nodeTask('ret.sleep', 'sleep')
    const sleepLp = await register(
      'ret.sleeper',
      [sleep],
      closure('ret.sleeper', [taskNode('n0', sleep, [])], [], [sleep]),
    )
    const running = (await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: sleepLp}})).id!
    await waitPhase(running, (p) => p === WP.RUNNING)

    // Within the limit: nothing happens.
    clock = new Date(Date.now() + 29 * MINUTE)
    assert.deepEqual(await retention().sweep(), {expired: [], cacheEntries: 0})
    assert.deepEqual((await c.admin.getExecutionData({id: old})).fullOutputs?.literals.sum, int(5))

    // Past it: the ended execution's data goes, the running one's stays.
    clock = new Date(Date.now() + 31 * MINUTE)
    const swept = await retention().sweep()
    assert.deepEqual(swept, {expired: [`${P}/${D}/${old.name}`], cacheEntries: 1})
    assert.match(lines.join('\n'), /deleted the data of 1 execution\(s\) older than 30m, and 1 cache entry/)
    for (const dir of dirsOf(old.name)) assert.ok(!existsSync(dir), `${dir} is deleted`)
    assert.ok(!existsSync(join(plane.dataDir, 'work', P, D, old.name)), 'working directories deleted')
    assert.ok(existsSync(join(plane.dataDir, 'blobs', 'metadata', P, D, running.name)), 'running data kept')
    assert.equal(cacheEntries().length, 1, 'the entry pointing at the deleted file is dropped; the integer one stays')
    assert.equal(WP[(await c.admin.getExecution({id: running})).closure!.phase], 'RUNNING')

    // Rows stay: the execution, its nodes and their attempts.
    const kept = await c.admin.getExecution({id: old})
    assert.equal(WP[kept.closure!.phase], 'SUCCEEDED')
    const nodes = (await c.admin.listNodeExecutions({workflowExecutionId: old, limit: 100})).nodeExecutions
    const n1 = nodes.find((n) => n.id?.nodeId === 'n1')!
    assert.ok(n1, 'node rows kept')
    const attempts = (await c.admin.listTaskExecutions({nodeExecutionId: n1.id!, limit: 10})).taskExecutions
    assert.equal(attempts.length, 1, 'task attempt rows kept')

    // The data calls answer with the note instead of empty data.
    const note = await expiredError(c.admin.getExecutionData({id: old}))
    assert.match(
      note,
      new RegExp(
        `^data of execution ${old.name} expired: its inputs, outputs and logs were deleted at ${clock.toISOString().replace(/[.]/g, '\\.')}, more than 30m after it ended \\(demo start --retain 30m\\)$`,
      ),
    )
    assert.equal(await expiredError(c.admin.getNodeExecutionData({id: n1.id})), note)
    assert.equal(await expiredError(c.admin.getTaskExecutionData({id: attempts[0]!.id})), note)

    // `get execution --details` shows the tree and the note, not a failure.
    const details = await executionDetails(c.admin, old)
    assert.ok(details.some((n) => n.nodeExec.id?.nodeId === 'n1'))
    assert.match(renderTree(kept, details), new RegExp(`^  data of execution ${old.name} expired: `, 'm'))
    const json = detailsJson(details)
    assert.equal(json.find((n) => (n.node_exec as {id: {nodeId: string}}).id.nodeId === 'n1')?.data_expired, note)

    // Sweeping again changes nothing; the execution can still be relaunched from its kept inputs.
    assert.deepEqual(await retention().sweep(), {expired: [], cacheEntries: 0})
    const again = (await c.admin.relaunchExecution({id: old, name: ''})).id!
    const relaunched = await waitPhase(again, (p) => p === WP.SUCCEEDED || p === WP.FAILED)
    assert.equal(WP[relaunched.closure!.phase], 'SUCCEEDED')
    assert.deepEqual((await c.admin.getExecutionData({id: again})).fullOutputs?.literals.sum, int(5))

    await c.admin.terminateExecution({id: running, cause: 'test over'})
  })
})
