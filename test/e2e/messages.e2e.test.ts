/**
 * What a newcomer meets first when a word is mistyped: one usage error (exit 2) naming the problem
 * and the nearest valid spelling, a hint with the real command to run, and no stack trace.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {BIN, runCli, tempHome} from '../support/cli.js'
import {startControlPlane, type TestControlPlane} from '../support/controlplane.js'

const {home, cleanup} = tempHome()
const env = {HOME: home}
let plane: TestControlPlane
before(async () => {
  plane = await startControlPlane()
  const created = await runCli(['create', 'project', '--id', 'msgproj', '--name', 'msgproj', '-c', plane.configPath], {
    env,
  })
  assert.equal(created.code, 0, created.stderr)
})
after(async () => {
  await plane.stop()
  cleanup()
})

async function usageError(argv: string[]): Promise<string> {
  const r = await runCli(argv, {env})
  assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`)
  assert.equal(r.stdout, '')
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  return r.stderr
}

describe('did you mean', () => {
  it('names the closest command under the topic typed', async () => {
    assert.equal(
      await usageError(['get', 'projct']),
      'Error: `flytectl get projct` is not a command; did you mean `flytectl get project`?\n' +
        'Hint: Run `flytectl get --help` to see the commands.\n',
    )
    assert.match(
      await usageError(['get', 'projct', 'flytesnacks', '-o', 'yaml']),
      /did you mean `flytectl get project`/,
    )
    assert.match(await usageError(['release', 'pln', '1.4.0']), /did you mean `flytectl release plan`\?/)
  })

  it('names the closest topic, and says when nothing is close', async () => {
    assert.match(
      await usageError(['gte', 'project']),
      /^Error: `flytectl gte` is not a command; did you mean `flytectl get`\?\n/,
    )
    assert.equal(
      await usageError(['frobnicate']),
      'Error: `flytectl frobnicate` is not a command\nHint: Run `flytectl --help` to see the commands.\n',
    )
  })

  it('names the closest flag, before or after the command', async () => {
    assert.match(await usageError(['--versoin']), /^Error: unknown flag --versoin; did you mean --version\?\n/)
    assert.equal(
      await usageError(['get', 'project', '--filter.limt', '5']),
      'Error: unknown flag --filter.limt; did you mean --filter.limit?\n' +
        'Hint: Run `flytectl get project --help` to see its arguments and flags.\n',
    )
  })

  it('names a missing argument and what it is', async () => {
    assert.equal(
      await usageError(['release', 'plan']),
      'Error: missing required argument VERSION (the minor release, X.Y.0)\n' +
        'Hint: Run `flytectl release plan --help` to see its arguments and flags.\n',
    )
  })

  it('leaves the commands oclif runs itself alone', async () => {
    const r = await runCli(['help', 'get'], {env})
    assert.equal(r.code, 0)
    assert.match(r.stdout, /get project/)
  })
})

describe('lists in a project or domain that does not exist', () => {
  it('are not found (exit 4), not an empty table', async () => {
    for (const noun of ['launchplan', 'task', 'workflow', 'execution']) {
      const r = await runCli(['get', noun, '-p', 'nosuchproj', '-d', 'development', '-c', plane.configPath], {env})
      assert.equal(r.code, 4, `${noun}: ${r.stderr}`)
      assert.equal(r.stdout, '')
      assert.match(
        r.stderr,
        /^Error: project nosuchproj not found\nHint: List what exists with `flytectl get project`\.\n$/,
      )
    }
    const domain = await runCli(['get', 'task', '-p', 'msgproj', '-d', 'dev', '-c', plane.configPath], {env})
    assert.equal(domain.code, 4)
    assert.match(
      domain.stderr,
      /^Error: domain dev not found in project msgproj\nHint: Its domains: development, staging, production\.\n$/,
    )
  })

  it('a missing name gets a hint with the real command to list what exists', async () => {
    const project = await runCli(['get', 'project', 'nope', '-c', plane.configPath], {env})
    assert.equal(project.code, 4, project.stderr)
    assert.equal(project.stderr, 'Error: project nope not found\nHint: List what exists with `flytectl get project`.\n')
    const lp = await runCli(['get', 'launchplan', 'nope', '-p', 'msgproj', '-d', 'staging', '-c', plane.configPath], {
      env,
    })
    assert.equal(lp.code, 4, lp.stderr)
    assert.equal(
      lp.stderr,
      'Error: launchplan nope in msgproj/staging not found\n' +
        'Hint: List what exists with `flytectl get launchplan -p msgproj -d staging`.\n',
    )
  })

  it('stay an empty listing (exit 0) where the project and domain exist', async () => {
    const r = await runCli(['get', 'launchplan', '-p', 'msgproj', '-d', 'staging', '-c', plane.configPath], {env})
    assert.equal(r.code, 0, r.stderr)
  })
})

describe('help agrees with the README', () => {
  it('-m is --manifest for every maintainer command that reads one; backport policy is the newest branch', async () => {
    for (const cmd of [
      ['docs', 'pin'],
      ['docs', 'check'],
      ['triage', 'report'],
      ['backport', 'audit'],
      ['backport'],
      ['release', 'status'],
    ]) {
      const r = await runCli([...cmd, '--help'], {env})
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /-m, --manifest=<value>/, cmd.join(' '))
    }
    const backport = await runCli(['backport', '--help'], {env})
    assert.match(backport.stdout, /policy: the newest release\s+branch/)
    assert.doesNotMatch(backport.stdout, /previous release branch/)
  })
})

describe('an empty config file named by --config or FLYTECTL_CONFIG', () => {
  it('is exit 3 naming the file, not a silent switch to the local default', async () => {
    const empty = join(home, 'empty.yaml')
    writeFileSync(empty, '# nothing here yet\n')
    const flag = await runCli(['get', 'project', '-c', empty], {env})
    assert.equal(flag.code, 3, flag.stderr)
    assert.match(flag.stderr, new RegExp(`^Error: config file ${empty} \\(from --config\\) is empty\\nHint: `))
    const fromEnv = await runCli(['get', 'project'], {env: {...env, FLYTECTL_CONFIG: empty}})
    assert.equal(fromEnv.code, 3, fromEnv.stderr)
    assert.match(fromEnv.stderr, /\(from FLYTECTL_CONFIG\) is empty/)
  })
})

describe('a reader that stops early', () => {
  it('ends the CLI quietly when stdout is closed (`flytectl … | head`)', async () => {
    for (const args of [
      ['get', 'project', '--help'],
      ['config', 'init', '--help'],
      ['version', '--help'],
    ]) {
      const child = spawn(process.execPath, [BIN, ...args], {stdio: ['ignore', 'pipe', 'pipe']})
      child.stdout.destroy()
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      assert.equal(stderr, '', args.join(' '))
      assert.equal(code, 0, args.join(' '))
    }
  })
})

describe('an endpoint that does not speak gRPC over HTTP/2', () => {
  it('says so in one line with the next step (exit 6), on the fast path and on the Connect client', async () => {
    // A web server on the configured port (a wrong port, the console's): it answers in HTTP/1.1.
    const web = createServer((_req, res) => res.end('hello'))
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r))
    const port = (web.address() as AddressInfo).port
    const config = join(home, 'web-port.yaml')
    writeFileSync(config, `admin:\n  endpoint: dns:///127.0.0.1:${port}\n  insecure: true\n`)
    try {
      for (const extra of [{}, {FLYTECTL_NO_FAST_RPC: '1'}]) {
        const r = await runCli(['get', 'project', '-c', config], {env: {...env, ...extra}})
        assert.equal(r.code, 6, r.stderr)
        const lines = r.stderr.trimEnd().split('\n')
        assert.equal(lines.length, 2, r.stderr)
        assert.match(lines[0]!, new RegExp(`^Error: dns:///127\\.0\\.0\\.1:${port} does not answer gRPC over HTTP/2`))
        assert.match(lines[1]!, /^Hint: Point admin\.endpoint at the control plane's gRPC port/)
      }
    } finally {
      await new Promise<void>((r) => web.close(() => r()))
    }
  })
})
