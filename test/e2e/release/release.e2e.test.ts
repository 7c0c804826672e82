import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {REPO_ROOT, runCli, tempHome} from '../../support/cli.js'

const {home, cleanup} = tempHome()
after(cleanup)
const env = {HOME: home, GITHUB_TOKEN: '', GH_TOKEN: '', FLYTECTL_RELEASE_MANIFEST: ''}
const template = join(REPO_ROOT, 'templates/release.yaml')

describe('flytectl release: bad input before any API call', () => {
  it('a missing manifest: exit 3 and a hint', async () => {
    const r = await runCli(['release', 'cut', '1.17.0', '--manifest', join(home, 'nope.yaml')], {env})
    assert.equal(r.code, 3)
    assert.match(
      r.stderr,
      /^Error: cannot read release manifest .*nope\.yaml: ENOENT.*\nHint: Pass --manifest <file>, or copy templates\/release\.yaml/,
    )
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })

  it('a YAML alias bomb in the manifest: exit 3 naming the file, no stack, nothing else read', async () => {
    const path = join(home, 'bomb.yaml')
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (const [i, n] of [...'bcdefghi'].entries())
      levels.push(`${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
    writeFileSync(path, levels.join('\n') + '\n')
    const r = await runCli(['release', 'lint', '-m', path], {env})
    assert.equal(r.code, 3, r.stderr)
    assert.match(r.stderr, /^Error: .*bomb\.yaml: its YAML aliases expand too far/)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })

  it('an invalid manifest names the key: exit 3', async () => {
    const path = join(home, 'bad.yaml')
    writeFileSync(path, 'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r, scheme: calver}]\n')
    const r = await runCli(['release', 'status', '-m', path], {env})
    assert.equal(r.code, 3)
    assert.match(
      r.stderr,
      /^Error: .*bad\.yaml: components\.0\.scheme: .*"semver".*\nHint: Fix the key components\.0\.scheme/,
    )
  })

  it('an invalid version: exit 2, one line, JSON envelope with --json', async () => {
    const r = await runCli(['release', 'cut', 'v1.x', '-m', template], {env})
    assert.equal(r.code, 2)
    assert.equal(
      r.stderr,
      'Error: version "v1.x" is not a release version: it has 1 number (1); a release version has three: X.Y.Z\nHint: Use a version such as 1.4.0 (or v1.4.0).\n',
    )
    const j = await runCli(['release', 'patch', 'one', '-m', template, '--json'], {env})
    assert.equal(j.code, 2)
    const body = JSON.parse(j.stdout)
    assert.equal(body.ok, false)
    assert.equal(body.error.code, 'invalid-input')
    assert.match(body.error.message, /"one" is not a minor line/)
  })

  it('--resume and --dry-run together are refused as usage', async () => {
    const r = await runCli(['release', 'cut', '1.17.0', '--resume', '--dry-run', '-m', template], {env})
    assert.equal(r.code, 2)
    assert.equal(r.stderr.split('\n')[0], 'Error: --dry-run and --resume cannot be used together')
  })

  it('help lists the release commands', async () => {
    const r = await runCli(['release', '--help'], {env})
    assert.equal(r.code, 0)
    for (const c of ['beta', 'cut', 'lint', 'patch', 'plan', 'status'])
      assert.match(r.stdout, new RegExp(`release ${c} `))
  })
})
