/**
 * GitHub simulator benchmark: time to start, to seed 1,000 issues, the first validated request
 * (schema load) and a full paginated read of those issues through the real Forge.
 *
 *   npm run build && npx node dist/bench/github-sim.js          # 1,000 issues
 *   npm run build && npx node dist/bench/github-sim.js 5000     # more
 */
import {createGitHubForge} from '../src/forge/github.js'
import {startGitHubSimulator} from '../test/support/github/index.js'

const count = Number(process.argv[2] ?? 1000)
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6

let t = process.hrtime.bigint()
const sim = await startGitHubSimulator()
const startMs = ms(t)

t = process.hrtime.bigint()
const repo = sim.repo('flyteorg/flyte')
await repo.create({defaultBranch: 'master'})
await repo.commit('master', {'README.md': 'flyte\n'}, 'initial')
await repo.label('bug')
const milestone = await repo.milestone('1.16.0')
await repo.issues(
  Array.from({length: count}, (_, i) => ({
    title: `Issue ${i}`,
    labels: i % 3 === 0 ? ['bug'] : [],
    milestone: i % 2 === 0 ? milestone : undefined,
    author: i % 10 === 0 ? 'dependabot[bot]' : `user${i % 50}`,
  })),
)
const seedMs = ms(t)

const forge = createGitHubForge({baseUrl: sim.url, minWriteIntervalMs: 0})
t = process.hrtime.bigint()
await forge.getRepo('flyteorg/flyte')
const firstMs = ms(t)

t = process.hrtime.bigint()
const issues = await forge.listIssues('flyteorg/flyte', {state: 'all'})
const listMs = ms(t)
const reads = forge.counters.reads - 1

t = process.hrtime.bigint()
await forge.linkedIssues('flyteorg/flyte', 1)
const graphqlMs = ms(t)

sim.assertNoViolations()
await sim.close()
const rows: [string, string][] = [
  ['simulator start (listening, empty)', `${startMs.toFixed(1)} ms`],
  [`seed 1 repo + ${count} issues`, `${seedMs.toFixed(1)} ms`],
  ['first REST request (loads the OpenAPI description)', `${firstMs.toFixed(1)} ms`],
  [`list ${issues.length} issues, every page validated`, `${listMs.toFixed(1)} ms in ${reads} reads`],
  ['first GraphQL query (loads the schema)', `${graphqlMs.toFixed(1)} ms`],
]
for (const [name, value] of rows) console.log(`${name.padEnd(52)} ${value}`)
