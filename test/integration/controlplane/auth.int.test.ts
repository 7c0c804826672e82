/**
 * Auth on the plane: the metadata clients read first, the token endpoint, and the token check on
 * every gRPC and REST call — tokens that must be refused (none, expired, another audience, another
 * key, `alg: none`, HMAC with the public key, a refresh token, no `all` scope) and our CLI's
 * ClientSecret flow against it, with its token cache.
 */
import assert from 'node:assert/strict'
import {generateKeyPairSync, createPrivateKey, createPublicKey} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {Code, ConnectError, createClient, type Interceptor} from '@connectrpc/connect'
import {createGrpcTransport} from '@connectrpc/connect-node'
import {SignJWT} from 'jose'
import {createAdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {AuthMetadataService} from '../../../src/gen/flyteidl/service/auth_pb.js'
import {IdentityService} from '../../../src/gen/flyteidl/service/identity_pb.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let tmp: string
let secretFile: string
let secret: string

before(async () => {
  plane = await startControlPlane({auth: {}})
  tmp = mkdtempSync(join(tmpdir(), 'flytectl-auth-'))
  secretFile = join(plane.dataDir, 'auth', 'flytepropeller.secret')
  secret = readFileSync(secretFile, 'utf8').trim()
})

after(async () => {
  await plane.stop()
  rmSync(tmp, {recursive: true, force: true})
})

function rawClients(token?: string, header = 'flyte-authorization') {
  const setToken: Interceptor = (next) => (req) => {
    if (token !== undefined) req.header.set(header, `Bearer ${token}`)
    return next(req)
  }
  const transport = createGrpcTransport({baseUrl: plane.url, interceptors: [setToken]})
  return {
    admin: createClient(AdminService, transport),
    identity: createClient(IdentityService, transport),
    authMetadata: createClient(AuthMetadataService, transport),
  }
}

async function clientCredentials(form: Record<string, string>, basic?: [string, string]) {
  const headers: Record<string, string> = {'content-type': 'application/x-www-form-urlencoded'}
  if (basic) headers.authorization = 'Basic ' + Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')
  const res = await fetch(`${plane.url}/oauth2/token`, {method: 'POST', headers, body: new URLSearchParams(form)})
  return {status: res.status, body: (await res.json()) as Record<string, unknown>}
}

async function unauthenticated(p: Promise<unknown>, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e))
    assert.equal(e.code, Code.Unauthenticated, e.message)
    assert.match(e.rawMessage, message)
    return true
  })
}

describe('plane auth: what clients read first', () => {
  test('GetOAuth2Metadata and GetPublicClientConfig are open and name the endpoints', async () => {
    const {authMetadata} = rawClients()
    const md = await authMetadata.getOAuth2Metadata({})
    assert.equal(md.issuer, plane.url)
    assert.equal(md.tokenEndpoint, `${plane.url}/oauth2/token`)
    assert.equal(md.authorizationEndpoint, `${plane.url}/oauth2/authorize`)
    assert.equal(md.deviceAuthorizationEndpoint, `${plane.url}/oauth2/device_authorization`)
    assert.equal(md.jwksUri, `${plane.url}/oauth2/jwks`)
    assert.deepEqual(md.codeChallengeMethodsSupported, ['S256'])
    assert.ok(md.grantTypesSupported.includes('client_credentials'))
    assert.ok(md.scopesSupported.includes('all'))
    const pc = await authMetadata.getPublicClientConfig({})
    assert.equal(pc.clientId, 'flytectl')
    assert.equal(pc.redirectUri, 'http://localhost:53593/callback')
    assert.deepEqual(pc.scopes, ['all', 'offline'])
    assert.equal(pc.authorizationMetadataKey, 'flyte-authorization')
  })

  test('the well-known documents and the JWKS answer over HTTP', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(plane.url + path)
      assert.equal(res.status, 200, path)
      const doc = (await res.json()) as Record<string, unknown>
      assert.equal(doc.token_endpoint, `${plane.url}/oauth2/token`, path)
      assert.equal(doc.issuer, plane.url)
    }
    const client = (await (await fetch(`${plane.url}/config/v1/flyte_client`)).json()) as Record<string, unknown>
    assert.equal(client.client_id, 'flytectl')
    assert.equal(client.authorization_metadata_key, 'flyte-authorization')
    const jwks = (await (await fetch(`${plane.url}/oauth2/jwks`)).json()) as {keys: Record<string, unknown>[]}
    assert.equal(jwks.keys.length, 1)
    assert.equal(jwks.keys[0]!.kty, 'RSA')
    assert.equal(jwks.keys[0]!.alg, 'RS256')
    assert.equal(jwks.keys[0]!.d, undefined, 'no private part')
  })

  test('the signing key and the secrets are private to the owner', () => {
    for (const f of ['signing-key.pem', 'identities.yaml', 'flytepropeller.secret', 'admin.password']) {
      assert.equal(statSync(join(plane.dataDir, 'auth', f)).mode & 0o777, 0o600, f)
    }
    assert.doesNotMatch(readFileSync(join(plane.dataDir, 'auth', 'identities.yaml'), 'utf8'), new RegExp(secret))
  })

  test('/healthz stays open', async () => {
    assert.equal((await fetch(`${plane.url}/healthz`)).status, 200)
  })
})

