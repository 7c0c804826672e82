/**
 * The offline forge's refs: branches (local over origin's), tags (annotated ones peeled to their
 * commit), the default branch (origin/HEAD, else HEAD, also when origin/HEAD points at a branch
 * that is gone), and one read counted per question however the answers are fetched.
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {LocalGitForge} from '../../../src/forge/local-git.js'

const tmp = mkdtempSync(join(tmpdir(), 'local-git-forge-'))
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
}
const git = (dir: string, ...args: string[]) => execFileSync('git', args, {cwd: dir, env, encoding: 'utf8'}).trim()

let repo: string
const sha: Record<string, string> = {}

before(() => {
  repo = join(tmp, 'repo')
  execFileSync('git', ['init', '-q', '-b', 'main', repo], {env})
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'one')
  sha.one = git(repo, 'rev-parse', 'HEAD')
  git(repo, 'tag', 'v1.0.0')
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'two')
  sha.two = git(repo, 'rev-parse', 'HEAD')
  git(repo, 'tag', '-a', '-m', 'annotated', 'v1.1.0')
  git(repo, 'branch', 'release-v1.0', sha.one!)
  // What a CI checkout has: origin's branches as remote refs, one of them also local.
  git(repo, 'update-ref', 'refs/remotes/origin/main', sha.one!)
  git(repo, 'update-ref', 'refs/remotes/origin/release-v1.1', sha.two!)
})
after(() => rmSync(tmp, {recursive: true, force: true}))

describe('local-git forge refs', () => {
  it('lists branches and tags as git has them, one read per question', async () => {
    const forge = new LocalGitForge({'o/r': repo})
    const [info, branches, tags, main] = await Promise.all([
      forge.getRepo('o/r'),
      forge.listBranches('o/r'),
      forge.listTags('o/r'),
      forge.getBranchSha('o/r', 'main'),
    ])
    assert.equal(info?.defaultBranch, 'main')
    assert.deepEqual(branches, ['main', 'release-v1.0', 'release-v1.1'])
    // The local branch wins over origin's.
    assert.equal(main, sha.two)
    assert.equal(await forge.getBranchSha('o/r', 'release-v1.1'), sha.two)
    assert.deepEqual(tags, [
      {name: 'v1.0.0', sha: sha.one},
      {name: 'v1.1.0', sha: sha.two},
    ])
    // getRepo: origin/HEAD (absent), then HEAD; the branch list (asked twice at once); the tags.
    assert.equal(forge.counters.reads, 5)
    const file = await forge.getFile('o/r', 'missing.txt', 'v1.0.0')
    assert.equal(file, undefined)
    assert.equal(forge.counters.reads, 6)
    forge.close()
  })

  it('takes the default branch from origin/HEAD, even when the branch it names is gone', async () => {
    git(repo, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/release-v1.1')
    const forge = new LocalGitForge({'o/r': repo})
    assert.equal((await forge.getRepo('o/r'))?.defaultBranch, 'release-v1.1')
    assert.equal(forge.counters.reads, 1)
    git(repo, 'update-ref', '-d', 'refs/remotes/origin/release-v1.1')
    const after = new LocalGitForge({'o/r': repo})
    assert.equal((await after.getRepo('o/r'))?.defaultBranch, 'release-v1.1')
    assert.deepEqual(await after.listBranches('o/r'), ['main', 'release-v1.0'])
    git(repo, 'symbolic-ref', '--delete', 'refs/remotes/origin/HEAD')
  })
})
