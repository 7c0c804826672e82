/**
 * The local control plane as a process: `node daemon.js --port 30080 [--host 127.0.0.1] --data-dir <dir> [--auth]`.
 * `--no-examples` skips seeding the example launch plans. Opens the store, starts the server with the local executor (`--auth`: with its OAuth2 server and a
 * token required on every call), then writes `<dataDir>/demo.pid`
 * (JSON: pid, port, host, startedAt, dataDir, auth) — the pid file appearing means "listening". SIGTERM or
 * SIGINT closes the server (running executions end ABORTED), removes the pid file and exits 0. A busy
 * port exits with code 10 and one `Error:` line on stderr.
 */
import module from 'node:module'
import {rmSync, writeFileSync, renameSync, readFileSync, mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import type {WorkflowExecutionIdentifier} from '../gen/flyteidl/core/identifier_pb.js'
import type {PlaneContext} from './context.js'
import type {AuthOptions} from './auth/index.js'
import type {ExecutionJob, ExecutionSink, Executor, ExecutorStats} from './executor/types.js'
import {parseRetain} from './retain.js'
import {parseStatsdTarget} from './statsd-target.js'

export const EXIT_PORT_BUSY = 10
export const EXIT_USAGE = 2
/** `--oidc-issuer` names a provider whose discovery document cannot be read or used. */
export const EXIT_OIDC_ISSUER = 11

export interface DaemonOptions {
  port: number
  host: string
  dataDir: string
  /** Largest REST body and Connect/gRPC message, in bytes. */
  maxMessageBytes?: number
  /** Largest blob upload, in bytes. */
  maxUploadBytes?: number
  auth?: boolean
  /** With auth: decide each call with this OPA data-API URL instead of policy.yaml. */
  opaUrl?: string
  /** With auth: trust this external OIDC provider instead of the plane's own OAuth2 server. */
  oidcIssuer?: string
  /** The client id its ID tokens are issued for (and the public client id clients are told). */
  oidcClientId?: string
  /** Audiences accepted on its access tokens besides the plane's URL. */
  oidcAudiences?: string[]
  /** Concurrent task processes across all executions (default: the machine's parallelism, at least 2). */
  maxTasks?: number
  /** POST every notification message here too (the outbox keeps them either way). */
  notifyWebhook?: string
  /** Delete the data of executions that ended longer ago than this, as written (`30d`); off when unset. */
  retain?: string
  /** Seed the example launch plans in flytesnacks (default true; `--no-examples` turns it off). */
  examples?: boolean
  /** Event publisher settings (YAML/JSON file with FlyteAdmin's cloudEvents/externalEvents sections). */
  eventsConfig?: string
  /** Push the /metrics registry to this StatsD server (UDP) every 10 s. */
  statsd?: {host: string; port: number}
}

export interface RunningDaemon {
  port: number
  pidFile: string
  stop(): Promise<void>
}

/**
 * The local executor, loaded on first use so that the server answers sooner: calls keep their order
 * because each waits on the same module promise.
 */
export class DeferredExecutor implements Executor {
  private loaded?: Promise<Executor>
  constructor(private readonly maxProcesses?: number) {}

  preload(): void {
    void this.load().catch(() => {})
  }

  /** Set once loaded. */
  private executor?: Executor

  private load(): Promise<Executor> {
    this.loaded ??= import('./executor/local.js').then(
      (m) => (this.executor = new m.LocalExecutor({maxProcesses: this.maxProcesses})),
    )
    return this.loaded
  }

  start(job: ExecutionJob, sink: ExecutionSink): void {
    void this.load().then(
      (e) => e.start(job, sink),
      (err: unknown) => process.stderr.write(`Error: the executor failed to load: ${(err as Error).message}\n`),
    )
  }

  async terminate(executionId: WorkflowExecutionIdentifier, cause: string): Promise<void> {
    if (this.loaded) await (await this.loaded).terminate(executionId, cause)
  }

  isRunning(executionId: WorkflowExecutionIdentifier): boolean {
    return this.executor?.isRunning?.(executionId) ?? false
  }

  stats(): ExecutorStats {
    return this.executor?.stats?.() ?? {processes: 0, waiting: 0, executions: 0}
  }

  async close(): Promise<void> {
    if (this.loaded) await (await this.loaded).close()
  }
}

export function parseDaemonArgs(argv: string[]): DaemonOptions {
  const {values} = parseArgs({
    args: argv,
    options: {
      port: {type: 'string', default: '30080'},
      host: {type: 'string', default: '127.0.0.1'},
      'data-dir': {type: 'string'},
      'max-message-size': {type: 'string'},
      'max-upload-size': {type: 'string'},
      auth: {type: 'boolean', default: false},
      'opa-url': {type: 'string'},
      'oidc-issuer': {type: 'string'},
      'oidc-client-id': {type: 'string'},
      'oidc-audience': {type: 'string', multiple: true},
      'max-tasks': {type: 'string'},
      'notify-webhook': {type: 'string'},
      retain: {type: 'string'},
      'no-examples': {type: 'boolean', default: false},
      'events-config': {type: 'string'},
      statsd: {type: 'string'},
    },
    strict: true,
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`)
  if (!values['data-dir']) throw new Error('--data-dir is required')
  const maxTasks = values['max-tasks'] === undefined ? undefined : Number(values['max-tasks'])
  if (maxTasks !== undefined && (!Number.isInteger(maxTasks) || maxTasks < 1)) {
    throw new Error(`invalid --max-tasks ${values['max-tasks']}`)
  }
  const bytes = (name: 'max-message-size' | 'max-upload-size'): number | undefined => {
    const v = values[name]
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`invalid --${name} ${v} (a number of bytes)`)
    return n
  }
  const notifyWebhook = values['notify-webhook']
  if (notifyWebhook !== undefined && !/^https?:\/\/[^\s]+$/.test(notifyWebhook)) {
    throw new Error(`invalid --notify-webhook ${notifyWebhook}: an http(s) URL is needed`)
  }
  const retain = values.retain
  if (retain !== undefined) {
    const ms = parseRetain(retain)
    if (typeof ms === 'string') throw new Error(ms)
  }
  const opaUrl = values['opa-url']
  if (opaUrl !== undefined) {
    if (!values.auth) throw new Error('--opa-url needs --auth')
    if (!/^https?:\/\/[^\s]+$/.test(opaUrl)) throw new Error(`invalid --opa-url ${opaUrl}: an http(s) URL is needed`)
  }
  const oidcIssuer = values['oidc-issuer']
  if (oidcIssuer !== undefined) {
    if (!values.auth) throw new Error('--oidc-issuer needs --auth')
    if (!/^https?:\/\/[^\s]+$/.test(oidcIssuer))
      throw new Error(`invalid --oidc-issuer ${oidcIssuer}: an http(s) URL is needed`)
  } else if (values['oidc-client-id'] !== undefined || values['oidc-audience'] !== undefined) {
    throw new Error('--oidc-client-id and --oidc-audience need --oidc-issuer')
  }
  let statsd: {host: string; port: number} | undefined
  if (values.statsd !== undefined) {
    const t = parseStatsdTarget(values.statsd)
    if (typeof t === 'string') throw new Error(t)
    statsd = t
  }
  return {
    port,
    host: values.host!,
    dataDir: resolve(values['data-dir']),
    maxMessageBytes: bytes('max-message-size'),
    maxUploadBytes: bytes('max-upload-size'),
    auth: values.auth === true,
    examples: values['no-examples'] !== true,
    ...(opaUrl ? {opaUrl} : {}),
    ...(oidcIssuer ? {oidcIssuer} : {}),
    ...(values['oidc-client-id'] ? {oidcClientId: values['oidc-client-id']} : {}),
    ...(values['oidc-audience']?.length ? {oidcAudiences: values['oidc-audience']} : {}),
    ...(maxTasks ? {maxTasks} : {}),
    ...(notifyWebhook ? {notifyWebhook} : {}),
    ...(retain ? {retain: retain.trim()} : {}),
    ...(values['events-config'] ? {eventsConfig: resolve(values['events-config'])} : {}),
    ...(statsd ? {statsd} : {}),
  }
}

function daemonAuthOptions(opts: DaemonOptions): AuthOptions {
  return {
    ...(opts.opaUrl ? {opaUrl: opts.opaUrl} : {}),
    ...(opts.oidcIssuer
      ? {
          oidc: {
            issuer: opts.oidcIssuer,
            ...(opts.oidcClientId ? {clientId: opts.oidcClientId} : {}),
            ...(opts.oidcAudiences ? {audiences: opts.oidcAudiences} : {}),
          },
        }
      : {}),
  }
}

export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  mkdirSync(opts.dataDir, {recursive: true, mode: 0o700})
  const [{startServer}, {startRetention, startScheduler, startWebhookNotifier}] = await Promise.all([
    import('./server.js'),
    import('./background.js'),
  ])
  const events = opts.eventsConfig
    ? (await import('./events/config.js')).loadEventsConfig(opts.eventsConfig)
    : undefined
  const executor = new DeferredExecutor(opts.maxTasks)
  // Like Flyte's sandbox, the demo comes with the `flytesnacks` project that pyflyte and the docs use.
  const server = await startServer({
    port: opts.port,
    host: opts.host,
    dataDir: opts.dataDir,
    executor,
    seedProjects: ['flytesnacks'],
    seedExamples: opts.examples !== false,
    maxMessageBytes: opts.maxMessageBytes,
    maxUploadBytes: opts.maxUploadBytes,
    ...(events ? {events} : {}),
    ...(opts.statsd ? {statsd: opts.statsd} : {}),
    ...(opts.auth ? {auth: daemonAuthOptions(opts)} : {}),
    background: [
      (ctx) => startScheduler(ctx),
      ...(opts.notifyWebhook ? [(ctx: PlaneContext) => startWebhookNotifier(ctx, opts.notifyWebhook!)] : []),
      ...(opts.retain ? [(ctx: PlaneContext) => startRetention(ctx, opts.retain!)] : []),
    ],
  })
  const pidFile = join(opts.dataDir, 'demo.pid')
  const info = {
    pid: process.pid,
    port: server.port,
    host: opts.host,
    startedAt: new Date().toISOString(),
    dataDir: opts.dataDir,
    auth: opts.auth === true,
    ...(opts.opaUrl ? {opaUrl: opts.opaUrl} : {}),
    ...(opts.oidcIssuer ? {oidcIssuer: opts.oidcIssuer} : {}),
    ...(opts.retain ? {retain: opts.retain} : {}),
  }
  const tmp = `${pidFile}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(info) + '\n')
  renameSync(tmp, pidFile)
  // Listening already; load the executor now, off the path to "healthy".
  executor.preload()
  let stopping: Promise<void> | undefined
  return {
    port: server.port,
    pidFile,
    stop() {
      stopping ??= (async () => {
        await server.close()
        await executor.close()
        // Only remove the pid file if it is still ours (a newer daemon may have replaced it).
        try {
          const current = JSON.parse(readFileSync(pidFile, 'utf8')) as {pid?: number}
          if (current.pid === process.pid) rmSync(pidFile, {force: true})
        } catch {
          // already gone
        }
      })()
      return stopping
    },
  }
}

async function main(): Promise<void> {
  // Everything the plane and its tasks create (database, WAL, logs, blobs) is private to the user.
  process.umask(0o077)
  module.enableCompileCache?.()
  let opts: DaemonOptions
  try {
    opts = parseDaemonArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`)
    process.exit(EXIT_USAGE)
  }
  let daemon: RunningDaemon
  try {
    daemon = await startDaemon(opts)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      process.stderr.write(`Error: port ${opts.port} on ${opts.host} is already in use\n`)
      process.exit(EXIT_PORT_BUSY)
    }
    if (e.name === 'OidcDiscoveryError') {
      process.stderr.write(`Error: ${e.message}\n`)
      process.exit(EXIT_OIDC_ISSUER)
    }
    process.stderr.write(`Error: ${e.message}\n${e.stack ?? ''}\n`)
    process.exit(1)
  }
  // A bug reached by one request must not take the plane (and the tasks it watches) down: log it, keep serving.
  const {logEscapedError} = await import('./edge.js')
  process.on('uncaughtException', logEscapedError)
  process.on('unhandledRejection', logEscapedError)
  const at = new Date().toISOString()
  process.stderr.write(
    `${at} flytectl local control plane listening on ${opts.host}:${daemon.port} (pid ${process.pid})\n`,
  )
  const shutdown = (signal: string) => {
    process.stderr.write(`${new Date().toISOString()} ${signal}: shutting down\n`)
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Error: shutdown failed: ${(err as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main()
