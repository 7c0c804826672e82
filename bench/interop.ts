/**
 * Time from `flytectl demo start` to the first python-task execution SUCCEEDED, with real flytekit:
 * demo start → register a pyflyte package → create execution (task `workflows.basics.add`) → SUCCEEDED.
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
  } finally {
    await runCli(['demo', 'teardown', '--volume'], {env})
    rmSync(work, {recursive: true, force: true})
  }
}

await main()
