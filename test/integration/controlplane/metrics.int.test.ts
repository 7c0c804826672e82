/**
 * `/metrics` on the plane: the Prometheus text exposition, read with a Prometheus text-format parser,
 * counts what a run did — RPCs by method and code (gRPC and REST alike), executions by phase, the
 * events recorded — and is guarded like every other path (Host allow-list; a token when auth is on).
 */
import assert from 'node:assert/strict'
import {createSocket, type Socket} from 'node:dgram'
import {readFileSync} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {WorkflowExecution_Phase as WP} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {bind, int, promise} from '../../unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode} from '../executor/workflows.js'

const P = 'flytesnacks'
const D = 'development'

interface Family {
  name: string
  type: string
  metrics: Array<{value?: string; labels?: Record<string, string>; count?: string; buckets?: Record<string, string>}>
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, {headers})
  return {status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text()}
}

function families(text: string): Map<string, Family> {
  return new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]))
}

/** The one sample of `name` whose labels include `labels` (0 when there is none). */
function value(fams: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const fam = fams.get(name)
  assert.ok(fam, `no metric ${name}`)
  const hit = fam.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
  assert.ok(hit.length <= 1, `${name} ${JSON.stringify(labels)} matches ${hit.length} samples`)
  if (hit.length === 0) return 0
  return Number(hit[0]!.value ?? hit[0]!.count)
}

describe('plane /metrics', () => {
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

  it('counts the RPCs, executions by phase and the events of a run', async () => {
    const add = nodeTask('metrics.add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
    const double = nodeTask('metrics.double', 'double', {inputs: ['x'], outputs: ['o0']})
    const wf = closure(
      'metrics.pipeline',
      [
        taskNode('n0', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))]),
        taskNode('n1', double, [bind('x', promise('n0', 'o0'))]),
      ],
      [bind('result', promise('n1', 'o0'))],
      [add, double],
      {inputs: ['a', 'b'], outputs: ['result']},
    )
    for (const t of [add, double]) await c.admin.createTask({id: t.id, spec: {template: t}})
    const wfId = ident(ResourceType.WORKFLOW, 'metrics.pipeline')
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    const lpId = ident(ResourceType.LAUNCH_PLAN, 'metrics.pipeline')
    await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
    const {id} = await c.admin.createExecution({
      project: P,
      domain: D,
      spec: {launchPlan: lpId},
      inputs: {literals: {a: int(2), b: int(5)}},
    })
    await executor.wait(id!)
    let gets = 0
    for (;;) {
      gets++
      const ex = await c.admin.getExecution({id})
      if (ex.closure?.phase === WP.SUCCEEDED) break
      await new Promise((r) => setTimeout(r, 20))
    }
    await assert.rejects(c.admin.getExecution({id: {project: P, domain: D, name: 'nosuch'}}))
    const rest = await fetch(`${plane.url}/api/v1/projects`)
    assert.equal(rest.status, 200)
    const nodes = await c.admin.listNodeExecutions({workflowExecutionId: id, limit: 100})
    const tasks = await Promise.all(
      nodes.nodeExecutions.map((n) => c.admin.listTaskExecutions({nodeExecutionId: n.id, limit: 100})),
    )

    const res = await scrape(plane.url)
    assert.equal(res.status, 200)
    assert.match(res.type, /^text\/plain; version=0\.0\.4/)
    const m = families(res.text)
    const rpc = (method: string, code: string) =>
      value(m, 'grpc_server_handled_total', {
        grpc_service: 'flyteidl.service.AdminService',
        grpc_method: method,
        grpc_code: code,
        grpc_type: 'unary',
      })
    assert.equal(rpc('CreateExecution', 'OK'), 1)
    assert.equal(rpc('CreateTask', 'OK'), 2)
    assert.equal(rpc('GetExecution', 'OK'), gets)
    assert.equal(rpc('GetExecution', 'NotFound'), 1)
    assert.equal(rpc('ListProjects', 'OK'), 1, 'the REST call counts under its RPC')
    assert.equal(rpc('ListTaskExecutions', 'OK'), nodes.nodeExecutions.length)
    const started = value(m, 'grpc_server_started_total', {grpc_method: 'GetExecution', grpc_type: 'unary'})
    assert.equal(started, gets + 1)
    // The parser folds a histogram's label sets into one sample: check its shape, not per-method counts.
    const latency = m.get('grpc_server_handling_seconds')!
    assert.equal(latency.type, 'HISTOGRAM')
    assert.deepEqual(
      new Set(Object.keys(latency.metrics[0]!.buckets ?? {})),
      new Set(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']),
    )

    assert.equal(value(m, 'flytectl_plane_executions', {phase: 'SUCCEEDED'}), 1)
    assert.equal(value(m, 'flyte:admin:execution_manager:active_executions'), 0)
    // Every node and task reached RUNNING and SUCCEEDED through an event; the workflow too.
    const nodeEvents = value(m, 'flyte:admin:node_execution_manager:node_execution_events_created')
    const taskEvents = value(m, 'flyte:admin:task_execution_manager:task_execution_events_created')
    const wfEvents = value(m, 'flyte:admin:execution_manager:execution_events_created')
    assert.ok(wfEvents >= 2, `workflow events ${wfEvents}`)
    assert.ok(nodeEvents >= 2 * nodes.nodeExecutions.length, `node events ${nodeEvents}`)
    const taskExecs = tasks.reduce((n, t) => n + t.taskExecutions.length, 0)
    assert.equal(taskExecs, 2)
    assert.ok(taskEvents >= 2 * taskExecs, `task events ${taskEvents}`)

    assert.equal(value(m, 'flytectl_plane_task_processes_running'), 0)
    assert.equal(value(m, 'flytectl_plane_task_queue_depth'), 0)
    const dbBytes = value(m, 'flytectl_plane_db_size_bytes')
    assert.ok(dbBytes >= readFileSync(join(plane.dataDir, 'flyteadmin.db')).length, `db size ${dbBytes}`)
    assert.ok(m.has('process_cpu_user_seconds_total'), 'process metrics are there')
  })

  it('refuses a foreign Host like every other path, and writes', async () => {
    const status = await new Promise<number>((ok, fail) => {
      const req = request({host: '127.0.0.1', port: plane.port, path: '/metrics', headers: {host: 'evil.example:80'}})
      req.on('response', (r) => {
        r.resume()
        ok(r.statusCode ?? 0)
      })
      req.on('error', fail)
      req.end()
    })
    assert.equal(status, 403)
    const post = await fetch(`${plane.url}/metrics`, {method: 'POST'})
    assert.equal(post.status, 405)
  })
})

