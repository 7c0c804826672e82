import {test} from 'node:test'
import assert from 'node:assert/strict'
import {FakeForge} from './fake-forge.js'
import {needsUntriaged, runLabel} from '../../../src/triage/label.js'
import {buildReport, renderReportMarkdown} from '../../../src/triage/report.js'
import {addMonths, nextMilestone, planNextMilestone, runMilestones} from '../../../src/triage/milestones.js'
import {judgePull, proposalLink, runCheckPr} from '../../../src/triage/check-pr.js'
import {parseCodeowners, runOwners} from '../../../src/triage/owners.js'
import {runStale, STALE_MARKER} from '../../../src/triage/stale.js'

const REPO = 'flyteorg/flyte'

test('needsUntriaged: form labels are not a decision; milestone, assignee, housekeeping and PRs are', () => {
  const f = new FakeForge()
  assert.match(needsUntriaged(f.issue(REPO, {number: 1, labels: ['bug']}))!, /form labels bug/)
  assert.ok(needsUntriaged(f.issue(REPO, {number: 2})))
  assert.equal(needsUntriaged(f.issue(REPO, {number: 3, labels: ['bug', 'untriaged']})), undefined)
  assert.equal(needsUntriaged(f.issue(REPO, {number: 4, milestone: {number: 1, title: '1.17.0'}})), undefined)
  assert.equal(needsUntriaged(f.issue(REPO, {number: 5, assignees: ['kumare3']})), undefined)
  assert.equal(needsUntriaged(f.issue(REPO, {number: 6, labels: ['housekeeping']})), undefined)
  assert.equal(needsUntriaged(f.issue(REPO, {number: 7, isPullRequest: true})), undefined)
  assert.equal(needsUntriaged(f.issue(REPO, {number: 8, state: 'closed'})), undefined)
})

test('triage label: labels only what needs it, creates the label once, and a re-run writes nothing', async () => {
  const f = new FakeForge()
  f.issue(REPO, {number: 1, labels: ['bug']})
  f.issue(REPO, {number: 2, labels: ['enhancement', 'untriaged']})
  f.issue(REPO, {number: 3, assignees: ['pingsutw']})
  const dry = await runLabel(f, {repo: REPO, dryRun: true})
  assert.deepEqual(
    dry.steps.map((s) => [s.kind, s.status]),
    [
      ['create-label', 'planned'],
      ['add-label', 'planned'],
    ],
  )
  assert.equal(dry.api.writes, 0)
  const first = await runLabel(f, {repo: REPO, dryRun: false})
  assert.ok(first.steps.every((s) => s.status === 'done'))
  assert.equal(first.api.writes, 2)
  assert.deepEqual(f.issues.get(REPO)![0].labels, ['bug', 'untriaged'])
  const again = await runLabel(f, {repo: REPO, dryRun: false})
  assert.equal(again.steps.length, 0)
  assert.equal(again.api.writes, 0)
})

