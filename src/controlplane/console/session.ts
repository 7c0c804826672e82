/**
 * Browser sign-in for the console when the plane's auth is on, at FlyteAdmin's paths:
 * `/login?redirect_url=/console/...` starts the authorization-code + PKCE flow against the plane's
 * own login page (`/oauth2/authorize`), `/callback` redeems the code in-process and keeps the tokens
 * in HttpOnly, SameSite=Strict cookies (`flyte_at`, `flyte_rt`), `/logout` clears them and `/me` says
 * who is signed in. A later request that carries no authorization header but the access cookie is
 * treated as carrying that token, so the REST API, the console's endpoints and the policy see the
 * same caller as for a CLI call. Only same-origin browser requests reach a handler with the cookie:
 * the edge refuses cross-site ones and SameSite=Strict keeps the cookie off them.
 */
import {createHash, randomBytes} from 'node:crypto'
import {consoleCallback, OAuthServer} from '../auth/oauth-server.js'
import {AUTHORIZATION_HEADER, PUBLIC_CLIENT_ID, SCOPE_ALL, SCOPE_OFFLINE} from '../auth/metadata.js'
import {REFRESH_TOKEN_SECONDS} from '../auth/tokens.js'
import type {PlaneContext} from '../context.js'
import type {PlainRequest} from '../http-blobs.js'
import type {ConsoleResponse} from './serve.js'
import {SECURITY_HEADERS} from './serve.js'

export const ACCESS_COOKIE = 'flyte_at'
export const REFRESH_COOKIE = 'flyte_rt'
/** The pending sign-in: state, PKCE verifier and where to return, for 10 minutes. */
export const LOGIN_COOKIE = 'flyte_login'
const LOGIN_SECONDS = 600
const TOKEN = /^[A-Za-z0-9._-]{1,8192}$/

/** Paths whose requests may carry the access cookie in place of an authorization header. */
const COOKIE_PATHS = ['/api/v1/', '/console/api/']

export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (Array.isArray(header) ? header.join('; ') : (header ?? '')).split(';')) {
    const i = part.indexOf('=')
    if (i <= 0) continue
    const k = part.slice(0, i).trim()
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim())
  }
  return out
}

/**
 * When auth is on and a console or REST request has no authorization header, the access cookie
 * stands for `flyte-authorization: Bearer <cookie>`.
 */
export function adoptSessionCookie(ctx: PlaneContext, url: URL, req: PlainRequest): void {
  if (!ctx.auth) return
  if (url.pathname !== '/me' && !COOKIE_PATHS.some((p) => url.pathname.startsWith(p))) return
  if (req.headers.authorization || req.headers[AUTHORIZATION_HEADER]) return
  const at = parseCookies(req.headers.cookie).get(ACCESS_COOKIE)
  if (at && TOKEN.test(at)) req.headers[AUTHORIZATION_HEADER] = `Bearer ${at}`
}

/** A place on this plane to return to after signing in: a `/console` path, nothing else. */
export function safeRedirect(raw: string | null): string {
  if (!raw || raw.length > 2048) return '/console'
  let u: URL
  try {
    u = new URL(raw, 'http://plane.invalid')
  } catch {
    return '/console'
  }
  if (u.origin !== 'http://plane.invalid' || !/^\/console(\/|$)/.test(u.pathname) || /[\\\r\n]/.test(raw))
    return '/console'
  return u.pathname + u.search
}

