/**
 * `npm run install:local -- --prefix DIR` gives a `flytectl` that runs from any directory with only
 * the system's Node 20 on PATH: its own pinned Node, its package, and the local plane it starts.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {REPO_ROOT} from '../support/cli.js'
import {freePort} from '../support/net.js'

const dir = mkdtempSync(join(tmpdir(), 'flytectl-install-'))
const prefix = join(dir, 'prefix')
const home = join(dir, 'home')
const elsewhere = mkdtempSync(join(tmpdir(), 'flytectl-elsewhere-'))
// Only system directories (where this machine's Node is 20) and the install's bin.
const env = {PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`, HOME: home, NO_COLOR: '1'}

function run(cmd: string, args: string[], opts: {cwd: string; env: NodeJS.ProcessEnv}) {
  return new Promise<{code: number; stdout: string; stderr: string}>((resolve, reject) => {
    const child = spawn(cmd, args, {...opts, stdio: 'pipe'})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
    child.stdin.end()
  })
}
const flytectl = (...args: string[]) => run('flytectl', args, {cwd: elsewhere, env})

before(async () => {
  const r = await run(process.execPath, [join(REPO_ROOT, 'scripts', 'install-local.js'), '--prefix', prefix], {
    cwd: REPO_ROOT,
    env: process.env,
  })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, new RegExp(`Installed flytectl .* as ${join(prefix, 'bin', 'flytectl')}`))
})
after(() => {
  rmSync(dir, {recursive: true, force: true})
  rmSync(elsewhere, {recursive: true, force: true})
})

describe('npm run install:local', () => {
  it('runs `flytectl version` outside the repository with a Node-20-only PATH', async () => {
    const which = await run('sh', ['-c', 'node --version 2>/dev/null || echo none'], {cwd: elsewhere, env})
    assert.doesNotMatch(which.stdout, /^v2[2-9]|^v[3-9]\d/, 'the PATH of this test must not offer a new Node')
    const r = await flytectl('version')
    assert.equal(r.code, 0, r.stderr)
    assert.equal((JSON.parse(r.stdout) as {App: string}).App, 'flytectl')
  })

  it('starts a local plane and lists its projects, from the installed copy alone', async () => {
    const start = await flytectl('demo', 'start', '--port', String(await freePort()))
    assert.equal(start.code, 0, start.stderr)
    try {
      const config = ['-c', join(home, '.flyte', 'config-sandbox.yaml')]
      const r = await flytectl('get', 'project', ...config)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /flytesnacks/)
      // The README's first command ends with this: a seeded example runs on the installed plane.
      const run = await flytectl(
        'create',
        'execution',
        '--launchplan',
        'examples.hello_world',
        '-p',
        'flytesnacks',
        '-d',
        'development',
        '--wait',
        ...config,
      )
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /SUCCEEDED in [\d.]+s\noutputs:\n {2}greeting: Hello, world!\n$/)
    } finally {
      assert.equal((await flytectl('demo', 'teardown', '--volume')).code, 0)
    }
  })

  it('leaves to oclif what the bundle does not take, from the installed copy', async () => {
    const r = await flytectl('get', 'project', '--nope')
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--nope/)
  })

  it('replaces an earlier install when run again', async () => {
    const again = await run(process.execPath, [join(REPO_ROOT, 'scripts', 'install-local.js'), '--prefix', prefix], {
      cwd: REPO_ROOT,
      env: process.env,
    })
    assert.equal(again.code, 0, again.stderr)
    assert.ok(existsSync(join(prefix, 'lib', 'flytectl', 'node', 'bin', 'node')))
    assert.equal((await flytectl('version')).code, 0)
  })
})
