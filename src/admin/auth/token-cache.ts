/**
 * Tokens cached per endpoint in one JSON file, mode 0600, next to the flytectl config
 * (`$HOME/.flyte/tokens.json`), so several endpoints and configs never share a token.
 * `node:fs/promises` loads on first use: the CLI's start-up imports this module for the path only.
 */
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

export interface Token {
  accessToken: string
  tokenType?: string
  refreshToken?: string
  /** Epoch milliseconds; absent = unknown (used until the server rejects it). */
  expiresAt?: number
}

export function tokenCachePath(home = homedir()): string {
  return join(home, '.flyte', 'tokens.json')
}

type CacheFile = Record<string, Token>

export class TokenCache {
  constructor(readonly path: string = tokenCachePath()) {}

  private async readAll(): Promise<CacheFile> {
    const {readFile} = await import('node:fs/promises')
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'))
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as CacheFile) : {}
    } catch {
      return {}
    }
  }

  async get(key: string): Promise<Token | undefined> {
    const t = (await this.readAll())[key]
    return t && typeof t.accessToken === 'string' ? t : undefined
  }

  async set(key: string, token: Token | undefined): Promise<void> {
    const all = await this.readAll()
    if (token) all[key] = token
    else delete all[key]
    const {chmod, mkdir, rename, writeFile} = await import('node:fs/promises')
    await mkdir(dirname(this.path), {recursive: true, mode: 0o700})
    const tmp = `${this.path}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify(all, null, 2) + '\n', {mode: 0o600})
    await chmod(tmp, 0o600)
    await rename(tmp, this.path)
  }
}

/** A token is fresh when it has no known expiry or expires after now + window. */
export function isFresh(token: Token | undefined, windowMs: number, now = Date.now()): token is Token {
  if (!token) return false
  return token.expiresAt === undefined || token.expiresAt > now + windowMs
}

/** Reads `exp` from a JWT access token, if it is one. */
export function jwtExpiry(accessToken: string): number | undefined {
  const parts = accessToken.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as {exp?: unknown}
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined
  } catch {
    return undefined
  }
}
