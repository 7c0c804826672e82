/**
 * Triage services through the real GitHub forge (octokit) against the schema-checked simulator:
 * 1,000 issues, API reads and writes counted by the simulator itself.
 */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import type {IssueSeed} from '../../support/github/builder.js'
import {runLabel} from '../../../src/triage/label.js'
import {runReport} from '../../../src/triage/report.js'
import {runMilestones} from '../../../src/triage/milestones.js'
import {runStale} from '../../../src/triage/stale.js'
import {runCheckPr} from '../../../src/triage/check-pr.js'
import {runOwners} from '../../../src/triage/owners.js'

const REPO = 'flyteorg/flyte'
const N = 1000

/** 1,000 open issues in the shapes the issue forms and weekly triage leave behind. */
function seeds(): IssueSeed[] {
  const out: IssueSeed[] = []
  for (let i = 0; i < N; i++) {
    const kind = i % 20
    const seed: IssueSeed = {title: `Issue ${i}`, author: 'contributor', createdAt: '2026-01-05T00:00:00Z'}
    if (kind < 8)
      seed.labels = ['bug', 'untriaged'] // bug form
    else if (kind < 11)
      seed.labels = ['bug'] // form label only: needs untriaged
    else if (kind < 14)
      seed.milestone = '1.16.0' // committed
    else if (kind < 16)
      Object.assign(seed, {labels: ['enhancement', 'FlyteCTL'], assignees: ['pingsutw']}) // owned
    else if (kind < 17)
      seed.labels = ['housekeeping'] // exempt form
    else seed.labels = kind === 19 ? ['plugins'] : [] // filed without a form: needs untriaged
    out.push(seed)
  }
  return out
}
const NEEDS_LABEL = N * (3 / 20 + 3 / 20) // kinds 8–10 and 17–19