test('triage report: themes, components, slipping milestones and violations', () => {
  const f = new FakeForge()
  const now = new Date('2026-03-20T00:00:00Z')
  const issues = [
    f.issue(REPO, {number: 1, labels: ['bug', 'untriaged', 'flytekit']}),
    f.issue(REPO, {number: 2, labels: ['security'], milestone: {number: 1, title: '1.16.0'}}),
    f.issue(REPO, {number: 3, labels: ['documentation', 'good first issue'], assignees: ['ppiegaze']}),
    f.issue(REPO, {number: 4, labels: ['enhancement', 'FlyteCTL']}),
    f.issue(REPO, {number: 5, isPullRequest: true, labels: ['bug']}),
  ]
  const milestones = [
    {number: 1, title: '1.16.0', state: 'open' as const, dueOn: '2026-03-01T00:00:00Z', openIssues: 1, closedIssues: 9},
    {number: 2, title: '1.17.0', state: 'open' as const, dueOn: '2026-06-01T00:00:00Z', openIssues: 0, closedIssues: 0},
  ]
  const report = buildReport(REPO, issues, milestones, {now})
  assert.deepEqual(report.totals, {open: 4, untriaged: 1, unassigned: 3, milestoned: 1})
  assert.equal(report.themes.bugs.count, 1, 'the pull request is not counted')
  assert.equal(report.themes.contribute.count, 1)
  assert.deepEqual(
    report.components.map((c) => c.label),
    ['FlyteCTL', 'flytekit'],
  )
  assert.deepEqual(
    report.slipping.map((m) => [m.title, m.status, m.daysLeft]),
    [['1.16.0', 'overdue', -19]],
  )
  assert.deepEqual(
    report.violations.noTriageDecision.map((i) => i.number),
    [4],
  )
  assert.deepEqual(
    report.violations.milestonedUnassigned.map((i) => i.number),
    [2],
  )
  const md = renderReportMarkdown(report)
  assert.match(md, /\| 1\.16\.0 \| 2026-03-01 \| 1 \| 9 \| overdue by 19 d \|/)
  assert.match(md, /### No triage decision \(1\)/)
  assert.match(md, /\*\*Slipping:\*\* 1\.16\.0 \(1 open\)/)
})

test('milestone cadence: next minor, due one quarter after the last, clamped to month ends', () => {
  assert.equal(addMonths('2026-01-31T00:00:00Z', 1), '2026-02-28T00:00:00.000Z')
  const ms = [
    {
      number: 1,
      title: 'v1.15.0',
      state: 'closed' as const,
      dueOn: '2026-01-15T00:00:00Z',
      openIssues: 0,
      closedIssues: 3,
    },
    {
      number: 2,
      title: 'v1.16.0',
      state: 'open' as const,
      dueOn: '2026-04-15T00:00:00Z',
      openIssues: 2,
      closedIssues: 3,
    },
    {number: 3, title: 'backlog', state: 'open' as const, dueOn: null, openIssues: 40, closedIssues: 0},
  ]
  // Nothing given: the release after the last closed one (v1.15.0) — it exists, open.
  assert.equal(nextMilestone(ms, {months: 3}, new Date('2026-03-01T00:00:00Z'))?.title, 'v1.16.0')
  assert.deepEqual(nextMilestone(ms, {months: 3}, new Date('2026-03-01T00:00:00Z'), ms[1]), {
    title: 'v1.17.0',
    dueOn: '2026-07-15T00:00:00.000Z',
    scheduledOn: '2026-07-15T00:00:00.000Z',
  })
  // A long gap: the due date moves forward by whole cadences until it is in the future.
  assert.equal(
    nextMilestone(ms, {months: 3}, new Date('2026-09-01T00:00:00Z'), ms[1])?.dueOn,
    '2026-10-15T00:00:00.000Z',
  )
  // An overdue open milestone that matches its schedule gets no due-date note (it is slipping, not wrong).
  const overdue = planNextMilestone('o/r', ms, {months: 3}, new Date('2026-09-01T00:00:00Z'))
  assert.deepEqual([overdue.target?.title, overdue.notes], ['v1.16.0', []])
  const moved = planNextMilestone('o/r', [ms[0], {...ms[1], dueOn: '2026-05-01T00:00:00Z'}], {months: 3}, new Date())
  assert.match(moved.notes[0], /exists due 2026-05-01 \(the cadence says 2026-04-15\)/)
  ms[1].state = 'closed'
  assert.equal(nextMilestone(ms, {months: 3}, new Date('2026-05-01T00:00:00Z'))?.title, 'v1.17.0')
})

test('milestone rollover end to end: open issues move, the milestone closes, a re-run writes nothing', async () => {
  const f = new FakeForge()
  const now = new Date('2026-04-16T00:00:00Z')
  f.milestone(REPO, {title: '1.16.0', dueOn: '2026-04-15T00:00:00Z'})
  f.issue(REPO, {number: 10, milestone: {number: 1, title: '1.16.0'}})
  f.issue(REPO, {number: 11, milestone: {number: 1, title: '1.16.0'}, isPullRequest: true})
  f.issue(REPO, {number: 12, milestone: {number: 1, title: '1.16.0'}, state: 'closed'})
  const dry = await runMilestones(f, {repo: REPO, dryRun: true, cadence: {months: 3}, now, rollover: '1.16.0'})
  assert.deepEqual(
    dry.steps.map((s) => s.kind),
    ['create-milestone', 'set-milestone', 'set-milestone', 'close-milestone'],
  )
  assert.equal(dry.api.writes, 0)
  const run = await runMilestones(f, {repo: REPO, dryRun: false, cadence: {months: 3}, now, rollover: '1.16.0'})
  assert.ok(
    run.steps.every((s) => s.status === 'done'),
    JSON.stringify(run.steps),
  )
  assert.deepEqual(
    run.slipped.map((i) => i.number),
    [10, 11],
  )
  assert.equal(run.target?.dueOn, '2026-07-15T00:00:00.000Z')
  const issues = f.issues.get(REPO)!
  assert.deepEqual(
    issues.map((i) => i.milestone?.title),
    ['1.17.0', '1.17.0', '1.16.0'],
  )
  assert.equal(f.milestones.get(REPO)![0].state, 'closed')
  const again = await runMilestones(f, {repo: REPO, dryRun: false, cadence: {months: 3}, now, rollover: '1.16.0'})
  assert.equal(again.steps.length, 0)
  assert.equal(again.api.writes, 0)
  // The release after the closed 1.16.0 exists now, so ensuring the next milestone writes nothing.
  const next = await runMilestones(f, {repo: REPO, dryRun: false, cadence: {months: 3}, now})
  assert.deepEqual(next.target, {title: '1.17.0', dueOn: '2026-07-15T00:00:00.000Z', exists: true})
  assert.equal(next.api.writes, 0)
  await assert.rejects(
    runMilestones(f, {repo: REPO, dryRun: true, cadence: {months: 3}, now, rollover: '9.9.9'}),
    /milestone "9.9.9" does not exist/,
  )
})

const TEMPLATE_BODY = `## Tracking issue
_https://github.com/flyteorg/flyte/issues/<number>_

<!--
If your PR fixes an open issue, use \`Closes #999\` to link your PR with the issue.
#999 stands for the issue number you are fixing.
Example: Closes #31
-->

## Why are the changes needed?
`

test('check-pr: the template placeholder does not count; keywords, URLs and tracking sections do', () => {
  const f = new FakeForge()
  const base = {number: 7}
  const none = judgePull(REPO, f.pull(REPO, {...base, body: TEMPLATE_BODY}), [])
  assert.equal(none.ok, false)
  assert.match(none.problems[0], /does not link an issue/)
  const keyword = judgePull(
    REPO,
    f.pull(REPO, {
      ...base,
      body: 'Fixes flyteorg/flyte#5757 and resolves https://github.com/flyteorg/flytekit/issues/12',
    }),
    [],
  )
  assert.deepEqual(
    keyword.links.map((l) => `${l.repo}#${l.number}`),
    ['flyteorg/flyte#5757', 'flyteorg/flytekit#12'],
  )
  const tracking = judgePull(
    REPO,
    f.pull(REPO, {
      ...base,
      body: TEMPLATE_BODY.replace('_https://github.com/flyteorg/flyte/issues/<number>_', 'Related to #4321'),
    }),
    [],
  )
  assert.deepEqual(tracking.links, [{repo: REPO, number: 4321, via: 'tracking-section'}])
  const old = judgePull(
    REPO,
    f.pull(REPO, {...base, body: '## Tracking Issue https://github.com/flyteorg/flyte/issues/3984\n'}),
    [],
  )
  assert.equal(old.links[0].number, 3984)
  const graph = judgePull(REPO, f.pull(REPO, {...base, body: ''}), [88])
  assert.deepEqual(graph.links, [{repo: REPO, number: 88, via: 'closing-reference'}])
  const bot = judgePull(REPO, f.pull(REPO, {...base, author: {login: 'dependabot[bot]', type: 'Bot'}}), [])
  assert.equal(bot.ok, true)
  assert.match(bot.exempt!, /bot/)
})

test('check-pr: a large PR needs a proposal (link or a linked issue labelled rfc)', async () => {
  const f = new FakeForge()
  const big = {additions: 900, deletions: 300}
  const noProposal = judgePull(REPO, f.pull(REPO, {number: 1, ...big, body: 'Closes #5'}), [])
  assert.equal(noProposal.size.large, true)
  assert.match(noProposal.problems[0], /1200 lines \(over 1000\).*no proposal/)
  assert.equal(
    proposalLink('Implements https://github.com/flyteorg/flyte/blob/master/rfc/system/2704-release.md.'),
    'https://github.com/flyteorg/flyte/blob/master/rfc/system/2704-release.md',
  )
  const withRfc = judgePull(REPO, f.pull(REPO, {number: 2, ...big, body: 'Closes #5\nRFC: #4000'}), [])
  assert.equal(withRfc.ok, true)
  assert.equal(judgePull(REPO, f.pull(REPO, {number: 3, ...big, body: 'Closes #5'}), [], {maxLines: 5000}).ok, true)
  f.pull(REPO, {number: 4, ...big, body: 'Closes #6'})
  f.issue(REPO, {number: 6, labels: ['rfc']})
  const viaLabel = await runCheckPr(f, {repo: REPO, pull: 4})
  assert.equal(viaLabel.ok, true)
  assert.equal(viaLabel.proposal, `https://github.com/${REPO}/issues/6`)
})

test('CODEOWNERS: parse the real files; report bad lines, shadowed files and unknown owners', async () => {
  const real = parseCodeowners('/docs/              @ppiegaze\n/docs/deployment/   @davidmirror-ops\n')
  assert.deepEqual(real.problems, [])
  assert.equal(real.rules.length, 2)
  const bad = parseCodeowners(
    '# comment\n* @flyteorg/flyte2-contributors # trailing\n!vendor @a\n@lonely\n*.md not-an-owner\n',
  )
  assert.deepEqual(
    bad.problems.map((p) => p.line),
    [3, 4, 5],
  )
  const f = new FakeForge()
  f.addRepo('flyteorg/flyte')
  f.addRepo('flyteorg/flytekit')
  f.addRepo('flyteorg/flytesnacks')
  f.users.add('ppiegaze')
  f.teams.add('flyteorg/fe-engineers')
  f.files.set('flyteorg/flyte@master:CODEOWNERS', '/docs/ @ppiegaze\n')
  f.files.set('flyteorg/flyte@master:docs/CODEOWNERS', '* @ppiegaze\n')
  f.files.set('flyteorg/flytekit@master:.github/CODEOWNERS', '* @ppiegaze @ghost-user @flyteorg/fe-engineers\n')
  const result = await runOwners(f, {repos: ['flyteorg/flyte', 'flyteorg/flytekit', 'flyteorg/flytesnacks']})
  assert.equal(result.ok, false)
  const [flyte, flytekit, snacks] = result.repos
  assert.equal(flyte.ok, true)
  assert.equal(flyte.file, 'CODEOWNERS')
  assert.deepEqual(flyte.shadowed, ['docs/CODEOWNERS'])
  assert.deepEqual(flytekit.unknownOwners, [{line: 1, owner: '@ghost-user'}])
  assert.equal(snacks.file, null)
  assert.equal(result.api.writes, 0)
})

test('stale: bot activity does not count, exempt items are never closed, marking then closing, and re-runs', async () => {
  const f = new FakeForge()
  const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString()
  const bot = {login: 'github-actions[bot]', type: 'Bot' as const}
  const person = {login: 'kumare3', type: 'User' as const}
  // #1: person last active day 0, a bot touched it on day 95 → still stale at day 100.
  f.issue(REPO, {number: 1, createdAt: day(0), updatedAt: day(95)})
  f.timelines.set(`${REPO}#1`, [{event: 'labeled', actor: bot, createdAt: day(95), label: 'size:XS'}])
  // #2: a person commented on day 50 → not stale at day 100.
  f.issue(REPO, {number: 2, createdAt: day(0), updatedAt: day(50)})
  f.timelines.set(`${REPO}#2`, [{event: 'commented', actor: person, createdAt: day(50)}])
  // #3..#5: idle but exempt.
  f.issue(REPO, {number: 3, labels: ['untriaged'], createdAt: day(0), updatedAt: day(0)})
  f.issue(REPO, {number: 4, labels: ['security'], createdAt: day(0), updatedAt: day(0)})
  f.issue(REPO, {number: 5, milestone: {number: 1, title: '1.17.0'}, createdAt: day(0), updatedAt: day(0)})
  // #6: idle since day 0, no timeline read needed (updatedAt is old).
  f.issue(REPO, {number: 6, createdAt: day(0), updatedAt: day(1)})
  const at100 = new Date(day(100))
  const dry = await runStale(f, {repo: REPO, dryRun: true, now: at100})
  assert.deepEqual(
    dry.decisions.map((d) => [d.number, d.action]),
    [
      [1, 'mark'],
      [6, 'mark'],
    ],
  )
  assert.equal(dry.timelinesRead, 2, 'only #1 and #2 (recently updated) need their timelines')
  const marked = await runStale(f, {repo: REPO, dryRun: false, now: at100})
  assert.equal(marked.api.writes, 4)
  assert.ok(f.comments.every((c) => c.body.startsWith(STALE_MARKER)))
  // What GitHub would now show: the label and notice came from a person's token (not a bot).
  for (const n of [1, 6]) {
    const tl = f.timelines.get(`${REPO}#${n}`) ?? []
    tl.push({event: 'labeled', actor: person, createdAt: day(100), label: 'stale'})
    tl.push({event: 'commented', actor: person, createdAt: new Date(Date.parse(day(100)) + 5000).toISOString()})
    f.timelines.set(`${REPO}#${n}`, tl)
  }
  const rerun = await runStale(f, {repo: REPO, dryRun: false, now: at100})
  assert.equal(rerun.api.writes, 0, 'the notice posted right after labeling is not activity')
  // Day 103: a person answers on #6 → unmark. Day 108: #1 closes.
  f.timelines
    .get(`${REPO}#6`)!
    .push({event: 'commented', actor: {login: 'eapolinario', type: 'User'}, createdAt: day(103)})
  const markOnly = await runStale(f, {repo: REPO, dryRun: true, now: new Date(day(108)), markOnly: true})
  assert.equal(markOnly.decisions.find((d) => d.number === 1)?.action, 'keep', '--mark-only never closes')
  const later = await runStale(f, {repo: REPO, dryRun: false, now: new Date(day(108))})
  assert.deepEqual(
    later.decisions.map((d) => [d.number, d.action]),
    [
      [1, 'close'],
      [6, 'unmark'],
    ],
  )
  assert.equal(f.issues.get(REPO)!.find((i) => i.number === 1)!.state, 'closed')
  assert.ok(
    ['untriaged', 'security'].every((l) => f.issues.get(REPO)!.find((i) => i.labels.includes(l))!.state === 'open'),
  )
})
