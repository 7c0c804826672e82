/**
 * The first hour: `demo start` seeds example launch plans that run with nothing but sh and awk, and
 * `create execution --launchplan|--task … --wait` runs them and exits by how they ended (0, 10
 * FAILED, 11 ABORTED; Ctrl-C stops only the waiting, exit 9). `get execution --watch` exits the same
 * way, and `logs execution` ends a failed attempt's log with its error. One plane (the real daemon,
 * started by the built CLI) in a temp HOME on a free port.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {BIN, REPO_ROOT, runCli, tempHome} from '../../support/cli.js'
import {freePort} from '../../support/net.js'

const P = ['-p', 'flytesnacks', '-d', 'development']
const h = tempHome()
let port = 0
let clients: AdminClients | undefined
const config = () => ['--config', `${h.home}/.flyte/config-sandbox.yaml`]
const cli = (...args: string[]) => runCli([...args, ...config()], {env: {HOME: h.home}})
type Envelope = {ok: boolean; result: Record<string, unknown>; error?: {exitCode: number; message: string}}

before(async () => {
  port = await freePort()
  const r = await runCli(['demo', 'start', '--port', String(port)], {env: {HOME: h.home}})
  assert.equal(r.code, 0, r.stderr)
  assert.match(
    r.stdout,
    /flytectl create execution --launchplan examples\.hello_world -p flytesnacks -d development --wait/,
  )
  clients = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
})

after(async () => {
  clients?.close()
  await runCli(['demo', 'teardown'], {env: {HOME: h.home}})
  h.cleanup()
})

/** A task that sleeps, to have something to wait for. */
async function registerSleeper(name: string): Promise<void> {
  const id = {resourceType: ResourceType.TASK, project: 'flytesnacks', domain: 'development', name, version: 'v1'}
  await clients!.admin.createTask({
    id,
    spec: {
      template: {
        id,
        type: 'raw-container',
        metadata: {},
        interface: {},
        target: {case: 'container', value: {image: 'busybox', command: ['sh', '-c', 'sleep 60']}},
      },
    },
  })
}

