/**
 * The bundled start-up path (bin/run.js → dist/bundle) gives what oclif gives: the same help, the
 * same results against a real plane, the same config errors and warnings (also when the config's
 * validated form comes from the parse cache), and oclif's own handling of what it leaves to oclif.
 * The fast read path (the lite codec over h2c or node:http2) prints what the full Connect client prints,
 * and against a plaintext endpoint loads none of the costly built-ins (TLS, HTTP/2, crypto).
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runCli, tempHome} from '../support/cli.js'
import {startControlPlane, type TestControlPlane} from '../support/controlplane.js'

const {home, cleanup} = tempHome()
mkdirSync(join(home, 'cache', 'flytectl', 'config'), {recursive: true})
const cache = join(home, 'cache')
const env = {HOME: home, XDG_CACHE_HOME: cache}
const oclif = {...env, FLYTECTL_NO_BUNDLE: '1'}
let plane: TestControlPlane
before(async () => {
  plane = await startControlPlane()
})
after(async () => {
  await plane.stop()
  cleanup()
})

describe('bundled start-up path', () => {
  it('prints the help oclif prints, for a command, a topic and a command that is also a topic', async () => {
    for (const argv of [['get', 'project', '--help'], ['get', '--help'], ['get'], ['backport', '--help']]) {
      const [fast, slow] = await Promise.all([runCli(argv, {env}), runCli(argv, {env: oclif})])
      assert.equal(fast.code, slow.code, argv.join(' '))
      assert.equal(fast.stdout, slow.stdout, argv.join(' '))
    }
  })

  it('gives the same output as oclif against a running plane', async () => {
    for (const argv of [
      ['get', 'project', '-c', plane.configPath],
      ['get', 'project', 'flytesnacks', '-o', 'yaml', '-c', plane.configPath],
      ['get', 'project', '--json', '-c', plane.configPath],
      ['get', 'project', 'nope', '-c', plane.configPath],
    ]) {
      const [fast, slow] = await Promise.all([runCli(argv, {env}), runCli(argv, {env: oclif})])
      assert.equal(fast.code, slow.code, argv.join(' '))
      assert.equal(fast.stdout, slow.stdout, argv.join(' '))
      assert.equal(fast.stderr, slow.stderr, argv.join(' '))
    }
  })

  it('prints the same with the fast read path as with the Connect client', async () => {
    const full = {...env, FLYTECTL_NO_FAST_RPC: '1'}
    const pd = ['-p', 'flytesnacks', '-d', 'development', '-c', plane.configPath]
    for (const argv of [
      ['get', 'project', '-c', plane.configPath],
      ['get', 'project', 'flytesnacks', '-o', 'json', '-c', plane.configPath],
      ['get', 'project', 'nope', '-c', plane.configPath],
      ['get', 'task', ...pd],
      ['get', 'task', ...pd, '-o', 'yaml'],
      ['get', 'workflow', ...pd, '-o', 'json'],
      ['get', 'launchplan', ...pd, '-o', 'json'],
      ['get', 'execution', ...pd, '-o', 'json'],
      ['get', 'task', '-p', 'nosuchproject', '-d', 'development', '-c', plane.configPath],
      ['version', '-c', plane.configPath],
    ]) {
      const [fast, slow] = await Promise.all([runCli(argv, {env}), runCli(argv, {env: full})])
      assert.equal(fast.code, slow.code, argv.join(' '))
      assert.equal(fast.stdout, slow.stdout, argv.join(' '))
      assert.equal(fast.stderr, slow.stderr, argv.join(' '))
    }
  })

  it('leaves to oclif what its parser does not take, with oclif’s message', async () => {
    for (const argv of [
      ['get', 'project', '--filter.limit', 'x'],
      ['get', 'project', 'a', 'b'],
      ['get', 'project', '-o'],
    ]) {
      const [fast, slow] = await Promise.all([runCli(argv, {env}), runCli(argv, {env: oclif})])
      assert.equal(fast.code, slow.code, argv.join(' '))
      assert.notEqual(fast.code, 0, argv.join(' '))
      assert.equal(fast.stderr, slow.stderr, argv.join(' '))
    }
  })

  it('runs the everyday reads without loading TLS, node:http2, crypto or fs/promises', async () => {
    const probe = join(home, 'modules.cjs')
    writeFileSync(
      probe,
      "process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')))\n",
    )
    for (const argv of [
      ['get', 'project', '-c', plane.configPath],
      ['get', 'project', '-o', 'json', '-c', plane.configPath],
      ['version', '-c', plane.configPath],
    ]) {
      const out = join(home, `modules-${argv[0]}-${argv[1]}.txt`)
      const r = await runCli(argv, {env: {...env, NODE_OPTIONS: `--require ${probe}`, MODULES_OUT: out}})
      assert.equal(r.code, 0, r.stderr)
      const loaded = readFileSync(out, 'utf8').split('\n')
      assert.ok(loaded.includes('NativeModule net'), 'the call went over a socket')
      for (const heavy of [
        'NativeModule http2',
        'NativeModule tls',
        'NativeModule crypto',
        'NativeModule internal/fs/promises',
      ]) {
        assert.ok(!loaded.includes(heavy), `${argv.join(' ')} loaded ${heavy}`)
      }
    }
  })

  it('reuses a validated config only while the file is unchanged', async () => {
    const config = join(home, 'cached.yaml')
    writeFileSync(config, `admin:\n  endpoint: ${plane.endpoint}\n  insecure: true\n  endpoitn: typo\n`)
    const entries = () => readdirSync(join(cache, 'flytectl', 'config')).length
    const before = entries()
    const first = await runCli(['get', 'project', '-c', config], {env})
    const second = await runCli(['get', 'project', '-c', config], {env})
    assert.equal(first.code, 0, first.stderr)
    assert.equal(second.code, 0, second.stderr)
    assert.match(first.stderr, /unknown key admin\.endpoitn/)
    assert.equal(second.stderr, first.stderr)
    assert.equal(entries(), before + 1)
    // --strict still turns the cached warning into an error.
    const strict = await runCli(['config', 'validate', '--strict', '-c', config], {env})
    assert.equal(strict.code, 3)
    writeFileSync(config, `admin:\n  endpoint: ${plane.endpoint}\n  insecure: maybe\n`)
    const changed = await runCli(['get', 'project', '-c', config], {env})
    assert.equal(changed.code, 3)
    assert.match(changed.stderr, /admin\.insecure/)
  })
})
