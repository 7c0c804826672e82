import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, statSync, readFileSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients} from '../../../src/admin/client.js'
import {loadedSchema} from '../../../src/admin/lazy-service.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {AuthMetadataService} from '../../../src/gen/flyteidl/service/auth_pb.js'
import {toCliError} from '../../../src/cli/errors.js'
import {startGrpcServer, startTokenServer} from './servers.js'
import {freePort} from '../../support/net.js'

const dir = mkdtempSync(join(tmpdir(), 'flytectl-admin-client-'))
after(() => rmSync(dir, {recursive: true, force: true}))

describe('fast read path', () => {
  it('answers a read-only call without the Connect client, and leaves the rest to it', async () => {
    let calls = 0
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        listProjects() {
          calls++
          return {projects: [{id: 'p1', name: 'P', domains: [{id: 'development', name: 'development'}]}], token: 't'}
        },
        registerProject() {
          calls++
          return {}
        },
      }),
    )
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true},
      {tokenCache: new TokenCache(join(dir, 'fast.json'))},
    )
    try {
      const res = await c.admin.listProjects({limit: 10})
      assert.equal(res.$typeName, 'flyteidl.admin.Projects')
      assert.deepEqual(
        res.projects.map((p) => [p.id, p.name, p.domains.map((d) => d.id)]),
        [['p1', 'P', ['development']]],
      )
      assert.equal(calls, 1)
      // The Connect client builds a registry per method it calls; the fast path built none.
      assert.equal(loadedSchema('flyteidl.admin.Projects'), undefined)
      await c.admin.registerProject({project: {id: 'p2', name: 'p2'}})
      assert.equal(calls, 2)
      assert.notEqual(loadedSchema('flyteidl.admin.ProjectRegisterResponse'), undefined)
    } finally {
      c.close()
      await server.close()
    }
  })
})

describe('retries', () => {
  it('retries Unavailable with backoff and succeeds within maxRetries', async () => {
    let calls = 0
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        getVersion() {
          calls++
          if (calls <= 3) throw new ConnectError('warming up', Code.Unavailable)
          return {controlPlaneVersion: {Version: 'v9', Build: 'b', BuildTime: 't'}}
        },
      }),
    )
    const retries: number[] = []
    const c = createAdminClients(
      {endpoint: `dns:///127.0.0.1:${server.port}`, insecure: true, maxRetries: 4},
      {baseBackoffMs: 5, onRetry: (i) => retries.push(i.attempt), tokenCache: new TokenCache(join(dir, 't0.json'))},
    )
    try {
      const v = await c.admin.getVersion({})
      assert.equal(v.controlPlaneVersion?.Version, 'v9')
      assert.equal(calls, 4)
      assert.deepEqual(retries, [1, 2, 3])
    } finally {
      c.close()
      await server.close()
    }
  })

  it('gives up after maxRetries attempts with a typed error and connection info', async () => {
    let calls = 0
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        getVersion() {
          calls++
          throw new ConnectError('down', Code.Unavailable)
        },
      }),
    )
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true, maxRetries: 2},
      {baseBackoffMs: 1, tokenCache: new TokenCache(join(dir, 't1.json'))},
    )
    try {
      const err = await c.admin.getVersion({}).then(
        () => assert.fail('expected failure'),
        (e: unknown) => e,
      )
      assert.equal(calls, 2)
      assert.ok(err instanceof ConnectError && err.code === Code.Unavailable, 'still a ConnectError')
      const cli = toCliError(err)
      assert.equal(cli.code, 'unavailable')
      assert.equal(cli.exitCode, 6)
      assert.equal(
        cli.message,
        `down Connection Info: [Endpoint: 127.0.0.1:${server.port}, InsecureConnection?: true, AuthMode: ClientSecret]`,
      )
    } finally {
      c.close()
      await server.close()
    }
  })

  it('bounds each attempt by perRetryTimeout and retries a hung call', async () => {
    let calls = 0
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        async getVersion(_req, ctx) {
          calls++
          // The first attempt never answers: only the client's per-attempt deadline ends it.
          if (calls === 1) await new Promise((res) => ctx.signal.addEventListener('abort', res))
          return {controlPlaneVersion: {Version: `attempt ${calls}`}}
        },
      }),
    )
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true, perRetryTimeout: '200ms'},
      {baseBackoffMs: 1, tokenCache: new TokenCache(join(dir, 't2.json'))},
    )
    try {
      const v = await c.admin.getVersion({})
      // Answered by a later attempt (how many depends on machine load), never by the hung one.
      assert.ok(calls >= 2, `expected a retry, saw ${calls} call(s)`)
      assert.match(v.controlPlaneVersion?.Version ?? '', /^attempt ([2-9]|\d{2,})$/)
    } finally {
      c.close()
      await server.close()
    }
  })

  it('maps NotFound and InvalidArgument without connection info, and does not retry them', async () => {
    let calls = 0
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        getTask() {
          calls++
          throw new ConnectError('missing entity of type TASK with identifier p/d/t/v', Code.NotFound)
        },
        listTasks() {
          throw new ConnectError('invalid value for filters', Code.InvalidArgument)
        },
      }),
    )
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true},
      {baseBackoffMs: 1, tokenCache: new TokenCache(join(dir, 't3.json'))},
    )
    try {
      const nf = toCliError(await c.admin.getTask({}).catch((e: unknown) => e))
      assert.equal(nf.code, 'not-found')
      assert.equal(nf.exitCode, 4)
      assert.equal(nf.message, 'missing entity of type TASK with identifier p/d/t/v')
      assert.equal(calls, 1)
      const bad = toCliError(await c.admin.listTasks({}).catch((e: unknown) => e))
      assert.equal(bad.code, 'invalid-input')
      assert.equal(bad.exitCode, 2)
    } finally {
      c.close()
      await server.close()
    }
  })

  it('reports a refused connection as unavailable', async () => {
    const server = await startGrpcServer(() => {})
    const port = server.port
    await server.close()
    const c = createAdminClients(
      {endpoint: `dns:///127.0.0.1:${port}`, insecure: true, maxRetries: 2},
      {baseBackoffMs: 1, tokenCache: new TokenCache(join(dir, 't4.json'))},
    )
    try {
      const cli = toCliError(await c.admin.getVersion({}).catch((e: unknown) => e))
      assert.equal(cli.code, 'unavailable')
      assert.match(cli.message, /Connection Info: \[Endpoint: dns:\/\/\/127\.0\.0\.1:\d+, InsecureConnection\?: true/)
    } finally {
      c.close()
    }
  })
})

