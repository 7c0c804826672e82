/**
 * The plane's OAuth2 authorization server, shaped as FlyteAdmin's self-hosted one looks to clients:
 * metadata at `/.well-known/oauth-authorization-server` (and `/.well-known/openid-configuration`),
 * public client config at `/config/v1/flyte_client`, keys at `/oauth2/jwks`, tokens at
 * `/oauth2/token` (client credentials, authorization code with PKCE S256, refresh token, device
 * code), a login page at `/oauth2/authorize`, and the device flow (RFC 8628) at
 * `/oauth2/device_authorization` with its verification page at `/oauth2/device`.
 * Token-endpoint errors are RFC 6749 JSON (`{"error": "invalid_client", "error_description": …}`).
 */
import {createHash, randomBytes, randomInt, timingSafeEqual} from 'node:crypto'
import type {PlainRequest, PlainResponse} from '../http-blobs.js'
import type {IdentityStore} from './identities.js'
import type {SigningKey} from './keys.js'
import {
  DEVICE_GRANT,
  oauth2MetadataDocument,
  publicClientDocument,
  PUBLIC_CLIENT_ID,
  REDIRECT_URIS,
  SCOPE_ALL,
  SCOPE_OFFLINE,
} from './metadata.js'
import type {Principal} from './principal.js'
import {TokenError, type TokenService} from './tokens.js'

/** Where the plane's own console receives its sign-in code (registered besides the CLI's URIs). */
export const consoleCallback = (base: string) => `${base}/callback`

const CODE_SECONDS = 5 * 60
const DEVICE_SECONDS = 10 * 60
const DEVICE_INTERVAL_SECONDS = 1
/** Pending codes kept at once; more is a flood, answered with `temporarily_unavailable`. */
const MAX_PENDING = 1000
const MAX_FORM_BYTES = 64 * 1024

interface PendingCode {
  clientId: string
  redirectUri: string
  challenge: string
  principal: Principal
  expires: number
}

interface PendingDevice {
  userCode: string
  clientId: string
  scopes: string[]
  expires: number
  approved?: Principal
  denied?: boolean
}

class OAuthFailure extends Error {
  constructor(
    readonly error: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

function json(res: PlainResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json', 'cache-control': 'no-store', ...extra})
  res.end(JSON.stringify(body))
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the login
  // form's POST, which the plane's edge refuses as cross-origin.
  'referrer-policy': 'same-origin',
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c as '&'] ?? c,
  )
}

function page(res: PlainResponse, status: number, title: string, body: string): void {
  res.writeHead(status, PAGE_HEADERS)
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      `<style>body{font-family:sans-serif;max-width:28em;margin:4em auto}label{display:block;margin:.6em 0}</style>` +
      `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  )
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('')
}

const LOGIN_FIELDS =
  '<label>User <input name="username" autocomplete="username" required></label>' +
  '<label>Password <input name="password" type="password" autocomplete="current-password" required></label>'

function readForm(req: PlainRequest): Promise<URLSearchParams> {
  return new Promise((ok, fail) => {
    const type = String(req.headers['content-type'] ?? '')
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      fail(new OAuthFailure('invalid_request', 'send the request as application/x-www-form-urlencoded'))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_FORM_BYTES && !done) {
        done = true
        fail(new OAuthFailure('invalid_request', 'request body too large', 413))
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (!done) ok(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
    })
  })
}

/** `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): {id: string; secret: string} | undefined {
  if (!header || !/^basic /i.test(header)) return undefined
  const raw = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const i = raw.indexOf(':')
  if (i < 0) return undefined
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch {
      return s
    }
  }
  return {id: decode(raw.slice(0, i)), secret: decode(raw.slice(i + 1))}
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The scopes to grant: the requested ones this server knows, `all` when none were asked for. */
function grantScopes(requested: string | null): string[] {
  const asked = (requested ?? '').split(/\s+/).filter(Boolean)
  const known = asked.filter((s) => s === SCOPE_ALL || s === SCOPE_OFFLINE)
  if (asked.length > 0 && known.length === 0)
    throw new OAuthFailure('invalid_scope', `unknown scope ${asked.join(' ')}; this server grants: all offline`)
  return known.length > 0 ? [...new Set(known)] : [SCOPE_ALL]
}

export interface OAuthServerDeps {
  baseUrl: () => string
  key: SigningKey
  tokens: TokenService
  identities: IdentityStore
  /** A short line for the plane's log. */
  log: (line: string) => void
}

export class OAuthServer {
  private readonly codes = new Map<string, PendingCode>()
  private readonly devices = new Map<string, PendingDevice>()

  constructor(private readonly deps: OAuthServerDeps) {}

