/**
 * Registration benchmark: 1,000 entity files (333 task/workflow/launch-plan trios and one task, in
 * pyflyte's archive layout) registered by the built CLI, as a child process, into the embedded control
 * plane running in this process. Each round uses a new version, so every file is a real create; a last
 * round re-registers the same version (all AlreadyExists).
 *
 *   npm run bench:register           # 3 rounds
 *   npm run bench:register -- 5
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {availableParallelism, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {startControlPlane} from '../test/support/controlplane.js'
import {pbFiles, taskSpec, trio, writePackage} from '../test/fixtures/register/build-package.js'
import {createAdminClients} from '../src/admin/client.js'

const root = new URL('../../', import.meta.url).pathname
const bin = join(root, 'bin', 'run.js')
const rounds = Number(process.argv[2] ?? 3)
const work = mkdtempSync(join(tmpdir(), 'flytectl-bench-register-'))
const plane = await startControlPlane()
try {
  const clients = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await clients.admin.registerProject({project: {id: 'bench', name: 'bench'}})
  clients.close()

  const entities = [
    ...Array.from({length: 333}, (_, i) => trio(`bench.m${i}`)).flat(),
    {kind: 'task' as const, spec: taskSpec('bench.extra')},
  ]
  const files = pbFiles(entities)
  const archive = await writePackage(work, 'flyte-package.tgz', files)
  const env = {...process.env, HOME: work, FLYTECTL_CONFIG: ''}

  // The plane serves from this process, so the CLI runs asynchronously (a sync spawn would block it).
  interface Sample {
    wallMs: number
    cliCpuMs: number
    planeCpuMs: number
  }
  // bash's `time` reports the CLI's own CPU; process.cpuUsage() here is the plane's.
  const runOnce = async (version: string): Promise<Sample> => {
    const args = ['register', 'files', '-p', 'bench', '-d', 'development', '--archive', archive]
    args.push('--version', version, '-o', 'json', '--config', plane.configPath)
    const start = process.hrtime.bigint()
    const cpu0 = process.cpuUsage()
    const script = 'TIMEFORMAT="cpu-seconds %U %S"; time "$0" "$@"'
    const child = spawn('bash', ['-c', script, process.execPath, bin, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6
    const cpu = process.cpuUsage(cpu0)
    if (code !== 0) throw new Error(`register exited ${code}: ${stderr}`)
    const [, user, sys] = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(stderr) ?? []
    const rows = JSON.parse(stdout) as {status: string}[]
    if (rows.length !== files.length || rows.some((x) => x.status !== 'Success')) {
      throw new Error('not all files registered')
    }
    return {wallMs, cliCpuMs: (Number(user) + Number(sys)) * 1000, planeCpuMs: (cpu.user + cpu.system) / 1000}
  }

  const creates: Sample[] = []
  for (let i = 0; i < rounds; i++) creates.push(await runOnce(`v${i + 1}`))
  const again = await runOnce(`v${rounds}`)
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const show = (label: string, xs: Sample[]) =>
    console.log(
      `${label.padEnd(30)} wall ${median(xs.map((x) => x.wallMs)).toFixed(0)} ms [${xs.map((x) => x.wallMs.toFixed(0)).join(', ')}]` +
        `, CLI cpu ${median(xs.map((x) => x.cliCpuMs)).toFixed(0)} ms, plane cpu ${median(xs.map((x) => x.planeCpuMs)).toFixed(0)} ms`,
    )
  console.log(
    `files per run: ${files.length}; machine load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cpus`,
  )
  show(`register, new version (${rounds}x):`, creates)
  show('register, all AlreadyExists:', [again])
  console.log(`goal < 3000 ms wall: ${median(creates.map((x) => x.wallMs)) < 3000 ? 'met' : 'NOT met'}`)
} finally {
  await plane.stop()
  rmSync(work, {recursive: true, force: true})
}
