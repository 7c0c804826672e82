/**
 * Event stream and metrics benchmark, on one embedded plane (no executor: events come through
 * CreateNodeEvent, as propeller sends them):
 *  - event latency: from CreateNodeEvent sent to the line printed by `flytectl get events --follow -o json`
 *    (the built CLI as a child process, over the stream), p50/p95 over N events sent one at a time;
 *  - the same through the polling fallback (a server with AdminService only), for comparison;
 *  - /metrics: its render time, and ListExecutions(limit 100) p50/p95 over 2,000 executions with no
 *    scrapes and with /metrics scraped every 100 ms (150 times Prometheus's default rate);
 *  - the RPC metrics interceptor alone, per call.
 *
 *   npm run build && node dist/bench/events-stream.js [events]
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http2'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createClient, type ConnectRouter} from '@connectrpc/connect'
import {connectNodeAdapter, createGrpcTransport} from '@connectrpc/connect-node'
import {createAdminClients} from '../src/admin/client.js'
import {PlaneMetrics} from '../src/controlplane/metrics.js'
import {Database} from '../src/controlplane/store/db.js'
import {AdminService} from '../src/gen/flyteidl/service/admin_pb.js'
import {BIN, REPO_ROOT} from '../test/support/cli.js'
import {registerHello, startControlPlane} from '../test/support/controlplane.js'

const N = Number(process.argv[2] ?? 200)
const P = 'flytesnacks'
const D = 'development'

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return `p50 ${pct(s, 50).toFixed(2)} ms  p95 ${pct(s, 95).toFixed(2)} ms  (n=${s.length})`
}
const ts = (ms: number) => ({seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6})

const plane = await startControlPlane()
const home = mkdtempSync(join(tmpdir(), 'flytectl-bench-home-'))
const c = createAdminClients({endpoint: plane.endpoint, insecure: true})
try {
  await registerHello(c.admin, P, D, {defaultName: 'world'})
  const lp = {resourceType: 3, project: P, domain: D, name: 'wf.hello', version: 'v1'}

  /** Latency from CreateNodeEvent to the CLI's printed line, one event at a time. */
  async function latency(configPath: string, label: string, count: number): Promise<void> {
    const {id} = await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}})
    const child = spawn(
      process.execPath,
      [
        BIN,
        'get',
        'events',
        '-p',
        P,
        '-d',
        D,
        '--execution',
        id!.name,
        '--follow',
        '-o',
        'json',
        '--config',
        configPath,
      ],
      {cwd: REPO_ROOT, env: {...process.env, HOME: home, FLYTECTL_CONFIG: ''}, stdio: ['ignore', 'pipe', 'inherit']},
    )
    const waiting = new Map<string, () => void>()
    let buf = ''
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, i)) as {kind: string; id: string}
        buf = buf.slice(i + 1)
        waiting.get(`${line.kind}|${line.id}`)?.()
      }
    })
    const printed = (key: string) => new Promise<void>((ok) => waiting.set(key, ok))
    // The stream is open once the replayed execution line is printed.
    await printed('workflow|')
    const samples: number[] = []
    for (let k = 0; k < count; k++) {
      const nodeId = `n${k}`
      const seen = printed(`node|${nodeId}`)
      const t0 = performance.now()
      await c.admin.createNodeEvent({
        event: {id: {executionId: id, nodeId}, phase: 2 /* RUNNING */, occurredAt: ts(Date.now()), specNodeId: nodeId},
      })
      await seen
      samples.push(performance.now() - t0)
    }
    await c.admin.terminateExecution({id, cause: 'bench done'})
    await new Promise<void>((ok) => child.on('close', () => ok()))
    console.log(`${label.padEnd(44)} ${fmt(samples)}`)
  }

  await latency(plane.configPath, 'event → printed, stream', N)

  // The fallback: a server with AdminService only (forwarded to the plane), as a FlyteAdmin looks.
  const upstream = createClient(AdminService, createGrpcTransport({baseUrl: plane.url})) as unknown as Record<
    string,
    (req: unknown) => unknown
  >
  const impl: Record<string, (req: unknown) => unknown> = {}
  for (const m of AdminService.methods)
    if (m.methodKind === 'unary') impl[m.localName] = (r) => upstream[m.localName]!(r)
  const proxy = createServer(
    connectNodeAdapter({routes: (router: ConnectRouter) => router.service(AdminService, impl as never)}),
  )
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok))
  const proxyConfig = join(home, 'proxy.yaml')
  writeFileSync(
    proxyConfig,
    `admin:\n  endpoint: dns:///127.0.0.1:${(proxy.address() as AddressInfo).port}\n  insecure: true\n`,
  )
  await latency(proxyConfig, 'event → printed, polling fallback (1 s)', Math.min(N, 30))
  proxy.close()

  // /metrics and ListExecutions.
  for (let i = 0; i < 2000; i += 50) {
    await Promise.all(
      Array.from({length: 50}, () => c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}})),
    )
  }
  const renders: number[] = []
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now()
    await (await fetch(`${plane.url}/metrics`)).text()
    renders.push(performance.now() - t0)
  }
  console.log(`${'GET /metrics (whole answer)'.padEnd(44)} ${fmt(renders)}`)
  const size = (await (await fetch(`${plane.url}/metrics`)).text()).length
  console.log(`${'/metrics size'.padEnd(44)} ${size} bytes`)

  const list = async (label: string, scrape: boolean) => {
    let stop = false
    const scraper = (async () => {
      while (scrape && !stop) {
        await (await fetch(`${plane.url}/metrics`)).text()
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    const xs: number[] = []
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now()
      await c.admin.listExecutions({id: {project: P, domain: D}, limit: 100})
      xs.push(performance.now() - t0)
    }
    stop = true
    await scraper
    console.log(`${label.padEnd(44)} ${fmt(xs)}`)
  }
  await list('ListExecutions(limit 100), no scrapes', false)
  await list('ListExecutions(limit 100), /metrics every 100 ms', true)
  await list('ListExecutions(limit 100), no scrapes (again)', false)

  // The interceptor alone: a call through it to a handler that answers at once.
  const dbDir = mkdtempSync(join(tmpdir(), 'flytectl-bench-db-'))
  const db = new Database(join(dbDir, 'm.db'))
  const metrics = new PlaneMetrics({db, dbPath: join(dbDir, 'm.db')})
  const method = AdminService.method.listExecutions
  const wrapped = metrics.interceptor()(async () => ({stream: false}) as never)
  const calls = 100_000
  const t0 = performance.now()
  for (let i = 0; i < calls; i++) await wrapped({method, stream: false} as never)
  console.log(
    `${'metrics interceptor, per call'.padEnd(44)} ${(((performance.now() - t0) / calls) * 1000).toFixed(2)} µs`,
  )
  db.close()
  rmSync(dbDir, {recursive: true, force: true})
} finally {
  c.close()
  await plane.stop()
  rmSync(home, {recursive: true, force: true})
}
