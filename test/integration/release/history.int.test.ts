/**
 * `release status`, `release lint` and the release planners over Flyte's real tag history (871
 * flyte tags, 481 flytekit tags, built into real git repositories from
 * test/fixtures/release-history) with the shipped templates/release.yaml, read offline through
 * the local-git forge (the same history on the GitHub simulator is `npm run bench:release`):
 * every anomaly of the history is reported, no tag is silently dropped, nothing crashes and
 * nothing is written.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {LocalGitForge} from '../../../src/forge/local-git.js'
import {releaseLint, releaseStatus, type LintFinding} from '../../../src/release/inspect.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {makePlan, runRelease, type ReleaseRequest} from '../../../src/release/service.js'
import type {ReleaseManifest} from '../../../src/config/release-manifest.js'
import {REPO_ROOT} from '../../support/cli.js'
import {flyteHistoryRepos, readHistory} from '../../support/release-history.js'

describe('release status and lint over the real flyte and flytekit history', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'release-history-'))
  let forge: LocalGitForge
  let manifest: ReleaseManifest
  let findings: LintFinding[]
  const flyte = readHistory('flyte')
  const flytekit = readHistory('flytekit')

  before(async () => {
    const paths = flyteHistoryRepos(tmp)
    forge = new LocalGitForge(paths)
    manifest = await parseReleaseManifestText(readFileSync(join(REPO_ROOT, 'templates/release.yaml'), 'utf8'))
    findings = await releaseLint(forge, manifest)
  })
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('the fixtures hold the full tag lists', () => {
    assert.equal(flyte.tags.length, 871)
    assert.equal(flytekit.tags.length, 481)
  })

  it('lint writes nothing and needs no API', () => {
    assert.equal(forge.counters.writes, 0)
    assert.deepEqual(forge.notes, [])
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

  it('reports the chart appVersion that stayed behind, tags without notes, and Flyte 2 as another line', () => {
    const messages = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.message)
    assert.deepEqual(messages('chart-app-version'), [
      'charts/flyte-binary/Chart.yaml at v1.16.8 has appVersion "1.16.0", expected "1.16.8"',
    ])
    const missing = findings.filter((f) => f.rule === 'tag-without-changelog').map((f) => f.subject)
    // The auto-bumped v1.9.x tags and the v1.10.1..5 gap have no CHANGELOG file at the tag (§1.6).
    for (const t of ['v1.9.2', 'v1.9.37', 'v1.10.1', 'v1.10.5']) assert.ok(missing.includes(t), `${t} not reported`)
    for (const t of ['v1.16.8', 'v1.16.0-b2', 'v1.13.3']) assert.ok(!missing.includes(t), `${t} has its notes`)
    const other = findings.find((f) => f.rule === 'tags-of-another-line')!
    assert.equal(other.severity, 'warning')
    assert.match(other.message, /^59 root tags \(v2\.0\.0-alpha1 … v2\.0\.43\) are not on master/)
    const v2 = findings
      .filter((f) => f.subject.startsWith('v2.') && f.rule !== 'tags-of-another-line')
      .map((f) => `${f.rule}: ${f.subject}`)
    assert.deepEqual(v2, [], 'Flyte 2 tags are not checked against Flyte 1')
  })

  it('plans on the real history: betas, the 1.13 patch from the previous stable, flytectl on its own line; no writes', async () => {
    {
      const run = (req: ReleaseRequest) => runRelease(forge, manifest, req, {dryRun: true, home: tmp})
      const beta = await run({command: 'beta', components: ['flyte', 'flyteadmin', 'flytekit']})
      assert.deepEqual(
        beta.components.map((c) => c.tag),
        ['v1.17.0-b0', 'flyteadmin/v1.17.0-b0', 'v1.17.0b0'],
      )
      // The beta's notes: the file goreleaser expects, ranging from the previous stable release.
      const betaPlan = await makePlan(forge, manifest, {command: 'beta', components: ['flyte']}, new Date())
      const betaCommit = betaPlan.steps.find((s) => s.kind === 'commit')
      const betaNotes = betaCommit?.kind === 'commit' ? betaCommit.files[0] : undefined
      assert.equal(betaNotes?.path, 'CHANGELOG/CHANGELOG-v1.17.0-b0.md')
      assert.match(betaNotes?.after ?? '', /compare\/v1\.16\.8\.\.\.v1\.17\.0-b0/)
      const patch = await run({command: 'patch', line: '1.13'})
      const tags = Object.fromEntries(patch.components.map((c) => [c.component, c.tag]))
      assert.equal(tags.flyte, 'v1.13.4')
      assert.equal(tags.flyteadmin, 'flyteadmin/v1.13.4')
      assert.equal(tags.flyteidl, 'flyteidl/v1.13.10')
      assert.equal(tags.flytekit, 'v1.13.16')
      const plan = await makePlan(forge, manifest, {command: 'patch', line: '1.13'}, new Date())
      const commit = plan.steps.find((s) => s.kind === 'commit' && s.repo === 'flyteorg/flyte')
      const changelog =
        commit?.kind === 'commit' ? commit.files.find((f) => f.path.startsWith('CHANGELOG/')) : undefined
      assert.match(changelog?.after ?? '', /compare\/v1\.13\.3\.\.\.v1\.13\.4/)
      const own = await run({command: 'patch', components: ['flytectl']})
      assert.deepEqual(
        own.components.map((c) => c.tag),
        ['flytectl/v0.9.9'],
      )
      assert.equal(forge.counters.writes, 0)
      assert.ok(
        forge.notes.some((n) => /^pull requests: not read \(offline/.test(n)),
        forge.notes.join('\n'),
      )
    }
  })

  it('status reads every component without error', async () => {
    const rows = await releaseStatus(forge, manifest)
    const row = (name: string) => rows.find((r) => r.component === name)!
    // Flyte 2's v2.x tags live on main, not on this manifest's master: another line.
    assert.equal(row('flyte').latestRelease, 'v1.16.8')
    assert.equal(row('flytekit').latestRelease, 'v1.16.24')
    assert.equal(row('flytectl').latestRelease, 'flytectl/v0.9.8')
    assert.equal(row('flyteidl').latestRelease, 'flyteidl/v1.16.8')
  })
})