describe('triage on the GitHub simulator with 1,000 issues', () => {
  let sim: GitHubSimulator
  let forge: Forge

  before(async () => {
    sim = await startGitHubSimulator()
    sim.builder.user('pingsutw')
    sim.builder.user('flyte-bot[bot]', {type: 'Bot'})
    sim.builder.team('flyteorg/fe-engineers', ['pingsutw'])
    const rb = sim.repo(REPO)
    await rb.create({defaultBranch: 'master'})
    await rb.commit('master', {CODEOWNERS: '/docs/ @pingsutw\n/ui/ @flyteorg/fe-engineers @nobody-here\n'}, 'owners')
    await rb.milestone('1.15.0', {state: 'closed', dueOn: '2026-01-15T00:00:00Z'})
    await rb.milestone('1.16.0', {dueOn: '2026-04-15T00:00:00Z'})
    await rb.label('untriaged')
    await rb.issues(seeds())
    forge = createGitHubForge({baseUrl: sim.url, token: 'test-token', retryBaseDelayMs: 1, minWriteIntervalMs: 0})
  })
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
  })

  it('triage label: ⌈N/100⌉ pages read, one write per issue that needs the label, nothing on a re-run', async () => {
    sim.reset()
    const dry = await runLabel(forge, {repo: REPO, dryRun: true})
    assert.equal(dry.scanned, N)
    assert.equal(dry.steps.length, NEEDS_LABEL)
    assert.equal(sim.counters.writes, 0)
    assert.equal(sim.counters.reads, Math.ceil(N / 100) + 1, 'one page per 100 issues, plus the repository labels')

    sim.reset()
    const run = await runLabel(forge, {repo: REPO, dryRun: false})
    assert.ok(run.steps.every((s) => s.status === 'done'))
    assert.equal(sim.counters.writes, NEEDS_LABEL)
    assert.equal(sim.counters.reads, Math.ceil(N / 100) + 1)
    assert.deepEqual(run.api, {reads: Math.ceil(N / 100) + 1, writes: NEEDS_LABEL})

    sim.reset()
    const again = await runLabel(forge, {repo: REPO, dryRun: false})
    assert.equal(again.steps.length, 0)
    assert.equal(sim.counters.writes, 0)
    assert.equal(sim.counters.reads, Math.ceil(N / 100), 'nothing to label: the label list is not read')
    process.stderr.write(
      `triage label, ${N} issues: run reads ${run.api.reads} writes ${run.api.writes}; re-run reads ${again.api.reads} writes ${again.api.writes}\n`,
    )
  })

  it('triage report: read-only, counts match the seeded shapes', async () => {
    sim.reset()
    const report = await runReport(forge, {repo: REPO, now: new Date('2026-04-20T00:00:00Z')})
    assert.equal(sim.counters.writes, 0)
    assert.equal(report.totals.open, N)
    assert.equal(report.themes.bugs.count, N * (11 / 20))
    assert.equal(report.themes.plugins.count, N / 20)
    assert.deepEqual(report.components, [{label: 'FlyteCTL', count: N / 10}])
    assert.deepEqual(
      report.slipping.map((m) => [m.title, m.openIssues, m.status]),
      [['1.16.0', N * (3 / 20), 'overdue']],
    )
    assert.equal(report.violations.milestonedUnassigned.length, N * (3 / 20))
  })

  it('milestone rollover end to end: 150 open issues move to 1.17.0, 1.16.0 closes, a re-run writes nothing', async () => {
    sim.reset()
    const now = new Date('2026-04-20T00:00:00Z')
    const run = await runMilestones(forge, {repo: REPO, dryRun: false, cadence: {months: 3}, now, rollover: '1.16.0'})
    assert.ok(
      run.steps.every((s) => s.status === 'done'),
      JSON.stringify(run.steps.find((s) => s.status !== 'done')),
    )
    assert.equal(run.slipped.length, N * (3 / 20))
    assert.equal(run.target?.title, '1.17.0')
    assert.equal(run.target?.dueOn, '2026-07-15T00:00:00.000Z')
    assert.equal(sim.counters.writes, 1 + N * (3 / 20) + 1, 'create 1.17.0, move each issue, close 1.16.0')
    const milestones = await forge.listMilestones(REPO, 'all')
    const m16 = milestones.find((m) => m.title === '1.16.0')!
    const m17 = milestones.find((m) => m.title === '1.17.0')!
    assert.equal(m16.state, 'closed')
    assert.equal(m16.openIssues, 0)
    assert.equal(m17.openIssues, N * (3 / 20))
    assert.equal(m17.dueOn?.slice(0, 10), '2026-07-15')

    sim.reset()
    const again = await runMilestones(forge, {repo: REPO, dryRun: false, cadence: {months: 3}, now, rollover: '1.16.0'})
    assert.equal(again.steps.length, 0)
    assert.equal(sim.counters.writes, 0)
    process.stderr.write(
      `milestone rollover, ${run.slipped.length} open issues: run reads ${run.api.reads} writes ${run.api.writes}; re-run reads ${again.api.reads} writes ${again.api.writes}\n`,
    )
    const next = await runMilestones(forge, {repo: REPO, dryRun: false, cadence: {months: 3}, now})
    assert.equal(next.target?.exists, true)
    assert.equal(sim.counters.writes, 0)
  })

  it('triage owners: the CODEOWNERS GitHub reads, with unknown owners reported', async () => {
    sim.reset()
    const result = await runOwners(forge, {repos: [REPO]})
    assert.equal(result.repos[0].file, 'CODEOWNERS')
    assert.deepEqual(result.repos[0].unknownOwners, [{line: 2, owner: '@nobody-here'}])
    assert.equal(result.ok, false)
    assert.equal(sim.counters.writes, 0)
  })
})

