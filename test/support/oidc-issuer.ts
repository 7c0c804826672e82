/**
 * A small OpenID Connect provider for tests: a stand-in for a third-party identity provider (Okta,
 * Keycloak, Auth0) the plane is told to trust with `--oidc-issuer`. It serves the discovery document,
 * its JWKS (counting fetches), and a token endpoint for client credentials (client_secret_basic or
 * client_secret_post), and signs tokens the tests shape themselves (ID tokens, other audiences,
 * expired ones). `rotate()` signs with a new key from then on, publishing both unless told otherwise.
 */
import {randomUUID, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload} from 'jose'

export interface IssuerClient {
  secret: string
  groups?: string[]
}

export interface IssuerOptions {
  clients?: Record<string, IssuerClient>
  /** The `aud` of client-credentials tokens when the request names none. */
  defaultAudience?: string
  /** Lifetime of issued access tokens in seconds (default 300). */
  tokenSeconds?: number
  /** A path below the origin the issuer lives at (as Okta's /oauth2/default). */
  path?: string
  /** The issuer the discovery document names, when it must differ from the URL it is served at. */
  announce?: string
}

interface Key {
  kid: string
  privateKey: CryptoKey
  jwk: JWK
}

async function newKey(): Promise<Key> {
  const {privateKey, publicKey} = await generateKeyPair('RS256', {extractable: true})
  const kid = randomUUID()
  return {kid, privateKey, jwk: {...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig'}}
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let s = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (s += c))
    req.on('end', () => ok(s))
    req.on('error', fail)
  })
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export class TestOidcIssuer {
  jwksFetches = 0
  discoveryFetches = 0
  /** Token-endpoint requests answered (granted or not). */
  tokenRequests = 0
  private keys: Key[] = []
  private server!: Server
  url = ''

  private constructor(private readonly opts: IssuerOptions) {}

  static async start(opts: IssuerOptions = {}): Promise<TestOidcIssuer> {
    const issuer = new TestOidcIssuer(opts)
    issuer.keys = [await newKey()]
    issuer.server = createServer((req, res) => {
      issuer.route(req).then(
        ({status, body, headers}) => {
          res.writeHead(status, {'content-type': 'application/json', ...headers})
          res.end(JSON.stringify(body))
        },
        (err: unknown) => {
          res.writeHead(500, {'content-type': 'application/json'})
          res.end(JSON.stringify({error: 'server_error', error_description: String(err)}))
        },
      )
    })
    await new Promise<void>((ok) => issuer.server.listen(0, '127.0.0.1', ok))
    const {port} = issuer.server.address() as AddressInfo
    issuer.url = `http://127.0.0.1:${port}${opts.path ?? ''}`
    return issuer
  }

  get current(): Key {
    return this.keys[this.keys.length - 1]!
  }

  get kid(): string {
    return this.current.kid
  }

  discovery() {
    return {
      issuer: this.opts.announce ?? this.url,
      authorization_endpoint: `${this.url}/v1/authorize`,
      token_endpoint: `${this.url}/v1/token`,
      jwks_uri: `${this.url}/v1/keys`,
      response_types_supported: ['code', 'id_token', 'token id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'all', 'offline'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    }
  }

  private async route(
    req: IncomingMessage,
  ): Promise<{status: number; body: unknown; headers?: Record<string, string>}> {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const prefix = this.opts.path ?? ''
    if (path === `${prefix}/.well-known/openid-configuration` && req.method === 'GET') {
      this.discoveryFetches++
      return {status: 200, body: this.discovery()}
    }
    if (path === `${prefix}/v1/keys` && req.method === 'GET') {
      this.jwksFetches++
      return {status: 200, body: {keys: this.keys.map((k) => k.jwk)}}
    }
    if (path === `${prefix}/v1/token` && req.method === 'POST') {
      this.tokenRequests++
      return this.token(req)
    }
    return {status: 404, body: {error: 'not_found'}}
  }

  private async token(req: IncomingMessage) {
    const form = new URLSearchParams(await readBody(req))
    let id = form.get('client_id') ?? ''
    let secret = form.get('client_secret') ?? ''
    const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (basic) {
      const text = Buffer.from(basic[1]!, 'base64').toString('utf8')
      const i = text.indexOf(':')
      id = decodeURIComponent(text.slice(0, i))
      secret = decodeURIComponent(text.slice(i + 1))
    }
    const client = this.opts.clients?.[id]
    if (!client || !same(client.secret, secret))
      return {status: 401, body: {error: 'invalid_client', error_description: 'client authentication failed'}}
    if (form.get('grant_type') !== 'client_credentials')
      return {status: 400, body: {error: 'unsupported_grant_type', error_description: 'client_credentials only'}}
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean)
    const seconds = this.opts.tokenSeconds ?? 300
    const token = await this.sign(
      {
        client_id: id,
        scp: scopes,
        ...(client.groups ? {groups: client.groups} : {}),
      },
      {sub: id, aud: form.get('audience') || this.opts.defaultAudience || this.url, seconds},
    )
    return {
      status: 200,
      body: {access_token: token, token_type: 'Bearer', expires_in: seconds, scope: scopes.join(' ')},
      headers: {'cache-control': 'no-store'},
    }
  }

  /** A token signed by this issuer's current key (or `key`), shaped by the test. */
  async sign(
    claims: JWTPayload,
    o: {sub: string; aud: string | string[]; seconds?: number; iss?: string; kid?: string; key?: CryptoKey},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const seconds = o.seconds ?? 300
    return new SignJWT(claims)
      .setProtectedHeader({alg: 'RS256', kid: o.kid ?? this.kid, typ: 'JWT'})
      .setIssuer(o.iss ?? this.url)
      .setSubject(o.sub)
      .setAudience(o.aud)
      .setIssuedAt(Math.min(now, now + seconds - 60))
      .setExpirationTime(now + seconds)
      .setJti(randomUUID())
      .sign(o.key ?? this.current.privateKey)
  }

  /** Signs with a new key from now on; the old one stays published unless `dropOld`. */
  async rotate(dropOld = false): Promise<void> {
    const k = await newKey()
    this.keys = dropOld ? [k] : [...this.keys, k]
  }

  stop(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((ok) => this.server.close(() => ok()))
  }
}

/** A key no issuer publishes, for tokens that must fail the signature check. */
export async function strayKey(): Promise<CryptoKey> {
  return (await generateKeyPair('RS256')).privateKey
}
