/**
 * The CLI's read path against a gRPC server that is not ours: a minimal FlyteAdmin on grpcio
 * (grpcio_admin_server.py — gRPC's C core, with its own HTTP/2 framing, flow control, BDP pings and
 * HPACK encoder). The fast path (h2c + the lite codec) must print exactly what the Connect client
 * prints, for a large list, a single entity, an error answer (NOT_FOUND, replayed to Connect) and
 * `version`; and the large list must come through the fast path itself (no node:http2 loaded).
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {REPO_ROOT, runCli, tempHome} from '../support/cli.js'

const PYTHON = join(REPO_ROOT, 'test', 'interop', '.venv', 'bin', 'python')
const SKIP = existsSync(PYTHON) ? false : 'the interop environment is missing: run scripts/setup-interop.sh'

describe('fast read path against a grpcio FlyteAdmin', {skip: SKIP, timeout: 300_000}, () => {
  const {home, cleanup} = tempHome()
  const config = join(home, 'config.yaml')
  const env = {HOME: home}
  let server: ChildProcess

  before(async () => {
    server = spawn(PYTHON, [join(REPO_ROOT, 'test', 'interop', 'grpcio_admin_server.py')], {stdio: 'pipe'})
    const port = await new Promise<number>((resolve, reject) => {
      let out = ''
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n')) resolve(Number(out.trim()))
      })
      server.on('exit', (code) => reject(new Error(`grpcio server exited ${code}`)))
    })
    writeFileSync(config, `admin:\n  endpoint: dns:///127.0.0.1:${port}\n  insecure: true\n`)
  })
  after(() => {
    server.stdin!.end()
    server.kill()
    cleanup()
  })

  it('prints the same as the Connect client for lists, one project, NOT_FOUND and version', async () => {
    for (const argv of [
      ['get', 'project'],
      ['get', 'project', '-o', 'json'],
      ['get', 'project', '-o', 'yaml'],
      ['get', 'project', 'proj-042', '-o', 'json'],
      ['get', 'project', 'nope'],
      ['version'],
    ]) {
      const args = [...argv, '-c', config]
      const [fast, full] = await Promise.all([
        runCli(args, {env}),
        runCli(args, {env: {...env, FLYTECTL_NO_FAST_RPC: '1'}}),
      ])
      assert.equal(fast.code, full.code, argv.join(' '))
      assert.equal(fast.stdout, full.stdout, argv.join(' '))
      assert.equal(fast.stderr, full.stderr, argv.join(' '))
    }
  })

  it('reads the ~100 KB list over h2c itself', async () => {
    const probe = join(home, 'modules.cjs')
    const out = join(home, 'modules.txt')
    writeFileSync(
      probe,
      "process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')))\n",
    )
    const r = await runCli(['get', 'project', '-o', 'json', '-c', config], {
      env: {...env, NODE_OPTIONS: `--require ${probe}`, MODULES_OUT: out},
    })
    assert.equal(r.code, 0, r.stderr)
    const projects = JSON.parse(r.stdout) as {id: string; description: string; labels?: {values: object}}[]
    assert.equal(projects.length, 90)
    assert.equal(projects[89]!.id, 'proj-089')
    assert.ok(projects[0]!.description.includes('½ ¼ ¾ ‰ → ←'))
    assert.ok(r.stdout.length > 100_000)
    const loaded = readFileSync(out, 'utf8').split('\n')
    assert.ok(!loaded.includes('NativeModule http2'), 'the Connect client (node:http2) was loaded')
  })
})
