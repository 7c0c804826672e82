/**
 * `flytectl get events` (the built CLI) against the embedded plane with its local executor: --follow
 * prints the events of a running execution as they are recorded and ends when the execution ends
 * (its end is the exit status); without --follow it prints what is recorded; against a server without
 * the event stream (a FlyteAdmin answers Unimplemented) it says so and polls.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, writeFileSync} from 'node:fs'
import {createServer, type Http2Server} from 'node:http2'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createClient, type ConnectRouter} from '@connectrpc/connect'
import {connectNodeAdapter, createGrpcTransport} from '@connectrpc/connect-node'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {WorkflowExecution_Phase as WP} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import type {TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {BIN, REPO_ROOT, runCli, tempHome} from '../../support/cli.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {bind, int, promise} from '../../unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode} from '../../integration/executor/workflows.js'

const P = 'flytesnacks'
const D = 'development'

interface Line {
  kind: string
  execution: string
  id: string
  phase: string
  replayed: boolean
  event: Record<string, unknown>
}

/** The CLI as a child process whose stdout lines can be awaited as they come. */
function follow(args: string[], home: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: {...process.env, NO_COLOR: '1', FLYTECTL_CONFIG: '', HOME: home},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Line[] = []
  let stderr = ''
  let buf = ''
  const waiters: Array<() => void> = []
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as Line)
      buf = buf.slice(i + 1)
    }
    for (const w of waiters.splice(0)) w()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number>((ok) => child.on('close', (code) => ok(code ?? -1)))
  return {
    lines,
    stderr: () => stderr,
    exited,
    /** Resolves with the first line matching, as soon as it is printed. */
    async until(pred: (l: Line) => boolean): Promise<Line> {
      for (;;) {
        const hit = lines.find(pred)
        if (hit) return hit
        const more = new Promise<void>((ok) => waiters.push(ok))
        const code = await Promise.race([more.then(() => undefined), exited])
        if (code !== undefined) {
          const last = lines.find(pred)
          if (last) return last
          throw new Error(`exited ${code} before the line came; stderr: ${stderr}`)
        }
      }
    },
  }
}