describe('stale and check-pr on the GitHub simulator', () => {
  let sim: GitHubSimulator
  let forge: Forge
  const REPO2 = 'flyteorg/flytekit'
  const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000)

  before(async () => {
    sim = await startGitHubSimulator()
    sim.builder.user('flyte-bot[bot]', {type: 'Bot'})
    const rb = sim.repo(REPO2)
    await rb.create({defaultBranch: 'master'})
    await rb.commit('master', {'README.md': 'flytekit\n'}, 'init')
    await rb.commit('small-fix', {'a.py': 'x = 1\n'}, 'fix')
    await rb.commit('no-link', {'b.py': 'y = 2\n'}, 'change')
    forge = createGitHubForge({baseUrl: sim.url, token: 'test-token', retryBaseDelayMs: 1, minWriteIntervalMs: 0})
  })
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
  })

  it('stale: a bot comment does not keep an issue alive; exempt ones stay; marking then closing; re-runs write nothing', async () => {
    const rb = sim.repo(REPO2)
    // updatedAt is recent (the bot's comment), so the timeline has to be read to see it was a bot.
    const idle = await rb.issue({
      title: 'idle, bot-pinged',
      author: 'alice',
      createdAt: day(0).toISOString(),
      updatedAt: day(95).toISOString(),
    })
    sim.state.now = () => day(95)
    await rb.comment(idle, 'Friendly reminder from the bot', 'flyte-bot[bot]')
    const active = await rb.issue({
      title: 'human reply',
      author: 'alice',
      createdAt: day(0).toISOString(),
      updatedAt: day(60).toISOString(),
      comments: [{author: 'bob', body: 'still happens', createdAt: day(60).toISOString()}],
    })
    const untriaged = await rb.issue({title: 'never triaged', labels: ['untriaged'], createdAt: day(0).toISOString()})
    const security = await rb.issue({title: 'cve', labels: ['security'], createdAt: day(0).toISOString()})

    sim.state.now = () => day(100)
    sim.reset()
    const marked = await runStale(forge, {repo: REPO2, dryRun: false, now: day(100)})
    assert.deepEqual(
      marked.decisions.map((d) => [d.number, d.action]),
      [[idle, 'mark']],
    )
    assert.equal(sim.counters.writes, 2, 'label + notice')
    assert.equal(marked.timelinesRead, 2, 'the bot-pinged and the human-answered issue')

    sim.reset()
    const rerun = await runStale(forge, {repo: REPO2, dryRun: false, now: day(101)})
    assert.equal(sim.counters.writes, 0)
    assert.equal(rerun.decisions.find((d) => d.number === idle)?.action, 'keep')

    sim.state.now = () => day(108)
    sim.reset()
    const closed = await runStale(forge, {repo: REPO2, dryRun: false, now: day(108)})
    assert.deepEqual(
      closed.decisions.map((d) => [d.number, d.action]),
      [[idle, 'close']],
    )
    assert.equal((await forge.getIssue(REPO2, idle))?.state, 'closed')
    for (const n of [active, untriaged, security]) assert.equal((await forge.getIssue(REPO2, n))?.state, 'open')
    sim.reset()
    await runStale(forge, {repo: REPO2, dryRun: false, now: day(108)})
    assert.equal(sim.counters.writes, 0)
  })

  it('check-pr: closingIssuesReferences, keywords and the template placeholder', async () => {
    const rb = sim.repo(REPO2)
    const issue = await rb.issue({title: 'bug'})
    const linked = await rb.pull({title: 'fix', head: 'small-fix', closes: [issue], body: ''})
    const unlinked = await rb.pull({
      title: 'change',
      head: 'no-link',
      body: '## Tracking issue\n_https://github.com/flyteorg/flyte/issues/<number>_\n\n<!-- Closes #999 -->\n',
    })
    const ok = await runCheckPr(forge, {repo: REPO2, pull: linked})
    assert.equal(ok.ok, true)
    assert.deepEqual(ok.links, [{repo: REPO2, number: issue, via: 'closing-reference'}])
    const bad = await runCheckPr(forge, {repo: REPO2, pull: unlinked})
    assert.equal(bad.ok, false)
    assert.match(bad.problems[0], /does not link an issue/)
  })
})
