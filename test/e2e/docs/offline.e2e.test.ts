/**
 * Offline maintainer checks on a real local clone, with git alone (no token, no GitHub):
 * `docs check --repo-path` flags a `release =` computed from `git describe` (flytesnacks' real
 * conf.py form, reference §3.1), and `release lint --repo-path` lints a checkout.
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

  before(() => {
    for (const dir of [snacks, flyte]) {
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
})
