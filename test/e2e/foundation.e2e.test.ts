import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {REPO_ROOT, runCli, tempHome} from '../support/cli.js'

const {home, cleanup} = tempHome()
after(cleanup)
const env = {HOME: home}

describe('flytectl --help', () => {
  it('lists the topics and commands and the exit codes', async () => {
    const r = await runCli(['--help'], {env})
    assert.equal(r.code, 0)
    const topics = r.stdout.slice(r.stdout.indexOf('\nTOPICS\n'), r.stdout.indexOf('\nCOMMANDS\n'))
    for (const [topic, text] of [
      ['config', 'Initialize, validate and discover'],
      ['get', 'Fetch projects'],
      ['demo', 'Run a local Flyte control plane'],
      ['release', 'Plan, cut and inspect'],
      ['backport', 'Cherry-pick merged fixes'],
    ]) {
      assert.match(topics, new RegExp(`^ {2}${topic} +${text}`, 'm'))
    }
    assert.match(r.stdout, /^ {2}version +Fetches the flytectl version/m)
    assert.match(r.stdout, /^EXIT CODES\n +0 +success/m)
    assert.match(r.stdout, /^ +9 +stopped by the user/m)
  })

  it('prints the same root help with no arguments, and topic help through oclif', async () => {
    const bare = await runCli([], {env})
    const help = await runCli(['--help'], {env})
    assert.equal(bare.stdout, help.stdout)
    const topic = await runCli(['config', '--help'], {env})
    assert.equal(topic.code, 0)
    assert.match(topic.stdout, /config init +Generates a Flytectl config file/)
  })
})

describe('flytectl config init', () => {
  const file = join(home, '.flyte', 'config.yaml')

  it('writes the same file as Go flytectl for --host', async () => {
    const r = await runCli(['config', 'init', '--host', 'flyte.example.com'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `Init flytectl config file at [${file}]\n`)
    assert.equal(
      readFileSync(file, 'utf8'),
      readFileSync(join(REPO_ROOT, 'test/fixtures/config/init-host.yaml'), 'utf8'),
    )
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })

  it('will not overwrite without a terminal unless --force, and loses nothing', async () => {
    writeFileSync(file, 'admin:\n  endpoint: dns:///mine:1\n')
    const r = await runCli(['config', 'init'], {env})
    assert.equal(r.code, 9)
    assert.match(
      r.stderr,
      /^Error: config file .* already exists; not overwriting it without confirmation\nHint: Pass --force/,
    )
    assert.equal(readFileSync(file, 'utf8'), 'admin:\n  endpoint: dns:///mine:1\n')
    const forced = await runCli(['config', 'init', '--force'], {env})
    assert.equal(forced.code, 0)
    assert.match(readFileSync(file, 'utf8'), /endpoint: dns:\/\/\/localhost:30080\n {2}insecure: true\n/)
  })

  it('rejects an invalid host with one line and exit code 2', async () => {
    const r = await runCli(['config', 'init', '--host', 'not a host', '--force'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: not a host invalid, please use a valid admin endpoint\n/)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })
})

describe('bad config files', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['broken YAML', 'admin:\n  endpoint: [x\n', /is not valid YAML \(line \d+, column \d+\): Flow sequence/],
    ['unknown authType', 'admin:\n  authType: Kerberos\n', /admin\.authType: unknown authType "Kerberos"/],
    ['wrong type', 'admin:\n  insecure: maybe\n', /admin\.insecure: expected boolean, received string/],
    ['wrong enum', 'storage:\n  type: ftp\n', /storage\.type: /],
  ]
  for (const [name, text, pattern] of cases) {
    it(`${name}: one-line error, exit code 3, no stack trace`, async () => {
      const path = join(home, `${name.replace(/ /g, '-')}.yaml`)
      writeFileSync(path, text)
      const r = await runCli(['config', 'validate', '-c', path], {env})
      assert.equal(r.code, 3, r.stderr)
      const lines = r.stderr.trimEnd().split('\n')
      assert.match(lines[0]!, pattern)
      assert.match(lines[0]!, /^Error: config file /)
      assert.equal(lines.length, 2)
      assert.match(lines[1]!, /^Hint: /)
    })
  }

  it('unknown keys warn and pass, and fail under --strict', async () => {
    const path = join(home, 'typo.yaml')
    writeFileSync(path, 'admin:\n  endpiont: dns:///x:1\nflytekit_only:\n  anything: 1\n')
    const lax = await runCli(['config', 'validate', '-c', path], {env})
    assert.equal(lax.code, 0)
    assert.match(lax.stderr, /^Warning: unknown key admin\.endpiont in .*; did you mean `endpoint`\?$/m)
    assert.doesNotMatch(lax.stderr, /flytekit_only/)
    const strict = await runCli(['config', 'validate', '--strict', '-c', path], {env})
    assert.equal(strict.code, 3)
    assert.match(strict.stderr, /^Error: unknown key admin\.endpiont/)
  })

  it('a missing --config file is exit code 3 with a next step, in JSON too', async () => {
    const r = await runCli(['config', 'validate', '-c', join(home, 'nope.yaml'), '--json'], {env})
    assert.equal(r.code, 3)
    const body = JSON.parse(r.stdout) as {ok: boolean; error: {code: string; exitCode: number; hint: string}}
    assert.equal(body.ok, false)
    assert.equal(body.error.code, 'config-missing')
    assert.equal(body.error.exitCode, 3)
    assert.match(body.error.hint, /config init/)
  })

  it('--verbose shows the stack', async () => {
    const r = await runCli(['config', 'validate', '-c', join(home, 'nope.yaml'), '--verbose'], {env})
    assert.equal(r.code, 3)
    assert.match(r.stderr, /\n\s+at /)
  })
})

