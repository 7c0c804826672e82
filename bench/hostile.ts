/**
 * The control plane daemon under hostile traffic, one run:
 *  - start → healthy of the daemon process (median of 5);
 *  - ListExecutions(limit 100) p50 over 300 executions, quiet and while 200 silent connections sit open;
 *  - the daemon's peak RSS (VmHWM) before and after a 600 MB REST body, a 600 MB blob upload over a
 *    64 MiB upload limit and 500 connections reset mid-sniff — the limits must keep it flat;
 *  - the cost of the edge check per request.
 *
 *   npm run build && node dist/bench/hostile.js
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createAdminClients} from '../src/admin/client.js'
import {allowedAuthorities, refusal} from '../src/controlplane/edge.js'
import {DAEMON_PATH} from '../src/demo/service.js'
import {registerHello} from '../test/support/controlplane.js'

const UPLOAD_LIMIT = 64 * 1024 * 1024
const children = new Set<ChildProcess>()
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')))

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

async function startDaemon(dataDir: string): Promise<{child: ChildProcess; port: number; ms: number}> {
  const t0 = performance.now()
  const args = ['--port', '0', '--data-dir', dataDir, '--max-upload-size', String(UPLOAD_LIMIT)]
  const child = spawn(process.execPath, [DAEMON_PATH, ...args], {stdio: 'ignore'})
  children.add(child)
  const pidFile = join(dataDir, 'demo.pid')
  while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 2))
  const port = (JSON.parse(readFileSync(pidFile, 'utf8')) as {port: number}).port
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break
    } catch {
      // not answering yet
    }
  }
  return {child, port, ms: performance.now() - t0}
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(m![1]) / 1024
}

function bigBody(totalBytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(1024 * 1024).fill(0x61)
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) controller.close()
      else {
        controller.enqueue(chunk)
        sent += chunk.length
      }
    },
  })
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'flytectl-bench-hostile-'))
  const out: Record<string, unknown> = {}
  try {
    const starts: number[] = []
    for (let i = 0; i < 5; i++) {
      const d = await startDaemon(join(root, `start${i}`))
      starts.push(d.ms)
      d.child.kill('SIGTERM')
      await new Promise((r) => d.child.once('exit', r))
    }
    out.startToHealthyMedianMs = percentile(starts, 50)

    const {child, port} = await startDaemon(join(root, 'main'))
    const base = `http://127.0.0.1:${port}`
    const c = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
    const {launchPlan} = await registerHello(c.admin, 'flytesnacks', 'development', {
      registerProject: false,
      defaultName: 'bench',
    })
    for (let i = 0; i < 300; i++) {
      await c.admin.createExecution({
        project: 'flytesnacks',
        domain: 'development',
        name: `e${i}`,
        spec: {launchPlan},
      })
    }
    const listP50 = async () => {
      const lat: number[] = []
      for (let i = 0; i < 200; i++) {
        const t = performance.now()
        await c.admin.listExecutions({id: {project: 'flytesnacks', domain: 'development'}, limit: 100})
        lat.push(performance.now() - t)
      }
      return percentile(lat, 50)
    }
    out.listExecutions100P50Ms = await listP50()
    const silent: Socket[] = []
    for (let i = 0; i < 200; i++) {
      const s = connect(port, '127.0.0.1')
      s.on('error', () => {})
      silent.push(s)
    }
    out.listExecutions100P50MsWith200SilentConnections = await listP50()
    silent.forEach((s) => s.destroy())

    out.peakRssMiBBefore = peakRssMiB(child.pid!)
    const rest = await fetch(`${base}/api/v1/projects`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: bigBody(600 * 1024 * 1024),
      duplex: 'half',
    } as RequestInit)
    out.rest600MBStatus = rest.status
    await rest.arrayBuffer()
    const loc = await c.dataProxy.createUploadLocation({
      project: 'flytesnacks',
      domain: 'development',
      filenameRoot: 'bench',
      filename: 'big.bin',
    })
    const upload = await fetch(loc.signedUrl, {
      method: 'PUT',
      body: bigBody(600 * 1024 * 1024),
      duplex: 'half',
    } as RequestInit)
    out.upload600MBStatus = upload.status
    await upload.arrayBuffer()
    for (let i = 0; i < 500; i++) {
      const s = connect(port, '127.0.0.1')
      s.on('error', () => {})
      await new Promise<void>((r) => s.once('connect', () => r()))
      s.write('PRI * HTTP'.slice(0, i % 10))
      s.resetAndDestroy()
    }
    out.peakRssMiBAfter = peakRssMiB(child.pid!)
    out.answersAfter = (await fetch(`${base}/healthz`)).status === 200 && child.exitCode === null
    c.close()
    child.kill('SIGTERM')

    const own = allowedAuthorities('127.0.0.1', port)
    const req = {
      method: 'POST',
      url: '/api/v1/projects',
      headers: {host: `localhost:${port}`, 'content-type': 'application/json'},
    }
    const n = 200_000
    const t = performance.now()
    for (let i = 0; i < n; i++) refusal(req, own)
    out.edgeCheckNsPerRequest = ((performance.now() - t) * 1e6) / n

    const {loadavg, cpus} = await import('node:os')
    out.machine = {cpus: cpus().length, loadAverage1m: loadavg()[0]}
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`)
    process.exit(1)
  },
)
