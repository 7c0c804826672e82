/**
 * Embedded control plane benchmark:
 *  - start → healthy (GET /healthz 200): in-process (import + open store + listen) and as a child process;
 *  - CreateExecution per second (16 concurrent clients) while loading 10,000 executions;
 *  - ListExecutions(limit 100) p50/p95 over those 10,000 executions (goal < 5 ms);
 *  - durability at full counts: 8 writers × 500 creates, SIGKILL mid-load, restart, every acknowledged
 *    create present and `PRAGMA integrity_check` = ok.
 *
 *   npm run bench:controlplane
 *   npm run bench:controlplane -- 20000     # number of executions to load
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DatabaseSync} from 'node:sqlite'

const SELF = new URL(import.meta.url).pathname

async function waitHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 2))
  }
}

interface Child {
  port: number
  child: ChildProcess
  exited: Promise<void>
}

const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})

async function spawnPlane(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, [SELF, '--serve', dataDir], {stdio: ['ignore', 'pipe', 'inherit']})
  children.add(child)
  child.once('exit', () => children.delete(child))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const port = await new Promise<number>((ok, fail) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^listening (\d+)$/m.exec(out)
      if (m) ok(Number(m[1]))
    })
    child.once('exit', (code) => fail(new Error(`server exited ${code}`)))
  })
  return {port, child, exited}
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`

async function main(): Promise<void> {
  const executions = Number(process.argv[2] ?? 10_000)
  const root = mkdtempSync(join(tmpdir(), 'flytectl-bench-plane-'))
  const results: Record<string, unknown> = {}
  try {
    // 1. In-process start → healthy (first import of the server included).
    let t0 = performance.now()
    const {startServer} = await import('../src/controlplane/server.js')
    const inproc = await startServer({port: 0, dataDir: join(root, 'inproc')})
    await waitHealthy(inproc.url)
    results.inProcessStartToHealthyMs = performance.now() - t0
    await inproc.close()

    // 2. Child process start → healthy, median of 5; `node -e 0` in the same run as the baseline.
    const {spawnSync} = await import('node:child_process')
    const baseline: number[] = []
    for (let i = 0; i < 5; i++) {
      const s = performance.now()
      spawnSync(process.execPath, ['-e', '0'])
      baseline.push(performance.now() - s)
    }
    results.nodeSpawnBaselineMs = percentile(baseline, 50)
    const childTimes: number[] = []
    for (let i = 0; i < 5; i++) {
      t0 = performance.now()
      const c = await spawnPlane(join(root, `child${i}`))
      await waitHealthy(`http://127.0.0.1:${c.port}`)
      childTimes.push(performance.now() - t0)
      c.child.kill('SIGTERM')
      await c.exited
    }
    results.childStartToHealthyMs = {median: percentile(childTimes, 50), max: Math.max(...childTimes)}

    // 3. Load executions over gRPC; measure CreateExecution/s.
    const {createAdminClients} = await import('../src/admin/client.js')
    const {registerHello, fixtures} = await import('../test/support/controlplane.js')
    const loadDir = join(root, 'load')
    const plane = await spawnPlane(loadDir)
    const endpoint = `dns:///127.0.0.1:${plane.port}`
    const setup = createAdminClients({endpoint, insecure: true})
    await registerHello(setup.admin, 'bench', 'development', {defaultName: 'bench'})
    const lp = fixtures.launchPlanId('bench', 'development')
    const WRITERS = 16
    const clients = Array.from({length: WRITERS}, () => createAdminClients({endpoint, insecure: true}))
    let next = 0
    t0 = performance.now()
    await Promise.all(
      clients.map(async (c) => {
        while (next < executions) {
          next++
          await c.admin.createExecution({project: 'bench', domain: 'development', spec: {launchPlan: lp}})
        }
      }),
    )
    const loadMs = performance.now() - t0
    results.createExecutionPerSecond = Math.round((executions / loadMs) * 1000)
    for (const c of clients) c.close()

    // 4. ListExecutions(limit 100) latency, one client, sequential calls.
    const lat: number[] = []
    for (let i = 0; i < 20; i++)
      await setup.admin.listExecutions({id: {project: 'bench', domain: 'development'}, limit: 100})
    for (let i = 0; i < 300; i++) {
      const s = performance.now()
      const page = await setup.admin.listExecutions({id: {project: 'bench', domain: 'development'}, limit: 100})
      lat.push(performance.now() - s)
      if (page.executions.length !== 100) throw new Error('short page')
    }
    const filtered: number[] = []
    for (let i = 0; i < 100; i++) {
      const s = performance.now()
      await setup.admin.listExecutions({
        id: {project: 'bench', domain: 'development'},
        limit: 100,
        token: '5000',
        filters: 'eq(execution.phase,QUEUED)+eq(launch_plan.name,wf.hello)',
      })
      filtered.push(performance.now() - s)
    }
    results.listExecutions100 = {
      over: executions,
      p50Ms: percentile(lat, 50),
      p95Ms: percentile(lat, 95),
      filteredAtOffset5000: {p50Ms: percentile(filtered, 50), p95Ms: percentile(filtered, 95)},
    }
    setup.close()
    plane.child.kill('SIGTERM')
    await plane.exited

    // 4b. The same list without the transport: the store query and protobuf decoding alone.
    const {Database} = await import('../src/controlplane/store/db.js')
    const {BlobStore} = await import('../src/controlplane/blobstore.js')
    const {DEFAULT_DOMAINS} = await import('../src/controlplane/context.js')
    const {listExecutions} = await import('../src/controlplane/services/executions.js')
    const {create} = await import('@bufbuild/protobuf')
    const {ResourceListRequestSchema} = await import('../src/gen/flyteidl/admin/common_pb.js')
    const db = new Database(join(loadDir, 'flyteadmin.db'))
    const ctx = {
      db,
      blobs: new BlobStore(loadDir),
      dataDir: loadDir,
      domains: DEFAULT_DOMAINS,
      blobUrlKey: Buffer.alloc(32),
      maxUploadBytes: 0,
      closing: false,
      baseUrl: () => '',
    }
    const listReq = create(ResourceListRequestSchema, {id: {project: 'bench', domain: 'development'}, limit: 100})
    const direct: number[] = []
    for (let i = 0; i < 300; i++) {
      const s = performance.now()
      listExecutions(ctx, listReq)
      direct.push(performance.now() - s)
    }
    db.close()
    results.listExecutions100StoreOnly = {p50Ms: percentile(direct, 50), p95Ms: percentile(direct, 95)}

    // 5. Durability at full counts.
    results.durability = await durability(join(root, 'durable'), createAdminClients, registerHello, fixtures)

    const {loadavg, cpus} = await import('node:os')
    results.machine = {cpus: cpus().length, loadAverage1m: loadavg()[0]}
    console.log(JSON.stringify(results, null, 2))
    console.error(
      [
        `start→healthy in-process: ${fmt(results.inProcessStartToHealthyMs as number)}`,
        `start→healthy child process: median ${fmt((results.childStartToHealthyMs as {median: number}).median)}`,
        `CreateExecution: ${results.createExecutionPerSecond}/s (${WRITERS} clients)`,
        `ListExecutions(limit 100) over ${executions}: p50 ${fmt(percentile(lat, 50))}, p95 ${fmt(percentile(lat, 95))}`,
      ].join('\n'),
    )
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}

async function durability(
  dataDir: string,
  createAdminClients: typeof import('../src/admin/client.js').createAdminClients,
  registerHello: typeof import('../test/support/controlplane.js').registerHello,
  fixtures: typeof import('../test/support/controlplane.js').fixtures,
) {
  const WRITERS = 8
  const PER = 500
  const first = await spawnPlane(dataDir)
  const endpoint = `dns:///127.0.0.1:${first.port}`
  const setup = createAdminClients({endpoint, insecure: true})
  await registerHello(setup.admin, 'durable', 'development', {defaultName: 'x'})
  setup.close()
  const acked: string[] = []
  let killed = false
  const killAt = (WRITERS * PER) / 2
  await Promise.all(
    Array.from({length: WRITERS}, async (_, w) => {
      const c = createAdminClients({endpoint, insecure: true, maxRetries: 1})
      try {
        for (let i = 0; i < PER; i++) {
          const name = `w${w}-${i}`
          try {
            await c.admin.createExecution({
              project: 'durable',
              domain: 'development',
              name,
              spec: {launchPlan: fixtures.launchPlanId('durable', 'development')},
            })
          } catch (e) {
            if (!killed) throw e
            return
          }
          acked.push(name)
          if (acked.length === killAt) {
            killed = true
            first.child.kill('SIGKILL')
          }
        }
      } finally {
        c.close()
      }
    }),
  )
  await first.exited
  const second = await spawnPlane(dataDir)
  const c = createAdminClients({endpoint: `dns:///127.0.0.1:${second.port}`, insecure: true})
  const stored = new Set<string>()
  let token = ''
  do {
    const page = await c.admin.listExecutions({id: {project: 'durable', domain: 'development'}, limit: 500, token})
    for (const e of page.executions) stored.add(e.id!.name)
    token = page.token
  } while (token !== '')
  c.close()
  second.child.kill('SIGTERM')
  await second.exited
  const db = new DatabaseSync(join(dataDir, 'flyteadmin.db'))
  const integrity = (db.prepare('PRAGMA integrity_check').get() as {integrity_check: string}).integrity_check
  db.close()
  const lost = acked.filter((n) => !stored.has(n)).length
  if (lost > 0 || integrity !== 'ok') throw new Error(`durability failed: lost ${lost}, integrity ${integrity}`)
  return {
    writers: WRITERS,
    perWriter: PER,
    acknowledged: acked.length,
    storedAfterRestart: stored.size,
    lost,
    integrity,
  }
}

if (process.argv[2] === '--serve') {
  const {startServer} = await import('../src/controlplane/server.js')
  const server = await startServer({port: 0, host: '127.0.0.1', dataDir: process.argv[3]!})
  process.stdout.write(`listening ${server.port}\n`)
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)))
} else {
  await main()
}
