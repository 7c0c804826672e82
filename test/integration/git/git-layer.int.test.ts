import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {cacheKey, createGitLayer, defaultCacheDir} from '../../../src/git/git.js'
import type {RepoClone} from '../../../src/git/types.js'
import {IDENTITY, git, rejectPushes, tempRemote, type TempRemote} from './temp-repos.js'

describe('git layer on real repositories', () => {
  let remote: TempRemote
  let cacheDir: string
  let clone: RepoClone
  const shas: Record<string, string> = {}

  before(async () => {
    remote = tempRemote()
    const {commit, work} = remote
    commit({'a.txt': 'one\ntwo\nthree\n'}, 'Add a.txt')
    git(work, ['branch', 'release-v1.0'])
    shas.clean = commit({'b.txt': 'new file\n'}, 'Add b.txt (#10)')
    shas.conflicting = commit({'a.txt': 'one\nTWO on master\nthree\n'}, 'Change line two (#11)')
    // A merge commit: a side branch with two commits merged with --no-ff.
    git(work, ['checkout', '--quiet', '-b', 'feature'])
    commit({'c.txt': 'c1\n'}, 'Add c.txt')
    commit({'c.txt': 'c1\nc2\n'}, 'Extend c.txt')
    git(work, ['checkout', '--quiet', 'master'])
    git(work, ['merge', '--quiet', '--no-ff', '-m', 'Merge pull request #12 from feature', 'feature'])
    shas.merge = git(work, ['rev-parse', 'HEAD'])
    git(work, ['checkout', '--quiet', 'release-v1.0'])
    commit({'a.txt': 'one\nTWO on release\nthree\n'}, 'Release-only change')
    git(work, ['checkout', '--quiet', 'master'])
    git(work, ['push', '--quiet', 'origin', 'master', 'release-v1.0'])
    cacheDir = mkdtempSync(join(tmpdir(), 'flytectl-cache-'))
    clone = await createGitLayer({cacheDir, identity: IDENTITY}).clone(remote.url)
  })
  after(() => {
    remote.cleanup()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('clones blobless into the cache dir and reuses the clone after fetching', async () => {
    assert.equal(clone.dir, join(cacheDir, cacheKey(remote.url), 'repo'))
    assert.equal(git(clone.dir, ['config', 'remote.origin.partialclonefilter']), 'blob:none')
    assert.deepEqual((await clone.remoteBranches()).sort(), ['master', 'release-v1.0'])
    const added = remote.commit({'d.txt': 'd\n'}, 'Later commit')
    git(remote.work, ['push', '--quiet', 'origin', 'master'])
    const again = await createGitLayer({cacheDir, identity: IDENTITY}).clone(remote.url)
    assert.equal(again.dir, clone.dir)
    assert.equal(await again.revParse('master'), added)
  })

  it('cache dir follows XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(defaultCacheDir({XDG_CACHE_HOME: '/x/cache'}, '/home/u'), '/x/cache/flytectl/repos')
    assert.equal(defaultCacheDir({}, '/home/u'), '/home/u/.cache/flytectl/repos')
    assert.ok(!cacheKey('https://user:secret@github.com/flyteorg/flytekit.git').includes('secret'))
  })

  it('a clean pick adds a -x trailer, and contains() finds it; re-picking is empty', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('backport-10-to-release-v1.0')
    const result = await wt.cherryPick(shas.clean!)
    assert.equal(result.status, 'picked')
    assert.deepEqual(result.conflicts, [])
    const message = git(wt.dir, ['log', '-1', '--format=%B'])
    assert.match(message, new RegExp(`\\(cherry picked from commit ${shas.clean}\\)`))
    assert.equal(await wt.readFile('b.txt'), 'new file\n')
    assert.equal(await clone.contains('release-v1.0', shas.clean!), false)
    const push = await wt.push(['HEAD:refs/heads/backport-10-to-release-v1.0'])
    assert.deepEqual(push, {ok: true, rejected: []})
    await clone.fetch()
    assert.equal(await clone.contains('backport-10-to-release-v1.0', shas.clean!), true)
    const again = await wt.cherryPick(shas.clean!)
    assert.equal(again.status, 'empty')
    assert.equal(await wt.isClean(), true)
  })

  it('contains() also finds a pick made without -x (same patch-id)', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('manual-pick')
    git(wt.dir, ['cherry-pick', shas.clean!])
    await wt.push(['HEAD:refs/heads/manual-pick'])
    await clone.fetch()
    assert.equal(await clone.contains('manual-pick', shas.clean!), true)
    assert.equal(await clone.contains('manual-pick', shas.conflicting!), false)
  })

  it('a conflicting pick lists the files and leaves the pick in progress; abort restores', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('backport-11-to-release-v1.0')
    const before = await wt.head()
    const result = await wt.cherryPick(shas.conflicting!)
    assert.equal(result.status, 'conflict')
    assert.deepEqual(result.conflicts, ['a.txt'])
    assert.match((await wt.readFile('a.txt'))!, /^<<<<<<< /m)
    // The same worktree comes back mid-pick (for --continue).
    const reused = await clone.worktree('release-v1.0')
    assert.equal(reused.dir, wt.dir)
    assert.match((await reused.readFile('a.txt'))!, /^<<<<<<< /m)
    await wt.cherryPickAbort()
    assert.equal(await wt.head(), before)
    assert.equal(await wt.isClean(), true)
  })

  it('a conflict fixed by hand continues into a commit with the trailer', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('backport-11-to-release-v1.0')
    assert.equal((await wt.cherryPick(shas.conflicting!)).status, 'conflict')
    await wt.writeFile('a.txt', 'one\nTWO on both\nthree\n')
    const done = await wt.cherryPickContinue()
    assert.equal(done.status, 'picked')
    assert.match(git(wt.dir, ['log', '-1', '--format=%B']), /cherry picked from commit/)
  })

  it('a conflict can be committed with its markers (draft policy)', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('draft')
    assert.equal((await wt.cherryPick(shas.conflicting!)).status, 'conflict')
    const sha = await wt.commitAll('Change line two (#11)\n\n(cherry picked from commit x)')
    assert.equal(await wt.head(), sha)
    assert.equal(await wt.isClean(), true)
    assert.match(git(wt.dir, ['show', 'HEAD:a.txt']), /<<<<<<< /)
  })

  it('a merge commit is picked with -m 1 as one commit carrying the whole side branch', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('backport-12-to-release-v1.0')
    const before = await wt.head()
    const result = await wt.cherryPick(shas.merge!, {mainline: 1})
    assert.equal(result.status, 'picked')
    assert.equal(git(wt.dir, ['rev-list', '--count', `${before}..HEAD`]), '1')
    assert.equal(await wt.readFile('c.txt'), 'c1\nc2\n')
    assert.match(git(wt.dir, ['log', '-1', '--format=%B']), new RegExp(`cherry picked from commit ${shas.merge}`))
  })

  it('log() lists commits oldest first with parents', async () => {
    const entries = await clone.log('release-v1.0', 'master')
    const merge = entries.find((e) => e.sha === shas.merge)
    assert.ok(merge)
    assert.equal(merge.parents.length, 2)
    // Parents always come before their children.
    const index = new Map(entries.map((e, i) => [e.sha, i]))
    for (const [i, e] of entries.entries()) for (const p of e.parents) assert.ok((index.get(p) ?? -1) < i)
    assert.deepEqual(
      entries.filter((e) => e.parents.length === 1 && !/c\.txt|Later/.test(e.subject)).map((e) => e.subject),
      ['Add b.txt (#10)', 'Change line two (#11)'],
    )
  })

  it('annotated tags are created once and never moved', async () => {
    const wt = await clone.worktree('release-v1.0')
    const head = await wt.head()
    assert.equal(await wt.tag('v1.0.1', 'Release v1.0.1'), 'created')
    assert.equal(git(wt.dir, ['cat-file', '-t', 'v1.0.1']), 'tag')
    assert.equal(await wt.tag('v1.0.1', 'Release v1.0.1', head), 'exists')
    await assert.rejects(wt.tag('v1.0.1', 'again', shas.clean), /already points at/)
    assert.equal(git(wt.dir, ['rev-parse', 'v1.0.1^{commit}']), head)
  })

  it('an atomic push rejected by a hook is reported with every ref, and nothing lands', async () => {
    const wt = await clone.worktree('release-v1.0')
    await wt.createBranch('backport-99-to-release-v1.0')
    await wt.cherryPick(shas.clean!)
    rejectPushes(remote.bare)
    const result = await wt.push(['HEAD:refs/heads/backport-99-to-release-v1.0', 'HEAD:refs/heads/other'])
    assert.equal(result.ok, false)
    assert.deepEqual(result.rejected.sort(), ['refs/heads/backport-99-to-release-v1.0', 'refs/heads/other'])
    assert.match(result.message ?? '', /declined|frozen/)
    assert.equal(git(remote.bare, ['branch', '--list', 'other', 'backport-99-to-release-v1.0']), '')
    await assert.rejects(wt.push(['+HEAD:refs/heads/x']), /refusing to force-push/)
    rmSync(join(remote.bare, 'hooks', 'pre-receive'))
    assert.ok(!existsSync(join(remote.bare, 'hooks', 'pre-receive')))
  })
})
