/**
 * Backport benchmark, whole flow: `runBackport` for one merged PR of a 20,000-commit repository
 * served by the GitHub simulator (real octokit over HTTP, git over smart HTTP), on a warm clone cache.
 * Each sample reads the PR, observes the target, picks, pushes, opens the PR, labels it and writes
 * the result comment. Write pacing (1 write/s by default, GitHub's guidance) is off here and reported
 * separately.
 *
 *   npm run bench:backport -- flow          # 20,000 commits, 5 PRs
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseBackportConfig} from '../src/backport/config.js'
import {runBackport} from '../src/backport/service.js'
import {createGitHubForge} from '../src/forge/github.js'
import {createGitLayer} from '../src/git/git.js'
import {startGitHubSimulator} from '../test/support/github/index.js'
import {buildBigRepo} from './backport-repo.js'

export async function benchFlow(commits: number, prs: number): Promise<void> {
  const repo = 'flyteorg/big'
  const sim = await startGitHubSimulator()
  const dir = mkdtempSync(join(tmpdir(), 'flytectl-bench-flow-'))
  try {
    const builder = sim.repo(repo)
    await builder.create({defaultBranch: 'master'})
    const big = buildBigRepo({commits, files: 400, cutBack: 2_000, fixes: 0, bare: (await builder.get()).git.dir})
    rmSync(big.root, {recursive: true, force: true})
    await builder.label('bug', {description: 'Something is broken'})
    await builder.label('backport', {description: 'Port to the previous release branch'})
    const numbers: number[] = []
    for (let i = 0; i < prs + 1; i++) {
      await builder.commit(`fix-${i}`, {[`src/fix_${i}.py`]: `FIXED = ${i}\n`}, `Fix ${i}`)
      numbers.push(
        await builder.pull({title: `Fix ${i}`, head: `fix-${i}`, merge: 'squash', labels: ['bug', 'backport']}),
      )
    }
    const forge = createGitHubForge({baseUrl: sim.url, token: 'bench', minWriteIntervalMs: 0})
    const services = {
      forge,
      git: createGitLayer({cacheDir: join(dir, 'cache'), identity: {name: 'Bench', email: 'bench@example.com'}}),
      stateDir: join(dir, 'state'),
    }
    const config = parseBackportConfig({})
    const run = async (pr: number) => {
      const t = performance.now()
      const {report} = await runBackport(
        {repo, pulls: [pr], commits: [], to: [], conflicts: 'draft', dryRun: false, resume: false, config},
        services,
      )
      if (report.results[0]?.status !== 'open') throw new Error(`#${pr}: ${JSON.stringify(report.results[0])}`)
      return {ms: performance.now() - t, api: report.api}
    }
    const cold = await run(numbers[0]!)
    const samples: number[] = []
    let api = cold.api
    for (const pr of numbers.slice(1)) {
      const s = await run(pr)
      samples.push(s.ms)
      api = s.api
    }
    samples.sort((a, b) => a - b)
    const median = samples[Math.floor(samples.length / 2)]!
    const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`
    console.log(`whole flow against the simulator, ${commits} commits:`)
    console.log(`  first PR (cold clone over HTTP): ${fmt(cold.ms)}`)
    console.log(
      `  one PR on a warm cache: median ${fmt(median)}, min ${fmt(samples[0]!)}, max ${fmt(samples.at(-1)!)} (n=${samples.length}); ${api.reads} reads, ${api.writes} writes`,
    )
    console.log(
      `  goal ≤ 1.5 s: ${median <= 1500 ? 'met' : 'NOT met'} (plus ~${api.writes} s of write pacing on github.com)`,
    )
  } finally {
    await sim.close()
    rmSync(dir, {recursive: true, force: true})
  }
}
