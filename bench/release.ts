/**
 * Release benchmark: `release cut` across 12 components in 12 repositories on the GitHub simulator
 * (real octokit, real bare git repos, the bump commit through the git layer). Reports wall time and
 * the API calls (reads/writes) of a --dry-run, the cut, and a re-run after success; unpaced
 * (writes as fast as the simulator takes them) for `rounds` rounds, then one round paced like GitHub.
 *
 *   npm run bench:release            # 3 rounds
 *   npm run bench:release -- 5       # more rounds
 *
 * `history` mode: `release lint` and `release status` over Flyte's full real tag history (871 flyte
 * tags, 481 flytekit tags, test/fixtures/release-history) with the shipped templates/release.yaml:
 * building the repositories, then offline (--repo-path, git alone) for `rounds` rounds, then once
 * on the GitHub simulator (real octokit).
 *
 *   npm run bench:release -- history      # 3 offline rounds + 1 simulator round
 *   npm run bench:release -- history 5
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGitHubForge} from '../src/forge/github.js'
import {LocalGitForge} from '../src/forge/local-git.js'
import {releaseLint, releaseStatus} from '../src/release/inspect.js'
import {buildFlyteHistory, flyteHistoryRepos} from '../test/support/release-history.js'
import {createGitLayer} from '../src/git/git.js'
import {parseReleaseManifestText} from '../src/release/manifest.js'
import {assertReportOk, runRelease} from '../src/release/service.js'
import {startGitHubSimulator} from '../test/support/github/index.js'

const root = new URL('../../', import.meta.url).pathname
const historyMode = process.argv[2] === 'history'
const rounds = Number(process.argv[historyMode ? 3 : 2] ?? 3)
const REPOS = 12
const PRS_PER_REPO = 5
const fixture = (name: string) => readFileSync(join(root, 'test/fixtures/release', name), 'utf8')

const manifestText = [
  'release: {repository: bench/repo-0, name: Flyte}',
  'components:',
  ...Array.from(
    {length: REPOS},
    (_, i) => `  - {name: c${i}, repository: bench/repo-${i}${i % 3 === 2 ? ', scheme: pep440' : ''}}`,
  ),
  'files:',
  '  - {kind: helm-chart, path: charts/flyte-core/Chart.yaml, dependencyMarker: VERSION}',
  '  - {kind: yaml, path: charts/flyte-core/values.yaml, set: [{marker: FLYTEADMIN_TAG}, {marker: FLYTEPROPELLER_TAG}]}',
  '  - {kind: sphinx-release, path: docs/conf.py}',
].join('\n')

interface Sample {
  ms: number
  reads: number
  writes: number
}

async function round(paced: boolean): Promise<{cut: Sample; rerun: Sample; dry: Sample}> {
  const sim = await startGitHubSimulator()
  const tmp = mkdtempSync(join(tmpdir(), 'bench-release-'))
  try {
    for (let i = 0; i < REPOS; i++) {
      const r = sim.repo(`bench/repo-${i}`)
      await r.create({defaultBranch: 'master'})
      await r.commit(
        'master',
        i === 0
          ? {
              'charts/flyte-core/Chart.yaml': fixture('flyte-core-Chart.yaml'),
              'charts/flyte-core/values.yaml': fixture('flyte-core-values.yaml'),
              'docs/conf.py': fixture('docs-conf.py'),
            }
          : {'README.md': `repo ${i}\n`},
        'init',
      )
      await r.tag('v1.16.0', 'master')
      for (let p = 0; p < PRS_PER_REPO; p++) {
        const head = `pr-${i}-${p}`
        await r.branch(head)
        await r.commit(head, {[`c/${head}.txt`]: 'x\n'}, `Change ${head}`)
        await r.pull({title: `Change ${head}`, head, labels: [p % 2 ? 'fixed' : 'added'], merge: 'squash'})
      }
    }
    await sim.repo('bench/repo-0').milestone('1.17.0')
    // Paced: GitHub's one-second spacing of writes, as a real cut sees it. Unpaced: the tool's own cost.
    const forge = createGitHubForge({baseUrl: sim.url, token: 't', ...(paced ? {} : {minWriteIntervalMs: 0})})
    const git = createGitLayer({cacheDir: join(tmp, 'cache'), identity: {name: 'Bench', email: 'bench@example.com'}})
    const manifest = await parseReleaseManifestText(manifestText)
    const timed = async (dryRun: boolean): Promise<Sample> => {
      sim.reset()
      const start = performance.now()
      const report = await runRelease(forge, manifest, {command: 'cut', version: '1.17.0'}, {home: tmp, git, dryRun})
      const ms = performance.now() - start
      assertReportOk(report)
      return {ms, reads: sim.counters.reads, writes: sim.counters.writes}
    }
    const dry = await timed(true)
    const cut = await timed(false)
    const rerun = await timed(false)
    return {cut, rerun, dry}
  } finally {
    await sim.close()
    rmSync(tmp, {recursive: true, force: true})
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
function report(label: string, results: Awaited<ReturnType<typeof round>>[]): void {
  console.log(`${label}: ${results.length} round(s)`)
  for (const key of ['dry', 'cut', 'rerun'] as const) {
    const s = results.map((r) => r[key])
    const ms = s.map((x) => x.ms)
    console.log(
      `  ${key.padEnd(6)} median ${median(ms).toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)})  API reads ${s[0]!.reads}, writes ${s[0]!.writes}`,
    )
  }
}

async function historyBench(): Promise<void> {
  const manifest = await parseReleaseManifestText(readFileSync(join(root, 'templates/release.yaml'), 'utf8'))
  const time = async <T>(f: () => Promise<T> | T): Promise<{ms: number; value: T}> => {
    const start = performance.now()
    const value = await f()
    return {ms: performance.now() - start, value}
  }
  const builds: number[] = []
  const lints: number[] = []
  const statuses: number[] = []
  let summary = ''
  for (let i = 0; i < rounds; i++) {
    const tmp = mkdtempSync(join(tmpdir(), 'bench-history-'))
    try {
      const built = await time(() => flyteHistoryRepos(tmp))
      const forge = new LocalGitForge(built.value)
      const lint = await time(() => releaseLint(forge, manifest))
      const status = await time(() => releaseStatus(forge, manifest))
      forge.close()
      builds.push(built.ms)
      lints.push(lint.ms)
      statuses.push(status.ms)
      const rules = new Map<string, number>()
      for (const f of lint.value) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1)
      summary = `${lint.value.length} findings (${[...rules].map(([r, n]) => `${r} ${n}`).join(', ')}); status ${status.value.length} components; git reads ${forge.counters.reads}, writes ${forge.counters.writes}`
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  }
  const line = (label: string, xs: number[]) =>
    console.log(
      `  ${label.padEnd(22)} median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`,
    )
  console.log(`release lint/status over the real history (871 flyte + 481 flytekit tags), ${rounds} round(s)`)
  line('build repositories', builds)
  line('lint offline', lints)
  line('status offline', statuses)
  console.log(`  ${summary}`)

  // The same history on the GitHub simulator, read through octokit.
  const sim = await startGitHubSimulator()
  try {
    const slugs = [...new Set([manifest.release.repository, ...manifest.components.map((c) => c.repository)])]
    const dirs = new Map<string, string>()
    for (const slug of slugs) {
      await sim.repo(slug).create({defaultBranch: 'master'})
      dirs.set(slug, (await sim.repo(slug).get()).git.dir)
    }
    buildFlyteHistory((slug) => dirs.get(slug)!)
    const forge = createGitHubForge({baseUrl: sim.url, token: 't', minWriteIntervalMs: 0})
    sim.reset()
    const lint = await time(() => releaseLint(forge, manifest))
    const lintApi = {...sim.counters}
    sim.reset()
    const status = await time(() => releaseStatus(forge, manifest))
    console.log('GitHub simulator (real octokit, 1 round):')
    console.log(
      `  lint                   ${lint.ms.toFixed(0)} ms  API reads ${lintApi.reads}, writes ${lintApi.writes}; ${lint.value.length} findings`,
    )
    console.log(
      `  status                 ${status.ms.toFixed(0)} ms  API reads ${sim.counters.reads}, writes ${sim.counters.writes}`,
    )
  } finally {
    await sim.close()
  }
}

if (historyMode) {
  await historyBench()
} else {
  console.log(`release cut 1.17.0: ${REPOS} components in ${REPOS} repositories, ${PRS_PER_REPO} merged PRs each`)
  const unpaced: Awaited<ReturnType<typeof round>>[] = []
  for (let i = 0; i < rounds; i++) unpaced.push(await round(false))
  report('writes unpaced (tool and simulator cost)', unpaced)
  report('writes paced 1/s (as on github.com)', [await round(true)])
}
