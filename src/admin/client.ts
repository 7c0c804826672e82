/**
 * The control-plane client: one gRPC (HTTP/2) transport per endpoint, shared by the typed service
 * clients, with the interceptors flytectl has: errors → typed CLI errors with connection info,
 * auth (token on Unauthenticated, cached per endpoint), retries with backoff and per-attempt timeouts.
 * Works against the embedded plane (`flytectl demo`) and a real FlyteAdmin.
 * Heavy module: import it lazily (inside run()).
 */
import type {Client, Interceptor} from '@connectrpc/connect'
import {createGrpcTransport, Http2SessionManager} from '@connectrpc/connect-node'
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
import {DEFAULT_REDIRECT_URI, type AuthContext} from './auth/flows.js'
import {AuthManager, authInterceptor, proxyAuthInterceptor} from './auth/interceptor.js'
import {TokenCache} from './auth/token-cache.js'
import {durationMs, parseEndpoint} from './endpoint.js'
import {errorInterceptor, type ConnectionInfo} from './errors.js'
import {lazyClient} from './lazy-service.js'
import {retryInterceptor} from './retry.js'

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
  const sessionManager = new Http2SessionManager(parsed.url, undefined, {
    rejectUnauthorized: !config.insecureSkipVerify,
    ...(ca ? {ca} : {}),
  })
  const authType = config.authType ?? 'ClientSecret'
  const connection: ConnectionInfo = {endpoint: endpointText, insecure: !parsed.tls, authMode: authType}
  const retry = retryInterceptor({
    maxAttempts: config.maxRetries ?? 4,
    perAttemptTimeoutMs: durationMs(config.perRetryTimeout, 15_000),
    baseDelayMs: options.baseBackoffMs ?? 100,
    maxDelayMs: durationMs(config.maxBackoffDelay, 8_000),
    ...(options.onRetry ? {onRetry: options.onRetry} : {}),
  })
  // Auth metadata is read without the auth interceptor (it is public on every FlyteAdmin).
  const plainTransport = createGrpcTransport({
    baseUrl: parsed.url,
    sessionManager,
    interceptors: [errorInterceptor(connection), retry],
  })
  const authMetadata = lazyClient<typeof AuthMetadataService>('flyteidl.service.AuthMetadataService', plainTransport)
  const ctx: AuthContext = {
    config,
    authType,
    metadata: once(async () => {
      const md = await authMetadata.getOAuth2Metadata({})
      return {
        tokenEndpoint: md.tokenEndpoint,
        authorizationEndpoint: md.authorizationEndpoint,
        deviceAuthorizationEndpoint: md.deviceAuthorizationEndpoint,
      }
    }),
    publicClient: once(async () => {
      const pc = await authMetadata.getPublicClientConfig({})
      return {
        clientId:
          config.clientId && authType !== 'Pkce' ? config.clientId : pc.clientId || config.clientId || 'flytectl',
        redirectUri: pc.redirectUri || DEFAULT_REDIRECT_URI,
        scopes: pc.scopes,
        audience: pc.audience,
        authorizationMetadataKey: pc.authorizationMetadataKey,
      }
    }),
    note: options.note ?? ((text) => process.stderr.write(text + '\n')),
    interactive: options.interactive ?? Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ...(options.env ? {env: options.env} : {}),
    ...(options.openBrowser ? {openBrowser: options.openBrowser} : {}),
  }
  const cacheKey = `${parsed.url}|${authType}|${config.clientId ?? ''}`
  const auth = new AuthManager(ctx, options.tokenCache ?? new TokenCache(), cacheKey)
  const proxy = config.proxyCommand?.length ? [proxyAuthInterceptor(config.proxyCommand, options.env)] : []
  const transport = createGrpcTransport({
    baseUrl: parsed.url,
    sessionManager,
    interceptors: [
      errorInterceptor(connection),
      ...(options.interceptors ?? []),
      ...proxy,
      authInterceptor(auth),
      retry,
    ],
    ...(options.defaultTimeoutMs ? {defaultTimeoutMs: options.defaultTimeoutMs} : {}),
    ...(config.maxMessageSizeBytes ? {readMaxBytes: config.maxMessageSizeBytes} : {}),
  })
  return {
    admin: lazyClient<typeof AdminService>('flyteidl.service.AdminService', transport),
    dataProxy: lazyClient<typeof DataProxyService>('flyteidl.service.DataProxyService', transport),
    signal: lazyClient<typeof SignalService>('flyteidl.service.SignalService', transport),
    authMetadata,
    identity: lazyClient<typeof IdentityService>('flyteidl.service.IdentityService', transport),
    events: lazyClient<typeof ExecutionEventService>('flytectl.plane.v1.ExecutionEventService', transport),
    endpoint: parsed.url,
    connection,
    close: () => sessionManager.abort(),
  }
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= fn())
}
