import {after, afterEach, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const SCENARIO = `
users:
  - {login: alice, name: Alice, email: alice@example.com}
  - {login: "renovate[bot]", type: Bot}
teams:
  - {team: flyteorg/maintainers, members: [alice]}
repos:
  - name: flyteorg/flytekit
    defaultBranch: master
    branches:
      master:
        - {message: "initial", files: {README.md: "hello\\n", "docs/conf.py": "release = '1.0.0'\\n"}, author: alice}
        - {message: "second", files: {a.txt: "a\\n"}, author: alice}
      fix-crash:
        - {message: "fix: crash", files: {b.txt: "b\\n"}, author: alice}
      feature:
        from: master
        commits:
          - {message: "feat: one", files: {c.txt: "c\\n"}}
          - {message: "feat: two", files: {d.txt: "d\\n"}}
      open-work:
        - {message: "wip", files: {e.txt: "e\\n"}}
    tags:
      - {name: v1.0.0, at: master, message: "Release 1.0.0"}
      - {name: v0.9.0, at: "master~1"}
    labels:
      - {name: bug, color: d73a4a, description: "Something is broken"}
    milestones:
      - {title: "1.1.0", dueOn: "2026-12-01T00:00:00Z"}
      - {title: "1.0.0", state: closed}
    issues:
      - {title: "Crash on start", labels: [bug], milestone: "1.1.0", author: alice, assignees: [alice], comments: [{author: alice, body: "same here"}]}
      - {title: "Dependency bump", author: "renovate[bot]"}
      - {title: "Old", state: closed}
    pulls:
      - {title: "fix: crash", head: fix-crash, merge: squash, body: "Fixes #1", author: alice}
      - {title: "feat", head: feature, merge: rebase, closes: [1]}
      - {title: "wip", head: open-work, labels: [bug], draft: true}
    releases:
      - {tag: v1.0.0, name: "1.0.0", body: "notes"}
`

const REPO = 'flyteorg/flytekit'

describe('GitHub Forge contract (against the schema-checked simulator)', () => {
  let sim: GitHubSimulator
  let forge: Forge

  before(async () => {
    sim = await startGitHubSimulator(SCENARIO, {tokens: ['ghp_contracttoken000000000000000000000']})
    forge = createGitHubForge({
      baseUrl: sim.url,
      token: 'ghp_contracttoken000000000000000000000',
      retryBaseDelayMs: 1,
      minWriteIntervalMs: 0,
    })
  })
  afterEach(() => sim.assertNoViolations())
  after(async () => sim.close())

  it('getRepo returns the default branch and the smart-HTTP clone URL; undefined when missing', async () => {
    const repo = await forge.getRepo(REPO)
    assert.deepEqual(repo, {
      slug: REPO,
      defaultBranch: 'master',
      cloneUrl: sim.gitUrl(REPO),
      htmlUrl: `${sim.url}/${REPO}`,
      archived: false,
    })
    assert.equal(await forge.getRepo('flyteorg/nope'), undefined)
  })

  it('branches: getBranchSha, listBranches, createBranch is idempotent and never moves a branch', async () => {
    const master = await forge.getBranchSha(REPO, 'master')
    assert.match(master ?? '', /^[0-9a-f]{40}$/)
    assert.equal(await forge.getBranchSha(REPO, 'missing'), undefined)
    assert.deepEqual((await forge.listBranches(REPO)).sort(), ['feature', 'fix-crash', 'master', 'open-work'])
    const v1 = (await forge.getTag(REPO, 'v1.0.0'))!.sha
    assert.equal(await forge.createBranch(REPO, 'release-v1.0', v1), 'created')
    assert.equal(await forge.createBranch(REPO, 'release-v1.0', v1), 'exists')
    await assert.rejects(
      forge.createBranch(REPO, 'release-v1.0', master!),
      (e: Error & {kind?: string}) => e.kind === 'conflict',
    )
    assert.equal(await forge.getBranchSha(REPO, 'release-v1.0'), v1)
  })

  it('tags: listTags peels, getTag peels annotated tags, createTag makes an annotated tag and is idempotent', async () => {
    const tags = await forge.listTags(REPO)
    const byName = Object.fromEntries(tags.map((t) => [t.name, t.sha]))
    const v1 = await forge.getCommit(REPO, 'v1.0.0')
    const v09 = await forge.getCommit(REPO, 'v0.9.0')
    assert.equal(byName['v1.0.0'], v1!.sha)
    assert.equal(byName['v0.9.0'], v09!.sha)
    assert.deepEqual(await forge.getTag(REPO, 'v1.0.0'), {name: 'v1.0.0', sha: v1!.sha})
    assert.equal(await forge.getTag(REPO, 'v9.9.9'), undefined)

    const master = (await forge.getBranchSha(REPO, 'master'))!
    const writes = forge.counters.writes
    assert.equal(await forge.createTag(REPO, 'v1.1.0-b0', master, 'Beta 0'), 'created')
    assert.equal(forge.counters.writes - writes, 2, 'tag object + ref')
    const r = await sim.repo(REPO).get()
    assert.equal(await r.git.objectType((await r.git.refSha('refs/tags/v1.1.0-b0'))!), 'tag', 'annotated tag object')
    assert.equal(await forge.createTag(REPO, 'v1.1.0-b0', master, 'Beta 0'), 'exists')
    assert.equal(forge.counters.writes - writes, 2, 're-run writes nothing')
    await assert.rejects(
      forge.createTag(REPO, 'v1.0.0', master, 'x'),
      (e: Error & {kind?: string}) => e.kind === 'conflict' && /never moved/.test(e.message),
    )
  })

  it('commits: getCommit, compare (oldest first), pullsForCommit for squash and rebase merges', async () => {
    const head = await forge.getCommit(REPO, 'master')
    assert.ok(head)
    assert.equal(head.message, 'feat: two')
    assert.equal(head.parents.length, 1)
    assert.equal(await forge.getCommit(REPO, 'no-such-ref'), undefined)
    const cmp = await forge.compare(REPO, 'v1.0.0', 'master')
    assert.deepEqual(
      cmp.commits.map((c) => c.message.split('\n')[0]),
      ['fix: crash (#4)', 'feat: one', 'feat: two'],
    )
    assert.equal(cmp.aheadBy, 3)
    const squash = cmp.commits[0]!
    const pulls = await forge.pullsForCommit(REPO, squash.sha)
    assert.deepEqual(
      pulls.map((p) => p.number),
      [4],
    )
    assert.equal(pulls[0]!.mergeCommitSha, squash.sha)
    const rebased = await forge.pullsForCommit(REPO, cmp.commits[1]!.sha)
    assert.deepEqual(
      rebased.map((p) => p.number),
      [5],
    )
  })

  it('contents: getFile reads text and blob sha; putFile commits once and is a no-op when unchanged', async () => {
    const file = await forge.getFile(REPO, 'docs/conf.py')
    assert.equal(file?.text, "release = '1.0.0'\n")
    assert.equal(await forge.getFile(REPO, 'missing.txt'), undefined)
    assert.deepEqual(await forge.getFile(REPO, 'docs/conf.py', 'v0.9.0'), file)
    const beforeWrite = {...forge.counters}
    const sha = await forge.putFile(REPO, 'docs/conf.py', {
      branch: 'master',
      text: "release = '1.1.0'\n",
      message: 'docs: pin 1.1.0',
      sha: file!.sha,
    })
    assert.deepEqual(
      {reads: forge.counters.reads - beforeWrite.reads, writes: forge.counters.writes - beforeWrite.writes},
      {reads: 0, writes: 1},
      'with a sha: one write, no read',
    )
    await assert.rejects(
      forge.putFile(REPO, 'docs/conf.py', {branch: 'master', text: 'stale\n', message: 'stale write', sha: file!.sha}),
      (e: Error & {kind?: string}) => e.kind === 'conflict',
      'a stale blob sha is a conflict, nothing is overwritten',
    )
    assert.equal(await forge.getBranchSha(REPO, 'master'), sha)
    assert.equal(await sim.repo(REPO).readFile(sha, 'docs/conf.py'), "release = '1.1.0'\n")
    const writes = forge.counters.writes
    assert.equal(
      await forge.putFile(REPO, 'docs/conf.py', {branch: 'master', text: "release = '1.1.0'\n", message: 'again'}),
      sha,
    )
    assert.equal(forge.counters.writes, writes)
    const created = await forge.putFile(REPO, 'new/file.md', {branch: 'master', text: 'new\n', message: 'add file'})
    assert.equal((await forge.getCommit(REPO, created))!.parents[0], sha)
  })

  it('issues: list with filters, get, update milestone/state/assignees, labels add/remove, timeline', async () => {
    const open = await forge.listIssues(REPO)
    assert.deepEqual(
      open.map((i) => i.number),
      [2],
      '#1 was closed when its fix merged into the default branch',
    )
    assert.equal((await forge.getIssue(REPO, 1))?.state, 'closed')
    const withPulls = await forge.listIssues(REPO, {state: 'all', includePulls: true})
    assert.equal(withPulls.length, 6)
    const bugs = await forge.listIssues(REPO, {labels: ['bug'], state: 'all'})
    assert.deepEqual(
      bugs.map((i) => i.number),
      [1],
    )
    const none = await forge.listIssues(REPO, {milestone: 'none', state: 'all'})
    assert.deepEqual(none.map((i) => i.number).sort(), [2, 3])
    const bot = open.find((i) => i.number === 2)!
    assert.deepEqual(bot.author, {login: 'renovate[bot]', type: 'Bot'})
    const issue = await forge.getIssue(REPO, 1)
    assert.equal(issue?.milestone?.title, '1.1.0')
    assert.deepEqual(issue?.assignees, ['alice'])
    assert.equal(await forge.getIssue(REPO, 999), undefined)

    const ms = (await forge.listMilestones(REPO)).find((m) => m.title === '1.1.0')!
    await forge.updateIssue(REPO, 2, {milestone: ms.number, assignees: ['alice']})
    await forge.addLabels(REPO, 2, ['bug', 'dependencies'])
    await forge.removeLabel(REPO, 2, 'bug')
    await forge.removeLabel(REPO, 2, 'not-there')
    await forge.updateIssue(REPO, 2, {state: 'closed'})
    await forge.updateIssue(REPO, 3, {milestone: ms.number})
    await forge.updateIssue(REPO, 3, {milestone: null})
    assert.equal((await forge.getIssue(REPO, 3))?.milestone, null)
    const after = await forge.getIssue(REPO, 2)
    assert.equal(after?.state, 'closed')
    assert.deepEqual(after?.labels, ['dependencies'])
    assert.equal(after?.milestone?.number, ms.number)
    const events = (await forge.listTimeline(REPO, 2)).map((e) => e.event + (e.label ? `:${e.label}` : ''))
    assert.deepEqual(events, [
      'milestoned',
      'assigned',
      'labeled:bug',
      'labeled:dependencies',
      'unlabeled:bug',
      'closed',
    ])
    await assert.rejects(
      forge.updateIssue(REPO, 999, {state: 'closed'}),
      (e: Error & {kind?: string}) => e.kind === 'not-found',
    )
  })

  it('comments: list, create, update', async () => {
    const before = await forge.listComments(REPO, 1)
    assert.deepEqual(
      before.map((c) => [c.author.login, c.body]),
      [['alice', 'same here']],
    )
    const c = await forge.createComment(REPO, 1, 'released in 1.1.0')
    await forge.updateComment(REPO, c.id, 'released in 1.1.0 (edited)')
    const list = await forge.listComments(REPO, 1)
    assert.equal(list.at(-1)?.body, 'released in 1.1.0 (edited)')
    const timeline = await forge.listTimeline(REPO, 1)
    assert.equal(timeline.filter((e) => e.event === 'commented').length, 2)
  })

  it('labels: listLabels and ensureLabel (idempotent, case-insensitive)', async () => {
    assert.deepEqual(
      (await forge.listLabels(REPO)).find((l) => l.name === 'bug'),
      {name: 'bug', color: 'd73a4a', description: 'Something is broken'},
    )
    assert.equal(
      await forge.ensureLabel(REPO, {name: 'backport', color: '#00ff00', description: 'needs a backport'}),
      'created',
    )
    assert.equal(await forge.ensureLabel(REPO, {name: 'Backport'}), 'exists')
    assert.equal((await forge.listLabels(REPO)).find((l) => l.name === 'backport')?.color, '00ff00')
  })

  it('milestones: list by state, create, update (close)', async () => {
    assert.deepEqual(
      (await forge.listMilestones(REPO, 'closed')).map((m) => m.title),
      ['1.0.0'],
    )
    const m = await forge.createMilestone(REPO, {title: '1.2.0', dueOn: '2027-03-01T00:00:00Z', description: 'next'})
    assert.equal(m.state, 'open')
    assert.equal(m.dueOn, '2027-03-01T00:00:00Z')
    await forge.updateMilestone(REPO, m.number, {state: 'closed'})
    const all = await forge.listMilestones(REPO, 'all')
    assert.equal(all.find((x) => x.number === m.number)?.state, 'closed')
    const withIssues = all.find((x) => x.title === '1.1.0')!
    assert.ok(withIssues.openIssues + withIssues.closedIssues >= 1)
  })

  it('pulls: list, get (merge facts), commits, create (idempotent), update, linkedIssues', async () => {
    const open = await forge.listPulls(REPO)
    assert.deepEqual(
      open.map((p) => [p.number, p.draft, p.labels]),
      [[6, true, ['bug']]],
    )
    const merged = await forge.getPull(REPO, 4)
    assert.equal(merged?.merged, true)
    assert.equal(merged?.base, 'master')
    assert.equal(merged?.head, 'fix-crash')
    assert.equal(merged?.changedFiles, 1)
    assert.equal(merged?.additions, 1)
    assert.equal(await forge.getPull(REPO, 999), undefined)
    const commits = await forge.listPullCommits(REPO, 5)
    assert.deepEqual(
      commits.map((c) => c.message),
      ['feat: one', 'feat: two'],
    )
    await sim.repo(REPO).commit('backport-x', {'z.txt': 'z\n'}, 'fix: z')
    const pr = await forge.createPull(REPO, {
      title: '[release-v1.0] fix',
      body: 'Backport of #4',
      head: 'backport-x',
      base: 'master',
      draft: true,
    })
    assert.equal(pr.draft, true)
    const again = await forge.createPull(REPO, {
      title: '[release-v1.0] fix',
      body: 'Backport of #4',
      head: 'backport-x',
      base: 'master',
    })
    assert.equal(again.number, pr.number)
    await forge.updatePull(REPO, pr.number, {title: 'renamed', state: 'closed'})
    const closed = await forge.getPull(REPO, pr.number)
    assert.equal(closed?.title, 'renamed')
    assert.equal(closed?.state, 'closed')
    assert.deepEqual(
      await forge.listPulls(REPO, {state: 'closed', head: 'flyteorg:backport-x'}).then((l) => l.map((p) => p.number)),
      [pr.number],
    )
    assert.deepEqual(await forge.linkedIssues(REPO, 4), [1])
    assert.deepEqual(await forge.linkedIssues(REPO, 5), [1])
    assert.deepEqual(await forge.linkedIssues(REPO, 999), [])
  })

  it('names with slashes: prefixed tags (flyteadmin/v1.2.0), branches like release/v1.0, their releases', async () => {
    const master = (await forge.getBranchSha(REPO, 'master'))!
    assert.equal(await forge.createTag(REPO, 'flyteadmin/v1.2.0', master, 'flyteadmin 1.2.0'), 'created')
    assert.deepEqual(await forge.getTag(REPO, 'flyteadmin/v1.2.0'), {name: 'flyteadmin/v1.2.0', sha: master})
    assert.ok((await forge.listTags(REPO)).some((t) => t.name === 'flyteadmin/v1.2.0' && t.sha === master))
    assert.equal(await forge.createBranch(REPO, 'release/v1.2', master), 'created')
    assert.equal(await forge.getBranchSha(REPO, 'release/v1.2'), master)
    assert.equal((await forge.getCommit(REPO, 'release/v1.2'))?.sha, master)
    assert.equal((await forge.compare(REPO, 'flyteadmin/v1.2.0', 'release/v1.2')).aheadBy, 0)
    const rel = await forge.createRelease(REPO, {tagName: 'flyteadmin/v1.2.0', name: 'flyteadmin 1.2.0', body: ''})
    assert.equal((await forge.getReleaseByTag(REPO, 'flyteadmin/v1.2.0'))?.id, rel.id)
  })

  it('releases: getReleaseByTag and createRelease', async () => {
    const rel = await forge.getReleaseByTag(REPO, 'v1.0.0')
    assert.equal(rel?.name, '1.0.0')
    assert.equal(rel?.body, 'notes')
    assert.equal(await forge.getReleaseByTag(REPO, 'v0.9.0'), undefined)
    const created = await forge.createRelease(REPO, {
      tagName: 'v1.1.0-b0',
      name: '1.1.0 beta 0',
      body: 'beta',
      prerelease: true,
    })
    assert.equal(created.prerelease, true)
    assert.equal((await forge.getReleaseByTag(REPO, 'v1.1.0-b0'))?.id, created.id)
    await assert.rejects(
      forge.createRelease(REPO, {tagName: 'v1.1.0-b0', name: 'dup', body: ''}),
      (e: Error & {kind?: string}) => e.kind === 'conflict',
    )
  })

  it('owners: userExists and teamExists', async () => {
    assert.equal(await forge.userExists('alice'), true)
    assert.equal(await forge.userExists('nobody-here'), false)
    assert.equal(await forge.teamExists('flyteorg/maintainers'), true)
    assert.equal(await forge.teamExists('flyteorg/ghosts'), false)
  })

  it('counters match what the simulator served', async () => {
    sim.reset()
    const before = {...forge.counters}
    await forge.listIssues(REPO, {state: 'all'})
    await forge.createComment(REPO, 1, 'counted')
    await forge.linkedIssues(REPO, 4)
    assert.deepEqual(
      {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes},
      {reads: 2, writes: 1},
    )
    assert.deepEqual({...sim.counters}, {reads: 2, writes: 1})
  })
})
