/**
 * An external OIDC provider as the plane's authorization server (`--oidc-issuer URL`), as FlyteAdmin's
 * `appAuth.authServerType: External` with `userAuth.openId` set: the provider's discovery document
 * (`<issuer>/.well-known/openid-configuration`) is read at start; its JWKS is fetched on first use,
 * cached, and fetched again when a token names a key it does not hold (a rotated key) or the cache
 * ages out. Clients are pointed at the provider (the metadata RPCs answer with its endpoints).
 *
 * Accepted, as FlyteAdmin accepts them:
 * - `Bearer <access token>`: signed by the provider (asymmetric algorithms only), `iss` the provider,
 *   `aud` one of the allowed audiences or the plane's URL, not expired; scopes from `scp` (list or
 *   string) or `scope`; a token with neither client id nor scopes (a user's) counts as scope `all`.
 * - `IDToken <id token>`: signed by the provider, `iss` the provider, `aud` the configured client id
 *   (refused when none is configured), not expired; scope `all`.
 */
import {createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey} from 'jose'
import type {PlainRequest, PlainResponse} from '../http-blobs.js'
import {externalPublicClient, publicClientDocument} from './metadata.js'
import type {Principal} from './principal.js'
import {TokenError} from './tokens.js'

export interface OidcOptions {
  /** The provider's issuer URL (https, or http on a loopback host). */
  issuer: string
  /** The client id ID tokens are issued for (FlyteAdmin's `userAuth.openId.clientId`); also the public client id. */
  clientId?: string
  /** Audiences accepted on access tokens besides the plane's URL (`externalAuthServer.allowedAudience`). */
  audiences?: string[]
  /** Scopes clients are told to ask for (default `all`, `offline`, as FlyteAdmin's `flyteClient.scopes`). */
  scopes?: string[]
  /** Shortest wait between two JWKS fetches for an unknown key (default 30 s). */
  jwksCooldownMs?: number
  /** How long a fetched JWKS is kept before it is fetched again (default 10 minutes). */
  jwksMaxAgeMs?: number
  /** Per-request timeout for discovery and JWKS (default 5 s). */
  timeoutMs?: number
}

/** Algorithms an external provider's tokens may be signed with: asymmetric only (no `none`, no HMAC). */
export const EXTERNAL_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]

const MAX_DOCUMENT_BYTES = 1 << 20

/** The provider cannot be used (discovery failed or its document is unusable): the plane does not start. */
export class OidcDiscoveryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OidcDiscoveryError'
  }
}

/** The discovery fields the plane uses and passes on (strings and lists of strings only). */
export interface ProviderMetadata {
  issuer: string
  jwks_uri: string
  authorization_endpoint?: string
  token_endpoint?: string
  device_authorization_endpoint?: string
  response_types_supported?: string[]
  scopes_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  code_challenge_methods_supported?: string[]
  grant_types_supported?: string[]
}

const STRING_FIELDS = ['authorization_endpoint', 'token_endpoint', 'device_authorization_endpoint'] as const
const LIST_FIELDS = [
  'response_types_supported',
  'scopes_supported',
  'token_endpoint_auth_methods_supported',
  'code_challenge_methods_supported',
  'grant_types_supported',
] as const

/** An http(s) URL the plane may fetch from or point clients at: https, or http on this machine. */
export function checkProviderUrl(raw: string, what: string): URL {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new OidcDiscoveryError(`${what} ${JSON.stringify(raw)} is not a URL`)
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]'
  if (u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) {
    if (u.username || u.password) throw new OidcDiscoveryError(`${what} ${raw} must not carry credentials`)
    return u
  }
  throw new OidcDiscoveryError(`${what} ${raw} must use https (http only on localhost)`)
}