  /** Answers the request when it is one of this server's paths; false otherwise. */
  handle(url: URL, req: PlainRequest, res: PlainResponse): boolean {
    const base = this.deps.baseUrl()
    const method = (req.method ?? 'GET').toUpperCase()
    const path = url.pathname
    const get = method === 'GET' || method === 'HEAD'
    if (path === '/.well-known/oauth-authorization-server' && get) {
      json(res, 200, oauth2MetadataDocument(base))
    } else if (path === '/.well-known/openid-configuration' && get) {
      json(res, 200, {
        ...oauth2MetadataDocument(base),
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      })
    } else if (path === '/config/v1/flyte_client' && get) {
      json(res, 200, publicClientDocument(base))
    } else if (path === '/oauth2/jwks' && get) {
      json(res, 200, {keys: [this.deps.key.jwk]})
    } else if (path === '/oauth2/token' && method === 'POST') {
      this.guarded(res, () => this.token(req, res), true)
    } else if (path === '/oauth2/authorize' && get) {
      this.guarded(res, async () => this.authorizePage(url.searchParams, res, ''), false)
    } else if (path === '/oauth2/authorize' && method === 'POST') {
      this.guarded(res, () => this.authorizeSubmit(req, res), false)
    } else if (path === '/oauth2/device_authorization' && method === 'POST') {
      this.guarded(res, () => this.deviceAuthorization(req, res), true)
    } else if (path === '/oauth2/device' && get) {
      this.devicePage(res, url.searchParams.get('user_code') ?? '', '')
    } else if (path === '/oauth2/device' && method === 'POST') {
      this.guarded(res, () => this.deviceSubmit(req, res), false)
    } else if (
      path.startsWith('/oauth2/') ||
      path === '/config/v1/flyte_client' ||
      path.startsWith('/.well-known/oauth-authorization-server') ||
      path === '/.well-known/openid-configuration'
    ) {
      json(res, 405, {error: 'invalid_request', error_description: `${method} is not supported on ${path}`})
    } else {
      return false
    }
    return true
  }

  /**
   * The console's sign-in (`/login` → this server's login page → `/callback`, see
   * ../console/session.ts): redeems an authorization code or a refresh token in-process, with the
   * token endpoint's checks.
   */
  async redeem(form: URLSearchParams) {
    const grant = form.get('grant_type')
    if (grant === 'authorization_code') return this.authorizationCode(form)
    if (grant === 'refresh_token') return this.refresh(form)
    throw new OAuthFailure('unsupported_grant_type', `grant type ${grant ?? ''} is not redeemed here`)
  }

  private guarded(res: PlainResponse, fn: () => Promise<void>, asJson: boolean): void {
    fn().catch((err: unknown) => {
      const f =
        err instanceof OAuthFailure ? err : new OAuthFailure('server_error', (err as Error).message ?? 'error', 500)
      if (f.status === 500) this.deps.log(`oauth2 error: ${(err as Error).stack ?? String(err)}`)
      if (asJson) json(res, f.status, {error: f.error, error_description: f.message})
      else page(res, f.status, 'Sign-in failed', `<p>${escapeHtml(f.message)}</p>`)
    })
  }

  private sweep(): void {
    const now = Date.now()
    for (const [k, v] of this.codes) if (v.expires < now) this.codes.delete(k)
    for (const [k, v] of this.devices) if (v.expires < now) this.devices.delete(k)
    if (this.codes.size + this.devices.size >= MAX_PENDING)
      throw new OAuthFailure('temporarily_unavailable', 'too many pending sign-ins; try again in a few minutes', 503)
  }

  // ---- token endpoint

  private async token(req: PlainRequest, res: PlainResponse): Promise<void> {
    const form = await readForm(req)
    const grant = form.get('grant_type') ?? ''
    const audience = form.get('audience')
    if (audience && audience !== this.deps.baseUrl())
      throw new OAuthFailure('invalid_target', `this server issues tokens for ${this.deps.baseUrl()} only`)
    let body
    switch (grant) {
      case 'client_credentials':
        body = await this.clientCredentials(req, form)
        break
      case 'authorization_code':
        body = await this.authorizationCode(form)
        break
      case 'refresh_token':
        body = await this.refresh(form)
        break
      case DEVICE_GRANT:
        body = await this.deviceCode(form)
        break
      default:
        throw new OAuthFailure(
          'unsupported_grant_type',
          grant ? `grant type ${grant} is not supported` : 'grant_type is missing',
        )
    }
    json(res, 200, body)
  }

