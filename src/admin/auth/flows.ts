/**
 * The four flytectl auth types, each a way to obtain a token:
 * ClientSecret (client credentials), ExternalCommand (stdout of a command), Pkce (browser + loopback
 * redirect on localhost:53593/callback), DeviceFlow (device code, polled). Pkce and DeviceFlow use a
 * refresh token first when one is cached.
 */
import {createHash, randomBytes} from 'node:crypto'
import {CliError} from '../../cli/errors.js'
import type {AdminConfig, AuthType} from '../../config/schema.js'
import {durationMs} from '../endpoint.js'
import {basicAuth, OAuthError, postForm, toToken} from './oauth.js'
import {jwtExpiry, type Token} from './token-cache.js'

export interface OAuthMetadata {
  tokenEndpoint: string
  authorizationEndpoint: string
  deviceAuthorizationEndpoint: string
}

export interface PublicClientConfig {
  clientId: string
  redirectUri: string
  scopes: string[]
  audience: string
  authorizationMetadataKey: string
}

export interface AuthContext {
  config: AdminConfig
  authType: AuthType
  metadata: () => Promise<OAuthMetadata>
  publicClient: () => Promise<PublicClientConfig>
  /** Progress and instructions for the user (stderr). */
  note: (text: string) => void
  /** A terminal and a browser may be used (Pkce). */
  interactive: boolean
  env?: NodeJS.ProcessEnv
  /** Opens a URL in a browser; false when none could be started. */
  openBrowser?: (url: string) => Promise<boolean>
}

export const DEFAULT_CLIENT_ID = 'flytepropeller'
export const DEFAULT_SECRET_LOCATION = '/etc/secrets/client_secret'
export const DEFAULT_REDIRECT_URI = 'http://localhost:53593/callback'

export async function obtainToken(ctx: AuthContext, previous?: Token): Promise<Token> {
  switch (ctx.authType) {
    case 'ClientSecret':
      return clientSecretToken(ctx)
    case 'ExternalCommand':
      return externalCommandToken(ctx)
    case 'Pkce': {
      const refreshed = await tryRefresh(ctx, previous)
      return refreshed ?? pkceToken(ctx)
    }
    case 'DeviceFlow': {
      const refreshed = await tryRefresh(ctx, previous)
      return refreshed ?? deviceFlowToken(ctx)
    }
  }
}

async function scopesAndAudience(ctx: AuthContext): Promise<{scope: string; audience: string}> {
  const {config} = ctx
  let scopes = config.scopes ?? []
  let audience = config.audience ?? ''
  if (scopes.length === 0 || (!audience && config.useAudienceFromAdmin)) {
    const pc = await ctx.publicClient().catch(() => undefined)
    if (scopes.length === 0) scopes = pc?.scopes ?? []
    if (!audience && config.useAudienceFromAdmin) audience = pc?.audience ?? ''
  }
  return {scope: scopes.join(' '), audience}
}

async function tokenEndpoint(ctx: AuthContext): Promise<string> {
  if (ctx.config.tokenUrl) return ctx.config.tokenUrl
  const md = await ctx.metadata()
  if (!md.tokenEndpoint)
    throw new CliError('unauthenticated', 'the control plane published no OAuth2 token endpoint', {
      hint: 'Set admin.tokenUrl in your config.',
    })
  return md.tokenEndpoint
}

export async function readClientSecret(config: AdminConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (config.clientSecretEnvVar) {
    const v = env[config.clientSecretEnvVar]
    if (!v)
      throw new CliError(
        'unauthenticated',
        `environment variable ${config.clientSecretEnvVar} (admin.clientSecretEnvVar) is empty`,
        {
          hint: 'Export the client secret in that variable, or set admin.clientSecretLocation.',
        },
      )
    return v.trim()
  }
  const location = config.clientSecretLocation ?? DEFAULT_SECRET_LOCATION
  const {readFile} = await import('node:fs/promises')
  try {
    return (await readFile(location, 'utf8')).trim()
  } catch (err) {
    throw new CliError(
      'unauthenticated',
      `cannot read the client secret from ${location} (admin.clientSecretLocation)`,
      {
        cause: err,
        hint: 'Point admin.clientSecretLocation at the secret file, or set admin.clientSecretEnvVar.',
      },
    )
  }
}