/** Reads and checks a provider's discovery document; the one-line error names what is wrong. */
export async function discover(issuer: string, timeoutMs = 5000, attempts = 3): Promise<ProviderMetadata> {
  const base = checkProviderUrl(issuer, '--oidc-issuer')
  const url = `${base.href.replace(/\/$/, '')}/.well-known/openid-configuration`
  let last: Error | undefined
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 500 * i))
    let res: Response
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
        headers: {accept: 'application/json'},
      })
    } catch (err) {
      last = new OidcDiscoveryError(`OIDC discovery ${url}: ${(err as Error).message}`)
      continue
    }
    const text = await res.text()
    if (res.status >= 500 || res.status === 429) {
      last = new OidcDiscoveryError(`OIDC discovery ${url}: HTTP ${res.status}`)
      continue
    }
    if (res.status !== 200) throw new OidcDiscoveryError(`OIDC discovery ${url}: HTTP ${res.status}`)
    if (text.length > MAX_DOCUMENT_BYTES)
      throw new OidcDiscoveryError(`OIDC discovery ${url}: the document is too large`)
    return parseDiscovery(text, issuer, url)
  }
  throw last ?? new OidcDiscoveryError(`OIDC discovery ${url} failed`)
}

export function parseDiscovery(text: string, issuer: string, url: string): ProviderMetadata {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new OidcDiscoveryError(`OIDC discovery ${url}: not JSON`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new OidcDiscoveryError(`OIDC discovery ${url}: not a JSON object`)
  const d = doc as Record<string, unknown>
  // OpenID Connect Discovery §4.3: the document's issuer is exactly the issuer asked for.
  const strip = (s: string) => s.replace(/\/$/, '')
  if (typeof d.issuer !== 'string' || strip(d.issuer) !== strip(issuer))
    throw new OidcDiscoveryError(
      `OIDC discovery ${url}: the document names issuer ${JSON.stringify(d.issuer)}, not ${issuer}`,
    )
  if (typeof d.jwks_uri !== 'string') throw new OidcDiscoveryError(`OIDC discovery ${url}: no jwks_uri`)
  const out: ProviderMetadata = {
    issuer: d.issuer,
    jwks_uri: checkProviderUrl(d.jwks_uri, `OIDC discovery ${url}: jwks_uri`).href,
  }
  for (const f of STRING_FIELDS) if (typeof d[f] === 'string') out[f] = d[f]
  for (const f of LIST_FIELDS) {
    const v = d[f]
    if (Array.isArray(v)) out[f] = v.filter((x): x is string => typeof x === 'string')
  }
  return out
}

function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  return []
}

export class ExternalIssuer {
  private readonly keys: JWTVerifyGetKey
  readonly audiences: string[]

  constructor(
    readonly metadata: ProviderMetadata,
    readonly options: OidcOptions,
  ) {
    this.keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
      timeoutDuration: options.timeoutMs ?? 5000,
    })
    this.audiences = options.audiences ?? []
  }

  static async start(options: OidcOptions): Promise<ExternalIssuer> {
    return new ExternalIssuer(await discover(options.issuer, options.timeoutMs), options)
  }

  get issuer(): string {
    return this.metadata.issuer
  }

  private async verify(token: string, what: string, audience: string[]): Promise<JWTPayload> {
    try {
      const {payload} = await jwtVerify(token, this.keys, {
        algorithms: EXTERNAL_ALGORITHMS,
        issuer: this.issuer,
        audience,
        requiredClaims: ['exp', 'sub'],
      })
      return payload
    } catch (err) {
      throw new TokenError(describe(err, what))
    }
  }

  /** An access token from the provider for this plane (`planeUrl` is always an accepted audience). */
  async verifyAccess(token: string, planeUrl: string): Promise<Principal> {
    const p = await this.verify(token, 'access token', [...this.audiences, planeUrl])
    const clientId = typeof p.client_id === 'string' ? p.client_id : ''
    let scopes: string[]
    if (Array.isArray(p.scp)) scopes = stringList(p.scp)
    else if (typeof p.scp === 'string') scopes = [p.scp]
    else if (typeof p.scope === 'string') scopes = p.scope.split(' ').filter(Boolean)
    else scopes = []
    // As FlyteAdmin: a user's token with no scopes is as good as their login.
    if (!clientId && scopes.length === 0) scopes = ['all']
    return {
      kind: clientId && clientId === p.sub ? 'client' : 'user',
      name: p.sub!,
      clientId,
      groups: stringList(p.groups),
      scopes,
    }
  }

  /** An ID token issued to the configured client id; the caller is a user with scope `all`. */
  async verifyIdToken(token: string): Promise<Principal> {
    if (!this.options.clientId)
      throw new TokenError('ID tokens are not accepted: the plane was started without --oidc-client-id')
    const p = await this.verify(token, 'ID token', [this.options.clientId])
    return {kind: 'user', name: p.sub!, clientId: '', groups: stringList(p.groups), scopes: ['all']}
  }
}

