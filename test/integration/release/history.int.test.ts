/**
 * `release status` and `release lint` over Flyte's real tag history (871 flyte tags, 481 flytekit
 * tags, built into real git repositories from test/fixtures/release-history) with the shipped
 * templates/release.yaml, on the GitHub simulator: every anomaly of the history is reported, no
 * tag is silently dropped, nothing crashes and nothing is written.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {releaseLint, releaseStatus, type LintFinding} from '../../../src/release/inspect.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import type {ReleaseManifest} from '../../../src/config/release-manifest.js'
import {REPO_ROOT} from '../../support/cli.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import {buildHistoryRepo, readHistory} from '../../support/release-history.js'

describe('release status and lint over the real flyte and flytekit history', () => {
  let sim: GitHubSimulator
  let forge: Forge
  let manifest: ReleaseManifest
  let findings: LintFinding[]
  const flyte = readHistory('flyte')
  const flytekit = readHistory('flytekit')

  before(async () => {
    sim = await startGitHubSimulator()
    for (const h of [flyte, flytekit]) {
      const repo = await sim.repo(h.slug).get({defaultBranch: 'master'})
      buildHistoryRepo(repo.git.dir, h)
    }
    for (const slug of ['flyteorg/flyteconsole', 'flyteorg/flytesnacks', 'flyteorg/flytekit-java']) {
      await sim.repo(slug).create({defaultBranch: 'master'})
      await sim.repo(slug).commit('master', {'README.md': `${slug}\n`}, 'init')
    }
    forge = createGitHubForge({baseUrl: sim.url, token: 't', maxRetries: 1, retryBaseDelayMs: 1, minWriteIntervalMs: 0})
    manifest = await parseReleaseManifestText(readFileSync(join(REPO_ROOT, 'templates/release.yaml'), 'utf8'))
    sim.reset()
    findings = await releaseLint(forge, manifest)
  })
  after(() => sim.close())

  it('the fixtures hold the full tag lists', () => {
    assert.equal(flyte.tags.length, 871)
    assert.equal(flytekit.tags.length, 481)
  })

  it('lint writes nothing', () => {
    assert.equal(sim.counters.writes, 0)
    sim.assertNoViolations()
  })

  it('lists every tag no component can read, with the reason', () => {
    const unreadable = new Map(findings.filter((f) => f.rule === 'unreadable-tag').map((f) => [f.subject, f.message]))
    assert.match(unreadable.get('tags/v0.17.3-b2') ?? '', /starts with "tags\/"/)
    assert.match(unreadable.get('tags/v0.16.0a3') ?? '', /starts with "tags\/"/)
    assert.match(unreadable.get('v0.10.1.dev100') ?? '', /dev part/)
    // Every tag of the two repositories is either read by a component or listed.
    for (const [h, slug] of [
      [flyte, 'flyteorg/flyte'],
      [flytekit, 'flyteorg/flytekit'],
    ] as const) {
      const inRepo = manifest.components.filter((c) => c.repository === slug)
      for (const t of h.tags) {
        const owner = [...inRepo]
          .sort((a, b) => b.tagPrefix.length - a.tagPrefix.length)
          .find((c) => (c.tagPrefix ? t.name.startsWith(c.tagPrefix) : !t.name.includes('/')))
        const listed = unreadable.has(t.name)
        if (!owner) assert.ok(listed, `${t.name} is neither read nor listed`)
      }
    }
  })

  it('reports the real anomalies: no v, the other spelling, doubled prefixes, doubly spelled versions', () => {
    const by = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.subject)
    const malformed = by('malformed-tag')
    for (const t of [
      '1.15.1',
      'flyteadmin/1.15.1',
      'flytectl/flytectl/v0.9.4',
      'v1.16.0b0',
      'flyteadmin/v1.16.0b4',
      'v1.1.0-beta.1',
    ]) {
      assert.ok(malformed.includes(t), `${t} not reported as malformed`)
    }
    for (const t of ['1.16.0b2', 'v1.12.1-rc0']) assert.ok(malformed.includes(t), `flytekit ${t} not reported`)
    const doubly = by('doubly-spelled-tag')
    assert.ok(doubly.some((s) => s.includes('flyteadmin/v1.16.0-b4') && s.includes('flyteadmin/v1.16.0b4')))
    assert.ok(doubly.some((s) => s.includes('v1.15.1') && s.includes('1.15.1')))
  })

  it('status reads every component without error', async () => {
    const rows = await releaseStatus(forge, manifest)
    const row = (name: string) => rows.find((r) => r.component === name)!
    assert.equal(row('flyte').latestRelease, 'v2.0.43')
    assert.equal(row('flytekit').latestRelease, 'v1.16.24')
    assert.equal(row('flytectl').latestRelease, 'flytectl/v0.9.8')
    assert.equal(row('flyteidl').latestRelease, 'flyteidl/v1.16.8')
  })
})
