/** OAuth2 token-endpoint calls (RFC 6749 client credentials / refresh / code, RFC 8628 device flow). */
import {CliError} from '../../cli/errors.js'
import type {Token} from './token-cache.js'

export interface TokenResponse {
  access_token?: string
  token_type?: string
  refresh_token?: string
  expires_in?: number
  error?: string
  error_description?: string
  interval?: number
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message)
    this.name = 'OAuthError'
  }
}

export async function postForm(
  url: string,
  form: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<TokenResponse & Record<string, unknown>> {
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(form)) if (v !== undefined && v !== '') body.set(k, v)
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers},
      body,
    })
  } catch (err) {
    throw new CliError('unavailable', `cannot reach the token endpoint ${url}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Check admin.tokenUrl, or that the control plane publishes its OAuth2 metadata.',
    })
  }
  const text = await res.text()
  let json: TokenResponse & Record<string, unknown>
  try {
    json = JSON.parse(text) as TokenResponse & Record<string, unknown>
  } catch {
    throw new CliError('unauthenticated', `token endpoint ${url} answered ${res.status} with a non-JSON body`)
  }
  if (!res.ok || json.error) {
    throw new OAuthError(
      json.error ?? `http_${res.status}`,
      `token endpoint ${url} refused the request: ${json.error ?? res.status}${json.error_description ? ` (${json.error_description})` : ''}`,
    )
  }
  return json
}

export function toToken(res: TokenResponse, now = Date.now()): Token {
  if (!res.access_token) throw new CliError('unauthenticated', 'the token endpoint returned no access_token')
  return {
    accessToken: res.access_token,
    ...(res.token_type ? {tokenType: res.token_type} : {}),
    ...(res.refresh_token ? {refreshToken: res.refresh_token} : {}),
    ...(typeof res.expires_in === 'number' ? {expiresAt: now + res.expires_in * 1000} : {}),
  }
}

export function basicAuth(clientId: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')
}