/** An admin that only accepts `authorization: Bearer <good>` and publishes OAuth2 metadata. */
async function securedAdmin(tokenEndpoint: () => string, good: () => string, extra: Record<string, string> = {}) {
  const seen: string[] = []
  const server = await startGrpcServer((r) => {
    r.service(AuthMetadataService, {
      getOAuth2Metadata: () => ({
        tokenEndpoint: tokenEndpoint(),
        deviceAuthorizationEndpoint: tokenEndpoint() + '/device',
        authorizationEndpoint: tokenEndpoint() + '/authorize',
      }),
      getPublicClientConfig: () => ({clientId: 'flytectl', scopes: ['all'], redirectUri: '', ...extra}),
    })
    r.service(AdminService, {
      getVersion(_req, ctx) {
        const h = ctx.requestHeader.get('authorization') ?? ''
        seen.push(h)
        if (h !== `Bearer ${good()}`) throw new ConnectError('token invalid', Code.Unauthenticated)
        return {controlPlaneVersion: {Version: 'secured'}}
      },
    })
  })
  return {server, seen}
}

describe('auth', () => {
  it('ClientSecret: gets a token from the published token endpoint, caches it 0600 per endpoint, reuses it', async () => {
    let issued = 0
    const tokens = await startTokenServer((req) => {
      if (req.form.get('grant_type') !== 'client_credentials')
        return {status: 400, body: {error: 'unsupported_grant_type'}}
      if (req.authorization !== 'Basic ' + Buffer.from('my-app:s3cret').toString('base64'))
        return {status: 401, body: {error: 'invalid_client'}}
      issued++
      return {status: 200, body: {access_token: `tok-${issued}`, token_type: 'bearer', expires_in: 3600}}
    })
    const {server, seen} = await securedAdmin(
      () => tokens.url + '/token',
      () => `tok-${issued}`,
    )
    const secretFile = join(dir, 'secret')
    writeFileSync(secretFile, 's3cret\n')
    const cachePath = join(dir, 'cs', 'tokens.json')
    const config = {
      endpoint: `dns:///127.0.0.1:${server.port}`,
      insecure: true,
      authType: 'ClientSecret' as const,
      clientId: 'my-app',
      clientSecretLocation: secretFile,
    }
    try {
      const c1 = createAdminClients(config, {tokenCache: new TokenCache(cachePath)})
      assert.equal((await c1.admin.getVersion({})).controlPlaneVersion?.Version, 'secured')
      c1.close()
      assert.equal(issued, 1)
      assert.deepEqual(seen, ['', 'Bearer tok-1'])
      assert.equal(tokens.requests[0]!.form.get('scope'), 'all')
      assert.equal(statSync(cachePath).mode & 0o777, 0o600)
      const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, {accessToken: string}>
      assert.deepEqual(
        Object.values(cached).map((t) => t.accessToken),
        ['tok-1'],
      )
      assert.match(Object.keys(cached)[0]!, new RegExp(`127\\.0\\.0\\.1:${server.port}`))

      // A second process-like client reuses the cached token: no token request, no rejected call.
      const c2 = createAdminClients(config, {tokenCache: new TokenCache(cachePath)})
      await c2.admin.getVersion({})
      c2.close()
      assert.equal(issued, 1)
      assert.deepEqual(seen.slice(2), ['Bearer tok-1'])
    } finally {
      await server.close()
      await tokens.close()
    }
  })

  it('ClientSecret: a rejected cached token is refreshed once and the call retried', async () => {
    let issued = 10
    const tokens = await startTokenServer(() => ({status: 200, body: {access_token: `tok-${++issued}`}}))
    const {server, seen} = await securedAdmin(
      () => tokens.url,
      () => `tok-${issued}`,
    )
    const cachePath = join(dir, 'rot', 'tokens.json')
    const config = {
      endpoint: `127.0.0.1:${server.port}`,
      insecure: true,
      clientSecretEnvVar: 'MY_SECRET',
      tokenUrl: tokens.url + '/explicit',
    }
    try {
      const cache = new TokenCache(cachePath)
      await cache.set(`http://127.0.0.1:${server.port}|ClientSecret|`, {accessToken: 'stale'})
      const c = createAdminClients(config, {tokenCache: cache, env: {MY_SECRET: 'x'}})
      await c.admin.getVersion({})
      c.close()
      assert.deepEqual(seen, ['Bearer stale', 'Bearer tok-11'])
      assert.equal(tokens.requests.length, 1)
      assert.equal(tokens.requests[0]!.path, '/explicit', 'admin.tokenUrl wins over discovery')
    } finally {
      await server.close()
      await tokens.close()
    }
  })

  it('ClientSecret: a refused client gives one unauthenticated error', async () => {
    const tokens = await startTokenServer(() => ({status: 401, body: {error: 'invalid_client'}}))
    const {server} = await securedAdmin(
      () => tokens.url,
      () => 'never',
    )
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true, clientSecretEnvVar: 'S'},
      {tokenCache: new TokenCache(join(dir, 'refused.json')), env: {S: 'bad'}},
    )
    try {
      const cli = toCliError(await c.admin.getVersion({}).catch((e: unknown) => e))
      assert.equal(cli.code, 'unauthenticated')
      assert.equal(cli.exitCode, 7)
      assert.match(cli.message, /refused the request: invalid_client/)
    } finally {
      c.close()
      await server.close()
      await tokens.close()
    }
  })

  it('ExternalCommand: the command output is the token, sent on authorizationHeader', async () => {
    const seen: string[] = []
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        getVersion(_req, ctx) {
          const h = ctx.requestHeader.get('flyte-authorization') ?? ''
          seen.push(h)
          if (h !== 'Bearer from-command') throw new ConnectError('no', Code.Unauthenticated)
          return {}
        },
      }),
    )
    const c = createAdminClients(
      {
        endpoint: `127.0.0.1:${server.port}`,
        insecure: true,
        authType: 'ExternalCommand',
        authorizationHeader: 'flyte-authorization',
        command: [process.execPath, '-e', 'process.stdout.write("from-command\\n")'],
      },
      {tokenCache: new TokenCache(join(dir, 'ext.json'))},
    )
    try {
      await c.admin.getVersion({})
      assert.deepEqual(seen, ['', 'Bearer from-command'])
    } finally {
      c.close()
      await server.close()
    }
  })

  it('proxyCommand: its output goes on proxy-authorization for every call', async () => {
    const seen: string[] = []
    const server = await startGrpcServer((r) =>
      r.service(AdminService, {
        getVersion(_req, ctx) {
          seen.push(ctx.requestHeader.get('proxy-authorization') ?? '')
          return {}
        },
      }),
    )
    const c = createAdminClients(
      {
        endpoint: `127.0.0.1:${server.port}`,
        insecure: true,
        proxyCommand: [process.execPath, '-e', 'process.stdout.write("proxy-tok")'],
      },
      {tokenCache: new TokenCache(join(dir, 'proxy.json'))},
    )
    try {
      await c.admin.getVersion({})
      await c.admin.getVersion({})
      assert.deepEqual(seen, ['Bearer proxy-tok', 'Bearer proxy-tok'])
    } finally {
      c.close()
      await server.close()
    }
  })

  it('DeviceFlow: shows the verification URL and polls until the user approves', async () => {
    let polls = 0
    const tokens = await startTokenServer((req) => {
      if (req.path.endsWith('/device'))
        return {
          status: 200,
          body: {device_code: 'dev-1', user_code: 'ABCD', verification_uri: 'https://login/verify', interval: 0},
        }
      assert.equal(req.form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:device_code')
      polls++
      if (polls < 3) return {status: 400, body: {error: 'authorization_pending'}}
      return {status: 200, body: {access_token: 'device-token', refresh_token: 'r1', expires_in: 60}}
    })
    const {server} = await securedAdmin(
      () => tokens.url,
      () => 'device-token',
    )
    const notes: string[] = []
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true, authType: 'DeviceFlow'},
      {tokenCache: new TokenCache(join(dir, 'dev.json')), note: (t) => notes.push(t)},
    )
    try {
      await c.admin.getVersion({})
      assert.equal(polls, 3)
      assert.deepEqual(notes, ['To log in, visit https://login/verify and enter the code ABCD'])
    } finally {
      c.close()
      await server.close()
      await tokens.close()
    }
  })

  it('Pkce: opens the browser at the authorize URL, takes the code on the loopback redirect, proves the verifier', async () => {
    const port = await freePort()
    let challenge = ''
    const tokens = await startTokenServer((req) => {
      const verifier = req.form.get('code_verifier') ?? ''
      const ok =
        req.form.get('grant_type') === 'authorization_code' &&
        req.form.get('code') === 'the-code' &&
        createHash('sha256').update(verifier).digest('base64url') === challenge
      return ok
        ? {status: 200, body: {access_token: 'pkce-token', refresh_token: 'r', expires_in: 60}}
        : {status: 400, body: {error: 'invalid_grant'}}
    })
    const {server} = await securedAdmin(
      () => tokens.url,
      () => 'pkce-token',
      {redirectUri: `http://localhost:${port}/callback`},
    )
    const opened: string[] = []
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true, authType: 'Pkce'},
      {
        tokenCache: new TokenCache(join(dir, 'pkce-ok.json')),
        interactive: true,
        note: () => {},
        // The "browser": follow the authorize URL by calling the loopback redirect with a code.
        openBrowser: async (url) => {
          opened.push(url)
          const u = new URL(url)
          challenge = u.searchParams.get('code_challenge') ?? ''
          const redirect = new URL(u.searchParams.get('redirect_uri')!)
          redirect.searchParams.set('code', 'the-code')
          redirect.searchParams.set('state', u.searchParams.get('state')!)
          setTimeout(() => void fetch(redirect), 10)
          return true
        },
      },
    )
    try {
      assert.equal((await c.admin.getVersion({})).controlPlaneVersion?.Version, 'secured')
      const u = new URL(opened[0]!)
      assert.equal(u.pathname, '/authorize')
      assert.equal(u.searchParams.get('code_challenge_method'), 'S256')
      assert.equal(u.searchParams.get('client_id'), 'flytectl')
    } finally {
      c.close()
      await server.close()
      await tokens.close()
    }
  })

  it('Pkce without a terminal fails clearly instead of waiting', async () => {
    const {server} = await securedAdmin(
      () => 'http://127.0.0.1:1',
      () => 'x',
    )
    const c = createAdminClients(
      {endpoint: `127.0.0.1:${server.port}`, insecure: true, authType: 'Pkce'},
      {tokenCache: new TokenCache(join(dir, 'pkce.json')), interactive: false},
    )
    try {
      const cli = toCliError(await c.admin.getVersion({}).catch((e: unknown) => e))
      assert.equal(cli.code, 'unauthenticated')
      assert.match(cli.message, /Pkce needs a terminal and a browser/)
      assert.match(cli.hint ?? '', /DeviceFlow/)
    } finally {
      c.close()
      await server.close()
    }
  })
})