function cookie(name: string, value: string, maxAge: number, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(res: ConsoleResponse, status: number, message: string, cookies: string[] = []): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...(cookies.length ? {'set-cookie': cookies as unknown as string} : {}),
  })
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flyte console sign-in</title></head>` +
      `<body><h1>Sign-in failed</h1><p role="alert">${escapeHtml(message)}</p>` +
      `<p><a href="/login">Sign in again</a></p></body></html>`,
  )
}

function redirect(res: ConsoleResponse, to: string, cookies: string[]): void {
  res.writeHead(302, {
    ...SECURITY_HEADERS,
    location: to,
    'cache-control': 'no-store',
    'set-cookie': cookies as unknown as string,
  })
  res.end()
}

/** Answers `/login`, `/callback`, `/logout` and `/me` when auth is on; false for any other path. */
export function handleSession(ctx: PlaneContext, url: URL, req: PlainRequest, res: ConsoleResponse): boolean {
  const auth = ctx.auth
  const paths = ['/login', '/callback', '/logout', '/me']
  if (!auth || !paths.includes(url.pathname)) return false
  const method = (req.method ?? 'GET').toUpperCase()
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, {...SECURITY_HEADERS, allow: 'GET', 'content-type': 'text/plain'})
    res.end('method not allowed\n')
    return true
  }
  const oauth = auth.oauth instanceof OAuthServer ? auth.oauth : undefined
  const secure = ctx.baseUrl().startsWith('https:')
  const cookies = parseCookies(req.headers.cookie)
  const clear = (name: string) => cookie(name, '', 0, secure)
  const signedIn = (t: {access_token: string; expires_in: number; refresh_token?: string}) => [
    cookie(ACCESS_COOKIE, t.access_token, t.expires_in, secure),
    t.refresh_token ? cookie(REFRESH_COOKIE, t.refresh_token, REFRESH_TOKEN_SECONDS, secure) : clear(REFRESH_COOKIE),
    clear(LOGIN_COOKIE),
  ]
  const run = async () => {
    if (url.pathname === '/logout') {
      redirect(res, safeRedirect(url.searchParams.get('redirect_url')), [
        clear(ACCESS_COOKIE),
        clear(REFRESH_COOKIE),
        clear(LOGIN_COOKIE),
      ])
      return
    }
    if (url.pathname === '/me') {
      const who = await auth
        .authenticate((n) => {
          const v = req.headers[n]
          return Array.isArray(v) ? v.join(',') : v
        })
        .catch(() => undefined)
      res.writeHead(who ? 200 : 401, {
        ...SECURITY_HEADERS,
        'content-type': 'application/json',
        'cache-control': 'no-store',
      })
      res.end(
        JSON.stringify(
          who
            ? {subject: who.name, name: who.name, preferred_username: who.name, groups: who.groups}
            : {message: 'not signed in: open /login'},
        ),
      )
      return
    }
    if (!oauth) {
      page(res, 501, 'This plane trusts an external identity provider; the console cannot sign in to it here.')
      return
    }
    if (url.pathname === '/login') {
      const back = safeRedirect(url.searchParams.get('redirect_url'))
      const rt = cookies.get(REFRESH_COOKIE)
      if (rt && TOKEN.test(rt)) {
        const form = new URLSearchParams({grant_type: 'refresh_token', refresh_token: rt, client_id: PUBLIC_CLIENT_ID})
        const tokens = await oauth.redeem(form).catch(() => undefined)
        if (tokens) return redirect(res, back, signedIn(tokens))
      }
      const state = randomBytes(16).toString('base64url')
      const verifier = randomBytes(32).toString('base64url')
      const q = new URLSearchParams({
        client_id: PUBLIC_CLIENT_ID,
        redirect_uri: consoleCallback(ctx.baseUrl()),
        response_type: 'code',
        scope: `${SCOPE_ALL} ${SCOPE_OFFLINE}`,
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      })
      const pending = `${state}.${verifier}.${Buffer.from(back).toString('base64url')}`
      redirect(res, `/oauth2/authorize?${q}`, [cookie(LOGIN_COOKIE, pending, LOGIN_SECONDS, secure)])
      return
    }
    // /callback
    const [state, verifier, back64] = (cookies.get(LOGIN_COOKIE) ?? '').split('.')
    const error = url.searchParams.get('error')
    if (error) return page(res, 400, `the sign-in was refused (${error.slice(0, 100)})`, [clear(LOGIN_COOKIE)])
    if (!state || !verifier || url.searchParams.get('state') !== state)
      return page(res, 400, 'this sign-in has expired or was started elsewhere', [clear(LOGIN_COOKIE)])
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: url.searchParams.get('code') ?? '',
      client_id: PUBLIC_CLIENT_ID,
      redirect_uri: consoleCallback(ctx.baseUrl()),
      code_verifier: verifier,
    })
    let tokens
    try {
      tokens = await oauth.redeem(form)
    } catch (err) {
      return page(res, 400, (err as Error).message, [clear(LOGIN_COOKIE)])
    }
    redirect(res, safeRedirect(Buffer.from(back64 ?? '', 'base64url').toString('utf8')), signedIn(tokens))
  }
  run().catch((err: unknown) => {
    page(res, 500, (err as Error).message)
  })
  return true
}
