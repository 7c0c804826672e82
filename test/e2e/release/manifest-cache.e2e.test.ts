/**
 * `release lint` on a local clone reads the manifest through the manifest cache: a second run with
 * an unchanged manifest prints what the first printed, and a changed manifest is validated again
 * (its error is the one a run without the cache prints).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {REPO_ROOT, runCli, tempHome} from '../../support/cli.js'

const {home, cleanup} = tempHome()
const repo = join(home, 'flyte')
const manifest = join(home, 'release.yaml')
const template = readFileSync(join(REPO_ROOT, 'templates/release.yaml'), 'utf8')
const cacheHome = join(home, 'cache')
const env = {HOME: home, XDG_CACHE_HOME: cacheHome, GITHUB_TOKEN: '', GH_TOKEN: '', FLYTECTL_RELEASE_MANIFEST: ''}
let fresh = 0
/** Each call a cache directory never used before: the run validates the manifest itself. */
const uncachedEnv = () => ({...env, XDG_CACHE_HOME: join(home, `nocache-${fresh++}`)})
const lint = ['release', 'lint', '--repo-path', repo, '-m', manifest]
const entries = () => {
  try {
    return readdirSync(join(cacheHome, 'flytectl', 'release-manifest')).length
  } catch {
    return 0
  }
}

before(() => {
  mkdirSync(repo)
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  }
  for (const args of [
    ['init', '-q', '-b', 'master'],
    ['commit', '-q', '--allow-empty', '-m', 'init'],
    ['tag', 'v1.16.0'],
  ]) {
    const r = spawnSync('git', args, {cwd: repo, env: gitEnv})
    assert.equal(r.status, 0, r.stderr.toString())
  }
})
after(cleanup)

describe('release lint with the manifest cache', () => {
  it('prints the same findings from a cached manifest as from a parsed one', async () => {
    writeFileSync(manifest, template)
    const first = await runCli(lint, {env})
    assert.equal(first.code, 5, first.stderr)
    assert.match(first.stdout, /tag-without-changelog {2}flyteorg\/flyte {2}v1\.16\.0 has no CHANGELOG/)
    assert.equal(entries(), 1)
    const second = await runCli(lint, {env})
    const uncached = await runCli(lint, {env: uncachedEnv()})
    for (const r of [second, uncached]) {
      assert.equal(r.code, first.code)
      assert.equal(r.stdout, first.stdout)
      assert.equal(r.stderr, first.stderr)
    }
    assert.equal(entries(), 1)
  })

  it('validates a changed manifest again: one changed byte shows its error', async () => {
    writeFileSync(manifest, template)
    assert.equal((await runCli(lint, {env})).code, 5)
    // quarterly → quarterlY: still YAML, no longer a cadence.
    writeFileSync(manifest, template.replace('cadence: quarterly', 'cadence: quarterlY'))
    const changed = await runCli(lint, {env})
    const uncached = await runCli(lint, {env: uncachedEnv()})
    assert.equal(changed.code, 3, changed.stderr)
    assert.match(changed.stderr, /release\.cadence/)
    assert.equal(changed.stdout, uncached.stdout)
    assert.equal(changed.stderr, uncached.stderr)
    assert.equal(changed.code, uncached.code)
  })

  it('reads a changed manifest that still validates with its new values', async () => {
    writeFileSync(manifest, template)
    const before = await runCli(lint, {env})
    assert.equal(before.code, 5)
    // The changelog path moves: the finding names the new path, not the cached one.
    writeFileSync(manifest, template.replace('path: CHANGELOG/CHANGELOG-v{version}.md', 'path: NOTES/v{version}.md'))
    const after = await runCli(lint, {env})
    assert.equal(after.code, 5, after.stderr)
    assert.match(after.stdout, /v1\.16\.0 has no NOTES\/v1\.16\.0\.md/)
    assert.doesNotMatch(after.stdout, /CHANGELOG-v1\.16\.0/)
  })
})
