/**
 * The control-plane client: one gRPC (HTTP/2) transport per endpoint, shared by the typed service
 * clients, with the interceptors flytectl has: errors → typed CLI errors with connection info,
 * auth (token on Unauthenticated, cached per endpoint), retries with backoff and per-attempt timeouts.
 * Works against the embedded plane (`flytectl demo`) and a real FlyteAdmin.
 * Read-only calls go the fast way first (src/admin/fast-call.ts); the Connect transports
 * (src/admin/client-transport.ts) load on the first call that needs them.
 */
import type {Client, Interceptor} from '@connectrpc/connect'
import {readFileSync} from 'node:fs'
import {CliError} from '../cli/errors.js'
import type {AdminConfig} from '../config/schema.js'
import {DEFAULT_ENDPOINT} from '../config/load.js'
import type {AdminService} from '../gen/flyteidl/service/admin_pb.js'
import type {DataProxyService} from '../gen/flyteidl/service/dataproxy_pb.js'
import type {SignalService} from '../gen/flyteidl/service/signal_pb.js'
import type {AuthMetadataService} from '../gen/flyteidl/service/auth_pb.js'
import type {IdentityService} from '../gen/flyteidl/service/identity_pb.js'
import type {ExecutionEventService} from '../gen/flytectl/plane/v1/events_pb.js'
import {tokenCachePath, type TokenCache} from './auth/token-cache.js'
import type {Transports} from './client-transport.js'
import {durationMs, parseEndpoint, type ParsedEndpoint} from './endpoint.js'
import type {ConnectionInfo} from './errors.js'
import {FastPath} from './fast-call.js'
import {lazyClient} from './lazy-service.js'

export type AdminClient = Client<typeof AdminService>
export type DataProxyClient = Client<typeof DataProxyService>
export type SignalClient = Client<typeof SignalService>
export type AuthMetadataClient = Client<typeof AuthMetadataService>
export type IdentityClient = Client<typeof IdentityService>
/** The embedded plane's event stream (a FlyteAdmin answers Unimplemented). */
export type ExecutionEventClient = Client<typeof ExecutionEventService>

export interface AdminClients {
  admin: AdminClient
  dataProxy: DataProxyClient
  signal: SignalClient
  authMetadata: AuthMetadataClient
  identity: IdentityClient
  events: ExecutionEventClient
  /** The endpoint as a URL (`http://127.0.0.1:30080` or `https://host:443`). */
  endpoint: string
  connection: ConnectionInfo
  close(): void
}

export interface AdminClientOptions {
  interceptors?: Interceptor[]
  /** Overall deadline per call, across retries. */
  defaultTimeoutMs?: number
  /** First retry backoff (default 100ms; tests shorten it). */
  baseBackoffMs?: number
  tokenCache?: TokenCache
  /** Auth prompts and progress (default: stderr). */
  note?: (text: string) => void
  interactive?: boolean
  env?: NodeJS.ProcessEnv
  openBrowser?: (url: string) => Promise<boolean>
  onRetry?: (info: {attempt: number; delayMs: number; error: Error}) => void
}

/** Kept for callers that only need the URL: `dns:///host:port`, `host:port`, `http(s)://…`. */
export function endpointUrl(endpoint: string | undefined, insecure: boolean | undefined): string {
  return parseEndpoint(endpoint ?? DEFAULT_ENDPOINT, insecure ?? false).url
}

export function createAdminClients(config: AdminConfig = {}, options: AdminClientOptions = {}): AdminClients {
  const insecure = config.insecure ?? (config.endpoint === undefined ? true : false)
  const endpointText = config.endpoint ?? DEFAULT_ENDPOINT
  const parsed = parseEndpoint(endpointText, insecure)
  let ca: Buffer | undefined
  if (config.caCertFilePath) {
    try {
      ca = readFileSync(config.caCertFilePath)
    } catch (err) {
      throw new CliError('config-invalid', `cannot read admin.caCertFilePath ${config.caCertFilePath}`, {cause: err})
    }
  }
  const authType = config.authType ?? 'ClientSecret'
  const connection: ConnectionInfo = {endpoint: endpointText, insecure: !parsed.tls, authMode: authType}
  const cacheKey = `${parsed.url}|${authType}|${config.clientId ?? ''}`
  // The Connect transports (and the protobuf runtime) load on the first call the fast path leaves.
  let transports: Promise<Transports> | undefined
  let closed = false
  const full = () =>
    (transports ??= import('./client-transport.js').then((m) => {
      const t = m.createTransports(parsed, config, options, connection, ca, authMetadata, cacheKey)
      if (closed) t.close()
      return t
    }))
  const fast = fastPath(config, options, parsed, ca, cacheKey)
  const authMetadata = lazyClient<typeof AuthMetadataService>('flyteidl.service.AuthMetadataService', () =>
    full().then((t) => t.plain),
  )
  const transport = () => full().then((t) => t.transport)
  return {
    admin: lazyClient<typeof AdminService>('flyteidl.service.AdminService', transport, fast),
    dataProxy: lazyClient<typeof DataProxyService>('flyteidl.service.DataProxyService', transport, fast),
    signal: lazyClient<typeof SignalService>('flyteidl.service.SignalService', transport, fast),
    authMetadata,
    identity: lazyClient<typeof IdentityService>('flyteidl.service.IdentityService', transport, fast),
    events: lazyClient<typeof ExecutionEventService>('flytectl.plane.v1.ExecutionEventService', transport),
    endpoint: parsed.url,
    connection,
    close: () => {
      closed = true
      fast?.close()
      void transports?.then((t) => t.close())
    },
  }
}

/**
 * The fast way for read-only calls (src/admin/fast-call.ts), unless something it does not do is
 * asked for: caller interceptors or a deadline, a proxy command, a cached token for this endpoint
 * (the Connect client sends it), or FLYTECTL_NO_FAST_RPC=1.
 */
function fastPath(
  config: AdminConfig,
  options: AdminClientOptions,
  parsed: ParsedEndpoint,
  ca: Buffer | undefined,
  cacheKey: string,
): FastPath | undefined {
  const env = options.env ?? process.env
  if (env.FLYTECTL_NO_FAST_RPC) return undefined
  if (options.interceptors?.length || options.defaultTimeoutMs || config.proxyCommand?.length) return undefined
  if (config.authorizationHeader) return undefined
  const tokens = options.tokenCache?.path ?? tokenCachePath()
  try {
    const cached = JSON.parse(readFileSync(tokens, 'utf8')) as Record<string, unknown>
    if (cached && typeof cached === 'object' && cacheKey in cached) return undefined
  } catch {
    // No token cache (or an unreadable one): nothing to send.
  }
  return new FastPath(parsed.url, {
    timeoutMs: durationMs(config.perRetryTimeout, 15_000),
    ...(config.maxMessageSizeBytes ? {readMaxBytes: config.maxMessageSizeBytes} : {}),
    ...(parsed.tls ? {tls: {rejectUnauthorized: !config.insecureSkipVerify, ...(ca ? {ca} : {})}} : {}),
  })
}
