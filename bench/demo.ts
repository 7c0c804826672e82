/**
 * `flytectl demo start` until the control plane answers GetVersion, then `demo teardown`, N times
 * with the repo's pinned Node and a throwaway HOME. Reports the median and spread of:
 *   - command: the whole `flytectl demo start` process, launch to exit (it exits once healthy);
 *   - daemon:  daemon spawn → first successful GetVersion, as the command measures it;
 *   - node -e 0: a bare node start in the same rounds, the baseline for a loaded machine.
 *
 *   npm run build && npx node dist/bench/demo.js        # 10 rounds
 *   npm run build && npx node dist/bench/demo.js 25     # more rounds
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const bin = join(root, 'bin', 'run.js')
const rounds = Number(process.argv[2] ?? 10)
const home = mkdtempSync(join(tmpdir(), 'flytectl-bench-demo-'))
const env = {...process.env, HOME: home, FLYTECTL_CONFIG: '', NO_COLOR: '1'}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const {port} = srv.address() as AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

const command: number[] = []
const daemon: number[] = []
/** `node -e 0`, interleaved, so a loaded machine shows up in the baseline too. */
const baseline: number[] = []
try {
  const port = await freePort()
  // Warm-up: fills the compile cache and the OS file cache.
  spawnSync(process.execPath, [bin, 'demo', 'start', '--port', String(port)], {env, stdio: 'ignore'})
  spawnSync(process.execPath, [bin, 'demo', 'teardown', '--volume'], {env, stdio: 'ignore'})
  for (let i = 0; i < rounds; i++) {
    const b0 = process.hrtime.bigint()
    spawnSync(process.execPath, ['-e', '0'], {env, stdio: 'ignore'})
    baseline.push(Number(process.hrtime.bigint() - b0) / 1e6)
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [bin, 'demo', 'start', '--port', String(port), '--json'], {env})
    command.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`demo start exited ${r.status}: ${r.stderr.toString()}`)
    daemon.push((JSON.parse(r.stdout.toString()) as {result: {startupMs: number}}).result.startupMs)
    const td = spawnSync(process.execPath, [bin, 'demo', 'teardown', '--volume'], {env})
    if (td.status !== 0) throw new Error(`demo teardown exited ${td.status}: ${td.stderr.toString()}`)
  }
} finally {
  spawnSync(process.execPath, [bin, 'demo', 'teardown', '--volume'], {env, stdio: 'ignore'})
  rmSync(home, {recursive: true, force: true})
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return {median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)!}
}
const fmt = (name: string, xs: number[]) => {
  const {median, min, max} = stats(xs)
  return `${name.padEnd(10)} median ${median.toFixed(0).padStart(5)} ms   min ${min.toFixed(0).padStart(5)} ms   max ${max.toFixed(0).padStart(5)} ms`
}
console.log(`node ${process.version}, ${rounds} rounds, load average ${loadavg()[0]!.toFixed(2)}`)
console.log(fmt('command', command))
console.log(fmt('daemon', daemon))
console.log(fmt('node -e 0', baseline))
console.log(`command / node -e 0: ${(stats(command).median / stats(baseline).median).toFixed(1)}x`)
const m = stats(command).median
console.log(`goal: demo start → healthy < 1000 ms: ${m < 1000 ? 'within' : 'OVER'} (${m.toFixed(0)} ms)`)
