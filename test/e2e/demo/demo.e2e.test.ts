/**
 * `flytectl demo` as a user runs it: the built CLI starting a detached control plane, checking it,
 * calling it over gRPC with the written sandbox config, and stopping it. Every test uses its own HOME
 * and a free port, and kills what it started.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {parse} from 'yaml'
import {createAdminClients} from '../../../src/admin/client.js'
import type {AdminConfig} from '../../../src/config/schema.js'
import {processAlive} from '../../../src/demo/state.js'
import {REPO_ROOT, runCli, tempHome} from '../../support/cli.js'

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const {port} = srv.address() as AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

const started = new Set<number>()
const homes: Array<() => void> = []

function home(): string {
  const h = tempHome()
  homes.push(h.cleanup)
  return h.home
}

after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already stopped by the test
    }
  }
  for (const c of homes) c()
})

const json = (stdout: string) => JSON.parse(stdout) as {ok: boolean; result: Record<string, unknown>}

async function start(h: string, port: number, extra: string[] = []) {
  const r = await runCli(['demo', 'start', '--port', String(port), '--json', ...extra], {env: {HOME: h}})
  if (r.code === 0) started.add(json(r.stdout).result.pid as number)
  return r
}

describe('flytectl demo', () => {
  it('start → status → GetVersion through the sandbox config → teardown', async () => {
    const h = home()
    const port = await freePort()
    const s = await start(h, port)
    assert.equal(s.code, 0, s.stderr)
    const res = json(s.stdout).result
    assert.equal(res.port, port)
    assert.equal(res.alreadyRunning, false)
    const dataDir = join(h, '.flyte', 'demo')
    assert.equal(res.dataDir, dataDir)
    const pidInfo = JSON.parse(readFileSync(join(dataDir, 'demo.pid'), 'utf8')) as {pid: number; port: number}
    assert.deepEqual([pidInfo.pid, pidInfo.port], [res.pid, port])

    const configPath = join(h, '.flyte', 'config-sandbox.yaml')
    const config = parse(readFileSync(configPath, 'utf8')) as {admin: AdminConfig}
    assert.deepEqual(config.admin, {endpoint: `dns:///127.0.0.1:${port}`, authType: 'Pkce', insecure: true})

    const st = await runCli(['demo', 'status', '-o', 'json'], {env: {HOME: h}})
    assert.equal(st.code, 0, st.stderr)
    const status = JSON.parse(st.stdout) as Record<string, unknown>
    assert.equal(status.running, true)
    assert.equal(status.pid, res.pid)
    assert.equal(status.port, port)
    assert.equal(status.health, 'healthy')
    // The plane's own version, read from its GetVersion answer.
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}
    assert.equal(status.version, pkg.version)
    assert.match(String(status.uptime), /^\d+s$/)
    const table = await runCli(['demo', 'status'], {env: {HOME: h}})
    assert.match(table.stdout, /PID \(1\).*PORT.*UPTIME.*DATA DIR.*HEALTH/)
    assert.match(table.stdout, new RegExp(`\\| ${res.pid} +\\| ${port} +\\|`))

    // A real client, configured only from the file demo start wrote.
    const clients = createAdminClients(config.admin)
    try {
      const v = await clients.admin.getVersion({})
      assert.ok(v.controlPlaneVersion?.Version, 'the control plane reports a version')
    } finally {
      clients.close()
    }

    const td = await runCli(['demo', 'teardown'], {env: {HOME: h}})
    assert.equal(td.code, 0, td.stderr)
    assert.match(td.stdout, new RegExp(`stopped \\(pid ${res.pid}\\)`))
    assert.equal(existsSync(join(dataDir, 'demo.pid')), false)
    assert.equal(existsSync(configPath), false)
    assert.equal(existsSync(join(dataDir, 'flyteadmin.db')), true, 'data kept without --volume')
    assert.equal(processAlive(res.pid as number), false, 'the daemon process is gone')
    const after = await runCli(['demo', 'status'], {env: {HOME: h}})
    assert.equal(after.code, 0)
    assert.match(after.stdout, /no local control plane is running/)
  })

  it('is idempotent: a second start reports the running plane and exits 0', async () => {
    const h = home()
    const port = await freePort()
    const first = await start(h, port)
    assert.equal(first.code, 0, first.stderr)
    const again = await runCli(['demo', 'start', '--port', String(port)], {env: {HOME: h}})
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, new RegExp(`already running \\(pid ${json(first.stdout).result.pid}\\)`))
    assert.match(again.stdout, /export FLYTECTL_CONFIG=.*config-sandbox\.yaml/)
    assert.match(again.stdout, new RegExp(`^Console: http://127\\.0\\.0\\.1:${port}/console$`, 'm'))
    const page = await fetch(`http://127.0.0.1:${port}/console`)
    assert.equal(page.status, 200, 'the printed console URL answers')
    assert.match(await page.text(), /src="\/console\/assets\/app\.js\?v=/, 'with the console bundle')
    const bundle = await fetch(`http://127.0.0.1:${port}/console/assets/app.js`)
    assert.equal(bundle.status, 200)
    const otherPort = await runCli(['demo', 'start', '--port', String(port + 1)], {env: {HOME: h}})
    assert.equal(otherPort.code, 0)
    assert.match(
      otherPort.stderr,
      new RegExp(`listens on ${port}, not ${port + 1}; run \`flytectl demo teardown\` first`),
    )
    const td = await runCli(['demo', 'teardown', '--volume'], {env: {HOME: h}})
    assert.equal(td.code, 0)
    assert.equal(existsSync(join(h, '.flyte', 'demo')), false, '--volume deletes the data directory')
  })

  it('says how the running plane’s task environment differs from this shell’s, and --restart applies it', async () => {
    const h = home()
    const port = await freePort()
    const startWith = async (pythonPath: string, extra: string[] = []) => {
      const r = await runCli(['demo', 'start', '--port', String(port), '--json', ...extra], {
        env: {HOME: h, PYTHONPATH: pythonPath, FLYTECTL_DEMO_PATH: '/opt/tools/bin'},
      })
      if (r.code === 0) started.add(json(r.stdout).result.pid as number)
      return r
    }
    const first = await startWith('/work/one')
    assert.equal(first.code, 0, first.stderr)
    const differs = await startWith('/work/two')
    assert.equal(differs.code, 0, differs.stderr)
    assert.equal(json(differs.stdout).result.pid, json(first.stdout).result.pid)
    assert.deepEqual(json(differs.stdout).result.settingsDiffer, [
      'PYTHONPATH: the running plane has "/work/one", this shell has "/work/two"',
    ])
    const plain = await runCli(['demo', 'start', '--port', String(port)], {
      env: {HOME: h, PYTHONPATH: '/work/two', FLYTECTL_DEMO_PATH: '/opt/tools/bin'},
    })
    assert.equal(plain.code, 0, plain.stderr)
    assert.match(plain.stderr, /tasks do not see this shell’s:\n {2}PYTHONPATH: the running plane has "\/work\/one"/)
    assert.match(plain.stderr, new RegExp(`flytectl demo start --restart --port ${port}`))

    const restarted = await startWith('/work/two', ['--restart'])
    assert.equal(restarted.code, 0, restarted.stderr)
    const r = json(restarted.stdout).result
    assert.equal(r.restarted, true)
    assert.equal(r.alreadyRunning, false)
    assert.notEqual(r.pid, json(first.stdout).result.pid)
    assert.equal(processAlive(json(first.stdout).result.pid as number), false)
    const same = await startWith('/work/two')
    assert.deepEqual(json(same.stdout).result.settingsDiffer, [])
    assert.doesNotMatch(same.stderr, /Warning/)
    assert.equal((await runCli(['demo', 'teardown', '--volume'], {env: {HOME: h}})).code, 0)
  })

  it('two starts at once end with one control plane, both exiting 0', async () => {
    const h = home()
    const port = await freePort()
    const [a, b] = await Promise.all([start(h, port), start(h, port)])
    assert.equal(a.code, 0, a.stderr)
    assert.equal(b.code, 0, b.stderr)
    const pids = [json(a.stdout).result.pid, json(b.stdout).result.pid]
    assert.equal(pids[0], pids[1], 'both report the same daemon')
    assert.deepEqual([json(a.stdout).result.alreadyRunning, json(b.stdout).result.alreadyRunning].sort(), [false, true])
    await runCli(['demo', 'teardown'], {env: {HOME: h}})
  })

  it('names a busy port and the --port flag, and leaves nothing running', async () => {
    const h = home()
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const {port} = blocker.address() as AddressInfo
    try {
      const r = await runCli(['demo', 'start', '--port', String(port)], {env: {HOME: h}})
      assert.equal(r.code, 5, r.stderr)
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines[0], `Error: port ${port} is already in use`)
      assert.match(lines[1]!, /^Hint: .*flytectl demo start --port <port>/)
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
      assert.equal(existsSync(join(h, '.flyte', 'demo', 'demo.pid')), false)
      assert.equal(existsSync(join(h, '.flyte', 'config-sandbox.yaml')), false)
    } finally {
      blocker.close()
    }
  })

  it('cleans a stale pid file and starts', async () => {
    const h = home()
    const port = await freePort()
    const dataDir = join(h, '.flyte', 'demo')
    mkdirSync(dataDir, {recursive: true})
    // The pid of a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    writeFileSync(
      join(dataDir, 'demo.pid'),
      JSON.stringify({pid: Number(dead), port, startedAt: new Date().toISOString()}),
    )
    const st = await runCli(['demo', 'status', '-o', 'json'], {env: {HOME: h}})
    assert.equal((JSON.parse(st.stdout) as {health: string}).health, 'stale pid file')
    const r = await runCli(['demo', 'start', '--port', String(port)], {env: {HOME: h}})
    assert.equal(r.code, 0, r.stderr)
    const pid = (JSON.parse(readFileSync(join(dataDir, 'demo.pid'), 'utf8')) as {pid: number}).pid
    started.add(pid)
    assert.match(r.stderr, new RegExp(`Removed a stale pid file \\(process ${dead} is not running\\)`))
    assert.notEqual(pid, Number(dead))
    assert.match(r.stdout, /Flyte is ready!/)
    await runCli(['demo', 'teardown'], {env: {HOME: h}})
  })

  it('exec runs a command against the sandbox config and passes its exit code through', async () => {
    const h = home()
    const port = await freePort()
    const notRunning = await runCli(['demo', 'exec', '--', 'true'], {env: {HOME: h}})
    assert.equal(notRunning.code, 6)
    assert.match(notRunning.stderr, /^Error: no local control plane is running\nHint: .*flytectl demo start/)
    assert.equal((await start(h, port)).code, 0)
    const r = await runCli(['demo', 'exec', '--', process.execPath, '-e', 'console.log(process.env.FLYTECTL_CONFIG)'], {
      env: {HOME: h},
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), join(h, '.flyte', 'config-sandbox.yaml'))
    const failing = await runCli(['demo', 'exec', '--', process.execPath, '-e', 'process.exit(3)'], {env: {HOME: h}})
    assert.equal(failing.code, 3)
    const missing = await runCli(['demo', 'exec'], {env: {HOME: h}})
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /missing argument/)
    await runCli(['demo', 'teardown'], {env: {HOME: h}})
  })

  it('teardown with nothing running exits 0 with a note', async () => {
    const h = home()
    const r = await runCli(['demo', 'teardown'], {env: {HOME: h}})
    assert.equal(r.code, 0)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /No local control plane was running/)
  })

  it('status, exec and teardown without --dataDir find the plane started with one', async () => {
    const h = home()
    const port = await freePort()
    const dataDir = join(h, 'elsewhere')
    const s = await start(h, port, ['--dataDir', dataDir, '--no-examples'])
    assert.equal(s.code, 0, s.stderr)
    const st = await runCli(['demo', 'status', '-o', 'json'], {env: {HOME: h}})
    assert.equal(st.code, 0, st.stderr)
    const status = JSON.parse(st.stdout) as Record<string, unknown>
    assert.deepEqual([status.running, status.port, status.dataDir], [true, port, dataDir])
    const ex = await runCli(['demo', 'exec', '--', process.execPath, '-e', 'process.exit(3)'], {env: {HOME: h}})
    assert.equal(ex.code, 3, ex.stderr)
    const td = await runCli(['demo', 'teardown'], {env: {HOME: h}})
    assert.equal(td.code, 0, td.stderr)
    assert.match(td.stdout, /Local control plane stopped \(pid \d+\)/)
    assert.equal(processAlive(json(s.stdout).result.pid as number), false)
    assert.equal(existsSync(join(h, '.flyte', 'demo-datadir')), false)
    const after = await runCli(['demo', 'status', '-o', 'json'], {env: {HOME: h}})
    assert.equal((JSON.parse(after.stdout) as {running: boolean}).running, false)
  })
})
