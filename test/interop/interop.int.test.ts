/**
 * Real Flyte clients against `flytectl demo`: pyflyte packages registered with `flytectl register
 * files`, executed with `flytectl create execution` from a generated execFile, tasks run by
 * flytekit's own entrypoint; FlyteRemote, `pyflyte register` (DataProxy upload, fast register) and
 * a plain grpcio client. Needs the test-only Python environment from scripts/setup-interop.sh
 * (.ci/run creates it).
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {REPO_ROOT, runCli, tempHome, type CliResult} from '../support/cli.js'
import {freePort} from '../support/net.js'

const run = promisify(execFile)
const INTEROP = join(REPO_ROOT, 'test', 'interop')
const VENV_BIN = join(INTEROP, '.venv', 'bin')
const HAVE_VENV = existsSync(join(VENV_BIN, 'pyflyte'))
const SKIP = HAVE_VENV ? false : 'the interop environment is missing: run scripts/setup-interop.sh'
const P = ['-p', 'flytesnacks', '-d', 'development']

// A guard against a hung client, not a speed limit: every case runs Python processes, and on a
// loaded 2-CPU machine the whole suite has taken close to ten minutes.
describe('real Flyte clients against flytectl demo', {skip: SKIP, timeout: 1_200_000}, () => {
  let home: {home: string; cleanup: () => void}
  let work: string
  let port: number
  let env: NodeJS.ProcessEnv
  let launches = 0
  let offloadExecution = ''
  const cli = (args: string[]): Promise<CliResult> => runCli(args, {env})
  const ok = async (args: string[]): Promise<string> => {
    const r = await cli(args)
    assert.equal(r.code, 0, `flytectl ${args.join(' ')} failed:\n${r.stderr}`)
    return r.stdout
  }
  const python = (script: string, args: string[]) =>
    run(join(VENV_BIN, 'python'), [join(INTEROP, script), ...args], {
      cwd: INTEROP,
      env: {...process.env, ...env},
      timeout: 300_000,
    })

  before(async () => {
    home = tempHome()
    work = mkdtempSync(join(tmpdir(), 'flytectl-interop-'))
    port = await freePort()
    // The daemon inherits this environment: pyflyte-execute from the venv, the example modules importable.
    env = {HOME: home.home, FLYTECTL_DEMO_PATH: VENV_BIN, PYTHONPATH: INTEROP}
    const started = await cli(['demo', 'start', '--port', String(port)])
    assert.equal(started.code, 0, started.stderr)
    env.FLYTECTL_CONFIG = join(home.home, '.flyte', 'config-sandbox.yaml')
    await run(
      join(VENV_BIN, 'pyflyte'),
      ['--pkgs', 'workflows', 'package', '--image', 'flytekit:local', '-o', join(work, 'pkg.tgz'), '--force'],
      {cwd: INTEROP, env: {...process.env, ...env}},
    )
  })

  after(async () => {
    if (env?.HOME) await cli(['demo', 'teardown', '--volume'])
    rmSync(work, {recursive: true, force: true})
    home?.cleanup()
  })

  async function launch(entity: string, version: string, edit?: (yaml: string) => string): Promise<string> {
    const file = join(work, `${entity}-${version}-${++launches}.yaml`)
    await ok(['get', 'launchplan', ...P, entity, '--version', version, '--execFile', file])
    if (edit) writeFileSync(file, edit(readFileSync(file, 'utf8')))
    const out = await ok(['create', 'execution', ...P, '--execFile', file])
    const name = /name:"([a-z0-9]+)"/.exec(out)?.[1]
    assert.ok(name, `no execution name in: ${out}`)
    return name
  }

  async function waitFor(name: string): Promise<{phase: string; outputs: Record<string, unknown>; error?: string}> {
    const deadline = Date.now() + 240_000
    for (;;) {
      const ex = JSON.parse(await ok(['get', 'execution', ...P, name, '-o', 'json'])) as {
        closure: {phase: string; error?: {message: string}}
      }
      if (['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'].includes(ex.closure.phase)) {
        const details = JSON.parse(await ok(['get', 'execution', ...P, name, '--details', '-o', 'json'])) as Array<{
          node_exec: {id: {nodeId: string}}
          outputs?: Record<string, unknown>
        }>
        const end = details.find((n) => n.node_exec.id.nodeId === 'end-node')
        return {phase: ex.closure.phase, outputs: end?.outputs ?? {}, error: ex.closure.error?.message}
      }
      assert.ok(Date.now() < deadline, `execution ${name} still ${ex.closure.phase}`)
      await new Promise((r) => setTimeout(r, 1000))
    }
  }

  it('registers a pyflyte package, runs every example from generated execFiles, shows outputs and logs', async () => {
    const reg = await ok(['register', 'files', ...P, '--archive', join(work, 'pkg.tgz'), '--version', 'v1'])
    assert.match(reg, /47 rows/)
    assert.doesNotMatch(reg, /Failed/)

    const names = {
      typed: await launch('workflows.basics.typed_wf', 'v1'),
      sum: await launch('sum_lp', 'v1', (y) => y.replace(/a: 10/, 'a: 7')),
      big: await launch('workflows.control.branch_wf', 'v1', (y) => y.replace(/x: 0/, 'x: 12')),
      small: await launch('workflows.control.branch_wf', 'v1', (y) => y.replace(/x: 0/, 'x: 3')),
      outer: await launch('workflows.control.outer_wf', 'v1'),
      map: await launch('workflows.control.map_wf', 'v1'),
      container: await launch('workflows.control.container_wf', 'v1'),
      data: await launch('workflows.data.data_wf', 'v1'),
      failing: await launch('workflows.handlers.failing_wf', 'v1'),
      offload: await launch('workflows.data.offload_wf', 'v1'),
    }
    offloadExecution = names.offload
    const results = Object.fromEntries(
      await Promise.all(Object.entries(names).map(async ([k, n]) => [k, await waitFor(n)] as const)),
    )
    for (const [k, r] of Object.entries(results)) {
      if (k !== 'failing') assert.equal(r.phase, 'SUCCEEDED', `${k}: ${r.error ?? ''}`)
    }

    // Outputs are literals written by flytekit itself, read back by `get execution --details`.
    assert.deepEqual(results.typed!.outputs, {
      o0: 7,
      o1: Array(7).fill('hello flyte').join(' '),
      o2: {total: 6, weight: 0.5},
      o3: {x: 8, y: 9},
      o4: '2024-01-02T00:00:00.000Z',
    })
    assert.deepEqual(results.sum!.outputs, {o0: 12}) // a from the execFile, b fixed by the launch plan
    assert.deepEqual(results.big!.outputs, {o0: 24})
    assert.deepEqual(results.small!.outputs, {o0: 9})
    assert.deepEqual(results.outer!.outputs, {o0: 18})
    assert.deepEqual(results.map!.outputs, {o0: 30})

    // Map items are child node executions of the array node, each with its own output.
    const mapDetails = JSON.parse(await ok(['get', 'execution', ...P, names.map, '--details', '-o', 'json'])) as Array<{
      node_exec: {id: {nodeId: string}}
      child_nodes?: Array<{node_exec: {id: {nodeId: string}}; outputs?: {o0?: number}}>
    }>
    const items = mapDetails.find((n) => n.node_exec.id.nodeId === 'n0')?.child_nodes ?? []
    assert.deepEqual(items.map((c) => [c.node_exec.id.nodeId, c.outputs?.o0]).sort(), [
      ['n0-0-0', 1],
      ['n0-0-1', 4],
      ['n0-0-2', 9],
      ['n0-0-3', 16],
    ])

    // A file, a directory and a pandas DataFrame (parquet, StructuredDataset) passed between tasks
    // through the raw output prefix; the workflow returns the file and the frame as blob paths.
    const {o3: file, o4: frame, ...plain} = results.data!.outputs as Record<string, unknown>
    assert.deepEqual(plain, {
      o0: 'HELLO FILES',
      o1: ['part-0.txt=0', 'part-1.txt=10', 'part-2.txt=20', 'part-3.txt=30'],
      o2: 14,
    })
    const raw = `/blobs/raw/flytesnacks/development/${names.data}`
    assert.match(String(file), new RegExp(`^/.*${raw}/n0/0/[0-9a-f]{32}/greeting\\.txt$`))
    assert.equal(readFileSync(String(file), 'utf8'), 'hello files')
    assert.match(String(frame), new RegExp(`^/.*${raw}/n1/0/[0-9a-f]{32}$`))
    assert.deepEqual(readdirSync(String(frame)), ['00000'])

    // An 11 MB output literal is offloaded by flytekit beside outputs.pb (literal offloading as propeller
    // enables it) and read back by the next task.
    const offloaded = `/blobs/metadata/flytesnacks/development/${names.offload}/n0/data/0/o0_offloaded_metadata.pb`
    assert.equal(results.offload!.outputs.o0, 11534340)
    assert.match(
      String((results.offload!.outputs.o1 as {offloaded: string}).offloaded),
      new RegExp(`^file:///.*${offloaded}$`),
    )

    // The on_failure handler ran with the error although flytekit bound its err to None.
    assert.equal(results.failing!.phase, 'FAILED')
    assert.match(results.failing!.error ?? '', /ValueError: cannot handle 7/)
    assert.match(await ok(['logs', 'execution', ...P, names.failing]), /clean_up saw: ValueError: cannot handle 7/)

    const logs = await ok(['logs', 'execution', ...P, names.typed])
    assert.match(logs, /adding 3 and 4/)
    const containerLogs = await ok(['logs', 'execution', ...P, names.container])
    assert.match(containerLogs, /container says hi/)
  })

  it('accepts the same package registered again, and refuses a changed task at the same version naming the field', async () => {
    const again = await ok(['register', 'files', ...P, '--archive', join(work, 'pkg.tgz'), '--version', 'v1'])
    assert.match(again, /47 rows/)
    assert.doesNotMatch(again, /Failed/)
    // Packaged again by another Python process: protobuf writes map entries in another order (a few
    // of the 47 files differ byte for byte each time), the structure is the same.
    await run(
      join(VENV_BIN, 'pyflyte'),
      ['--pkgs', 'workflows', 'package', '--image', 'flytekit:local', '-o', join(work, 'pkg2.tgz'), '--force'],
      {cwd: INTEROP, env: {...process.env, ...env}},
    )
    const repackaged = await ok(['register', 'files', ...P, '--archive', join(work, 'pkg2.tgz'), '--version', 'v1'])
    assert.match(repackaged, /47 rows/)
    assert.doesNotMatch(repackaged, /Failed/)

    const mod = join(work, 'changed')
    mkdirSync(join(mod, 'changed'), {recursive: true})
    writeFileSync(join(mod, 'changed', '__init__.py'), '')
    const pkg = async (decorator: string, out: string) => {
      writeFileSync(
        join(mod, 'changed', 'tasks.py'),
        `from flytekit import task\n\n\n${decorator}\ndef shout(s: str) -> str:\n    return s.upper()\n`,
      )
      await run(join(VENV_BIN, 'pyflyte'), ['--pkgs', 'changed', 'package', '--image', 'flytekit:local', '-o', out], {
        cwd: mod,
        env: {...process.env, ...env},
      })
    }
    await pkg('@task', join(work, 'a.tgz'))
    await pkg('@task(retries=2)', join(work, 'b.tgz'))
    await ok(['register', 'files', ...P, '--archive', join(work, 'a.tgz'), '--version', 'c1'])
    const refused = await cli([
      'register',
      'files',
      ...P,
      '--archive',
      join(work, 'b.tgz'),
      '--version',
      'c1',
      '-o',
      'json',
    ])
    assert.notEqual(refused.code, 0)
    const row = JSON.parse(refused.stdout) as {status: string; additionalInfo: string}
    assert.equal(row.status, 'Failed')
    assert.equal(
      row.additionalInfo,
      'Error registering file due to InvalidArgument: changed.tasks.shout task with different structure already exists. ' +
        '(Please register a new version of the task):\n/template/metadata/retries/retries:\n\t- <nil> \n\t+ 2',
    )
  })

  it('serves FlyteRemote: a map task awaited and synced with its nodes; a file and a DataFrame read back', async () => {
    const {stdout} = await python('remote_data.py', [
      `127.0.0.1:${port}`,
      'flytesnacks',
      'development',
      'v1',
      offloadExecution,
    ])
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>
    assert.deepEqual(out.map, {phase: 4, o0: 50, nodes: ['n0', 'n1'], array: true})
    assert.deepEqual(out.data, {
      phase: 4,
      o0: 'FROM REMOTE',
      o1: ['part-0.txt=0', 'part-1.txt=10', 'part-2.txt=20'],
      o2: 5,
      file: 'from remote',
      frame: {name: ['row0', 'row1', 'row2'], value: [0, 1, 4]},
    })
    assert.deepEqual(out.offloaded, {o0: 11534340, length: 11534340, head: 'flyte flyte '})
  })

  it('runs `pyflyte run --remote` of the same script twice, a map task with --wait, and an eager workflow on this non-default port', async () => {
    const pyflyteRun = (script: string, wf: string, args: string[], wait = true) =>
      run(
        join(VENV_BIN, 'pyflyte'),
        [
          ...['-c', env.FLYTECTL_CONFIG!, 'run', '--remote', ...P],
          ...(wait ? ['--wait', '--poll-interval', '1'] : []),
          ...[script, wf, ...args],
        ],
        {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
      )
    const succeeded = /Execution ([a-z0-9]+) has succeeded\./
    const launched = /executions\/([a-z0-9]+) to see execution in the console/
    // The second run re-registers the same tasks and workflow (same version): accepted as identical.
    const twice = (async () => {
      const first = await pyflyteRun('workflows/data.py', 'data_wf', ['--text', 'once'])
      const second = await pyflyteRun('workflows/data.py', 'data_wf', ['--text', 'twice'], false)
      return [first.stdout, second.stdout]
    })()
    const mapped = pyflyteRun('workflows/control.py', 'map_wf', [])
    const eager = await pyflyteRun('workflows/handlers.py', 'eager_wf', ['--x', '6'])
    // `pyflyte run --wait` syncs the map task's array node as flytekit 1.16 expects.
    const mapName = succeeded.exec((await mapped).stdout)?.[1]
    assert.ok(mapName)
    assert.deepEqual((await waitFor(mapName)).outputs, {o0: 30})
    const [first, second] = await twice
    assert.match(first!, succeeded)
    assert.equal((await waitFor(succeeded.exec(first!)![1]!)).outputs.o0, 'ONCE')
    const secondName = launched.exec(second!)?.[1]
    assert.ok(secondName, second)
    const again = await waitFor(secondName)
    assert.equal(again.phase, 'SUCCEEDED', again.error)
    assert.equal(again.outputs.o0, 'TWICE')

    assert.notEqual(port, 30080)
    const eagerName = succeeded.exec(eager.stdout)?.[1]
    assert.ok(eagerName, eager.stdout)
    assert.deepEqual((await waitFor(eagerName)).outputs, {o0: 70})
  })

  it('serves FlyteRemote: fetch, launch, wait, outputs', async () => {
    const {stdout} = await python('remote_smoke.py', [`127.0.0.1:${port}`, 'flytesnacks', 'development', 'v1'])
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>
    assert.deepEqual(out.fetched, ['sum_lp', 'workflows.basics.typed_wf', 'workflows.basics.add'])
    assert.deepEqual(out.sum_lp, {phase: 4, outputs: {o0: 12}})
    assert.deepEqual(out.add, {phase: 4, o0: 42})
  })

  it('accepts `pyflyte register` (fast register through DataProxy) and runs the uploaded code', async () => {
    await run(
      join(VENV_BIN, 'pyflyte'),
      [
        '--config',
        env.FLYTECTL_CONFIG!,
        'register',
        '--project',
        'flytesnacks',
        '--domain',
        'development',
        '--version',
        'fast1',
        'workflows',
      ],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
    )
    const task = await ok(['get', 'task', ...P, 'workflows.basics.add', '--version', 'fast1', '-o', 'json'])
    assert.match(task, /pyflyte-fast-execute/)
    const r = await waitFor(await launch('sum_lp', 'fast1'))
    assert.equal(r.phase, 'SUCCEEDED', r.error)
    assert.deepEqual(r.outputs, {o0: 15})
  })

  it('answers a plain grpcio client', async () => {
    const {stdout} = await python('grpc_smoke.py', [`127.0.0.1:${port}`])
    const out = JSON.parse(stdout.trim()) as Record<string, unknown>
    assert.deepEqual(out.domains, ['development', 'staging', 'production'])
    assert.deepEqual(out.projects, ['flytesnacks', 'grpcio'])
    assert.equal(out.task, 'smoke.echo')
    assert.deepEqual(out.task_versions, ['v1'])
    assert.equal(out.missing, 'NOT_FOUND')
  })
})
