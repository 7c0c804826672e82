/**
 * Backport benchmark: one commit into a repository with 20,000 commits, on a warm clone cache.
 * Times the git work of a backport (fetch of the cached blobless clone, worktree reuse, the
 * "already there?" check, cherry-pick -x, atomic push) per fix, after one cold clone.
 *
 *   npm run bench:backport              # 20,000 commits, 5 fixes
 *   npm run bench:backport -- 50000 9   # more commits, more fixes
 *   npm run bench:backport -- flow      # the whole backport flow against the GitHub simulator
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGitLayer} from '../src/git/git.js'
import {buildBigRepo} from './backport-repo.js'

const flow = process.argv[2] === 'flow'
const args = process.argv.slice(flow ? 3 : 2)
const commits = Number(args[0] ?? 20_000)
const fixes = Number(args[1] ?? 5)
if (flow) {
  const {benchFlow} = await import('./backport-flow.js')
  await benchFlow(commits, fixes)
  process.exit(0)
}
const identity = {name: 'Bench', email: 'bench@example.com'}

let t = performance.now()
const repo = buildBigRepo({commits, files: 400, cutBack: 2_000, fixes})
const buildMs = performance.now() - t
const cacheDir = mkdtempSync(join(tmpdir(), 'flytectl-bench-cache-'))
const url = `file://${repo.bare}`
const layer = createGitLayer({cacheDir, identity})

try {
  t = performance.now()
  await layer.clone(url)
  const coldMs = performance.now() - t

  const samples: number[] = []
  for (const [i, sha] of repo.fixes.entries()) {
    t = performance.now()
    const clone = await layer.clone(url) // warm: fetch only
    if (await clone.contains('release-v1.0', sha)) throw new Error('fix already on the release branch')
    const wt = await clone.worktree('release-v1.0')
    const branch = `backport-${100000 + commits + i + 1}-to-release-v1.0`
    await wt.createBranch(branch, await clone.revParse('release-v1.0'))
    const pick = await wt.cherryPick(sha)
    if (pick.status !== 'picked') throw new Error(`pick ${pick.status}`)
    const push = await wt.push([`HEAD:refs/heads/${branch}`])
    if (!push.ok) throw new Error(`push rejected: ${push.message}`)
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  const median = samples[Math.floor(samples.length / 2)]!
  const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`
  console.log(`repository: ${commits} commits (+${fixes} fixes), built in ${fmt(buildMs)}`)
  console.log(`cold blobless clone: ${fmt(coldMs)}`)
  console.log(
    `one backport on a warm cache: median ${fmt(median)}, min ${fmt(samples[0]!)}, max ${fmt(samples.at(-1)!)} (n=${samples.length})`,
  )
  console.log(`goal ≤ 1.5 s: ${median <= 1500 ? 'met' : 'NOT met'}`)
} finally {
  rmSync(cacheDir, {recursive: true, force: true})
  rmSync(repo.root, {recursive: true, force: true})
}
