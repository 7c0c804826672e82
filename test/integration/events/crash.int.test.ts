/**
 * A crash, not a clean stop: the daemon (a real process, `--events-config` with a webhook) records a
 * run while the receiver is down, is killed with SIGKILL, and starts again on the same data dir. Once
 * the receiver is up, every event of the run arrives, in order, none lost.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {createAdminClients} from '../../../src/admin/client.js'
import {DAEMON_PATH} from '../../../src/demo/service.js'
import {freePort} from '../../support/net.js'
import {launchFlow, readNdjson, registerFlow, waitFor, waitTerminal} from './scenario.js'

async function startDaemon(dataDir: string, config: string): Promise<{child: ChildProcess; port: number}> {
  const pidFile = join(dataDir, 'demo.pid')
  rmSync(pidFile, {force: true})
  const child = spawn(
    process.execPath,
    [DAEMON_PATH, '--port', '0', '--data-dir', dataDir, '--no-examples', '--events-config', config],
    {stdio: ['ignore', 'ignore', 'pipe']},
  )
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`daemon exited: ${stderr}`)
    return existsSync(pidFile) ? true : undefined
  }, 'the daemon')
  return {child, port: (JSON.parse(readFileSync(pidFile, 'utf8')) as {port: number}).port}
}

describe('event publisher: webhook after a crash', () => {
  const root = mkdtempSync(join(tmpdir(), 'flytectl-events-crash-'))
  const dataDir = join(root, 'data')
  let child: ChildProcess | undefined
  let receiver: Server | undefined
  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    receiver?.close()
    rmSync(root, {recursive: true, force: true})
  })

  it('delivers what was recorded before SIGKILL once the daemon is back', async () => {
    const hookPort = await freePort()
    const config = join(root, 'events.yaml')
    writeFileSync(
      config,
      `cloudEvents:\n  type: webhook\n  webhook: {url: 'http://127.0.0.1:${hookPort}/e', initialDelayMs: 20, maxDelayMs: 200}\n`,
    )
    let d = await startDaemon(dataDir, config)
    child = d.child
    let c = createAdminClients({endpoint: `dns:///127.0.0.1:${d.port}`, insecure: true})
    const lp = await registerFlow(c)
    const run = await launchFlow(c, lp, 'crash1')
    await waitTerminal(c, run)
    const ids = await waitFor(() => {
      const all = readNdjson(dataDir).map((e) => e.id)
      return all.includes('flytesnacks/development/crash1.FAILED') ? all : undefined
    })
    c.close()
    child.kill('SIGKILL')
    await new Promise((r) => child!.once('exit', r))

    d = await startDaemon(dataDir, config)
    child = d.child
    const got: string[] = []
    receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (x: Buffer) => (body += x.toString()))
      req.on('end', () => {
        got.push((JSON.parse(body) as {id: string}).id)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((ok) => receiver!.listen(hookPort, '127.0.0.1', ok))
    await waitFor(() => (got.includes(ids[ids.length - 1]!) ? true : undefined), 'the last event at the receiver')
    assert.deepEqual([...new Set(got)], ids)
    c = createAdminClients({endpoint: `dns:///127.0.0.1:${d.port}`, insecure: true})
    const ex = await c.admin.getExecution({id: run})
    assert.equal(ex.id?.name, 'crash1')
    c.close()
  })
})