/** The built CLI as a child whose stderr can be watched and which can be sent a signal. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args, ...config()], {
    cwd: REPO_ROOT,
    env: {...process.env, HOME: h.home, NO_COLOR: '1', FLYTECTL_CONFIG: ''},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  const seen: Array<{re: RegExp; resolve: () => void}> = []
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    for (const s of seen.splice(0)) (s.re.test(stderr) ? s.resolve : () => seen.push(s))()
  })
  const done = new Promise<{code: number | null}>((resolve) => child.on('close', (code) => resolve({code})))
  return {
    child,
    done,
    output: () => ({stdout, stderr}),
    stderrMatches: (re: RegExp) =>
      new Promise<void>((resolve) => (re.test(stderr) ? resolve() : seen.push({re, resolve}))),
  }
}

describe('examples that run at once', () => {
  it('demo start seeds four active launch plans in flytesnacks/development', async () => {
    const r = await cli('get', 'launchplan', ...P, '-o', 'json')
    assert.equal(r.code, 0, r.stderr)
    const names = (JSON.parse(r.stdout) as Array<{id: {name: string}}>).map((l) => l.id.name).sort()
    assert.deepEqual(names, [
      'examples.arithmetic',
      'examples.collatz_step',
      'examples.hello_world',
      'examples.map_square',
    ])
  })

  it('--wait prints the outcome and the outputs of each example', async () => {
    const hello = await cli('create', 'execution', '--launchplan', 'examples.hello_world', ...P, '--wait')
    assert.equal(hello.code, 0, hello.stderr)
    assert.match(hello.stdout, /^execution identifier project:"flytesnacks" domain:"development" name:"\w+"\n/)
    assert.match(hello.stdout, /execution \w+ SUCCEEDED in \d+\.\d\ds\noutputs:\n {2}greeting: Hello, world!\n$/)
    assert.match(hello.stderr, /Ctrl-C stops waiting; the execution keeps running/)

    const run = async (args: string[]) => {
      const r = await cli('create', 'execution', ...args, ...P, '--wait', '--json')
      assert.equal(r.code, 0, r.stderr)
      const env = JSON.parse(r.stdout) as Envelope
      assert.deepEqual(
        [env.result.project, env.result.domain, env.result.phase],
        ['flytesnacks', 'development', 'SUCCEEDED'],
      )
      return env.result.outputs
    }
    assert.deepEqual(await run(['--launchplan', 'examples.hello_world', '--input', 'name=Flyte']), {
      greeting: 'Hello, Flyte!',
    })
    assert.deepEqual(await run(['--launchplan', 'examples.arithmetic', '--input', 'a=7', '--input', 'b=2']), {
      sum: 9,
      product: 14,
      ratio: 3.5,
    })
    assert.deepEqual(await run(['--launchplan', 'examples.collatz_step']), {next: 82})
    assert.deepEqual(await run(['--launchplan', 'examples.collatz_step', '--input', 'n=10']), {next: 5})
    assert.deepEqual(await run(['--launchplan', 'examples.map_square', '--input', 'numbers=[1, 2, 3]']), {
      squares: [1, 4, 9],
      total: 14,
    })
    assert.deepEqual(await run(['--task', 'examples.square', '--input', 'x=12']), {y: 144})
  })

  it('a FAILED run exits 10 naming the attempt and showing its log; --watch and logs agree', async () => {
    const r = await cli(
      'create',
      'execution',
      'divzero',
      '--launchplan',
      'examples.arithmetic',
      '--input',
      'b=0',
      ...P,
      '--wait',
    )
    assert.equal(r.code, 10, r.stderr)
    assert.match(r.stderr, /--- node n0 attempt 0: its log ---\n[^]*cannot divide by zero: b is 0\n/)
    assert.match(
      r.stderr,
      /Error: execution divzero ended FAILED: task \[examples\.arithmetic\] exited with code 1; see its log file:\/\/\S+\/n0\/0\.log\n/,
    )
    assert.match(
      r.stderr,
      /Hint: Node n0 attempt 0 failed\. Read its log with `flytectl logs execution divzero -p flytesnacks -d development --node n0`\./,
    )
    assert.doesNotMatch(r.stderr, /\n\s+at /)

    const watch = await cli('get', 'execution', 'divzero', ...P, '--watch')
    assert.equal(watch.code, 10, watch.stderr)
    assert.match(watch.stdout, /execution divzero FAILED/)
    assert.match(watch.stderr, /Error: execution divzero ended FAILED/)

    const del = await cli('delete', 'execution', 'divzero', ...P)
    assert.equal(del.code, 5, del.stderr)
    assert.equal(
      del.stderr,
      'Error: Cannot abort an already terminated workflow execution\n' +
        'Hint: It has already ended; see how with `flytectl get execution divzero -p flytesnacks -d development`.\n',
    )

    const logs = await cli('logs', 'execution', 'divzero', ...P)
    assert.equal(logs.code, 0, logs.stderr)
    assert.match(
      logs.stdout,
      /==> n0 attempt 0 \(Local process log\) <==\n[^]*cannot divide by zero: b is 0\n--- n0 attempt 0 FAILED: \[NonZeroExit\] task \[examples\.arithmetic\] exited with code 1/,
    )
  })

  it('Ctrl-C stops waiting (exit 9) and leaves the run going; an ABORTED run exits 11 under --watch', async () => {
    await registerSleeper('e2e.sleeper')
    const waiting = startCli(['create', 'execution', 'sleepy', '--task', 'e2e.sleeper', ...P, '--wait'])
    await waiting.stderrMatches(/execution sleepy RUNNING/)
    waiting.child.kill('SIGINT')
    assert.equal((await waiting.done).code, 9, waiting.output().stderr)
    assert.match(
      waiting.output().stderr,
      /Error: stopped waiting; execution sleepy keeps running\nHint: Follow it with `flytectl get execution sleepy -p flytesnacks -d development --watch`/,
    )
    const still = await clients!.admin.getExecution({
      id: {project: 'flytesnacks', domain: 'development', name: 'sleepy'},
    })
    assert.equal(still.closure?.phase, WorkflowExecution_Phase.RUNNING)

    const watch = startCli(['get', 'execution', 'sleepy', ...P, '--watch'])
    const del = await cli('delete', 'execution', 'sleepy', ...P)
    assert.equal(del.code, 0, del.stderr)
    assert.equal((await watch.done).code, 11, watch.output().stderr)
    assert.match(watch.output().stderr, /Error: execution sleepy ended ABORTED/)
  })

  it('refuses --input without a target, two targets, and unknown inputs (exit 2, nothing created)', async () => {
    const noTarget = await cli('create', 'execution', '--input', 'a=1', ...P)
    assert.equal(noTarget.code, 2)
    assert.match(noTarget.stderr, /--input needs --launchplan or --task/)
    const two = await cli(
      'create',
      'execution',
      '--launchplan',
      'examples.hello_world',
      '--task',
      'examples.greet',
      ...P,
    )
    assert.equal(two.code, 2)
    assert.match(two.stderr, /--launchplan and --task cannot be used together/)
    const unknown = await cli('create', 'execution', '--launchplan', 'examples.arithmetic', '--input', 'c=1', ...P)
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /no matching type for \[c\][^]*Hint: Known inputs: a, b\./)
    // As in Go flytectl, --task beside an execFile is ignored (now with a warning).
    const file = join(h.home, 'hello.yaml')
    writeFileSync(file, 'workflow: examples.hello_world\ninputs: {name: file}\n')
    const withFile = await cli('create', 'execution', '--execFile', file, '--task', 'examples.greet', ...P, '--wait')
    assert.equal(withFile.code, 0, withFile.stderr)
    assert.match(withFile.stderr, /Warning: --task examples\.greet is ignored with --execFile/)
    assert.match(withFile.stdout, /greeting: Hello, file!/)
    const notInt = await cli('create', 'execution', '--launchplan', 'examples.arithmetic', '--input', 'a=seven', ...P)
    assert.equal(notInt.code, 2)
  })

  it('demo start --no-examples seeds none', async () => {
    const other = tempHome()
    const p2 = await freePort()
    try {
      const r = await runCli(['demo', 'start', '--port', String(p2), '--no-examples'], {env: {HOME: other.home}})
      assert.equal(r.code, 0, r.stderr)
      assert.doesNotMatch(r.stdout, /examples\.hello_world/)
      const lps = await runCli(
        ['get', 'launchplan', ...P, '-o', 'json', '--config', `${other.home}/.flyte/config-sandbox.yaml`],
        {
          env: {HOME: other.home},
        },
      )
      assert.equal(lps.code, 0, lps.stderr)
      assert.deepEqual(JSON.parse(lps.stdout || '[]'), [])
    } finally {
      await runCli(['demo', 'teardown'], {env: {HOME: other.home}})
      other.cleanup()
    }
  })
})
