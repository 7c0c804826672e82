/**
 * Offline maintainer checks on a real local clone, with git alone (no token, no GitHub):
 * `docs check --repo-path` flags a `release =` computed from `git describe` (flytesnacks' real
 * conf.py form, reference §3.1), `release lint --repo-path` lints a checkout, and `backport audit
 * --repo-path` audits release branches by git alone (combined backports count).
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runCli, tempHome} from '../../support/cli.js'

function git(cwd: string, args: string[]): string {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v
  return execFileSync('git', args, {cwd, encoding: 'utf8', env: {...env, GIT_CONFIG_NOSYSTEM: '1'}}).trim()
}

const DESCRIBE_CONF = [
  'import os',
  'import re',
  'project = "Flytesnacks"',
  '# The full version, including alpha/beta/rc tags',
  'release = re.sub("^v", "", os.popen("git describe").read().strip())',
  'intersphinx_mapping = {',
  '    "flytekit": ("https://flyte.readthedocs.io/projects/flytekit/en/latest/", None),',
  '}',
  '',
].join('\n')

describe('offline checks on a local clone', () => {
  const {home, cleanup} = tempHome()
  const root = mkdtempSync(join(tmpdir(), 'offline-e2e-'))
  const env = {HOME: home, GITHUB_TOKEN: '', GH_TOKEN: '', GITHUB_API_URL: 'http://127.0.0.1:9'}
  const snacks = join(root, 'flytesnacks')
  const flyte = join(root, 'flyte')
  const kit = join(root, 'flytekit')

  before(() => {
    for (const dir of [snacks, flyte, kit]) {
      mkdirSync(dir)
      git(dir, ['init', '--quiet', '--initial-branch=master'])
      git(dir, ['config', 'user.name', 'Test'])
      git(dir, ['config', 'user.email', 'test@example.com'])
    }
    mkdirSync(join(snacks, 'docs'))
    writeFileSync(join(snacks, 'docs/conf.py'), DESCRIBE_CONF)
    git(snacks, ['add', '-A'])
    git(snacks, ['commit', '--quiet', '-m', 'docs'])
    git(snacks, ['tag', 'v0.3.341'])
    writeFileSync(join(flyte, 'README.md'), 'flyte\n')
    git(flyte, ['add', '-A'])
    git(flyte, ['commit', '--quiet', '-m', 'init'])
    for (const t of ['v1.16.0', '1.16.0', 'tags/v1.16.1-b0']) git(flyte, ['tag', t])
    // flytekit-like history: release-v1.12 and release-v1.13 forked from master; fixes after that.
    const commit = (file: string, message: string) => {
      writeFileSync(join(kit, file), `${message}\n`)
      git(kit, ['add', '-A'])
      git(kit, ['commit', '--quiet', '-m', message])
      return git(kit, ['rev-parse', 'HEAD'])
    }
    commit('README.md', 'init')
    git(kit, ['branch', 'release-v1.12'])
    commit('old.py', 'Fix old thing (#5)')
    git(kit, ['branch', 'release-v1.13'])
    commit('a.py', 'Fix a (#11)')
    commit('b.py', 'fix(remote): b (#12)')
    commit('feature.py', 'Add a feature (#13)')
    commit('escape.py', 'Escape user input (security) (#14)')
    const bugC = commit('c.py', '[BUG] c is wrong (#16)')
    git(kit, ['checkout', '--quiet', '-b', 'fix-d'])
    commit('d.py', 'Fix d')
    git(kit, ['checkout', '--quiet', 'master'])
    git(kit, ['merge', '--no-ff', '--quiet', '-m', 'Merge pull request #17 from someone/fix-d', '-m', 'Fix d', 'fix-d'])
    // release-v1.13: #11 and #12 ported together in one commit (Flyte's "bp" spelling), #16 with -x.
    git(kit, ['checkout', '--quiet', 'release-v1.13'])
    writeFileSync(join(kit, 'a.py'), 'Fix a, ported\n')
    writeFileSync(join(kit, 'b.py'), 'fix b, ported\n')
    git(kit, ['add', '-A'])
    git(kit, ['commit', '--quiet', '-m', 'Rel v1.13 bp 11 12 (#15)'])
    git(kit, ['cherry-pick', '-x', bugC])
    git(kit, ['checkout', '--quiet', 'master'])
    writeFileSync(
      join(root, 'release.yaml'),
      [
        'release: {repository: flyteorg/flyte}',
        'components:',
        '  - {name: flyte, repository: flyteorg/flyte}',
        '',
      ].join('\n'),
    )
  })
  after(() => {
    rmSync(root, {recursive: true, force: true})
    cleanup()
  })

  it('docs check --repo-path: a release computed from git describe is drift (exit 1)', async () => {
    const r = await runCli(
      ['docs', 'check', '--ref', 'v0.3.341', '--repo', 'flyteorg/flytesnacks', '--repo-path', snacks],
      {env},
    )
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /flyteorg\/flytesnacks@v0\.3\.341: drift \(docs\/conf\.py\)/)
    assert.match(r.stdout, /docs\/conf\.py:5: release is computed at build time from `git describe`/)
  })

  it('release lint --repo-path: lints the checkout with git alone and lists every unreadable tag', async () => {
    const r = await runCli(['release', 'lint', '-m', join(root, 'release.yaml'), '--repo-path', flyte], {env})
    assert.equal(r.code, 5, r.stderr)
    assert.match(
      r.stdout,
      /unreadable-tag {2}flyteorg\/flyte {2}tag "tags\/v1\.16\.1-b0" cannot be read: it starts with "tags\/"/,
    )
    assert.match(r.stdout, /malformed-tag {2}flyteorg\/flyte {2}flyte tag 1\.16\.0 has no "v"/)
    assert.match(r.stderr, /note: pull requests: not read|Error: release lint found/)
  })

  it('backport audit --repo-path: git alone, combined and -x backports count, missing fixes exit 8', async () => {
    const r = await runCli(['backport', 'audit', '--repo', 'flyteorg/flytekit', '--repo-path', kit, '--json'], {env})
    assert.equal(r.code, 8, r.stderr)
    const report = JSON.parse(r.stdout).error.details as {
      findings: {pr: number; target: string; reason: string}[]
      notes: string[]
    }
    assert.deepEqual(
      report.findings.map((f) => [f.pr, f.target, f.reason]),
      [
        [14, 'release-v1.13', 'security'],
        [14, 'release-v1.12', 'security'],
        [17, 'release-v1.13', 'policy'],
      ],
    )
    assert.match(report.notes.join('\n'), /offline: labels and pull request metadata not read/)
    // The same through a manifest naming the clone with a file:// URL (and flytekit's formats).
    const manifest = join(root, 'kit.yaml')
    writeFileSync(
      manifest,
      [
        'release: {repository: flyteorg/flytekit}',
        `repositories: {flyteorg/flytekit: {url: "file://${kit}", backport: {prTitle: "Backport to v{{targetVersion}} - {{commitMessages}}"}}}`,
        'components:',
        '  - {name: flytekit, repository: flyteorg/flytekit, scheme: pep440}',
        '',
      ].join('\n'),
    )
    const viaManifest = await runCli(['backport', 'audit', '--manifest', manifest, '--json'], {env})
    assert.equal(viaManifest.code, 8, viaManifest.stderr)
    assert.deepEqual(
      (JSON.parse(viaManifest.stdout).error.details as typeof report).findings.map((f) => f.pr),
      [14, 14, 17],
    )
    // Nothing was written to the clone: same refs, clean tree.
    assert.equal(git(kit, ['status', '--porcelain']), '')
    assert.equal(git(kit, ['for-each-ref', '--format=%(refname)', 'refs/heads']).split('\n').length, 4)
  })
})