describe('config discover', () => {
  it('follows FLYTECTL_CONFIG before the home file', async () => {
    const path = join(home, 'env-config.yaml')
    writeFileSync(path, 'admin:\n  endpoint: dns:///env:1\n')
    const r = await runCli(['config', 'discover', '--json'], {env: {...env, FLYTECTL_CONFIG: path}})
    assert.equal(r.code, 0)
    assert.deepEqual(JSON.parse(r.stdout).result.path, path)
  })
})

describe('flytectl version', () => {
  it('is valid JSON under -o json and names the app', async () => {
    // A control plane that cannot answer (port 1), whatever runs on this machine's 30080.
    const config = join(home, 'unreachable.yaml')
    writeFileSync(config, 'admin:\n  endpoint: dns:///127.0.0.1:1\n  insecure: true\n')
    const r = await runCli(['version', '-o', 'json'], {env: {...env, FLYTECTL_CONFIG: config}})
    assert.equal(r.code, 0, r.stderr)
    const body = JSON.parse(r.stdout) as {App: string; Version: string}
    assert.equal(body.App, 'flytectl')
    assert.equal(body.Version, JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version)
  })

  it('rejects an unknown output format with flytectl’s message', async () => {
    const r = await runCli(['version', '-o', 'xml'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: XML does not belong to OutputFormat values\n/)
  })
})

describe('flytectl completion', () => {
  it('prints a bash script that completes the commands', async () => {
    const r = await runCli(['completion', 'bash'], {env: {...env, XDG_CACHE_HOME: join(home, 'cache')}})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /complete .*flytectl/)
    assert.match(r.stdout, /config:init --json --config --verbose --host --insecure --console --force/)
  })

  it('prints a fish script with subcommands and flags', async () => {
    const r = await runCli(['completion', 'fish'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /complete -c flytectl -n '__fish_seen_subcommand_from config' -a init/)
    assert.match(r.stdout, /-l host -d 'Endpoint of flyte admin/)
  })

  it('rejects an unknown shell as a usage error', async () => {
    const r = await runCli(['completion', 'tcsh'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: Expected tcsh to be one of: bash, zsh, fish, powershell/)
  })
})

describe('startup hygiene', () => {
  it('ships a manifest so help does not load every command', () => {
    assert.ok(existsSync(join(REPO_ROOT, 'oclif.manifest.json')))
    mkdirSync(join(home, 'x'), {recursive: true})
  })
})