function describe(err: unknown, what: string): string {
  if (err instanceof errors.JWTExpired) return `the ${what} has expired`
  if (err instanceof errors.JWSSignatureVerificationFailed) return `the ${what} signature does not verify`
  if (err instanceof errors.JOSEAlgNotAllowed) return `the ${what} is not signed with an asymmetric algorithm`
  if (err instanceof errors.JWKSNoMatchingKey) return `the ${what} is signed with a key the issuer does not publish`
  if (err instanceof errors.JWKSTimeout) return `the issuer's JWKS did not answer in time`
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `the ${what} is for another audience`
    if (err.claim === 'iss') return `the ${what} was issued by another server`
    return `the ${what} has an invalid "${err.claim}" claim`
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported)
    return `the ${what} is malformed`
  if (err instanceof errors.JOSEError) return `the ${what} could not be checked (${err.code})`
  return `the ${what} could not be checked: ${(err as Error).message}`
}

function json(res: PlainResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json', 'cache-control': 'no-store', ...extra})
  res.end(JSON.stringify(body))
}

/**
 * The plane's HTTP auth routes with an external issuer, as FlyteAdmin's in External mode: the
 * authorization-server metadata is the provider's, `/.well-known/openid-configuration` redirects (303)
 * to the provider's, `/config/v1/flyte_client` names the public client; the plane's own `/oauth2/*`
 * endpoints do not exist (404 naming the issuer to use).
 */
export class ExternalRoutes {
  constructor(
    private readonly issuer: ExternalIssuer,
    private readonly baseUrl: () => string,
  ) {}

  handle(url: URL, req: PlainRequest, res: PlainResponse): boolean {
    const method = (req.method ?? 'GET').toUpperCase()
    const get = method === 'GET' || method === 'HEAD'
    const path = url.pathname
    const iss = this.issuer.metadata.issuer
    if (path === '/.well-known/oauth-authorization-server' && get) {
      json(res, 200, this.issuer.metadata)
    } else if (path === '/.well-known/openid-configuration' && get) {
      res.writeHead(303, {
        location: `${iss.replace(/\/$/, '')}/.well-known/openid-configuration`,
        'cache-control': 'no-store',
      })
      res.end()
    } else if (path === '/config/v1/flyte_client' && get) {
      json(res, 200, publicClientDocument(this.baseUrl(), externalPublicClient(this.issuer.options)))
    } else if (path.startsWith('/oauth2/')) {
      json(res, 404, {
        error: 'invalid_request',
        error_description: `this plane trusts the OIDC issuer ${iss}; get tokens from it (see /.well-known/oauth-authorization-server)`,
      })
    } else if (
      path === '/config/v1/flyte_client' ||
      path === '/.well-known/oauth-authorization-server' ||
      path === '/.well-known/openid-configuration'
    ) {
      json(res, 405, {error: 'invalid_request', error_description: `${method} is not supported on ${path}`})
    } else {
      return false
    }
    return true
  }
}