async function clientSecretToken(ctx: AuthContext): Promise<Token> {
  const clientId = ctx.config.clientId ?? DEFAULT_CLIENT_ID
  const [secret, url, sa] = await Promise.all([
    readClientSecret(ctx.config, ctx.env),
    tokenEndpoint(ctx),
    scopesAndAudience(ctx),
  ])
  try {
    const res = await postForm(
      url,
      {grant_type: 'client_credentials', scope: sa.scope, audience: sa.audience},
      {authorization: basicAuth(clientId, secret)},
    )
    return toToken(res)
  } catch (err) {
    if (err instanceof OAuthError)
      throw new CliError('unauthenticated', err.message, {
        cause: err,
        hint: 'Check admin.clientId and the client secret.',
      })
    throw err
  }
}

async function externalCommandToken(ctx: AuthContext): Promise<Token> {
  const command = ctx.config.command ?? []
  if (command.length === 0)
    throw new CliError('config-invalid', 'admin.authType is ExternalCommand but admin.command is empty', {
      hint: 'Set admin.command to the token generator, e.g. [gcloud, auth, print-identity-token].',
    })
  const {execFile} = await import('node:child_process')
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(command[0]!, command.slice(1), {env: ctx.env ?? process.env, timeout: 120_000}, (err, out, errOut) => {
      if (err)
        reject(
          new CliError(
            'unauthenticated',
            `token command ${command[0]} failed: ${(errOut || err.message).trim().split('\n')[0]}`,
            {
              cause: err,
              hint: 'Run admin.command by hand to check it prints a token.',
            },
          ),
        )
      else resolve(out)
    })
  })
  const token = stdout.trim()
  if (!token) throw new CliError('unauthenticated', `token command ${command[0]} printed no token`)
  const expiresAt = jwtExpiry(token)
  return {accessToken: token, ...(expiresAt ? {expiresAt} : {})}
}

async function tryRefresh(ctx: AuthContext, previous: Token | undefined): Promise<Token | undefined> {
  if (!previous?.refreshToken) return undefined
  try {
    const pc = await ctx.publicClient()
    const res = await postForm(await tokenEndpoint(ctx), {
      grant_type: 'refresh_token',
      refresh_token: previous.refreshToken,
      client_id: pc.clientId,
    })
    const token = toToken(res)
    return token.refreshToken ? token : {...token, refreshToken: previous.refreshToken}
  } catch {
    return undefined
  }
}

function base64url(buf: Buffer): string {
  return buf.toString('base64url')
}

/** PKCE verifier and S256 challenge (RFC 7636). */
export function pkcePair(): {verifier: string; challenge: string} {
  const verifier = base64url(randomBytes(32))
  return {verifier, challenge: base64url(createHash('sha256').update(verifier).digest())}
}

async function pkceToken(ctx: AuthContext): Promise<Token> {
  if (!ctx.interactive)
    throw new CliError(
      'unauthenticated',
      'admin.authType Pkce needs a terminal and a browser, and there is no terminal',
      {
        hint: 'Use authType DeviceFlow (works headless) or ClientSecret for automation.',
      },
    )
  const [md, pc, sa] = await Promise.all([ctx.metadata(), ctx.publicClient(), scopesAndAudience(ctx)])
  const redirect = new URL(pc.redirectUri || DEFAULT_REDIRECT_URI)
  const {verifier, challenge} = pkcePair()
  const state = base64url(randomBytes(16))
  const authUrl = new URL(md.authorizationEndpoint)
  const params: Record<string, string> = {
    client_id: pc.clientId,
    response_type: 'code',
    redirect_uri: redirect.toString(),
    scope: sa.scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }
  if (sa.audience) params.audience = sa.audience
  for (const [k, v] of Object.entries(params)) if (v) authUrl.searchParams.set(k, v)
  const timeoutMs = durationMs(ctx.config.pkceConfig?.timeout, 120_000)
  const code = await waitForRedirect(redirect, state, timeoutMs, async () => {
    const opened = ctx.openBrowser ? await ctx.openBrowser(authUrl.toString()) : await openBrowser(authUrl.toString())
    ctx.note(
      opened
        ? `Opened a browser to log in. If nothing appeared, visit:\n${authUrl.toString()}`
        : `Open this URL in a browser to log in:\n${authUrl.toString()}`,
    )
  })
  const res = await postForm(md.tokenEndpoint, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirect.toString(),
    client_id: pc.clientId,
    code_verifier: verifier,
  })
  return toToken(res)
}

