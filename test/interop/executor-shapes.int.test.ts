/**
 * Workflow shapes the local executor runs as propeller would, driven by real flytekit: a dynamic
 * workflow (nested dynamic, map task and sub-workflow inside), a launch-plan node (child execution),
 * approval and input gates answered through SignalService, and a wider map task. The shapes package
 * (test/interop/shapes) is registered with `flytectl register files`; FlyteRemote launches and syncs
 * every shape at once (shapes_remote.py) while `pyflyte run --remote --wait` runs the dynamic one.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {REPO_ROOT, runCli, tempHome, type CliResult} from '../support/cli.js'
import {freePort} from '../support/net.js'
import {scheduledExecutionName} from '../../src/controlplane/scheduler.js'

const run = promisify(execFile)
const INTEROP = join(REPO_ROOT, 'test', 'interop')
const VENV_BIN = join(INTEROP, '.venv', 'bin')
const SKIP = existsSync(join(VENV_BIN, 'pyflyte'))
  ? false
  : 'the interop environment is missing: run scripts/setup-interop.sh'
const P = ['-p', 'flytesnacks', '-d', 'development']

interface ShapeResult {
  phase: number
  outputs?: Record<string, unknown>
  error?: string
  nodes: string[]
  children?: string[]
  child?: string
  child_mode?: number
  child_parent?: string
  child_outputs?: Record<string, unknown>
}

describe('workflow shapes through real flytekit', {skip: SKIP, timeout: 600_000}, () => {
  let home: {home: string; cleanup: () => void}
  let work: string
  let port: number
  let env: NodeJS.ProcessEnv
  const cli = (args: string[]): Promise<CliResult> => runCli(args, {env})
  const ok = async (args: string[]): Promise<string> => {
    const r = await cli(args)
    assert.equal(r.code, 0, `flytectl ${args.join(' ')} failed:\n${r.stderr}`)
    return r.stdout
  }

  before(async () => {
    home = tempHome()
    work = mkdtempSync(join(tmpdir(), 'flytectl-shapes-'))
    port = await freePort()
    // A fixed-rate "minute" of 3 s, so the one-minute fixed rate of test/interop/scheduled fires quickly.
    env = {HOME: home.home, FLYTECTL_DEMO_PATH: VENV_BIN, PYTHONPATH: INTEROP, FLYTECTL_DEMO_SCHEDULE_MINUTE_MS: '3000'}
    const started = await cli(['demo', 'start', '--port', String(port)])
    assert.equal(started.code, 0, started.stderr)
    env.FLYTECTL_CONFIG = join(home.home, '.flyte', 'config-sandbox.yaml')
    await run(
      join(VENV_BIN, 'pyflyte'),
      ['--pkgs', 'shapes', 'package', '--image', 'flytekit:local', '-o', join(work, 'shapes.tgz'), '--force'],
      {cwd: INTEROP, env: {...process.env, ...env}},
    )
    const reg = await ok(['register', 'files', ...P, '--archive', join(work, 'shapes.tgz'), '--version', 'v1'])
    assert.doesNotMatch(reg, /Failed/)
    // pyflyte registers the scheduled launch plans: the every-minute cron one active from the start (it
    // fires while the shapes run), the fixed-rate one inactive until FlyteRemote activates it.
    const pyflyteRegister = (path: string, ...flags: string[]) =>
      run(
        join(VENV_BIN, 'pyflyte'),
        ['-c', env.FLYTECTL_CONFIG!, 'register', '--project', 'flytesnacks', '--domain', 'development'].concat([
          '--version',
          's1',
          ...flags,
          path,
        ]),
        {cwd: INTEROP, env: {...process.env, ...env}, timeout: 120_000},
      )
    await pyflyteRegister('scheduled/cron.py', '--activate-launchplans')
    await pyflyteRegister('scheduled/rate.py')
  })

  after(async () => {
    if (env?.HOME) await cli(['demo', 'teardown', '--volume'])
    rmSync(work, {recursive: true, force: true})
    home?.cleanup()
  })

  it('runs dynamic, launch-plan node, gate and map shapes with the outputs flytekit computes', async () => {
    const pyflyteRun = run(
      join(VENV_BIN, 'pyflyte'),
      [
        ...['-c', env.FLYTECTL_CONFIG!, 'run', '--remote', ...P, '--wait', '--poll-interval', '1'],
        ...['shapes/flows.py', 'dynamic_wf', '--n', '4'],
      ],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
    )
    const {stdout} = await run(
      join(VENV_BIN, 'python'),
      [join(INTEROP, 'shapes_remote.py'), `127.0.0.1:${port}`, 'flytesnacks', 'development', 'v1'],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 400_000},
    )
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, ShapeResult> & {
      signals: Record<string, string[]>
    }
    const SUCCEEDED = 4
    const FAILED = 6

    // dynamic_wf(n=3): squares 0+1+4, the nested dynamic's map task 0+1+4, the sub-workflow 3*3.
    assert.equal(out.dynamic!.phase, SUCCEEDED, out.dynamic!.error)
    assert.deepEqual(out.dynamic!.outputs, {o0: 19})
    // FlyteRemote synced the dynamic node's children under propeller's ids.
    assert.deepEqual(
      out.dynamic!.children!.filter((c) => !c.endsWith('-node')),
      ['n0-0-dn0', 'n0-0-dn1', 'n0-0-dn2', 'n0-0-dn3', 'n0-0-dn4', 'n0-0-dn5', 'n0-0-dn6', 'n0-0-dn7'],
    )

    // parent_wf(x=4): the child execution of shapes_square_lp returned 16, the parent added 1.
    const lp = out.launch_plan!
    assert.equal(lp.phase, SUCCEEDED, lp.error)
    assert.deepEqual(lp.outputs, {o0: 17})
    assert.deepEqual(lp.child_outputs, {o0: 16})
    assert.equal(lp.child_mode, 4 /* CHILD_WORKFLOW */)
    assert.match(lp.child!, /^f[a-z1-6]{13}$/)
    const children = JSON.parse(
      await ok([
        'get',
        'execution',
        ...P,
        '--filter.fieldSelector',
        `parent_execution=${lp.child_parent}`,
        '-o',
        'json',
      ]),
    ) as {id: {name: string}} | Array<{id: {name: string}}>
    assert.deepEqual(
      (Array.isArray(children) ? children : [children]).map((c) => c.id.name),
      [lp.child],
    )

    // Gates: each waited on its signal (created on first wait), then got it through SignalService.
    assert.deepEqual(out.signals, {approved: ['review'], input: ['bonus'], rejected: ['review']})
    assert.deepEqual(out.approved!.outputs, {o0: 10})
    assert.deepEqual(out.input!.outputs, {o0: 7})
    assert.equal(out.rejected!.phase, FAILED)
    assert.equal(out.rejected!.error, 'received a reject signal to disapprove the node input values')

    // 20 items mapped: the sum of the squares of 0..19.
    assert.deepEqual(out.wide_map!.outputs, {o0: 2470})

    // `pyflyte run --remote --wait` of the dynamic workflow (registered by pyflyte itself) with n=4:
    // squares 0+1+4+9 twice, plus 4*4.
    const py = await pyflyteRun
    const name = /Execution ([a-z0-9]+) has succeeded\./.exec(py.stdout)?.[1]
    assert.ok(name, py.stdout + py.stderr)
    const details = JSON.parse(await ok(['get', 'execution', ...P, name, '--details', '-o', 'json'])) as Array<{
      node_exec: {id: {nodeId: string}}
      outputs?: Record<string, unknown>
      child_nodes?: Array<{node_exec: {id: {nodeId: string}}}>
    }>
    assert.deepEqual(details.find((n) => n.node_exec.id.nodeId === 'end-node')?.outputs, {o0: 44})
    const dyn = details.find((n) => n.node_exec.id.nodeId === 'n0')
    assert.ok(
      (dyn?.child_nodes ?? []).some((c) => c.node_exec.id.nodeId === 'n0-0-dn0'),
      'dynamic children in --details',
    )
  })

  it('fires launch plans pyflyte registered with a fixed rate and a cron schedule; FlyteRemote sees the runs', async () => {
    const {stdout} = await run(
      join(VENV_BIN, 'python'),
      [join(INTEROP, 'schedules_remote.py'), `127.0.0.1:${port}`, 'flytesnacks', 'development', 's1'],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 400_000},
    )
    type Run = {
      name: string
      mode: number
      scheduled_at: string
      version: string
      phase: number
      outputs?: {o0: unknown}
      error?: string
    }
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
      fixed_rate: Run[]
      cron: Run[]
      states: Record<string, number>
    }
    const SUCCEEDED = 4
    const SCHEDULED = 1
    const lp = (name: string) => ({project: 'flytesnacks', domain: 'development', name, version: 's1'})

    // Fixed rate: two runs one (shortened) minute apart, flytescheduler's names, no kickoff input.
    assert.equal(out.fixed_rate.length, 2)
    for (const r of out.fixed_rate) {
      assert.equal(r.phase, SUCCEEDED, r.error)
      assert.equal(r.mode, SCHEDULED)
      assert.equal(r.version, 's1')
      assert.equal(r.name, scheduledExecutionName(lp('scheduled_fixed_rate'), new Date(r.scheduled_at)))
      assert.deepEqual(r.outputs, {o0: 42})
    }
    const [a, b] = out.fixed_rate.map((r) => new Date(r.scheduled_at).getTime())
    assert.equal(b! - a!, 3000)

    // Cron: fired on a minute boundary, with the kickoff time as the workflow's `t` input.
    const [c] = out.cron
    assert.equal(c!.phase, SUCCEEDED, c!.error)
    assert.equal(c!.mode, SCHEDULED)
    const at = new Date(c!.scheduled_at)
    assert.equal(at.getTime() % 60_000, 0)
    assert.equal(c!.name, scheduledExecutionName(lp('scheduled_every_minute'), at))
    assert.equal(new Date(String(c!.outputs!.o0)).getTime(), at.getTime())

    // FlyteRemote deactivated both: neither shows a next run any more.
    assert.deepEqual(out.states, {scheduled_every_minute: 0, scheduled_fixed_rate: 0})
    const table = await ok(['get', 'launchplan', ...P, 'scheduled_every_minute'])
    assert.match(table, /NEXT RUN/)
    assert.doesNotMatch(table.split('\n').find((l) => l.includes('scheduled_every_minute')) ?? '', /\d{4}-\d\d-\d\dT/)
  })
})
