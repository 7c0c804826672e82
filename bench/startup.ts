/**
 * Startup benchmark: `flytectl --help`, `flytectl version` and `node -e 0`, interleaved in one run
 * with the repo's pinned Node, so machine noise hits all three alike. Prints medians and ratios.
 *
 *   npm run bench:startup            # 31 rounds
 *   npm run bench:startup -- 101     # more rounds
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const bin = join(root, 'bin', 'run.js')
const rounds = Number(process.argv[2] ?? 31)
const home = mkdtempSync(join(tmpdir(), 'flytectl-bench-'))
const env = {...process.env, HOME: home, FLYTECTL_CONFIG: ''}

const cases: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'flytectl --help': [bin, '--help'],
  'flytectl version': [bin, 'version'],
}
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))

// Warm-up: fills the compile cache and the OS file cache.
for (const args of Object.values(cases)) spawnSync(process.execPath, args, {stdio: 'ignore', env})

for (let i = 0; i < rounds; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const start = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {stdio: 'ignore', env})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`)
    samples[name]!.push(ms)
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
const base = median(samples['node -e 0']!)
console.log(`node ${process.version}, ${rounds} interleaved rounds`)
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs)
  console.log(`${name.padEnd(18)} median ${m.toFixed(1).padStart(7)} ms   ratio ${(m / base).toFixed(2)}x`)
}
const ratio = median(samples['flytectl --help']!) / base
console.log(`budget: flytectl --help <= 2.00x node -e 0: ${ratio <= 2 ? 'within' : 'OVER'} (${ratio.toFixed(2)}x)`)
