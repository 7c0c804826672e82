/**
 * The auth interceptor: attaches a cached token when one is fresh; on Unauthenticated it obtains a
 * new token once (refresh, or the configured flow) and retries the call once.
 */
import {Code, ConnectError, type Interceptor} from '@connectrpc/connect'
import {durationMs} from '../endpoint.js'
import {obtainToken, type AuthContext} from './flows.js'
import {isFresh, type Token, type TokenCache} from './token-cache.js'

export class AuthManager {
  private token?: Token
  private loaded = false
  private pending?: Promise<Token>
  private headerKey?: string

  constructor(
    private readonly ctx: AuthContext,
    private readonly cache: TokenCache,
    private readonly cacheKey: string,
  ) {}

  async header(): Promise<string> {
    if (this.ctx.config.authorizationHeader) return this.ctx.config.authorizationHeader
    return this.headerKey ?? 'authorization'
  }

  /** A fresh token from memory or the cache file, else undefined (the call goes without one). */
  async current(): Promise<Token | undefined> {
    if (!this.loaded) {
      this.loaded = true
      this.token = await this.cache.get(this.cacheKey)
    }
    const windowMs = durationMs(this.ctx.config.tokenRefreshWindow, 0)
    return isFresh(this.token, windowMs) ? this.token : undefined
  }

  /** One new token for all concurrent callers. */
  refresh(): Promise<Token> {
    this.pending ??= (async () => {
      try {
        if (!this.ctx.config.authorizationHeader) {
          const pc = await this.ctx.publicClient().catch(() => undefined)
          if (pc?.authorizationMetadataKey) this.headerKey = pc.authorizationMetadataKey.toLowerCase()
        }
        const fresh = await obtainToken(this.ctx, this.token)
        this.token = fresh
        await this.cache.set(this.cacheKey, fresh)
        return fresh
      } finally {
        this.pending = undefined
      }
    })()
    return this.pending
  }
}

export function authInterceptor(manager: AuthManager): Interceptor {
  return (next) => async (req) => {
    const header = await manager.header()
    const token = await manager.current()
    if (token) req.header.set(header, `Bearer ${token.accessToken}`)
    try {
      return await next(req)
    } catch (raw) {
      if (req.stream || ConnectError.from(raw).code !== Code.Unauthenticated) throw raw
      const fresh = await manager.refresh()
      const now = await manager.header()
      if (now !== header) req.header.delete(header)
      req.header.set(now, `Bearer ${fresh.accessToken}`)
      return await next(req)
    }
  }
}

/**
 * `admin.proxyCommand`: the command's stdout is sent as `proxy-authorization: Bearer <token>` on every
 * call (for an authenticating proxy in front of the control plane); run once per process.
 */
export function proxyAuthInterceptor(command: string[], env?: NodeJS.ProcessEnv): Interceptor {
  let token: Promise<string> | undefined
  return (next) => async (req) => {
    token ??= runTokenCommand(command, env)
    req.header.set('proxy-authorization', `Bearer ${await token}`)
    return next(req)
  }
}

async function runTokenCommand(command: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const [{execFile}, {CliError}] = await Promise.all([import('node:child_process'), import('../../cli/errors.js')])
  return new Promise((resolve, reject) =>
    execFile(command[0]!, command.slice(1), {env: env ?? process.env, timeout: 120_000}, (err, out) => {
      const text = String(out ?? '').trim()
      if (err || !text)
        reject(
          new CliError('unauthenticated', `admin.proxyCommand ${command[0]} ${err ? 'failed' : 'printed no token'}`, {
            hint: 'Run admin.proxyCommand by hand to check it prints a token.',
          }),
        )
      else resolve(text)
    }),
  )
}
