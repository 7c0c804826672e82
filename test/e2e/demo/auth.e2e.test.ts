/**
 * `flytectl demo start --auth` as a user runs it: the plane starts with its OAuth2 server, the
 * written sandbox config uses client credentials, and the built CLI works through it — obtaining,
 * caching, and (when the cached token is tampered with) refreshing its token once.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {parse} from 'yaml'
import type {AdminConfig} from '../../../src/config/schema.js'
import {runCli, tempHome} from '../../support/cli.js'
import {freePort} from '../../support/net.js'
import {TestOidcIssuer} from '../../support/oidc-issuer.js'

const started = new Set<number>()
const cleanups: Array<() => void> = []

after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already stopped by the test
    }
  }
  for (const c of cleanups) c()
})

describe('flytectl demo start --auth', () => {
  it('starts with auth on; the CLI authenticates with the written config, caches, and refreshes a bad token once', async () => {
    const {home, cleanup} = tempHome()
    cleanups.push(cleanup)
    const port = await freePort()
    const env = {HOME: home}
    const s = await runCli(['demo', 'start', '--auth', '--port', String(port)], {env})
    assert.equal(s.code, 0, s.stderr)
    const pid = (JSON.parse(readFileSync(join(home, '.flyte', 'demo', 'demo.pid'), 'utf8')) as {pid: number}).pid
    started.add(pid)
    const secretFile = join(home, '.flyte', 'demo', 'auth', 'flytepropeller.secret')
    assert.match(s.stdout, /Auth is on\. Client flytepropeller/)
    assert.ok(s.stdout.includes(secretFile), s.stdout)
    assert.match(s.stdout, /User admin .*password in .*admin\.password/)

    const configPath = join(home, '.flyte', 'config-sandbox.yaml')
    const config = parse(readFileSync(configPath, 'utf8')) as {admin: AdminConfig}
    assert.equal(config.admin.authType, 'ClientSecret')
    assert.equal(config.admin.clientId, 'flytepropeller')
    assert.equal(config.admin.clientSecretLocation, secretFile)

    const st = await runCli(['demo', 'status', '-o', 'json'], {env})
    assert.equal(st.code, 0, st.stderr)
    const status = JSON.parse(st.stdout) as {health: string; version: string}
    assert.equal(status.health, 'healthy')
    // GetVersion needs a token here: the probe says so instead of failing.
    assert.equal(status.version, 'unknown (auth on)')

    // A config without credentials: exit 7, saying what is missing.
    const bareConfig = join(home, 'bare.yaml')
    writeFileSync(bareConfig, `admin:\n  endpoint: dns:///127.0.0.1:${port}\n  insecure: true\n`)
    const bare = await runCli(['get', 'project', '-c', bareConfig], {env})
    assert.equal(bare.code, 7, bare.stderr + bare.stdout)
    assert.match(bare.stderr, /client secret/)

    const withConfig = {...env, FLYTECTL_CONFIG: configPath}
    const get = await runCli(['get', 'project', '-o', 'json'], {env: withConfig})
    assert.equal(get.code, 0, get.stderr)
    assert.match(get.stdout, /flytesnacks/)
    const cachePath = join(home, '.flyte', 'tokens.json')
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, {accessToken: string}>
    const key = Object.keys(cache)[0]!
    const first = cache[key]!.accessToken

    // A tampered cached token is refused by the plane, refreshed once, and the call succeeds.
    const [h, , sig] = first.split('.')
    const forged = Buffer.from(JSON.stringify({sub: 'admin', scp: ['all'], exp: 4102444800})).toString('base64url')
    cache[key]!.accessToken = `${h}.${forged}.${sig}`
    writeFileSync(cachePath, JSON.stringify(cache))
    const again = await runCli(['get', 'project', '-o', 'json'], {env: withConfig})
    assert.equal(again.code, 0, again.stderr)
    const refreshed = (JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, {accessToken: string}>)[key]!
    assert.notEqual(refreshed.accessToken, cache[key]!.accessToken, 'the refused token was replaced')

    // Wrong credentials and a bad cached token: one refresh attempt, then exit 7 naming the refusal.
    cache[key]!.accessToken = `${h}.${forged}.${sig}`
    writeFileSync(cachePath, JSON.stringify(cache))
    const wrong = join(home, 'wrong.secret')
    writeFileSync(wrong, 'not-the-secret\n')
    const wrongConfig = join(home, 'wrong.yaml')
    writeFileSync(wrongConfig, readFileSync(configPath, 'utf8').replace(secretFile, wrong))
    const denied = await runCli(['get', 'project', '-c', wrongConfig], {env})
    assert.equal(denied.code, 7, denied.stderr)
    assert.match(denied.stderr, /invalid_client/)

    // A client with the viewer role: a write is exit 7 naming the action and the project.
    const authDir = join(home, '.flyte', 'demo', 'auth')
    const ids = readFileSync(join(authDir, 'identities.yaml'), 'utf8')
    writeFileSync(
      join(authDir, 'identities.yaml'),
      ids.replace('users:\n', '  - id: reader\n    secret: reader-secret\nusers:\n'),
    )
    writeFileSync(
      join(authDir, 'policy.yaml'),
      readFileSync(join(authDir, 'policy.yaml'), 'utf8') +
        '  - role: viewer\n    clients: [reader]\n    projects: ["*"]\n',
    )
    const readerSecret = join(home, 'reader.secret')
    writeFileSync(readerSecret, 'reader-secret\n')
    const readerConfig = join(home, 'reader.yaml')
    writeFileSync(
      readerConfig,
      readFileSync(configPath, 'utf8')
        .replace(secretFile, readerSecret)
        .replace('clientId: flytepropeller', 'clientId: reader'),
    )
    const read = await runCli(['get', 'project', '-c', readerConfig], {env})
    assert.equal(read.code, 0, read.stderr)
    const write = await runCli(['create', 'project', '--id', 'team-x', '--name', 'team-x', '-c', readerConfig], {env})
    assert.equal(write.code, 7, write.stderr)
    assert.match(write.stderr, /may not projects:create in project team-x/)
    assert.doesNotMatch(write.stderr, /\n\s+at /, 'no stack trace')

    const td = await runCli(['demo', 'teardown'], {env})
    assert.equal(td.code, 0, td.stderr)
    started.delete(pid)
  })

  it('--oidc-issuer: the plane trusts an external provider; the CLI gets client credentials from it end to end', async () => {
    const issuer = await TestOidcIssuer.start({
      path: '/oauth2/default',
      defaultAudience: 'api://flyte',
      clients: {'ci-bot': {secret: 'ci-bot-secret', groups: ['admins']}, outsider: {secret: 'outsider-secret'}},
    })
    cleanups.push(() => void issuer.stop())
    const {home, cleanup} = tempHome()
    cleanups.push(cleanup)
    const env = {HOME: home}

    const bad = await runCli(['demo', 'start', '--auth', '--oidc-issuer', 'http://idp.example.com'], {env})
    assert.equal(bad.code, 2, bad.stderr)
    assert.match(bad.stderr, /invalid --oidc-issuer "http:\/\/idp\.example\.com": an https URL is needed/)

    const port = await freePort()
    const unreachable = await runCli(
      ['demo', 'start', '--auth', '--oidc-issuer', `${issuer.url}/missing`, '--port', String(port)],
      {env},
    )
    assert.notEqual(unreachable.code, 0)
    assert.match(unreachable.stderr, /OIDC discovery .*\/missing\/\.well-known\/openid-configuration: HTTP 404/)
    assert.doesNotMatch(unreachable.stderr, /\n\s+at /, 'no stack trace')

    const s = await runCli(
      [
        'demo',
        'start',
        '--auth',
        '--oidc-issuer',
        issuer.url,
        '--oidc-audience',
        'api://flyte',
        '--port',
        String(port),
      ],
      {env},
    )
    assert.equal(s.code, 0, s.stderr)
    const pid = (JSON.parse(readFileSync(join(home, '.flyte', 'demo', 'demo.pid'), 'utf8')) as {pid: number}).pid
    started.add(pid)
    assert.ok(s.stdout.includes(`Auth is on with the OIDC issuer ${issuer.url}`), s.stdout)
    const configPath = join(home, '.flyte', 'config-sandbox.yaml')
    assert.equal((parse(readFileSync(configPath, 'utf8')) as {admin: AdminConfig}).admin.authType, 'Pkce')

    const secretFile = join(home, 'ci-bot.secret')
    writeFileSync(secretFile, 'ci-bot-secret\n', {mode: 0o600})
    const ciConfig = join(home, 'ci.yaml')
    writeFileSync(
      ciConfig,
      [
        'admin:',
        `  endpoint: dns:///127.0.0.1:${port}`,
        '  insecure: true',
        '  authType: ClientSecret',
        '  clientId: ci-bot',
        `  clientSecretLocation: ${secretFile}`,
        '  useAudienceFromAdmin: true',
        '',
      ].join('\n'),
    )
    const before = issuer.tokenRequests
    const create = await runCli(['create', 'project', '--id', 'oidc-e2e', '--name', 'oidc-e2e', '-c', ciConfig], {env})
    assert.equal(create.code, 0, create.stderr)
    const get = await runCli(['get', 'project', '-o', 'json', '-c', ciConfig], {env})
    assert.equal(get.code, 0, get.stderr)
    assert.match(get.stdout, /oidc-e2e/)
    assert.equal(issuer.tokenRequests, before + 1, 'one token from the provider, then the cache')

    // A provider client with no binding in policy.yaml: exit 7 naming it.
    const outsiderSecret = join(home, 'outsider.secret')
    writeFileSync(outsiderSecret, 'outsider-secret\n', {mode: 0o600})
    const outsiderConfig = join(home, 'outsider.yaml')
    writeFileSync(
      outsiderConfig,
      readFileSync(ciConfig, 'utf8')
        .replace('clientId: ci-bot', 'clientId: outsider')
        .replace(secretFile, outsiderSecret),
    )
    const denied = await runCli(['get', 'project', '-c', outsiderConfig], {env})
    assert.equal(denied.code, 7, denied.stderr)
    assert.match(denied.stderr, /client outsider may not read/)

    const td = await runCli(['demo', 'teardown'], {env})
    assert.equal(td.code, 0, td.stderr)
    started.delete(pid)
    await issuer.stop()
  })
})
