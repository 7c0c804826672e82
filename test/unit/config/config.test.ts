import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {CliError} from '../../../src/cli/errors.js'
import {isValidEndpointName, renderInitConfig, trimEndpoint} from '../../../src/config/init.js'
import {discoverConfig, parseConfigText} from '../../../src/config/load.js'
import {REPO_ROOT} from '../../support/cli.js'

const at = {path: '/x/config.yaml', source: 'flag' as const}
const fixture = (name: string) => readFileSync(`${REPO_ROOT}test/fixtures/config/${name}`, 'utf8')

async function rejectsWith(text: string, pattern: RegExp, strict = false) {
  await assert.rejects(parseConfigText(text, at, strict), (err: unknown) => {
    assert.ok(err instanceof CliError)
    assert.equal(err.exitCode, 3)
    assert.match(err.message, pattern)
    assert.equal(err.message.includes('\n'), false)
    return true
  })
}

describe('config file parsing', () => {
  it('accepts a sandbox-style config and keeps unknown top-level sections', async () => {
    const {config, warnings} = await parseConfigText(fixture('sandbox.yaml'), at)
    assert.equal(config.admin?.endpoint, 'dns:///localhost:30080')
    assert.equal(config.admin?.authType, 'Pkce')
    assert.equal(config.storage?.connection?.['access-key'], 'minio')
    assert.deepEqual(config.images, {default: 'ghcr.io/flyteorg/flytekit:py3.11'})
    assert.deepEqual(warnings, [])
  })

  it('matches authType case-insensitively', async () => {
    const {config} = await parseConfigText('admin:\n  authType: clientsecret\n', at)
    assert.equal(config.admin?.authType, 'ClientSecret')
  })

  it('rejects broken YAML with its position', async () => {
    await rejectsWith('admin:\n  endpoint: [unclosed\n', /not valid YAML \(line \d+, column \d+\)/)
  })
  it('rejects an unknown authType naming the key and the allowed values', async () => {
    await rejectsWith(
      'admin:\n  authType: Magic\n',
      /admin\.authType: unknown authType "Magic"; expected one of ClientSecret, Pkce/,
    )
  })
  it('rejects a wrong type naming the key', async () => {
    await rejectsWith('admin:\n  insecure: "yes"\n', /admin\.insecure: expected boolean, received string \(got "yes"\)/)
    await rejectsWith('admin:\n  maxRetries: many\n', /admin\.maxRetries:/)
    await rejectsWith('admin:\n  perRetryTimeout: soon\n', /admin\.perRetryTimeout: expected a duration/)
  })
  it('rejects a file that is not a mapping', async () => {
    await rejectsWith('- a\n- b\n', /must be a YAML mapping/)
  })

  it('warns on unknown keys in known sections with the closest key, and fails under --strict', async () => {
    const {warnings} = await parseConfigText('admin:\n  endpiont: dns:///x\ntask:\n  projcet: p\n', at)
    assert.deepEqual(warnings, [
      'unknown key admin.endpiont in /x/config.yaml; did you mean `endpoint`?',
      'unknown key task.projcet in /x/config.yaml; did you mean `project`?',
    ])
    await rejectsWith('admin:\n  endpiont: dns:///x\n', /unknown key admin\.endpiont .*did you mean `endpoint`/, true)
  })

  it("warns on a misspelt section of ours and lets other tools' sections pass", async () => {
    const {warnings} = await parseConfigText(
      'admn:\n  endpoint: dns:///x\nstorage:\n  type: minio\nimages:\n  a: b\n',
      at,
    )
    assert.deepEqual(warnings, ['unknown key admn in /x/config.yaml; did you mean `admin`?'])
  })
})

describe('config discovery', () => {
  const exists = (paths: string[]) => (p: string) => paths.includes(p)
  it('prefers --config, then FLYTECTL_CONFIG, then ~/.flyte/config.yaml', () => {
    const all = exists(['/flag.yaml', '/env.yaml', '/home/.flyte/config.yaml'])
    assert.deepEqual(
      discoverConfig({flag: '/flag.yaml', env: {FLYTECTL_CONFIG: '/env.yaml'}, home: '/home', exists: all}),
      {path: '/flag.yaml', source: 'flag'},
    )
    assert.equal(discoverConfig({env: {FLYTECTL_CONFIG: '/env.yaml'}, home: '/home', exists: all}).source, 'env')
    assert.equal(discoverConfig({env: {}, home: '/home', exists: all}).path, '/home/.flyte/config.yaml')
    assert.deepEqual(discoverConfig({env: {}, home: '/home', exists: exists([])}), {source: 'default'})
  })
  it('fails when an explicitly named file is missing', () => {
    assert.throws(
      () => discoverConfig({flag: '/nope.yaml', env: {}, exists: exists([])}),
      /\/nope\.yaml \(from --config\) does not exist/,
    )
    assert.throws(
      () => discoverConfig({env: {FLYTECTL_CONFIG: '/gone.yaml'}, exists: exists([])}),
      /\/gone\.yaml \(from FLYTECTL_CONFIG\)/,
    )
  })
})

describe('config init template', () => {
  it('writes what Go flytectl writes for --host', () => {
    assert.equal(renderInitConfig({host: 'flyte.example.com'}), fixture('init-host.yaml'))
  })
  it('defaults to the local control plane, insecure', () => {
    assert.equal(renderInitConfig({}), fixture('init-default.yaml'))
  })
  it('adds the console section verbatim', () => {
    assert.equal(
      renderInitConfig({host: 'https://flyte.example.com:443', insecure: true, console: 'https://console.example.com'}),
      fixture('init-console.yaml'),
    )
  })
  it('trims dns:///, http:// and https:// and validates the host', () => {
    assert.equal(trimEndpoint('dns:///a.b:81'), 'a.b:81')
    assert.ok(isValidEndpointName('localhost'))
    assert.ok(isValidEndpointName('10.0.0.1:30080'))
    assert.ok(!isValidEndpointName('bad host'))
    assert.ok(!isValidEndpointName('a.b:99999'))
    assert.throws(() => renderInitConfig({host: 'bad host'}), {
      message: 'bad host invalid, please use a valid admin endpoint',
    })
  })
})