describe('plane auth: the token endpoint', () => {
  test('client credentials with the right secret give a bearer token with the all scope', async () => {
    const r = await clientCredentials({grant_type: 'client_credentials', scope: 'all'}, ['flytepropeller', secret])
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal(r.body.token_type, 'bearer')
    assert.equal(typeof r.body.access_token, 'string')
    assert.equal(r.body.expires_in, 1800)
    assert.equal(r.body.refresh_token, undefined, 'no refresh token for client credentials')
    const [, payload] = (r.body.access_token as string).split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
    assert.equal(claims.aud, plane.url)
    assert.equal(claims.sub, 'flytepropeller')
    assert.deepEqual(claims.scp, ['all'])
  })

  test('client_secret_post works too; a wrong secret or unknown client is invalid_client (401)', async () => {
    const ok = await clientCredentials({
      grant_type: 'client_credentials',
      client_id: 'flytepropeller',
      client_secret: secret,
    })
    assert.equal(ok.status, 200)
    const wrong = await clientCredentials({grant_type: 'client_credentials'}, ['flytepropeller', secret + 'x'])
    assert.equal(wrong.status, 401)
    assert.equal(wrong.body.error, 'invalid_client')
    const unknown = await clientCredentials({grant_type: 'client_credentials'}, ['nobody', secret])
    assert.equal(unknown.body.error, 'invalid_client')
  })

  test('unknown grant types, scopes and audiences are refused with RFC 6749 errors', async () => {
    const grant = await clientCredentials({grant_type: 'password'}, ['flytepropeller', secret])
    assert.equal(grant.body.error, 'unsupported_grant_type')
    const scope = await clientCredentials({grant_type: 'client_credentials', scope: 'root'}, ['flytepropeller', secret])
    assert.equal(scope.body.error, 'invalid_scope')
    const aud = await clientCredentials({grant_type: 'client_credentials', audience: 'https://elsewhere'}, [
      'flytepropeller',
      secret,
    ])
    assert.equal(aud.body.error, 'invalid_target')
  })
})

