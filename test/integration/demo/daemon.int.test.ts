/**
 * The daemon process itself (no CLI): it writes its pid file once listening, answers gRPC, exits 0 on
 * SIGTERM and removes the pid file, and exits 10 with one `Error:` line when its port is taken.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {DAEMON_PATH, probeVersion} from '../../../src/demo/service.js'

const dirs: string[] = []
after(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})))

function daemon(port: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'flytectl-daemon-'))
  dirs.push(dataDir)
  const child = spawn(process.execPath, [DAEMON_PATH, '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return {child, dataDir, exited, stderr: () => stderr}
}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const {port} = srv.address() as AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe('control plane daemon', () => {
  it('writes its pid file when listening and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort()
    const d = daemon(port)
    const pidFile = join(d.dataDir, 'demo.pid')
    const deadline = Date.now() + 15_000
    while (!existsSync(pidFile)) {
      if (Date.now() > deadline) throw new Error(`no pid file; stderr: ${d.stderr()}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const info = JSON.parse(readFileSync(pidFile, 'utf8')) as Record<string, unknown>
    assert.equal(info.pid, d.child.pid)
    assert.equal(info.port, port)
    assert.equal(info.host, '127.0.0.1')
    assert.ok(!Number.isNaN(Date.parse(String(info.startedAt))))
    assert.ok(await probeVersion(port), 'answers GetVersion')
    d.child.kill('SIGTERM')
    assert.equal(await d.exited, 0)
    assert.equal(existsSync(pidFile), false, 'pid file removed')
    assert.equal(await probeVersion(port, 300), null, 'port closed')
  })

  it('exits 10 with one clear line when the port is busy', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const {port} = blocker.address() as AddressInfo
    try {
      const d = daemon(port)
      assert.equal(await d.exited, 10)
      assert.equal(d.stderr(), `Error: port ${port} on 127.0.0.1 is already in use\n`)
      assert.equal(existsSync(join(d.dataDir, 'demo.pid')), false)
    } finally {
      blocker.close()
    }
  })

  it('rejects bad arguments with exit 2', async () => {
    const child = spawn(process.execPath, [DAEMON_PATH, '--port', 'abc', '--data-dir', tmpdir()], {stdio: 'pipe'})
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const code = await new Promise((r) => child.once('exit', r))
    assert.equal(code, 2)
    assert.equal(stderr, 'Error: invalid --port abc\n')
  })
})
