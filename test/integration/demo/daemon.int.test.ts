/**
 * The daemon process itself (no CLI): it writes its pid file once listening, answers gRPC, exits 0 on
 * SIGTERM and removes the pid file, and exits 10 with one `Error:` line when its port is taken.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {createAdminClients} from '../../../src/admin/client.js'
import {DAEMON_PATH, probeVersion} from '../../../src/demo/service.js'
import {WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {closure, ident, nodeTask, taskNode} from '../executor/workflows.js'
import {freePort} from '../../support/net.js'

const dirs: string[] = []
const children: ChildProcess[] = []
after(() => {
  // A failed test must not leave a daemon behind (it would also keep this test process alive).
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  dirs.forEach((d) => rmSync(d, {recursive: true, force: true}))
})

function daemon(port: number, existingDataDir?: string) {
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'flytectl-daemon-'))
  if (!existingDataDir) dirs.push(dataDir)
  const child = spawn(process.execPath, [DAEMON_PATH, '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return {child, dataDir, exited, stderr: () => stderr}
}

/** Registers a 30 s task as a launch plan named `name` and starts it; resolves once it is RUNNING. */
async function launchSleepy(port: number, name: string) {
  const c = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
  try {
    const sleepy = nodeTask(`${name}.sleepy`, 'sleep')
    const wf = closure(name, [taskNode('n0', sleepy, [])], [], [sleepy])
    const wfId = ident(ResourceType.WORKFLOW, name)
    const lpId = ident(ResourceType.LAUNCH_PLAN, name)
    await c.admin.createTask({id: sleepy.id, spec: {template: sleepy}})
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
    const id = (
      await c.admin.createExecution({project: 'flytesnacks', domain: 'development', spec: {launchPlan: lpId}})
    ).id!
    const deadline = Date.now() + 15_000
    while ((await c.admin.getExecution({id})).closure?.phase !== WorkflowExecution_Phase.RUNNING) {
      if (Date.now() > deadline) throw new Error('never RUNNING')
      await new Promise((r) => setTimeout(r, 50))
    }
    return id
  } finally {
    c.close()
  }
}

async function waitForPidFile(d: ReturnType<typeof daemon>): Promise<string> {
  const pidFile = join(d.dataDir, 'demo.pid')
  const deadline = Date.now() + 15_000
  const ours = () =>
    existsSync(pidFile) && (JSON.parse(readFileSync(pidFile, 'utf8')) as {pid: number}).pid === d.child.pid
  while (!ours()) {
    if (Date.now() > deadline) throw new Error(`no pid file; stderr: ${d.stderr()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  return pidFile
}

describe('control plane daemon', () => {
  it('writes its pid file when listening and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort()
    const d = daemon(port)
    const pidFile = await waitForPidFile(d)
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

  it('on SIGTERM, running executions end ABORTED and stay so after a restart', async () => {
    const port = await freePort()
    const d = daemon(port)
    await waitForPidFile(d)
    const c = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
    let id
    try {
      // The demo seeds `flytesnacks`, as Flyte's sandbox does.
      await c.admin.getProject({id: 'flytesnacks'})
      const sleepy = nodeTask('daemon.sleepy', 'sleep')
      const wf = closure('daemon.sleepy', [taskNode('n0', sleepy, [])], [], [sleepy])
      const wfId = ident(ResourceType.WORKFLOW, 'daemon.sleepy')
      const lpId = ident(ResourceType.LAUNCH_PLAN, 'daemon.sleepy')
      await c.admin.createTask({id: sleepy.id, spec: {template: sleepy}})
      await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
      await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
      id = (await c.admin.createExecution({project: 'flytesnacks', domain: 'development', spec: {launchPlan: lpId}}))
        .id!
      const deadline = Date.now() + 15_000
      while ((await c.admin.getExecution({id})).closure?.phase !== WorkflowExecution_Phase.RUNNING) {
        if (Date.now() > deadline) throw new Error('never RUNNING')
        await new Promise((r) => setTimeout(r, 50))
      }
    } finally {
      c.close()
    }
    d.child.kill('SIGTERM')
    assert.equal(await d.exited, 0)
    // Same data dir, new process.
    const again = spawn(process.execPath, [DAEMON_PATH, '--port', String(port), '--data-dir', d.dataDir], {
      stdio: 'ignore',
    })
    const c2 = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
    try {
      const deadline = Date.now() + 15_000
      while ((await probeVersion(port, 500)) === null) {
        if (Date.now() > deadline) throw new Error('restart did not come up')
        await new Promise((r) => setTimeout(r, 50))
      }
      const ex = await c2.admin.getExecution({id})
      assert.equal(WorkflowExecution_Phase[ex.closure!.phase], 'ABORTED')
    } finally {
      c2.close()
      again.kill('SIGTERM')
      await new Promise((r) => again.once('exit', r))
    }
  })

  it('after a hard kill, the restarted daemon ends the orphaned execution and runs new ones', async () => {
    const port = await freePort()
    const d = daemon(port)
    await waitForPidFile(d)
    const id = await launchSleepy(port, 'orphan')
    d.child.kill('SIGKILL')
    await d.exited
    const again = daemon(port, d.dataDir)
    await waitForPidFile(again)
    const c = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
    try {
      const ex = await c.admin.getExecution({id})
      assert.equal(WorkflowExecution_Phase[ex.closure!.phase], 'FAILED', 'nothing is left RUNNING without a runner')
      assert.match(ex.closure?.outputResult.case === 'error' ? ex.closure.outputResult.value.message : '', /restarted/)
      const fresh = await launchSleepy(port, 'fresh')
      assert.equal(WorkflowExecution_Phase[(await c.admin.getExecution({id: fresh})).closure!.phase], 'RUNNING')
    } finally {
      c.close()
      again.child.kill('SIGTERM')
      await again.exited
    }
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
