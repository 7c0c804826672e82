/**
 * Start-up benchmark. Runs, interleaved in one run with the repo's pinned Node so machine noise hits
 * all alike, `node -e 0` and the commands the start-up budget names: `flytectl get project` against
 * a running local control plane (started here with `demo start` in a throwaway HOME), the task,
 * workflow and execution lists of the seeded project, `--help` of a command, a topic and the root,
 * `version` (which also asks the plane), `config discover`, and a maintainer command (`release lint`
 * on a local git repository with the template manifest: no network).
 * Prints medians, ratios to `node -e 0` with the budget of each and the project's 2.0x
 * standard, and the load average.
 *
 *   npm run bench:startup                 # 31 rounds, runs bin/run.js
 *   npm run bench:startup -- 101          # more rounds
 *   npm run bench:startup -- 31 /path/to/flytectl   # an installed launcher instead of bin/run.js
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const rounds = Number(process.argv[2] ?? 31)
const launcher = process.argv[3]
const flytectl = launcher ? [launcher] : [process.execPath, join(root, 'bin', 'run.js')]
const home = mkdtempSync(join(tmpdir(), 'flytectl-bench-'))

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const {port} = srv.address() as AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}
const port = await freePort()
const config = join(home, '.flyte', 'config-sandbox.yaml')
const env = {...process.env, HOME: home, FLYTECTL_CONFIG: config, NO_COLOR: '1'}

// A release repository for `release lint --repo-path` (one commit, one tag; lint finds problems: exit 5).
const repo = join(home, 'flyte')
mkdirSync(repo)
for (const args of [
  ['init', '-q'],
  ['commit', '-q', '--allow-empty', '-m', 'init'],
  ['tag', 'v1.16.0'],
]) {
  const git = spawnSync('git', args, {
    cwd: repo,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@example.com',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@example.com',
    },
  })
  if (git.status !== 0) throw new Error(`git ${args.join(' ')}: ${git.stderr.toString()}`)
}
const pd = ['-p', 'flytesnacks', '-d', 'development']

/** name → [argv, budget as a multiple of `node -e 0`, expected exit status (0)] */
const cases: Record<string, [string[], number | undefined, number?]> = {
  'node -e 0': [[process.execPath, '-e', '0'], undefined],
  'get project': [[...flytectl, 'get', 'project'], 3.0],
  'get task': [[...flytectl, 'get', 'task', ...pd], 3.0],
  'get workflow': [[...flytectl, 'get', 'workflow', ...pd], 3.0],
  'get execution': [[...flytectl, 'get', 'execution', ...pd], 3.0],
  'get project --help': [[...flytectl, 'get', 'project', '--help'], 2.0],
  'get --help': [[...flytectl, 'get', '--help'], 2.0],
  '--help': [[...flytectl, '--help'], 2.0],
  version: [[...flytectl, 'version'], 3.0],
  'config discover': [[...flytectl, 'config', 'discover'], 2.0],
  'release lint': [
    [...flytectl, 'release', 'lint', '--repo-path', repo, '-m', join(root, 'templates', 'release.yaml')],
    undefined,
    5,
  ],
}
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
const run = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), {stdio: 'pipe', env})

const started = run([...flytectl, 'demo', 'start', '--port', String(port)])
if (started.status !== 0) throw new Error(`demo start exited ${started.status}: ${started.stderr.toString()}`)
try {
  // Warm-up: fills the compile cache and the OS file cache.
  for (const [argv] of Object.values(cases)) run(argv)
  for (let i = 0; i < rounds; i++) {
    for (const [name, [argv, , status = 0]] of Object.entries(cases)) {
      const start = process.hrtime.bigint()
      const r = run(argv)
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (r.status !== status) throw new Error(`${name} exited ${r.status}: ${r.stderr.toString()}`)
      samples[name]!.push(ms)
    }
  }
} finally {
  run([...flytectl, 'demo', 'teardown', '--volume'])
  rmSync(home, {recursive: true, force: true})
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
const base = median(samples['node -e 0']!)
const [l1, l5] = loadavg()
console.log(
  `node ${process.version}, ${rounds} interleaved rounds, ${launcher ?? 'bin/run.js'}, load average ${l1!.toFixed(2)} ${l5!.toFixed(2)}`,
)
console.log(
  `${'command'.padEnd(20)} ${'median'.padStart(9)} ${'ratio'.padStart(7)}  ${'budget'.padEnd(17)} standard (2.0x)`,
)
let over = 0
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs)
  const ratio = m / base
  const budget = cases[name]![1]
  const verdict = budget === undefined ? '' : `<= ${budget.toFixed(1)}x ${ratio <= budget ? 'within' : 'OVER'}`
  if (budget !== undefined && ratio > budget) over++
  // The project's standard for every real command: at most twice `node -e 0`.
  const standard = name === 'node -e 0' ? '' : ratio <= 2.0 ? 'within' : 'over'
  console.log(
    `${name.padEnd(20)} ${m.toFixed(1).padStart(6)} ms ${ratio.toFixed(2).padStart(6)}x  ${verdict.padEnd(17)} ${standard}`,
  )
}
console.log(over === 0 ? 'all within budget' : `${over} over budget`)
