/**
 * Auth on the plane with an external OIDC provider (`--oidc-issuer`): a small provider run by the test
 * (discovery, JWKS, client-credentials token endpoint) stands in for Okta or Keycloak. The plane points
 * clients at it, accepts its access tokens and ID tokens as FlyteAdmin does, refuses what it must
 * (other audience or issuer, expired, unknown key, `alg: none`, HMAC, no `all` scope), fetches its
 * JWKS again when the provider rotates keys (and not on every call), and refuses to start when the
 * provider's discovery document is unusable. Our CLI's ClientSecret flow gets its token from the provider.
 */
import assert from 'node:assert/strict'
import {createHmac} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {Code, ConnectError, createClient, type Interceptor} from '@connectrpc/connect'
import {createGrpcTransport} from '@connectrpc/connect-node'
import {createAdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {AuthMetadataService} from '../../../src/gen/flyteidl/service/auth_pb.js'
import {IdentityService} from '../../../src/gen/flyteidl/service/identity_pb.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {strayKey, TestOidcIssuer} from '../../support/oidc-issuer.js'

const AUDIENCE = 'api://flyte'
const CLIENT_ID = 'flyte-console'

let issuer: TestOidcIssuer
let plane: TestControlPlane
let tmp: string

before(async () => {
  issuer = await TestOidcIssuer.start({
    path: '/oauth2/default',
    defaultAudience: AUDIENCE,
    clients: {
      'ci-bot': {secret: 'ci-bot-secret', groups: ['admins']},
      'no-role': {secret: 'no-role-secret'},
    },
  })
  plane = await startControlPlane({
    auth: {oidc: {issuer: issuer.url, clientId: CLIENT_ID, audiences: [AUDIENCE], jwksCooldownMs: 0}},
  })
  tmp = mkdtempSync(join(tmpdir(), 'flytectl-oidc-'))
})

after(async () => {
  await plane.stop()
  await issuer.stop()
  rmSync(tmp, {recursive: true, force: true})
})

function clients(authorization?: string, header = 'flyte-authorization') {
  const set: Interceptor = (next) => (req) => {
    if (authorization !== undefined) req.header.set(header, authorization)
    return next(req)
  }
  const transport = createGrpcTransport({baseUrl: plane.url, interceptors: [set]})
  return {
    admin: createClient(AdminService, transport),
    identity: createClient(IdentityService, transport),
    authMetadata: createClient(AuthMetadataService, transport),
  }
}

async function clientCredentials(id: string, secret: string, form: Record<string, string> = {}) {
  const res = await fetch(`${issuer.url}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64'),
    },
    body: new URLSearchParams({grant_type: 'client_credentials', scope: 'all', ...form}),
  })
  assert.equal(res.status, 200)
  return ((await res.json()) as {access_token: string}).access_token
}

async function refused(p: Promise<unknown>, code: Code, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e))
    assert.equal(e.code, code, e.message)
    assert.match(e.rawMessage, message)
    return true
  })
}

describe('plane auth with an external OIDC issuer: what clients read', () => {
  test('the metadata RPCs and the well-known documents point at the provider', async () => {
    const md = await clients().authMetadata.getOAuth2Metadata({})
    assert.equal(md.issuer, issuer.url)
    assert.equal(md.tokenEndpoint, `${issuer.url}/v1/token`)
    assert.equal(md.jwksUri, `${issuer.url}/v1/keys`)
    assert.equal(md.authorizationEndpoint, `${issuer.url}/v1/authorize`)
    assert.deepEqual(md.grantTypesSupported, issuer.discovery().grant_types_supported)
    const pc = await clients().authMetadata.getPublicClientConfig({})
    assert.equal(pc.clientId, CLIENT_ID)
    assert.equal(pc.audience, AUDIENCE)
    assert.equal(pc.authorizationMetadataKey, 'flyte-authorization')

    const doc = (await (await fetch(`${plane.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >
    assert.equal(doc.token_endpoint, `${issuer.url}/v1/token`)
    const oidc = await fetch(`${plane.url}/.well-known/openid-configuration`, {redirect: 'manual'})
    assert.equal(oidc.status, 303)
    assert.equal(oidc.headers.get('location'), `${issuer.url}/.well-known/openid-configuration`)
    const own = await fetch(`${plane.url}/oauth2/token`, {method: 'POST', body: 'grant_type=client_credentials'})
    assert.equal(own.status, 404)
    assert.match(((await own.json()) as {error_description: string}).error_description, /trusts the OIDC issuer/)
  })
})