  private async clientCredentials(req: PlainRequest, form: URLSearchParams) {
    const basic = basicCredentials(req.headers.authorization as string | undefined)
    const id = basic?.id ?? form.get('client_id') ?? ''
    const secret = basic?.secret ?? form.get('client_secret') ?? ''
    const client = id && secret ? this.deps.identities.client(id, secret) : undefined
    if (!client) {
      this.deps.log(`oauth2: client credentials refused for client ${JSON.stringify(id)}`)
      throw new OAuthFailure('invalid_client', 'unknown client or wrong secret', 401)
    }
    const scopes = grantScopes(form.get('scope'))
    // Like FlyteAdmin (fosite), the client credentials grant returns no refresh token.
    return this.deps.tokens.issue(
      {kind: 'client', name: client.id, clientId: client.id, groups: client.groups, scopes},
      false,
    )
  }

  private async authorizationCode(form: URLSearchParams) {
    const code = form.get('code') ?? ''
    const pending = this.codes.get(code)
    this.codes.delete(code)
    if (!pending || pending.expires < Date.now())
      throw new OAuthFailure('invalid_grant', 'the authorization code is unknown, used or expired')
    if ((form.get('client_id') ?? '') !== pending.clientId)
      throw new OAuthFailure('invalid_grant', 'the code was issued to another client')
    if ((form.get('redirect_uri') ?? '') !== pending.redirectUri)
      throw new OAuthFailure('invalid_grant', 'redirect_uri differs from the one the code was issued for')
    const verifier = form.get('code_verifier') ?? ''
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || !sameText(s256(verifier), pending.challenge))
      throw new OAuthFailure('invalid_grant', 'code_verifier does not match the code challenge')
    return this.deps.tokens.issue(pending.principal, pending.principal.scopes.includes(SCOPE_OFFLINE))
  }

  private async refresh(form: URLSearchParams) {
    let principal: Principal
    try {
      principal = await this.deps.tokens.verifyRefresh(form.get('refresh_token') ?? '')
    } catch (err) {
      throw new OAuthFailure('invalid_grant', err instanceof TokenError ? err.message : 'invalid refresh token')
    }
    const clientId = form.get('client_id')
    if (clientId && clientId !== principal.clientId)
      throw new OAuthFailure('invalid_grant', 'the refresh token was issued to another client')
    // Groups come from the identities file as it is now: removing someone takes effect on refresh.
    const groups =
      principal.kind === 'user'
        ? this.deps.identities.groupsOfUser(principal.name)
        : this.deps.identities.groupsOfClient(principal.name)
    const known =
      principal.kind === 'user'
        ? this.deps.identities.get().users.some((u) => u.name === principal.name)
        : this.deps.identities.get().clients.some((c) => c.id === principal.name)
    if (!known) throw new OAuthFailure('invalid_grant', `${principal.kind} ${principal.name} no longer exists`)
    return this.deps.tokens.issue({...principal, groups}, true)
  }

  private async deviceCode(form: URLSearchParams) {
    const code = form.get('device_code') ?? ''
    const pending = this.devices.get(code)
    if (!pending || pending.expires < Date.now()) {
      this.devices.delete(code)
      throw new OAuthFailure('expired_token', 'the device code is unknown or expired; start the login again')
    }
    if ((form.get('client_id') ?? '') !== pending.clientId)
      throw new OAuthFailure('invalid_grant', 'the device code was issued to another client')
    if (pending.denied) {
      this.devices.delete(code)
      throw new OAuthFailure('access_denied', 'the login was refused')
    }
    if (!pending.approved) throw new OAuthFailure('authorization_pending', 'waiting for the user to log in')
    this.devices.delete(code)
    return this.deps.tokens.issue(pending.approved, pending.approved.scopes.includes(SCOPE_OFFLINE))
  }

  // ---- authorization code + PKCE: a login page

  private checkAuthorizeRequest(p: URLSearchParams): {redirect: URL; state: string} {
    const clientId = p.get('client_id') ?? ''
    const redirectUri = p.get('redirect_uri') ?? ''
    if (clientId !== PUBLIC_CLIENT_ID)
      throw new OAuthFailure('invalid_client', `unknown client ${JSON.stringify(clientId)}; use ${PUBLIC_CLIENT_ID}`)
    if (!REDIRECT_URIS.includes(redirectUri) && redirectUri !== consoleCallback(this.deps.baseUrl()))
      throw new OAuthFailure('invalid_request', `redirect_uri ${JSON.stringify(redirectUri)} is not registered`)
    const state = p.get('state') ?? ''
    if ((p.get('response_type') ?? '') !== 'code')
      throw new OAuthFailure('unsupported_response_type', 'response_type must be code')
    if ((p.get('code_challenge_method') ?? '') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(p.get('code_challenge') ?? ''))
      throw new OAuthFailure('invalid_request', 'PKCE is required: code_challenge with code_challenge_method S256')
    grantScopes(p.get('scope'))
    return {redirect: new URL(redirectUri), state}
  }

  private authorizePage(p: URLSearchParams, res: PlainResponse, message: string): void {
    this.checkAuthorizeRequest(p)
    const keep: Record<string, string> = {}
    for (const k of ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge'])
      keep[k] = p.get(k) ?? ''
    keep.code_challenge_method = 'S256'
    page(
      res,
      message ? 401 : 200,
      'Sign in to Flyte',
      (message ? `<p role="alert">${escapeHtml(message)}</p>` : '') +
        `<p>${escapeHtml(keep.client_id!)} asks to act as you on this control plane.</p>` +
        `<form method="post" action="/oauth2/authorize">${hidden(keep)}${LOGIN_FIELDS}<button>Sign in</button></form>`,
    )
  }

  private async authorizeSubmit(req: PlainRequest, res: PlainResponse): Promise<void> {
    const form = await readForm(req)
    const {redirect, state} = this.checkAuthorizeRequest(form)
    const user = this.deps.identities.user(form.get('username') ?? '', form.get('password') ?? '')
    if (!user) {
      this.deps.log(`oauth2: login refused for user ${JSON.stringify(form.get('username') ?? '')}`)
      this.authorizePage(form, res, 'Unknown user or wrong password.')
      return
    }
    this.sweep()
    const code = randomBytes(32).toString('base64url')
    this.codes.set(code, {
      clientId: PUBLIC_CLIENT_ID,
      redirectUri: form.get('redirect_uri')!,
      challenge: form.get('code_challenge')!,
      principal: {
        kind: 'user',
        name: user.name,
        clientId: PUBLIC_CLIENT_ID,
        groups: user.groups,
        scopes: grantScopes(form.get('scope')),
      },
      expires: Date.now() + CODE_SECONDS * 1000,
    })
    redirect.searchParams.set('code', code)
    if (state) redirect.searchParams.set('state', state)
    res.writeHead(302, {location: redirect.toString(), 'cache-control': 'no-store'})
    res.end()
  }

  // ---- device authorization (RFC 8628)

  private async deviceAuthorization(req: PlainRequest, res: PlainResponse): Promise<void> {
    const form = await readForm(req)
    const clientId = form.get('client_id') ?? ''
    if (clientId !== PUBLIC_CLIENT_ID)
      throw new OAuthFailure(
        'invalid_client',
        `unknown client ${JSON.stringify(clientId)}; use ${PUBLIC_CLIENT_ID}`,
        401,
      )
    const scopes = grantScopes(form.get('scope'))
    this.sweep()
    const deviceCode = randomBytes(32).toString('base64url')
    const alphabet = 'BCDFGHJKLMNPQRSTVWXZ'
    const userCode = Array.from({length: 8}, () => alphabet[randomInt(alphabet.length)]).join('')
    this.devices.set(deviceCode, {userCode, clientId, scopes, expires: Date.now() + DEVICE_SECONDS * 1000})
    const verify = `${this.deps.baseUrl()}/oauth2/device`
    json(res, 200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verify,
      verification_uri_complete: `${verify}?user_code=${userCode}`,
      expires_in: DEVICE_SECONDS,
      interval: DEVICE_INTERVAL_SECONDS,
    })
  }

  private devicePage(res: PlainResponse, userCode: string, message: string): void {
    page(
      res,
      message ? 401 : 200,
      'Sign in a device to Flyte',
      (message ? `<p role="alert">${escapeHtml(message)}</p>` : '') +
        `<form method="post" action="/oauth2/device">` +
        `<label>Code shown on the device <input name="user_code" value="${escapeHtml(userCode)}" required></label>` +
        `${LOGIN_FIELDS}<button>Sign in</button></form>`,
    )
  }

  private async deviceSubmit(req: PlainRequest, res: PlainResponse): Promise<void> {
    const form = await readForm(req)
    const userCode = (form.get('user_code') ?? '').toUpperCase().replace(/[^A-Z]/g, '')
    const entry = [...this.devices.values()].find((d) => d.userCode === userCode && d.expires >= Date.now())
    if (!entry || entry.approved) {
      this.devicePage(res, '', 'Unknown or expired code; start the login on the device again.')
      return
    }
    const user = this.deps.identities.user(form.get('username') ?? '', form.get('password') ?? '')
    if (!user) {
      this.deps.log(`oauth2: device login refused for user ${JSON.stringify(form.get('username') ?? '')}`)
      this.devicePage(res, userCode, 'Unknown user or wrong password.')
      return
    }
    entry.approved = {
      kind: 'user',
      name: user.name,
      clientId: entry.clientId,
      groups: user.groups,
      scopes: entry.scopes,
    }
    page(res, 200, 'Signed in', '<p>The device is signed in. You can close this window.</p>')
  }
}
