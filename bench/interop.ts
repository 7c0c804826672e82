/**
 * Time from `flytectl demo start` to the first python-task execution SUCCEEDED, with real flytekit:
 * demo start → register a pyflyte package → create execution (task `workflows.basics.add`) → SUCCEEDED.
 * Then, one at a time on the same plane, the end-to-end time of each flytekit case the interop tier
 * covers: launch → terminal phase through `flytectl create execution`, and `pyflyte run --remote
 * --wait --poll-interval 1` (package upload, registration, run, wait) twice for the same script.
 * Needs test/interop/.venv (scripts/setup-interop.sh). Run: `npm run bench:interop`.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {REPO_ROOT, runCli} from '../test/support/cli.js'

const run = promisify(execFile)
const INTEROP = join(REPO_ROOT, 'test', 'interop')
const VENV_BIN = join(INTEROP, '.venv', 'bin')
const P = ['-p', 'flytesnacks', '-d', 'development']

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'flytectl-bench-interop-'))
  const env: NodeJS.ProcessEnv = {HOME: work, FLYTECTL_DEMO_PATH: VENV_BIN, PYTHONPATH: INTEROP}
  const cli = async (args: string[]) => {
    const r = await runCli(args, {env})
    if (r.code !== 0) throw new Error(`flytectl ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  await run(
    join(VENV_BIN, 'pyflyte'),
    ['--pkgs', 'workflows', 'package', '--image', 'flytekit:local', '-o', join(work, 'p.tgz')],
    {
      cwd: INTEROP,
    },
  )
  const port = String(31000 + Math.floor(Math.random() * 2000))
  const t0 = performance.now()
  try {
    await cli(['demo', 'start', '--port', port])
    const tReady = performance.now()
    env.FLYTECTL_CONFIG = join(work, '.flyte', 'config-sandbox.yaml')
    const registered = await cli(['register', 'files', ...P, '--archive', join(work, 'p.tgz'), '--version', 'v1'])
    const entities = /(\d+) rows/.exec(registered)?.[1] ?? '?'
    const tRegistered = performance.now()
    const execFile = join(work, 'exec.yaml')
    writeFileSync(execFile, 'inputs:\n  a: 1\n  b: 2\ntask: workflows.basics.add\nversion: v1\n')
    const out = await cli(['create', 'execution', ...P, '--execFile', execFile])
    const name = /name:"([a-z0-9]+)"/.exec(out)![1]!
    let phase = ''
    while (!['SUCCEEDED', 'FAILED', 'ABORTED'].includes(phase)) {
      await new Promise((r) => setTimeout(r, 100))
      phase = (JSON.parse(await cli(['get', 'execution', ...P, name, '-o', 'json'])) as {closure: {phase: string}})
        .closure.phase
    }
    const tDone = performance.now()
    const ms = (a: number, b: number) => `${Math.round(b - a)} ms`
    console.log(`demo start → healthy:            ${ms(t0, tReady)}`)
    console.log(`register ${entities} entities (pyflyte):   ${ms(tReady, tRegistered)}`)
    console.log(`create → python task ${phase}: ${ms(tRegistered, tDone)}`)
    console.log(`demo start → first SUCCEEDED:     ${ms(t0, tDone)}`)

    const waitPhase = async (name: string) => {
      for (;;) {
        const p = (JSON.parse(await cli(['get', 'execution', ...P, name, '-o', 'json'])) as {closure: {phase: string}})
          .closure.phase
        if (['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'].includes(p)) return p
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const cases: Array<[string, string]> = [
      ['FlyteFile + FlyteDirectory + DataFrame (data_wf, 6 tasks)', 'workflows.data.data_wf'],
      ['11 MB offloaded literal (offload_wf, 2 tasks)', 'workflows.data.offload_wf'],
      ['map task over 4 items (map_wf)', 'workflows.control.map_wf'],
      ['on_failure handler (failing_wf)', 'workflows.handlers.failing_wf'],
      ['eager workflow, 2 tasks (eager_wf)', 'workflows.handlers.eager_wf'],
    ]
    for (const [label, lp] of cases) {
      const spec = join(work, `${lp}.yaml`)
      await cli(['get', 'launchplan', ...P, lp, '--version', 'v1', '--execFile', spec])
      const t = performance.now()
      const created = await cli(['create', 'execution', ...P, '--execFile', spec])
      const phase = await waitPhase(/name:"([a-z0-9]+)"/.exec(created)![1]!)
      console.log(`${label}: ${phase} in ${ms(t, performance.now())}`)
    }
    for (const round of ['first', 'second']) {
      const t = performance.now()
      await run(
        join(VENV_BIN, 'pyflyte'),
        [
          '-c',
          env.FLYTECTL_CONFIG,
          'run',
          '--remote',
          '--wait',
          '--poll-interval',
          '1',
          ...P,
          'workflows/data.py',
          'data_wf',
        ],
        {cwd: INTEROP, env: {...process.env, ...env}},
      )
      console.log(`pyflyte run --remote --wait data_wf (${round} time): ${ms(t, performance.now())}`)
    }
  } finally {
    await runCli(['demo', 'teardown', '--volume'], {env})
    rmSync(work, {recursive: true, force: true})
  }
}

await main()