describe('plane auth: every call checks the token', () => {
  let good: string
  const key = () => createPrivateKey(readFileSync(join(plane.dataDir, 'auth', 'signing-key.pem')))
  const claims = () => ({client_id: 'flytepropeller', scp: ['all'], groups: ['admins'], kind: 'client'})
  const sign = (opts: {exp?: number; aud?: string; typ?: string; key?: ReturnType<typeof key>; scp?: string[]} = {}) =>
    new SignJWT({...claims(), ...(opts.scp ? {scp: opts.scp} : {})})
      .setProtectedHeader({alg: 'RS256', typ: opts.typ ?? 'at+jwt'})
      .setIssuer(plane.url)
      .setAudience(opts.aud ?? plane.url)
      .setSubject('flytepropeller')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(opts.key ?? key())

  before(async () => {
    const r = await clientCredentials({grant_type: 'client_credentials', scope: 'all offline'}, [
      'flytepropeller',
      secret,
    ])
    good = r.body.access_token as string
  })

  test('no token: gRPC Unauthenticated and REST 401, naming the header and the token endpoint', async () => {
    await unauthenticated(rawClients().admin.listProjects({}), /flyte-authorization: Bearer <token>.*\/oauth2\/token/)
    const res = await fetch(`${plane.url}/api/v1/projects`)
    assert.equal(res.status, 401)
    assert.match(((await res.json()) as {message: string}).message, /authentication required/)
  })

  test('a good token passes on gRPC (either header) and REST, and UserInfo names the caller', async () => {
    const list = await rawClients(good).admin.listProjects({})
    assert.ok(Array.isArray(list.projects))
    await rawClients(good, 'authorization').admin.getVersion({})
    const me = await rawClients(good).identity.userInfo({})
    assert.equal(me.subject, 'flytepropeller')
    const res = await fetch(`${plane.url}/api/v1/projects`, {headers: {authorization: `Bearer ${good}`}})
    assert.equal(res.status, 200)
  })

  test('bad tokens are refused, each saying why', async () => {
    const past = Math.floor(Date.now() / 1000) - 60
    const other = generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey
    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url')
    const body = good.split('.')[1]
    const publicPem = createPublicKey(key()).export({type: 'spki', format: 'pem'}) as string
    const hmac = await new SignJWT(claims())
      .setProtectedHeader({alg: 'HS256', typ: 'at+jwt'})
      .setIssuer(plane.url)
      .setAudience(plane.url)
      .setSubject('flytepropeller')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(publicPem))
    const cases: Array<[string, string, RegExp]> = [
      ['expired', await sign({exp: past}), /has expired/],
      ['wrong audience', await sign({aud: 'https://other.example'}), /another audience/],
      ['wrong signature', await sign({key: other}), /signature does not verify/],
      ['alg none', `${header({alg: 'none', typ: 'at+jwt'})}.${body}.`, /not signed with RS256|malformed/],
      ['HS256 with the public key', hmac, /not signed with RS256/],
      ['a refresh token', await sign({typ: 'rt+jwt'}), /not an access token/],
      ['no all scope', await sign({scp: ['offline']}), /lacks the "all" scope/],
      [
        'tampered payload',
        good.replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`),
        /signature|malformed|invalid/,
      ],
      ['garbage', 'not-a-jwt', /malformed|invalid/],
    ]
    for (const [what, token, message] of cases) {
      await unauthenticated(rawClients(token).admin.listProjects({}), message).catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`)
      })
      const res = await fetch(`${plane.url}/api/v1/projects`, {headers: {'flyte-authorization': `Bearer ${token}`}})
      assert.equal(res.status, 401, what)
    }
  })
})

describe('plane auth: our CLI client (ClientSecret) end to end', () => {
  test('obtains a token on the first Unauthenticated, caches it, and the next client reuses it', async () => {
    const cachePath = join(tmp, 'tokens.json')
    const config = {
      endpoint: plane.endpoint,
      insecure: true,
      authType: 'ClientSecret' as const,
      clientId: 'flytepropeller',
      clientSecretLocation: secretFile,
    }
    const first = createAdminClients(config, {tokenCache: new TokenCache(cachePath), interactive: false})
    try {
      await first.admin.registerProject({project: {id: 'authproj', name: 'authproj'}})
      const p = await first.admin.getProject({id: 'authproj'})
      assert.equal(p.id, 'authproj')
    } finally {
      first.close()
    }
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, {accessToken: string}>
    const [entry] = Object.values(cached)
    assert.ok(entry?.accessToken, 'token cached')
    assert.equal(statSync(cachePath).mode & 0o777, 0o600)
    // A client with a wrong secret but the cached token still works: the cache is used first.
    const wrongSecret = join(tmp, 'wrong.secret')
    await import('node:fs').then((fs) => fs.writeFileSync(wrongSecret, 'nope\n'))
    const second = createAdminClients(
      {...config, clientSecretLocation: wrongSecret},
      {tokenCache: new TokenCache(cachePath), interactive: false},
    )
    try {
      assert.equal((await second.admin.getProject({id: 'authproj'})).id, 'authproj')
    } finally {
      second.close()
    }
  })

  test('a wrong secret with no cached token fails Unauthenticated, naming the token endpoint refusal', async () => {
    const wrongSecret = join(tmp, 'wrong2.secret')
    await import('node:fs').then((fs) => fs.writeFileSync(wrongSecret, 'nope\n'))
    const c = createAdminClients(
      {
        endpoint: plane.endpoint,
        insecure: true,
        authType: 'ClientSecret',
        clientId: 'flytepropeller',
        clientSecretLocation: wrongSecret,
      },
      {tokenCache: new TokenCache(join(tmp, 'empty.json')), interactive: false},
    )
    try {
      await assert.rejects(c.admin.listProjects({}), (e: unknown) => {
        assert.ok(e instanceof ConnectError)
        assert.equal(e.code, Code.Unauthenticated)
        assert.match(e.message, /invalid_client/)
        return true
      })
    } finally {
      c.close()
    }
  })
})
