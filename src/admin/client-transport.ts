/**
 * The Connect side of the admin client (src/admin/client.ts loads it on the first call that needs
 * it): the gRPC transports over one HTTP/2 session, with flytectl's interceptors — errors → typed CLI
 * errors with connection info, auth (token on Unauthenticated, cached per endpoint), retries with
 * backoff and per-attempt timeouts.
 */
import type {Client, Interceptor, Transport} from '@connectrpc/connect'
import {Code, ConnectError} from '@connectrpc/connect'
import {compressionBrotli, compressionGzip, createGrpcTransport, Http2SessionManager} from '@connectrpc/connect-node'
import {validateResponseWithCompression, validateTrailer} from '@connectrpc/connect/protocol-grpc'
import type {AdminConfig} from '../config/schema.js'
import type {AuthMetadataService} from '../gen/flyteidl/service/auth_pb.js'
import {DEFAULT_REDIRECT_URI, type AuthContext} from './auth/flows.js'
import {AuthManager, authInterceptor, proxyAuthInterceptor} from './auth/interceptor.js'
import {TokenCache} from './auth/token-cache.js'
import type {AdminClientOptions} from './client.js'
import {durationMs, type ParsedEndpoint} from './endpoint.js'
import {errorInterceptor, type ConnectionInfo} from './errors.js'
import {REPLAY_HEADER, takeReplay, type Replay} from './fast-call.js'
import {Headers} from './headers.js'
import {retryInterceptor} from './retry.js'

export interface Transports {
  /** Without auth: for the auth metadata service (public on every FlyteAdmin). */
  plain: Transport
  transport: Transport
  close(): void
}

export function createTransports(
  parsed: ParsedEndpoint,
  config: AdminConfig,
  options: AdminClientOptions,
  connection: ConnectionInfo,
  ca: Buffer | undefined,
  authMetadata: Client<typeof AuthMetadataService>,
  cacheKey: string,
): Transports {
  const sessionManager = new GuardedSessionManager(parsed.url, undefined, {
    rejectUnauthorized: !config.insecureSkipVerify,
    ...(ca ? {ca} : {}),
  })
  const authType = config.authType ?? 'ClientSecret'
  const retry = retryInterceptor({
    maxAttempts: config.maxRetries ?? 4,
    perAttemptTimeoutMs: durationMs(config.perRetryTimeout, 15_000),
    baseDelayMs: options.baseBackoffMs ?? 100,
    maxDelayMs: durationMs(config.maxBackoffDelay, 8_000),
    ...(options.onRetry ? {onRetry: options.onRetry} : {}),
  })
  // Auth metadata is read without the auth interceptor (it is public on every FlyteAdmin).
  const plain = createGrpcTransport({
    baseUrl: parsed.url,
    sessionManager,
    interceptors: [errorInterceptor(connection), retry],
  })
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
  const auth = new AuthManager(ctx, options.tokenCache ?? new TokenCache(), cacheKey)
  const proxy: Interceptor[] = config.proxyCommand?.length
    ? [proxyAuthInterceptor(config.proxyCommand, options.env)]
    : []
  const transport = createGrpcTransport({
    baseUrl: parsed.url,
    sessionManager,
    interceptors: [
      errorInterceptor(connection),
      ...(options.interceptors ?? []),
      ...proxy,
      authInterceptor(auth),
      retry,
      replayInterceptor(),
    ],
    ...(options.defaultTimeoutMs ? {defaultTimeoutMs: options.defaultTimeoutMs} : {}),
    ...(config.maxMessageSizeBytes ? {readMaxBytes: config.maxMessageSizeBytes} : {}),
  })
  return {plain, transport, close: () => sessionManager.abort()}
}

/**
 * Connect's session manager removes its listeners from a session when the session leaves its state,
 * but Node may still emit the session's `error` when it closes — e.g. an endpoint that answers in
 * HTTP/1.1 (a wrong port, a web server): the call fails with its error, then the process died of an
 * unhandled `error` event. Every session a request went out on keeps a listener; the error itself
 * reaches the caller through the request, as before.
 */
class GuardedSessionManager extends Http2SessionManager {
  private readonly guarded = new WeakSet<object>()

  override async request(...args: Parameters<Http2SessionManager['request']>) {
    const stream = await super.request(...args)
    const session = stream.session
    if (session && !this.guarded.has(session)) {
      this.guarded.add(session)
      session.on('error', () => {})
    }
    return stream
  }
}

/**
 * Innermost: an attempt whose request names a replay (the fast path's call got this answer from the
 * server) reads that answer as gRPC over the network would — the same checks, the same ConnectError —
 * instead of calling again. The header is removed from every attempt, so it is never sent.
 */
function replayInterceptor(): Interceptor {
  return (next) => async (req) => {
    const id = req.header.get(REPLAY_HEADER)
    if (id === null) return next(req)
    req.header.delete(REPLAY_HEADER)
    const replay = takeReplay(id)
    if (!replay) return next(req)
    throw replayError(replay)
  }
}

function replayError(replay: Replay): ConnectError {
  const header = new Headers(replay.header) as unknown as globalThis.Headers
  const trailer = new Headers(replay.trailer) as unknown as globalThis.Headers
  const {headerError} = validateResponseWithCompression([compressionGzip, compressionBrotli], replay.status, header)
  validateTrailer(trailer, header)
  if (headerError) return headerError
  return new ConnectError(
    'protocol error: missing output message for unary method',
    trailer.has('grpc-status') ? Code.Unimplemented : Code.Unknown,
  )
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= fn())
}
