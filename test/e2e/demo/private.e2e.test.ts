/**
 * `flytectl demo start` keeps the plane private: tasks see an allow-listed environment (a secret of the
 * starting shell only with --env), the data directory and its files are the user's alone, and
 * `teardown --volume` deletes only a directory that `demo start` made.
 */
import assert from 'node:assert/strict'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {createAdminClients} from '../../../src/admin/client.js'
import {WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {closure, ident, nodeTask, taskNode} from '../../integration/executor/workflows.js'
import {runCli, tempHome} from '../../support/cli.js'
import {freePort} from '../../support/net.js'

const homes: Array<() => void> = []
const pids = new Set<number>()
after(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // stopped by the test
    }
  }
  for (const c of homes) c()
})

function home(): string {
  const h = tempHome()
  homes.push(h.cleanup)
  return h.home
}

const mode = (path: string) => lstatSync(path).mode & 0o777

/** Every directory under `dir` is 0700 and no file is readable by group or others. */
function assertPrivate(dir: string): void {
  const st = lstatSync(dir)
  if (st.isSymbolicLink()) return
  if (st.isDirectory()) {
    assert.equal(mode(dir), 0o700, dir)
    for (const name of readdirSync(dir)) assertPrivate(join(dir, name))
  } else assert.equal(mode(dir) & 0o077, 0, `${dir} is ${mode(dir).toString(8)}`)
}

/** Runs a one-task workflow whose command writes its environment to `out`; resolves when it SUCCEEDED. */
async function runEnvDump(port: number, out: string): Promise<void> {
  const c = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
  try {
    const dump = nodeTask('privacy.env', '', {command: ['/bin/sh', '-c', `env > ${out}`]})
    const wf = closure('privacy.wf', [taskNode('n0', dump, [])], [], [dump])
    const wfId = ident(ResourceType.WORKFLOW, 'privacy.wf')
    const lpId = ident(ResourceType.LAUNCH_PLAN, 'privacy.wf')
    await c.admin.createTask({id: dump.id, spec: {template: dump}})
    await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
    await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
    const id = (
      await c.admin.createExecution({project: 'flytesnacks', domain: 'development', spec: {launchPlan: lpId}})
    ).id!
    for (;;) {
      const phase = (await c.admin.getExecution({id})).closure?.phase
      if (phase === WorkflowExecution_Phase.SUCCEEDED) return
      assert.ok(phase !== WorkflowExecution_Phase.FAILED && phase !== WorkflowExecution_Phase.ABORTED, `phase ${phase}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    c.close()
  }
}

describe('a private demo plane', () => {
  it('tasks see the allow-list and --env only; the data dir is 0700/0600 and marked', async () => {
    const h = home()
    const port = await freePort()
    const env = {HOME: h, GITHUB_TOKEN: 'ghp_secret_of_the_shell', AWS_SECRET_ACCESS_KEY: 'shh', MY_PASSED: 'yes'}
    const s = await runCli(
      ['demo', 'start', '--port', String(port), '--json', '--env', 'MY_PASSED', '--env', 'LITERAL=abc'],
      {env},
    )
    assert.equal(s.code, 0, s.stderr)
    const {pid, dataDir} = (JSON.parse(s.stdout) as {result: {pid: number; dataDir: string}}).result
    pids.add(pid)

    const out = join(h, 'task-env.txt')
    await runEnvDump(port, out)
    const seen = readFileSync(out, 'utf8')
    assert.doesNotMatch(seen, /GITHUB_TOKEN|ghp_secret_of_the_shell|AWS_SECRET_ACCESS_KEY/)
    assert.match(seen, /^MY_PASSED=yes$/m)
    assert.match(seen, /^LITERAL=abc$/m)
    assert.match(seen, new RegExp(`^HOME=${h}$`, 'm'))
    assert.match(seen, /^FLYTE_INTERNAL_EXECUTION_ID=/m)
    const daemonEnv = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    assert.ok(!daemonEnv.some((kv) => kv.startsWith('GITHUB_TOKEN=')), 'the daemon itself has no GITHUB_TOKEN')

    assert.equal(mode(dataDir), 0o700)
    for (const f of ['flyteadmin.db', 'demo.log', 'demo.pid', 'blob-url.key', '.flytectl-demo']) {
      assert.equal(mode(join(dataDir, f)), 0o600, f)
    }
    assertPrivate(dataDir)

    const down = await runCli(['demo', 'teardown', '--volume'], {env: {HOME: h}})
    assert.equal(down.code, 0, down.stderr)
    assert.ok(!existsSync(dataDir))
  })

  it('an existing data dir readable by others is tightened with a one-line note', async () => {
    const h = home()
    const dataDir = join(h, 'shared-demo')
    mkdirSync(join(dataDir, 'blobs'), {recursive: true})
    writeFileSync(join(dataDir, 'flyteadmin.db'), '')
    writeFileSync(join(dataDir, 'blobs', 'old.bin'), 'x', {mode: 0o644})
    chmodSync(dataDir, 0o755)
    chmodSync(join(dataDir, 'blobs'), 0o755)
    const port = await freePort()
    const s = await runCli(['demo', 'start', '--port', String(port), '--dataDir', dataDir], {env: {HOME: h}})
    // An empty file is not a database: the daemon may refuse it, but the directory was tightened first.
    if (s.code === 0) {
      const pid = Number(/pid (\d+)/.exec(s.stdout)?.[1])
      if (pid) pids.add(pid)
    }
    assert.match(s.stderr, new RegExp(`Made ${dataDir} private to you`))
    assert.equal(s.stderr.split('\n').filter((l) => l.includes('private to you')).length, 1)
    assertPrivate(dataDir)
    await runCli(['demo', 'teardown', '--dataDir', dataDir], {env: {HOME: h}})
  })

  it('teardown --volume refuses a directory without the marker, and a symlink, deleting nothing', async () => {
    const h = home()
    const notOurs = join(h, 'projects')
    mkdirSync(notOurs)
    writeFileSync(join(notOurs, 'thesis.tex'), 'precious')
    const r = await runCli(['demo', 'teardown', '--volume', '--dataDir', notOurs], {env: {HOME: h}})
    assert.equal(r.code, 2)
    const lines = r.stderr.trim().split('\n')
    assert.match(lines[0]!, new RegExp(`refusing to delete ${notOurs}: it has no \\.flytectl-demo marker`))
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/)
    assert.equal(readFileSync(join(notOurs, 'thesis.tex'), 'utf8'), 'precious')

    const marked = join(h, 'marked')
    mkdirSync(marked)
    writeFileSync(join(marked, '.flytectl-demo'), 'x')
    const link = join(h, 'link')
    symlinkSync(marked, link)
    const viaLink = await runCli(['demo', 'teardown', '--volume', '--dataDir', link], {env: {HOME: h}})
    assert.equal(viaLink.code, 2)
    assert.match(viaLink.stderr, /not a directory \(a symlink or a file\)/)
    assert.ok(existsSync(join(marked, '.flytectl-demo')))
  })
})