describe('plane auth with an external OIDC issuer: tokens', () => {
  test("the provider's client-credentials token is accepted; the caller is its subject and groups", async () => {
    const token = await clientCredentials('ci-bot', 'ci-bot-secret')
    const c = clients(`Bearer ${token}`)
    await c.admin.registerProject({project: {id: 'oidcproj', name: 'oidcproj'}})
    assert.equal((await c.admin.getProject({id: 'oidcproj'})).id, 'oidcproj')
    const me = await c.identity.userInfo({})
    assert.equal(me.subject, 'ci-bot')
    // The plain `authorization` header works too.
    await clients(`Bearer ${token}`, 'authorization').admin.getProject({id: 'oidcproj'})
  })

  test('a token for the plane URL itself is accepted (audience = plane URL)', async () => {
    const token = await clientCredentials('ci-bot', 'ci-bot-secret', {audience: plane.url})
    await clients(`Bearer ${token}`)
      .admin.getProject({id: 'flytesnacks'})
      .catch((e: unknown) => {
        assert.ok(e instanceof ConnectError && e.code === Code.NotFound, String(e))
      })
  })

  test('policy.yaml decides for the provider subjects: a client with no binding is denied, naming it', async () => {
    const token = await clientCredentials('no-role', 'no-role-secret')
    await refused(
      clients(`Bearer ${token}`).admin.listProjects({}),
      Code.PermissionDenied,
      /permission denied: client no-role may not read/,
    )
  })

  test('an ID token for the configured client id is accepted as "IDToken <token>", scope all', async () => {
    const id = await issuer.sign({email: 'ana@example.com', groups: ['admins']}, {sub: 'ana', aud: CLIENT_ID})
    const me = await clients(`IDToken ${id}`).identity.userInfo({})
    assert.equal(me.subject, 'ana')
    const other = await issuer.sign({groups: ['admins']}, {sub: 'ana', aud: 'another-app'})
    await refused(
      clients(`IDToken ${other}`).identity.userInfo({}),
      Code.Unauthenticated,
      /ID token is for another audience/,
    )
  })

  test("a user's access token with neither client id nor scopes counts as scope all (as FlyteAdmin)", async () => {
    const t = await issuer.sign({groups: ['admins']}, {sub: 'bo', aud: AUDIENCE})
    assert.equal((await clients(`Bearer ${t}`).identity.userInfo({})).subject, 'bo')
    const noAll = await issuer.sign({client_id: 'x', scp: ['offline'], groups: ['admins']}, {sub: 'x', aud: AUDIENCE})
    await refused(clients(`Bearer ${noAll}`).identity.userInfo({}), Code.Unauthenticated, /lacks the "all" scope/)
  })

  test('bad tokens are refused, each naming the failed check', async () => {
    const claims = {client_id: 'ci-bot', scp: ['all'], groups: ['admins']}
    const wrongKey = await strayKey()
    const good = await issuer.sign(claims, {sub: 'ci-bot', aud: AUDIENCE})
    const [h, b] = good.split('.')
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const hmacBody = `${b64({alg: 'HS256', typ: 'JWT', kid: issuer.kid})}.${b}`
    const hmac = `${hmacBody}.${createHmac('sha256', 'secret').update(hmacBody).digest('base64url')}`
    const cases: Array<[string, string, RegExp]> = [
      [
        'other audience',
        await issuer.sign(claims, {sub: 'ci-bot', aud: 'api://other'}),
        /access token is for another audience/,
      ],
      [
        'other issuer',
        await issuer.sign(claims, {sub: 'ci-bot', aud: AUDIENCE, iss: 'https://evil.example'}),
        /issued by another server/,
      ],
      ['expired', await issuer.sign(claims, {sub: 'ci-bot', aud: AUDIENCE, seconds: -120}), /has expired/],
      [
        'signed by another key',
        await issuer.sign(claims, {sub: 'ci-bot', aud: AUDIENCE, key: wrongKey}),
        /signature does not verify/,
      ],
      [
        'unknown kid',
        await issuer.sign(claims, {sub: 'ci-bot', aud: AUDIENCE, key: wrongKey, kid: 'nope'}),
        /key the issuer does not publish/,
      ],
      ['alg none', `${b64({alg: 'none', typ: 'JWT'})}.${b}.`, /asymmetric|malformed/],
      ['HS256', hmac, /asymmetric/],
      ['garbage', `${h}.x.y`, /malformed/],
    ]
    for (const [what, token, message] of cases) {
      await assert.rejects(clients(`Bearer ${token}`).identity.userInfo({}), (e: unknown) => {
        assert.ok(e instanceof ConnectError, `${what}: ${String(e)}`)
        assert.equal(e.code, Code.Unauthenticated, `${what}: ${e.message}`)
        assert.match(e.rawMessage, message, what)
        return true
      })
    }
  })

  test('the JWKS is cached across calls and fetched again when the provider rotates its key', async () => {
    const token = await clientCredentials('ci-bot', 'ci-bot-secret')
    await clients(`Bearer ${token}`).identity.userInfo({})
    const before = issuer.jwksFetches
    for (let i = 0; i < 5; i++) await clients(`Bearer ${token}`).identity.userInfo({})
    assert.equal(issuer.jwksFetches, before, 'no fetch per call')
    await issuer.rotate(true)
    const rotated = await clientCredentials('ci-bot', 'ci-bot-secret')
    assert.equal((await clients(`Bearer ${rotated}`).identity.userInfo({})).subject, 'ci-bot')
    assert.equal(issuer.jwksFetches, before + 1, 'one fetch for the new key')
    // The old key is gone from the provider: a token signed with it no longer verifies.
    await refused(
      clients(`Bearer ${token}`).identity.userInfo({}),
      Code.Unauthenticated,
      /key the issuer does not publish/,
    )
  })

  test("our CLI's ClientSecret flow gets its token from the provider and caches it", async () => {
    const secretFile = join(tmp, 'ci-bot.secret')
    writeFileSync(secretFile, 'ci-bot-secret\n', {mode: 0o600})
    const cachePath = join(tmp, 'tokens.json')
    const config = {
      endpoint: plane.endpoint,
      insecure: true,
      authType: 'ClientSecret' as const,
      clientId: 'ci-bot',
      clientSecretLocation: secretFile,
      useAudienceFromAdmin: true,
    }
    const requests = issuer.tokenRequests
    const first = createAdminClients(config, {tokenCache: new TokenCache(cachePath), interactive: false})
    try {
      await first.admin.getProject({id: 'oidcproj'})
      await first.admin.getProject({id: 'oidcproj'})
    } finally {
      first.close()
    }
    assert.equal(issuer.tokenRequests, requests + 1)
  })
})

describe('plane auth with an external OIDC issuer: a provider that cannot be used', () => {
  test('the plane does not start, with one line naming the problem', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://127.0.0.1:1/none', /OIDC discovery http:\/\/127\.0\.0\.1:1\/none\/\.well-known\/openid-configuration: /],
      ['http://idp.example.com', /must use https \(http only on localhost\)/],
      [`${issuer.url}/elsewhere`, /HTTP 404/],
    ]
    for (const [url, message] of cases) {
      await assert.rejects(startControlPlane({auth: {oidc: {issuer: url, timeoutMs: 500}}}), (e: unknown) => {
        assert.equal((e as Error).name, 'OidcDiscoveryError', String(e))
        assert.match((e as Error).message, message)
        return true
      })
    }
    // A document naming another issuer is refused (OpenID Connect Discovery §4.3).
    const liar = await TestOidcIssuer.start({announce: 'https://idp.example.com'})
    try {
      await assert.rejects(
        startControlPlane({auth: {oidc: {issuer: liar.url}}}),
        /names issuer "https:\/\/idp\.example\.com", not http/,
      )
    } finally {
      await liar.stop()
    }
  })
})
