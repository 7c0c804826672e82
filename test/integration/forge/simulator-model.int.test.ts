import {after, afterEach, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const REPO = 'flyteorg/flytepropeller'

describe('GitHub simulator: merges, pagination and GraphQL errors through the Forge', () => {
  let sim: GitHubSimulator
  let forge: Forge

  before(async () => {
    sim = await startGitHubSimulator()
    forge = createGitHubForge({baseUrl: sim.url, minWriteIntervalMs: 0, retryBaseDelayMs: 1})
    const repo = sim.repo(REPO)
    await repo.create({defaultBranch: 'master'})
    await repo.commit('master', {'main.go': 'package main\n'}, 'initial')
  })
  afterEach(() => sim.assertNoViolations())
  after(async () => sim.close())

  it('a merge-method PR lands as a two-parent commit; its head commits map back to the PR', async () => {
    const repo = sim.repo(REPO)
    const c1 = await repo.commit('feature-a', {'a.go': 'a\n'}, 'add a')
    const c2 = await repo.commit('feature-a', {'a.go': 'a\nb\n'}, 'extend a')
    await repo.commit('master', {'other.go': 'x\n'}, 'unrelated change on master')
    const number = await repo.pull({title: 'Feature A', head: 'feature-a'})
    // Merge through the REST endpoint (what a person pressing the button does).
    const res = await fetch(`${sim.url}/repos/${REPO}/pulls/${number}/merge`, {
      method: 'PUT',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({merge_method: 'merge'}),
    })
    assert.equal(res.status, 200)
    const pr = await forge.getPull(REPO, number)
    assert.equal(pr?.merged, true)
    const merge = await forge.getCommit(REPO, pr!.mergeCommitSha!)
    assert.equal(merge?.parents.length, 2)
    assert.equal(merge?.parents[1], c2)
    assert.match(merge!.message, new RegExp(`^Merge pull request #${number} from flyteorg/feature-a`))
    for (const sha of [c1, c2, pr!.mergeCommitSha!]) {
      assert.deepEqual(
        (await forge.pullsForCommit(REPO, sha)).map((p) => p.number),
        [number],
      )
    }
    assert.deepEqual(
      (await forge.listPullCommits(REPO, number)).map((c) => c.sha),
      [c1, c2],
    )
  })

  it('a squash merge that conflicts is refused and nothing moves', async () => {
    const repo = sim.repo(REPO)
    await repo.commit('conflict', {'main.go': 'package other\n'}, 'rewrite main')
    await repo.commit('master', {'main.go': 'package main // changed\n'}, 'touch main')
    const number = await repo.pull({title: 'Conflicting', head: 'conflict'})
    const before = await forge.getBranchSha(REPO, 'master')
    const res = await fetch(`${sim.url}/repos/${REPO}/pulls/${number}/merge`, {
      method: 'PUT',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({merge_method: 'squash'}),
    })
    assert.equal(res.status, 405)
    assert.equal(await forge.getBranchSha(REPO, 'master'), before)
    assert.equal((await forge.getPull(REPO, number))?.merged, false)
  })

  it('paginates at 100 per page: 250 issues in 3 reads, 101 tags in 2 reads', async () => {
    const repo = sim.repo(REPO)
    await repo.issues(Array.from({length: 250}, (_, i) => ({title: `bulk ${i}`, labels: ['bulk']})))
    const master = (await forge.getBranchSha(REPO, 'master'))!
    for (let i = 0; i < 101; i++) await repo.tag(`v0.${i}.0`, master)
    sim.reset()
    const issues = await forge.listIssues(REPO, {labels: ['bulk']})
    assert.equal(issues.length, 250)
    assert.equal(new Set(issues.map((i) => i.number)).size, 250)
    assert.equal(sim.counters.reads, 3)
    const tags = await forge.listTags(REPO)
    assert.equal(tags.length, 101)
    assert.ok(tags.every((t) => t.sha === master))
    assert.equal(sim.counters.reads, 5)
  })

  it('answers GraphQL for missing objects the way GitHub does (NOT_FOUND), and the Forge treats it as none', async () => {
    const res = await fetch(`${sim.url}/graphql`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({query: '{ repository(owner: "flyteorg", name: "nope") { id } }'}),
    })
    const body = (await res.json()) as {data: {repository: null}; errors: {type: string; path: string[]}[]}
    assert.equal(body.data.repository, null)
    assert.deepEqual(
      body.errors.map((e) => [e.type, e.path.join('.')]),
      [['NOT_FOUND', 'repository']],
    )
    assert.deepEqual(await forge.linkedIssues('flyteorg/nope', 1), [])
    assert.deepEqual(await forge.linkedIssues(REPO, 4242), [])
  })
})

describe('GitHub simulator: frozen clock', () => {
  it('a scenario with `now` stamps everything with it, so commit shas repeat run to run', async () => {
    const scenario = `
now: "2026-01-15T12:00:00Z"
repos:
  - name: flyteorg/flyte
    branches:
      main:
        - {message: init, files: {README.md: "x\\n"}, author: alice}
    issues: [{title: one}]
`
    const shas: string[] = []
    for (let run = 0; run < 2; run++) {
      const sim = await startGitHubSimulator(scenario)
      try {
        const forge = createGitHubForge({baseUrl: sim.url})
        const head = await forge.getCommit('flyteorg/flyte', 'main')
        assert.equal(head?.date, '2026-01-15T12:00:00Z')
        assert.equal((await forge.getIssue('flyteorg/flyte', 1))?.createdAt, '2026-01-15T12:00:00Z')
        shas.push(head!.sha)
        sim.assertNoViolations()
      } finally {
        await sim.close()
      }
    }
    assert.equal(shas[0], shas[1])
  })
})
