/**
 * The embedded FlyteAdmin-compatible control plane: gRPC (and Connect/gRPC-web) over HTTP/2 cleartext
 * and HTTP/1.1 on one loopback port, SQLite storage under `dataDir`, a local blob store with an
 * upload/download endpoint (`/blobs/<key>`) and a health check (`GET /healthz`).
 */
import {createServer as createNetServer, type AddressInfo, type Socket} from 'node:net'
import {createServer as createHttp1Server, type RequestListener} from 'node:http'
import {createServer as createHttp2Server} from 'node:http2'
import {appendFileSync, mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {Code, ConnectError, type Interceptor} from '@connectrpc/connect'
import {connectNodeAdapter} from '@connectrpc/connect-node'
import {create} from '@bufbuild/protobuf'
import {ProjectRegisterRequestSchema} from '../gen/flyteidl/admin/project_pb.js'
import {registerProject} from './services/projects.js'
import {registerServices, serviceBindings} from './admin-service.js'
import {buildRoutes, handleRest} from './rest-gateway.js'
import {BlobStore} from './blobstore.js'
import {loadBlobUrlKey} from './blob-urls.js'
import {DEFAULT_DOMAINS, type PlaneContext} from './context.js'
import type {Executor} from './executor/types.js'
import {failInterruptedExecutions} from './services/events.js'
import {handleBlobRequest, type BlobRequest, type PlainRequest, type PlainResponse} from './http-blobs.js'
import {Database} from './store/db.js'
import {
  allowedAuthorities,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES,
  guardRequests,
  guardSocket,
  HEADERS_TIMEOUT_MS,
  HTTP1_IDLE_TIMEOUT_MS,
  HTTP2_IDLE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  logEscapedError,
  type Handler,
} from './edge.js'
import type {AuthOptions} from './auth/index.js'
import type {EventsConfig} from './events/config.js'
import type {PublisherStats} from './events/publisher.js'
import {createConsole, type ConsoleSite} from './console/serve.js'
import {PlaneMetrics} from './metrics.js'
import {EventFeed} from './event-feed.js'
import type {WatchLimits} from './event-stream.js'

export interface ServerOptions {
  port: number
  host?: string
  dataDir: string
  executor?: Executor
  /** Projects created at start when missing (Flyte's sandbox seeds `flytesnacks`). */
  seedProjects?: string[]
  /** Register the example launch plans (./examples.ts) in flytesnacks/development when missing. */
  seedExamples?: boolean
  /** Largest REST body and Connect/gRPC message, in bytes (default 16 MiB). */
  maxMessageBytes?: number
  /** Largest blob upload, in bytes (default 1 GiB). */
  maxUploadBytes?: number
  /** Auth on: the plane's OAuth2 server, and a token on every call (see ./auth/index.ts). */
  auth?: AuthOptions
  /** Event publisher settings (FlyteAdmin's cloudEvents/externalEvents); default: the NDJSON file only. */
  events?: EventsConfig
  /** Bounds of the event streams (default: 64 streams, 10,000 pending events, heartbeat after 15 s). */
  watchLimits?: Partial<WatchLimits>
  /** Push the metrics to this StatsD server (UDP) every `intervalMs` (default 10 s). */
  statsd?: {host: string; port: number; intervalMs?: number}
  /** Work beside the services (scheduler, notifier, retention), started once listening, stopped first. */
  background?: Array<(ctx: PlaneContext) => {stop(): Promise<void>}>
}

export interface RunningServer {
  port: number
  url: string
  /** Stops accepting connections, closes open ones, the executor and the database. */
  close(): Promise<void>
  /** The event publisher's counts and publish lag per sink. */
  publisherStats(): PublisherStats
}

/** A file to append one line per RPC to (`<iso time> <service>/<method> <code> <ms>ms`), for debugging clients. */
export const TRACE_ENV = 'FLYTECTL_DEMO_TRACE'

function traceInterceptor(file: string): Interceptor {
  return (next) => async (req) => {
    const started = performance.now()
    const line = (code: string) =>
      appendFileSync(
        file,
        `${new Date().toISOString()} ${req.service.typeName}/${req.method.name} ${code} ${Math.round(performance.now() - started)}ms\n`,
      )
    try {
      const res = await next(req)
      line('OK')
      return res
    } catch (err) {
      line(ConnectError.from(err).code ? Code[ConnectError.from(err).code] : 'Unknown')
      throw err
    }
  }
}

const EVENT_KINDS = {workflowEvent: 'workflow', nodeEvent: 'node', taskEvent: 'task'} as const

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0')

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const dataDir = resolve(opts.dataDir)
  mkdirSync(dataDir, {recursive: true, mode: 0o700})
  const dbPath = join(dataDir, 'flyteadmin.db')
  const db = new Database(dbPath)
  let baseUrl = ''
  const metrics = new PlaneMetrics({db, dbPath, executor: () => opts.executor?.stats?.()})
  const ctx: PlaneContext = {
    db,
    blobs: new BlobStore(dataDir),
    dataDir,
    domains: DEFAULT_DOMAINS,
    executor: opts.executor,
    blobUrlKey: loadBlobUrlKey(dataDir),
    maxUploadBytes: opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    closing: false,
    baseUrl: () => baseUrl,
    metrics,
    feed: new EventFeed(),
  }
  ctx.feed!.subscribe((e) => metrics.eventRecorded(EVENT_KINDS[e.case]))
  if (opts.auth) {
    const {PlaneAuth} = await import('./auth/index.js')
    ctx.auth = await PlaneAuth.create(dataDir, () => baseUrl, opts.auth)
    // Tasks get a token of their execution while it runs (FlyteRemote inside a task).
    ctx.auth.enableExecutionTokens((s) => {
      const row = db.get<{phase: string}>(
        'SELECT phase FROM executions WHERE project = ? AND domain = ? AND name = ?',
        s.project,
        s.domain,
        s.name,
      )
      return row !== undefined && !['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'].includes(row.phase)
    }, opts.auth.executionTokenSeconds)
  }
  for (const id of opts.seedProjects ?? []) {
    if (!db.get('SELECT 1 FROM projects WHERE identifier = ?', id)) {
      registerProject(ctx, create(ProjectRegisterRequestSchema, {project: {id, name: id}}))
    }
  }

  if (opts.seedExamples) {
    const examples = await import('./examples.js')
    if (!examples.examplesSeeded(ctx)) examples.seedExamples(ctx)
  }

  const {createEventPublisher} = await import('./events/publisher.js')
  const events = await createEventPublisher(ctx, opts.events)
  ctx.events = events
  // Executions the previous process was running cannot resume: record them as failed, saying why.
  if (opts.executor) failInterruptedExecutions(ctx)
  const bindings = serviceBindings(ctx, opts.watchLimits)
  const consoleSite = createConsole(ctx)
  const restRoutes = buildRoutes(bindings)
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  const rpc = connectNodeAdapter({
    routes: (router) => registerServices(router, bindings),
    interceptors: [
      metrics.interceptor(),
      ...(process.env[TRACE_ENV] ? [traceInterceptor(process.env[TRACE_ENV])] : []),
      ...(ctx.auth ? [ctx.auth.interceptor()] : []),
    ],
    readMaxBytes: maxMessageBytes,
    fallback: (req, res) =>
      handleHttp(
        ctx,
        restRoutes,
        consoleSite,
        maxMessageBytes,
        req as unknown as PlainRequest,
        res as unknown as PlainResponse,
      ),
  })
  let authorities = new Set<string>()
  const guarded = guardRequests(rpc as unknown as Handler, () => authorities)
  const h2 = createHttp2Server({}, guarded)
  h2.setTimeout(HTTP2_IDLE_TIMEOUT_MS)
  h2.on('sessionError', () => {})
  const h1 = createHttp1Server(guarded as unknown as RequestListener)
  h1.keepAliveTimeout = 5000
  h1.headersTimeout = HEADERS_TIMEOUT_MS
  h1.requestTimeout = REQUEST_TIMEOUT_MS
  h1.timeout = HTTP1_IDLE_TIMEOUT_MS
  const sockets = new Set<Socket>()

  // One port for both protocols: route each connection by its first bytes (the HTTP/2 preface or not).
  const server = createNetServer({noDelay: true}, (socket) => {
    const guard = guardSocket(socket)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // Every HTTP/1.1 request line is at least as long as the preface, so reading that many bytes
    // (null until they arrive; the rest when the peer ends early) always decides.
    socket.on('readable', function route() {
      const head = socket.read(HTTP2_PREFACE.length) as Buffer | null
      if (head === null) return
      socket.off('readable', route)
      guard.routed()
      socket.unshift(head)
      if (head.equals(HTTP2_PREFACE)) h2.emit('connection', socket)
      else h1.emit('connection', socket)
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port, host, () => {
      server.off('error', fail)
      ok()
    })
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  baseUrl = `http://${urlHost}:${port}`
  authorities = allowedAuthorities(host, port)
  const background = (opts.background ?? []).map((start) => start(ctx))
  const statsd = opts.statsd
    ? (await import('./statsd.js')).startStatsdPush(metrics, opts.statsd, {
        ...(opts.statsd.intervalMs ? {intervalMs: opts.statsd.intervalMs} : {}),
      })
    : undefined
  events.start()

  let closed: Promise<void> | undefined
  return {
    port,
    url: baseUrl,
    publisherStats: () => events.stats(),
    close() {
      closed ??= (async () => {
        await new Promise<void>((ok) => {
          consoleSite.close()
          server.close(() => ok())
          for (const s of sockets) s.destroy()
          h2.close()
          h1.close()
        })
        for (const b of background) await b.stop()
        await statsd?.stop()
        await opts.executor?.close()
        await events.stop()
        await ctx.auth?.close()
        ctx.closing = true
        db.close()
      })()
      return closed
    },
  }
}

function handleHttp(
  ctx: PlaneContext,
  routes: ReturnType<typeof buildRoutes>,
  consoleSite: ConsoleSite,
  maxBodyBytes: number,
  req: PlainRequest,
  res: PlainResponse,
): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, {'content-type': 'text/plain'})
    res.end('ok\n')
    return
  }
  if (url.pathname === '/metrics' && ctx.metrics) {
    serveMetrics(ctx, ctx.metrics, req, res)
    return
  }
  if (ctx.auth?.oauth.handle(url, req, res)) return
  if (consoleSite.handle(url, req, res)) return
  if (url.pathname.startsWith('/blobs/')) {
    handleBlobRequest(ctx, url, req as BlobRequest, res)
    return
  }
  if (url.pathname.startsWith('/api/v1/')) {
    handleRest(routes, url, req, res, maxBodyBytes, ctx.auth, ctx.metrics).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404, {'content-type': 'application/json'})
          res.end(JSON.stringify({code: 5, message: `no route for ${req.method} ${url.pathname}`, details: []}))
        }
      },
      (err: unknown) => {
        logEscapedError(err)
        req.destroy()
      },
    )
    return
  }
  res.writeHead(404, {'content-type': 'text/plain'})
  res.end(`not found: ${url.pathname}\n`)
}

/**
 * `GET /metrics`: the Prometheus text exposition. With auth on it needs a token like every RPC
 * (FlyteAdmin serves metrics on a separate, cluster-internal port; this plane has one port).
 */
function serveMetrics(ctx: PlaneContext, metrics: PlaneMetrics, req: PlainRequest, res: PlainResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, {'content-type': 'text/plain', allow: 'GET, HEAD'})
    res.end('metrics need GET\n')
    return
  }
  const header = (n: string) => {
    const v = req.headers[n]
    return Array.isArray(v) ? v[0] : v
  }
  void (async () => {
    try {
      if (ctx.auth) await ctx.auth.authenticate(header)
    } catch (err) {
      res.writeHead(401, {'content-type': 'text/plain', 'www-authenticate': 'Bearer'})
      res.end(`${ConnectError.from(err).rawMessage}\n`)
      return
    }
    const {body, contentType} = await metrics.render()
    res.writeHead(200, {'content-type': contentType, 'cache-control': 'no-store'})
    res.end(req.method === 'HEAD' ? undefined : body)
  })().catch((err: unknown) => {
    logEscapedError(err)
    req.destroy()
  })
}