describe('plane /metrics with auth on', () => {
  let plane: TestControlPlane
  before(async () => {
    plane = await startControlPlane({auth: {}})
  })
  after(() => plane.stop())

  it('needs a token, as every call does', async () => {
    const none = await scrape(plane.url)
    assert.equal(none.status, 401)
    assert.match(none.text, /authentication required/)
    const secret = readFileSync(join(plane.dataDir, 'auth', 'flytepropeller.secret'), 'utf8').trim()
    const tok = await fetch(`${plane.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`flytepropeller:${secret}`).toString('base64'),
      },
      body: new URLSearchParams({grant_type: 'client_credentials', scope: 'all'}),
    })
    const {access_token: token} = (await tok.json()) as {access_token: string}
    const ok = await scrape(plane.url, {authorization: `Bearer ${token}`})
    assert.equal(ok.status, 200)
    assert.ok(families(ok.text).has('grpc_server_handled_total'))
  })
})

describe('plane metrics pushed to StatsD', () => {
  let plane: TestControlPlane
  let udp: Socket
  const lines: string[] = []

  before(async () => {
    udp = createSocket('udp4')
    udp.on('message', (m) => lines.push(...m.toString('utf8').split('\n').filter(Boolean)))
    await new Promise<void>((ok) => udp.bind(0, '127.0.0.1', ok))
    plane = await startControlPlane({statsd: {host: '127.0.0.1', port: udp.address().port, intervalMs: 100}})
  })
  after(async () => {
    await plane.stop()
    udp.close()
  })

  it('sends counters as increases and gauges as values, labels joined to the name', {timeout: 60_000}, async () => {
    const c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    try {
      for (let i = 0; i < 3; i++) await c.admin.listProjects({})
    } finally {
      c.close()
    }
    const stat = 'flyte.grpc_server_handled_total.OK.ListProjects.flyteidl_service_AdminService.unary'
    const sum = () =>
      lines.filter((l) => l.startsWith(`${stat}:`)).reduce((n, l) => n + Number(/:(\d+)\|c$/.exec(l)?.[1] ?? NaN), 0)
    while (sum() < 3) await new Promise((r) => setTimeout(r, 50))
    // Later pushes add nothing while nothing happens: the counter went out as its increase.
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(sum(), 3, lines.filter((l) => l.startsWith(stat)).join('\n'))
    assert.ok(
      lines.some((l) => /^flyte\.flytectl_plane_db_size_bytes:\d+\|g$/.test(l)),
      'gauges as values',
    )
    assert.ok(lines.some((l) => l.startsWith('flyte.flyte.admin.execution_manager.active_executions:0|g')))
  })
})