describe('get events', () => {
  let plane: TestControlPlane
  let c: AdminClients
  let lpSleep: Identifier
  let lpPipeline: Identifier
  const {home, cleanup} = tempHome()
  const executor = new LocalExecutor({log: () => {}})

  async function register(name: string, tasks: TaskTemplate[], wf: ReturnType<typeof closure>): Promise<Identifier> {
    for (const t of tasks) await c.admin.createTask({id: t.id, spec: {template: t}})
    const wfId = ident(ResourceType.WORKFLOW, name)
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    const lpId = ident(ResourceType.LAUNCH_PLAN, name)
    await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
    return lpId
  }

  before(async () => {
    plane = await startControlPlane({executor})
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await c.admin.registerProject({project: {id: P, name: P}})
    const sleep = nodeTask('events.sleep', 'sleep')
    lpSleep = await register(
      'events.sleeper',
      [sleep],
      closure('events.sleeper', [taskNode('n0', sleep, [])], [], [sleep]),
    )
    const add = nodeTask('events.add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
    const nap = nodeTask('events.nap', 'nap')
    lpPipeline = await register(
      'events.pipeline',
      [add, nap],
      closure(
        'events.pipeline',
        [
          taskNode('n0', nap, []),
          taskNode('n1', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))], ['n0']),
        ],
        [bind('result', promise('n1', 'o0'))],
        [add, nap],
        {inputs: ['a', 'b'], outputs: ['result']},
      ),
    )
  })
  after(async () => {
    c.close()
    await plane.stop()
    cleanup()
  })

  const launch = async (lp: Identifier, inputs = {}) =>
    (await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}, inputs: {literals: inputs}})).id!

  it('--follow prints the events of a running execution as they happen and ends when it ends', async () => {
    const id = await launch(lpSleep)
    const cli = follow(
      [
        'get',
        'events',
        '-p',
        P,
        '-d',
        D,
        '--execution',
        id.name,
        '--follow',
        '-o',
        'json',
        '--config',
        plane.configPath,
      ],
      home,
    )
    // The task is running (its process sleeps 30 s) when its RUNNING event is printed.
    const running = await cli.until((l) => l.kind === 'task' && l.phase === 'RUNNING')
    assert.equal(running.id, 'n0/events.sleep/0')
    assert.equal((await c.admin.getExecution({id})).closure?.phase, WP.RUNNING, 'printed while it runs')
    assert.equal(
      cli.lines.some((l) => l.kind === 'workflow' && l.phase !== 'RUNNING' && l.phase !== 'QUEUED'),
      false,
    )
    // Events recorded from now on arrive live, not replayed.
    const before = cli.lines.length
    await c.admin.terminateExecution({id, cause: 'stopped by the test'})
    const end = await cli.until((l) => l.kind === 'workflow' && l.phase === 'ABORTED')
    assert.equal(end.replayed, false)
    assert.ok(cli.lines.length > before)
    const code = await cli.exited
    assert.equal(code, 11, 'an aborted execution exits 11, as --watch and --wait')
    assert.match(cli.stderr(), new RegExp(`execution ${id.name} ended ABORTED: stopped by the test`))
    // The aborted execution is the last line; no event is printed twice.
    assert.deepEqual(cli.lines.at(-1)!.phase, 'ABORTED')
    const keys = cli.lines.map((l) => `${l.kind}|${l.id}|${l.phase}|${JSON.stringify(l.event.phaseVersion ?? 0)}`)
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'))
    assert.equal(cli.lines[0]!.event.executionId !== undefined || cli.lines[0]!.kind !== 'workflow', true)
  })

  it('--follow on a succeeding run ends with exit 0 after SUCCEEDED, nodes in order', async () => {
    const id = await launch(lpPipeline, {a: int(2), b: int(5)})
    const cli = follow(
      ['get', 'events', '-p', P, '-d', D, '--execution', id.name, '-f', '-o', 'json', '--config', plane.configPath],
      home,
    )
    assert.equal(await cli.exited, 0, cli.stderr())
    const last = cli.lines.at(-1)!
    assert.deepEqual([last.kind, last.phase], ['workflow', 'SUCCEEDED'])
    const nodePhases = (node: string) => cli.lines.filter((l) => l.kind === 'node' && l.id === node).map((l) => l.phase)
    assert.equal(nodePhases('n1').at(-1), 'SUCCEEDED')
    assert.equal(nodePhases('n0').at(-1), 'SUCCEEDED')
    // n1 runs after n0: its first event comes after n0 succeeded.
    const n0Done = cli.lines.findIndex((l) => l.kind === 'node' && l.id === 'n0' && l.phase === 'SUCCEEDED')
    const n1First = cli.lines.findIndex((l) => l.kind === 'node' && l.id === 'n1')
    assert.ok(n0Done < n1First, `n0 SUCCEEDED at ${n0Done}, n1 first at ${n1First}`)
    assert.equal(cli.stderr(), '')
  })

  it('without --follow prints what is recorded as a table and exits', async () => {
    const id = await launch(lpPipeline, {a: int(1), b: int(1)})
    await executor.wait(id)
    const r = await runCli(['get', 'events', '-p', P, '-d', D, '--execution', id.name, '--config', plane.configPath], {
      env: {HOME: home},
    })
    assert.equal(r.code, 0, r.stderr)
    const rows = r.stdout.split('\n').filter((l) => l.includes(id.name))
    // The execution, its start and end nodes, two task nodes and their two attempts.
    assert.equal(rows.length, 7, r.stdout)
    assert.match(rows.at(-1)!, /workflow.*SUCCEEDED/)
    assert.match(r.stdout, /TIME .*EXECUTION .*KIND .*ID .*PHASE/)
  })

  it('refuses an execution that does not exist (exit 4) and -o dot (exit 2), in one line', async () => {
    const missing = await runCli(
      ['get', 'events', '-p', P, '-d', D, '--execution', 'nosuch', '--follow', '--config', plane.configPath],
      {env: {HOME: home}},
    )
    assert.equal(missing.code, 4, missing.stderr)
    assert.match(missing.stderr, /missing entity of type execution/)
    assert.doesNotMatch(missing.stderr, /\n\s+at /)
    assert.equal(missing.stdout, '')
    const dot = await runCli(['get', 'events', '-p', P, '-d', D, '-o', 'dot', '--config', plane.configPath], {
      env: {HOME: home},
    })
    assert.equal(dot.code, 2, dot.stderr)
  })

  it('get execution --watch re-reads the execution when the stream brings an event, not on a timer', async () => {
    const id = await launch(lpSleep)
    const child = spawn(
      process.execPath,
      [BIN, 'get', 'execution', id.name, '-p', P, '-d', D, '--watch', '--config', plane.configPath],
      {cwd: REPO_ROOT, env: {...process.env, NO_COLOR: '1', FLYTECTL_CONFIG: '', HOME: home}, stdio: 'pipe'},
    )
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const running = new Promise<void>((ok) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        if (stdout.includes('node n0 RUNNING')) ok()
      }),
    )
    const exited = new Promise<number>((ok) => child.on('close', (code) => ok(code ?? -1)))
    await Promise.race([running, exited])
    assert.match(stdout, /node n0 RUNNING/, stderr)
    const gets = async () => {
      const text = await (await fetch(`${plane.url}/metrics`)).text()
      const m = /grpc_server_handled_total\{[^}]*grpc_method="GetExecution"[^}]*grpc_code="OK"[^}]*\} (\d+)/.exec(text)
      return Number(m?.[1] ?? 0)
    }
    // The task's own RUNNING event may come just after its node's: let that burst settle.
    await new Promise((r) => setTimeout(r, 500))
    const before = await gets()
    // Nothing happens for longer than the polling interval: a poller would have read it again.
    await new Promise((r) => setTimeout(r, 2500))
    assert.equal(await gets(), before, 'no reads while nothing changes')
    await c.admin.terminateExecution({id, cause: 'stopped by the test'})
    assert.equal(await exited, 11, stderr)
    assert.equal(stdout.trim().split('\n').at(-1), `execution ${id.name} ABORTED`)
    assert.doesNotMatch(stderr, /no event stream/)
  })

  it('demo start --statsd refuses what is not host:port before starting anything (exit 2)', async () => {
    const r = await runCli(['demo', 'start', '--statsd', 'localhost', '--dataDir', join(home, 'never')], {
      env: {HOME: home},
    })
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /invalid --statsd "localhost": expected host:port/)
    assert.equal(existsSync(join(home, 'never')), false)
  })

  describe('against a server without the event stream', () => {
    let proxy: Http2Server
    let configPath: string
    before(async () => {
      // AdminService forwarded to the plane, and nothing else: like a FlyteAdmin, other services are
      // unknown (gRPC Unimplemented).
      const upstream = createClient(AdminService, createGrpcTransport({baseUrl: plane.url})) as unknown as Record<
        string,
        (req: unknown) => unknown
      >
      const impl: Record<string, (req: unknown) => unknown> = {}
      for (const m of AdminService.methods) {
        if (m.methodKind === 'unary') impl[m.localName] = (req) => upstream[m.localName]!(req)
      }
      proxy = createServer(
        connectNodeAdapter({routes: (router: ConnectRouter) => router.service(AdminService, impl as never)}),
      )
      await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok))
      const port = (proxy.address() as AddressInfo).port
      configPath = join(home, 'proxy.yaml')
      writeFileSync(configPath, `admin:\n  endpoint: dns:///127.0.0.1:${port}\n  insecure: true\n`)
    })
    after(() => new Promise<void>((ok) => proxy.close(() => ok())))

    it('says so in one line and polls until the execution ends', async () => {
      const id = await launch(lpPipeline, {a: int(3), b: int(4)})
      const cli = follow(
        ['get', 'events', '-p', P, '-d', D, '--execution', id.name, '--follow', '-o', 'json', '--config', configPath],
        home,
      )
      assert.equal(await cli.exited, 0, cli.stderr())
      assert.match(cli.stderr(), /no event stream .*polling every 1s instead/)
      assert.equal(cli.stderr().trim().split('\n').length, 1, cli.stderr())
      const last = cli.lines.at(-1)!
      assert.deepEqual([last.kind, last.phase], ['workflow', 'SUCCEEDED'])
      assert.ok(cli.lines.some((l) => l.kind === 'task' && l.id === 'n1/events.add/0' && l.phase === 'SUCCEEDED'))
    })

    it('get execution --watch says so in one line and polls', async () => {
      const id = await launch(lpPipeline, {a: int(6), b: int(7)})
      const r = await runCli(['get', 'execution', id.name, '-p', P, '-d', D, '--watch', '--config', configPath], {
        env: {HOME: home},
      })
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /no event stream .*polling every 1s instead/)
      assert.equal(r.stdout.trim().split('\n').at(-1), `execution ${id.name} SUCCEEDED`)
    })
  })
})