function waitForRedirect(redirect: URL, state: string, timeoutMs: number, ready: () => Promise<void>): Promise<string> {
  return import('node:http').then(
    ({createServer}) =>
      new Promise<string>((resolve, reject) => {
        const server = createServer((req, res) => {
          const url = new URL(req.url ?? '/', redirect)
          if (url.pathname !== redirect.pathname) {
            res.writeHead(404).end()
            return
          }
          const error = url.searchParams.get('error')
          const code = url.searchParams.get('code')
          if (url.searchParams.get('state') !== state || (!code && !error)) {
            res.writeHead(400, {'content-type': 'text/plain'}).end('Unexpected login callback.')
            return
          }
          res
            .writeHead(200, {'content-type': 'text/plain'})
            .end(error ? `Login failed: ${error}` : 'Logged in. You can close this window.')
          finish(error ? new CliError('unauthenticated', `login failed: ${error}`) : undefined, code ?? '')
        })
        const timer = setTimeout(
          () =>
            finish(
              new CliError('unauthenticated', `no login within ${Math.round(timeoutMs / 1000)}s`, {
                hint: 'Run the command again, or raise admin.pkceConfig.timeout.',
              }),
              '',
            ),
          timeoutMs,
        )
        const finish = (err: Error | undefined, code: string) => {
          clearTimeout(timer)
          server.close()
          if (err) reject(err)
          else resolve(code)
        }
        server.on('error', (err) =>
          finish(
            new CliError('unavailable', `cannot listen on ${redirect.host} for the login callback: ${err.message}`, {
              hint: 'Free that port, or use authType DeviceFlow.',
            }),
            '',
          ),
        )
        server.listen(
          Number(redirect.port || 80),
          redirect.hostname,
          () => void ready().catch((e: Error) => finish(e, '')),
        )
      }),
  )
}

async function openBrowser(url: string): Promise<boolean> {
  const {spawn} = await import('node:child_process')
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]]
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, {stdio: 'ignore', detached: true})
      child.on('error', () => resolve(false))
      child.on('spawn', () => {
        child.unref()
        resolve(true)
      })
    } catch {
      resolve(false)
    }
  })
}

async function deviceFlowToken(ctx: AuthContext): Promise<Token> {
  const [md, pc, sa] = await Promise.all([ctx.metadata(), ctx.publicClient(), scopesAndAudience(ctx)])
  if (!md.deviceAuthorizationEndpoint)
    throw new CliError('unauthenticated', 'the control plane published no device authorization endpoint', {
      hint: 'Use authType Pkce or ClientSecret with this control plane.',
    })
  const start = await postForm(md.deviceAuthorizationEndpoint, {
    client_id: pc.clientId,
    scope: sa.scope,
    audience: sa.audience,
  })
  const deviceCode = String(start.device_code ?? '')
  const userCode = String(start.user_code ?? '')
  const verify = String(start.verification_uri_complete ?? start.verification_uri ?? '')
  if (!deviceCode || !verify)
    throw new CliError('unauthenticated', 'the device authorization endpoint returned no device code')
  ctx.note(`To log in, visit ${verify}${start.verification_uri_complete ? '' : ` and enter the code ${userCode}`}`)
  let intervalMs =
    typeof start.interval === 'number'
      ? start.interval * 1000
      : durationMs(ctx.config.deviceFlowConfig?.pollInterval, 5000)
  const expiresIn = typeof start.expires_in === 'number' ? start.expires_in * 1000 : Infinity
  const deadline = Date.now() + Math.min(expiresIn, durationMs(ctx.config.deviceFlowConfig?.timeout, 600_000))
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs))
    try {
      const res = await postForm(md.tokenEndpoint, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: deviceCode,
        client_id: pc.clientId,
      })
      return toToken(res)
    } catch (err) {
      if (err instanceof OAuthError && err.error === 'authorization_pending') continue
      if (err instanceof OAuthError && err.error === 'slow_down') {
        intervalMs += 5000
        continue
      }
      if (err instanceof OAuthError) throw new CliError('unauthenticated', err.message, {cause: err})
      throw err
    }
  }
  throw new CliError('unauthenticated', 'the device login was not completed in time', {hint: 'Run the command again.'})
}
