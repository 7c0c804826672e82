/**
 * `flytectl demo`: the local control plane as a detached background process (the daemon in
 * src/controlplane/daemon.ts) plus the `~/.flyte/config-sandbox.yaml` that points flytectl and
 * flytekit at it.
 */
import {spawn} from 'node:child_process'
import {existsSync, openSync, closeSync} from 'node:fs'
import {lstat, mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {CliError} from '../cli/errors.js'
import {EXIT_OIDC_ISSUER, EXIT_PORT_BUSY} from '../controlplane/daemon.js'
import {PASSED_ENV, taskEnvironment} from '../controlplane/executor/task-env.js'
import {demoConfigPath} from '../config/load.js'
import {PACKAGE_ROOT} from '../package-root.js'
import {
  defaultDataDir,
  formatUptime,
  isDaemonProcess,
  logFilePath,
  pidFilePath,
  processAlive,
  readPidFile,
  removePidFile,
  type DaemonInfo,
} from './state.js'

export const DAEMON_PATH = join(PACKAGE_ROOT, 'dist', 'src', 'controlplane', 'daemon.js')

export interface DemoPaths {
  home: string
  dataDir: string
  configPath: string
}

export function demoPaths(opts: {dataDir?: string; home?: string} = {}): DemoPaths {
  const home = opts.home ?? homedir()
  return {
    home,
    dataDir: resolve(opts.dataDir ?? defaultDataDir(home)),
    configPath: demoConfigPath(home),
  }
}

/** Where `demo start` records the data directory of the plane it started last (one line, an absolute path). */
export function lastDataDirPath(home: string): string {
  return join(home, '.flyte', 'demo-datadir')
}

/**
 * The plane `status`, `teardown` and `exec` act on: `--dataDir` when given; else the default data
 * directory, unless nothing is there and the plane `demo start` started last (with another
 * `--dataDir`) still is — then that one (`located` says so).
 */
export async function locateDemo(
  opts: {dataDir?: string; home?: string} = {},
): Promise<DemoPaths & {located: boolean}> {
  const paths = demoPaths(opts)
  if (opts.dataDir !== undefined) return {...paths, located: false}
  const recorded = await readFile(lastDataDirPath(paths.home), 'utf8').then(
    (t) => t.trim(),
    () => '',
  )
  if (!recorded || resolve(recorded) === paths.dataDir) return {...paths, located: false}
  if ((await inspectDaemon(paths.dataDir)).state !== 'stopped') return {...paths, located: false}
  if ((await inspectDaemon(recorded)).state === 'stopped') return {...paths, located: false}
  return {...paths, dataDir: resolve(recorded), located: true}
}

async function recordDataDir(paths: DemoPaths): Promise<void> {
  await writeFile(lastDataDirPath(paths.home), paths.dataDir + '\n', {mode: 0o600}).catch(() => {})
}

/**
 * The same shape Go flytectl writes for its sandbox, pointed at the local control plane. With auth on,
 * client credentials with the secret the plane created (flytekit reads the same keys).
 */
export function renderSandboxConfig(port: number, auth?: {clientId: string; secretFile: string}): string {
  return [
    'admin:',
    '  # For GRPC endpoints you might want to use dns:///flyte.myexample.com',
    `  endpoint: dns:///127.0.0.1:${port}`,
    ...(auth
      ? ['  authType: ClientSecret', `  clientId: ${auth.clientId}`, `  clientSecretLocation: ${auth.secretFile}`]
      : ['  authType: Pkce']),
    '  insecure: true',
    'logger:',
    '  show-source: true',
    '  level: 0',
    '',
  ].join('\n')
}

/**
 * GetVersion against the local plane: the control-plane version, `unknown (auth on)` when it asks for
 * a token (it answers, so it is healthy), or null if it does not answer.
 */
export async function probeVersion(port: number, timeoutMs = 1000): Promise<string | null> {
  // The CLI's fast read path (h2c + the lite codec): no node:http2, Connect or protobuf runtime.
  const {FastPath, takeReplay} = await import('../admin/fast-call.js')
  const fast = new FastPath(`http://127.0.0.1:${port}`, {timeoutMs})
  try {
    const res = await fast.call('flyteidl.service.AdminService', 'getVersion', {})
    if (!res) return null
    if ('replay' in res) {
      const answer = takeReplay(res.replay)
      const unauthenticated = [...(answer?.trailer ?? []), ...(answer?.header ?? [])].some(
        ([name, value]) => name === 'grpc-status' && value === '16',
      )
      return unauthenticated ? 'unknown (auth on)' : null
    }
    const version = res.message as {controlPlaneVersion?: {Version?: string}}
    return version.controlPlaneVersion?.Version || 'unknown'
  } finally {
    fast.close()
  }
}

export type DaemonState =
  {state: 'stopped'} | {state: 'stale'; info: DaemonInfo} | {state: 'running'; info: DaemonInfo; version: string | null}

/** What the pid file says, checked against the process table and the port. */
export async function inspectDaemon(dataDir: string): Promise<DaemonState> {
  const info = await readPidFile(dataDir)
  if (!info) return existsSync(pidFilePath(dataDir)) ? {state: 'stale', info: emptyInfo(dataDir)} : {state: 'stopped'}
  if (!processAlive(info.pid) || !isDaemonProcess(info.pid)) return {state: 'stale', info}
  return {state: 'running', info, version: await probeVersion(info.port)}
}

const emptyInfo = (dataDir: string): DaemonInfo => ({pid: 0, port: 0, host: '', startedAt: '', dataDir})

export interface StartOptions {
  port: number
  dataDir?: string
  home?: string
  /** Give up waiting for the daemon after this long. */
  timeoutMs?: number
  note?: (line: string) => void
  /** Stop a running plane first and start a new one with this process's environment. */
  restart?: boolean
  /** Largest REST body and Connect/gRPC message the plane accepts, in bytes (its default when unset). */
  maxMessageBytes?: number
  /** Largest blob upload the plane accepts, in bytes (its default when unset). */
  maxUploadBytes?: number
  /** Variables passed to tasks beyond the allow-list (`--env NAME` / `--env NAME=value`), already resolved. */
  passEnv?: Record<string, string>
  /** Start the plane with auth on (its OAuth2 server; a token on every call). */
  auth?: boolean
  /** With auth: an OPA data-API URL that decides each call instead of policy.yaml. */
  opaUrl?: string
  /** With auth: trust this external OIDC provider instead of the plane's own OAuth2 server. */
  oidcIssuer?: string
  /** The client id its ID tokens are issued for (and the public client id clients are told). */
  oidcClientId?: string
  /** Audiences accepted on its access tokens besides the plane's URL. */
  oidcAudiences?: string[]
  /** Concurrent task processes the plane runs (the rest queue). */
  maxTasks?: number
  /** POST every notification message to this URL too. */
  notifyWebhook?: string
  /** Delete the data of executions that ended longer ago than this (`30d`); off when unset. */
  retain?: string
  /** false: do not seed the example launch plans in flytesnacks (`--no-examples`). */
  examples?: boolean
  /** Event publisher settings file (FlyteAdmin's cloudEvents/externalEvents sections), absolute path. */
  eventsConfig?: string
  /** Push metrics to this StatsD server (`host:port`). */
  statsd?: string
}

export interface StartResult {
  pid: number
  port: number
  endpoint: string
  dataDir: string
  configPath: string
  alreadyRunning: boolean
  /** Spawn → answering GetVersion, in ms (0 when it was already running). */
  startupMs: number
  staleCleaned: boolean
  /** For a plane that was already running: how its task environment differs from this process's. */
  settingsDiffer: string[]
  /** A running plane was stopped first (--restart). */
  restarted: boolean
  /** The plane has auth on; `credentials` says where its files are (its own OAuth2 server). */
  auth: boolean
  credentials?: AuthFiles
  /** Auth on with an external OIDC provider: its issuer URL. */
  oidcIssuer?: string
}

/** Where a plane with auth on keeps who may sign in, and the first client's and user's secrets. */
export interface AuthFiles {
  identities: string
  policy: string
  clientId: string
  clientSecretFile: string
  adminUser: string
  adminPasswordFile: string
}

export function authFiles(dataDir: string): AuthFiles {
  return {
    identities: resolve(dataDir, 'auth', 'identities.yaml'),
    policy: resolve(dataDir, 'auth', 'policy.yaml'),
    clientId: 'flytepropeller',
    clientSecretFile: resolve(dataDir, 'auth', 'flytepropeller.secret'),
    adminUser: 'admin',
    adminPasswordFile: resolve(dataDir, 'auth', 'admin.password'),
  }
}

function configAuth(dataDir: string, auth: boolean | undefined, oidcIssuer?: string) {
  // With an external provider the plane holds no client secret: the config keeps Pkce.
  if (!auth || oidcIssuer) return undefined
  const f = authFiles(dataDir)
  return {clientId: f.clientId, secretFile: f.clientSecretFile}
}

export async function startDemo(opts: StartOptions): Promise<StartResult> {
  const paths = demoPaths(opts)
  const note = opts.note ?? (() => {})
  let staleCleaned = false
  let restarted = false
  const current = await inspectDaemon(paths.dataDir)
  if (current.state === 'running') {
    if (current.version === null) {
      throw new CliError(
        'unavailable',
        `the local control plane (pid ${current.info.pid}) is running but does not answer on port ${current.info.port}`,
        {
          hint: `Run \`flytectl demo teardown\`, then \`flytectl demo start\` again (log: ${logFilePath(paths.dataDir)}).`,
        },
      )
    }
    if (!opts.restart) return alreadyRunning(current.info, paths, staleCleaned, opts)
    note(`Stopping the running control plane (pid ${current.info.pid}) to restart it with this environment`)
    await stopProcess(current.info.pid, 10_000)
    await removePidFile(paths.dataDir)
    restarted = true
  }
  if (current.state === 'stale') {
    const what = current.info.pid ? `process ${current.info.pid} is not running` : 'unreadable'
    note(`Removed a stale pid file (${what}): ${pidFilePath(paths.dataDir)}`)
    await removePidFile(paths.dataDir)
    staleCleaned = true
  }

  await prepareDataDir(paths.dataDir, note)
  const {settingsFromEnv, writeSettings} = await import('./settings.js')
  await writeSettings(paths.dataDir, settingsFromEnv(process.env))
  const started = performance.now()
  const child = await spawnDaemon(paths.dataDir, opts.port, daemonEnvironment(opts.passEnv ?? {}), [
    ...(opts.auth ? ['--auth'] : []),
    ...(opts.opaUrl ? ['--opa-url', opts.opaUrl] : []),
    ...(opts.oidcIssuer ? ['--oidc-issuer', opts.oidcIssuer] : []),
    ...(opts.oidcClientId ? ['--oidc-client-id', opts.oidcClientId] : []),
    ...(opts.oidcAudiences ?? []).flatMap((a) => ['--oidc-audience', a]),
    ...limitArgs(opts),
  ])
  try {
    await waitUntilReady(child, paths.dataDir, opts.port, opts.timeoutMs ?? 15_000)
  } catch (err) {
    // Two starts at once: the daemon that lost (the port, or the database while both opened it) leaves
    // the other one up and healthy, which is what this start wanted.
    const now = err instanceof CliError ? await awaitRunning(paths.dataDir, 500) : null
    if (now?.state !== 'running' || now.version === null || now.info.port !== opts.port) throw err
    return alreadyRunning(now.info, paths, staleCleaned, opts)
  }
  const startupMs = performance.now() - started
  await writeConfigIfChanged(paths.configPath, opts.port, configAuth(paths.dataDir, opts.auth, opts.oidcIssuer))
  await recordDataDir(paths)
  return {
    auth: opts.auth === true,
    ...(opts.auth && !opts.oidcIssuer ? {credentials: authFiles(paths.dataDir)} : {}),
    ...(opts.auth && opts.oidcIssuer ? {oidcIssuer: opts.oidcIssuer} : {}),
    pid: child.pid,
    port: opts.port,
    endpoint: `dns:///127.0.0.1:${opts.port}`,
    dataDir: paths.dataDir,
    configPath: paths.configPath,
    alreadyRunning: false,
    startupMs,
    staleCleaned,
    settingsDiffer: [],
    restarted,
  }
}

/**
 * The data directory, private to the user (0700; an existing one readable by others is tightened, with a
 * note) and marked as the plane's when start made it, so that `teardown --volume` may delete it.
 */
async function prepareDataDir(dataDir: string, note: (line: string) => void): Promise<void> {
  const {makePrivateDir, markDataDir, tightenDataDir} = await import('../controlplane/private-files.js')
  makePrivateDir(dataDir)
  const tightened = tightenDataDir(dataDir)
  if (tightened > 0) note(`Made ${dataDir} private to you (0700 directories, no group/other access to files).`)
  markDataDir(dataDir)
}

/** Polls until a healthy daemon shows up in the data dir, or the time is up (then the last state). */
async function awaitRunning(dataDir: string, ms: number): Promise<DaemonState> {
  const deadline = Date.now() + ms
  for (;;) {
    const s = await inspectDaemon(dataDir)
    if ((s.state === 'running' && s.version !== null) || Date.now() > deadline) return s
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function alreadyRunning(
  info: DaemonInfo,
  paths: DemoPaths,
  staleCleaned: boolean,
  want: {auth?: boolean; oidcIssuer?: string},
): Promise<StartResult> {
  const wantAuth = want.auth
  await writeConfigIfChanged(paths.configPath, info.port, configAuth(paths.dataDir, info.auth, info.oidcIssuer))
  const {readSettings, settingsDifferences, settingsFromEnv} = await import('./settings.js')
  const running = await readSettings(paths.dataDir)
  const differ = running ? settingsDifferences(running, settingsFromEnv(process.env)) : []
  if (wantAuth !== undefined && (info.auth === true) !== wantAuth)
    differ.push(
      `auth: the running plane has auth ${info.auth ? 'on' : 'off'}, this start asked for it ${wantAuth ? 'on' : 'off'}`,
    )
  else if (wantAuth && (info.oidcIssuer ?? '') !== (want.oidcIssuer ?? ''))
    differ.push(
      `auth: the running plane trusts ${info.oidcIssuer ? `the OIDC issuer ${info.oidcIssuer}` : 'its own OAuth2 server'}, this start asked for ${want.oidcIssuer ? `the OIDC issuer ${want.oidcIssuer}` : 'its own OAuth2 server'}`,
    )
  return {
    auth: info.auth === true,
    ...(info.auth && !info.oidcIssuer ? {credentials: authFiles(paths.dataDir)} : {}),
    ...(info.auth && info.oidcIssuer ? {oidcIssuer: info.oidcIssuer} : {}),
    settingsDiffer: differ,
    restarted: false,
    pid: info.pid,
    port: info.port,
    endpoint: `dns:///127.0.0.1:${info.port}`,
    dataDir: paths.dataDir,
    configPath: paths.configPath,
    alreadyRunning: true,
    startupMs: 0,
    staleCleaned,
  }
}

interface SpawnedDaemon {
  pid: number
  exited: Promise<number | null>
  kill(): void
}

function limitArgs(opts: StartOptions): string[] {
  return [
    ...(opts.maxMessageBytes ? ['--max-message-size', String(opts.maxMessageBytes)] : []),
    ...(opts.maxUploadBytes ? ['--max-upload-size', String(opts.maxUploadBytes)] : []),
    ...(opts.maxTasks ? ['--max-tasks', String(opts.maxTasks)] : []),
    ...(opts.notifyWebhook ? ['--notify-webhook', opts.notifyWebhook] : []),
    ...(opts.retain ? ['--retain', opts.retain] : []),
    ...(opts.examples === false ? ['--no-examples'] : []),
    ...(opts.eventsConfig ? ['--events-config', opts.eventsConfig] : []),
    ...(opts.statsd ? ['--statsd', opts.statsd] : []),
  ]
}

/**
 * The daemon's environment, which is also what its tasks see: the allow-list of this shell's variables
 * (see controlplane/executor/task-env.ts) plus the ones passed with `--env`, listed by name.
 */
export function daemonEnvironment(passEnv: Record<string, string>): NodeJS.ProcessEnv {
  const names = Object.keys(passEnv)
  return {...taskEnvironment(process.env, []), ...passEnv, [PASSED_ENV]: names.join(',')}
}

async function spawnDaemon(
  dataDir: string,
  port: number,
  env: NodeJS.ProcessEnv,
  extraArgs: string[],
): Promise<SpawnedDaemon> {
  const log = openSync(logFilePath(dataDir), 'a', 0o600)
  try {
    const child = spawn(
      process.execPath,
      [DAEMON_PATH, '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, ...extraArgs],
      {detached: true, stdio: ['ignore', log, log], cwd: dataDir, env},
    )
    const exited = new Promise<number | null>((res) => {
      child.once('exit', (code) => res(code))
      child.once('error', () => res(-1))
    })
    child.unref()
    if (!child.pid) throw new CliError('internal', `could not start ${process.execPath} ${DAEMON_PATH}`)
    return {pid: child.pid, exited, kill: () => child.kill('SIGKILL')}
  } finally {
    closeSync(log)
  }
}

/** Ready = the daemon wrote its pid file and answers GetVersion. Exits during startup become errors. */
async function waitUntilReady(child: SpawnedDaemon, dataDir: string, port: number, timeoutMs: number) {
  let exitCode: number | null | undefined
  void child.exited.then((c) => (exitCode = c ?? -1))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw await startupFailure(exitCode, dataDir, port)
    const info = await readPidFile(dataDir)
    if (info?.pid === child.pid && (await probeVersion(port, 2000)) !== null) return
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill()
  throw new CliError('unavailable', `the local control plane did not become healthy within ${timeoutMs / 1000}s`, {
    hint: `See its log: ${logFilePath(dataDir)}`,
  })
}

async function startupFailure(code: number | null, dataDir: string, port: number): Promise<CliError> {
  if (code === EXIT_OIDC_ISSUER) {
    const lines = (await readFile(logFilePath(dataDir), 'utf8').catch(() => '')).trim().split('\n')
    const last = lines.reverse().find((l) => l.startsWith('Error:')) ?? ''
    return new CliError('unavailable', last.replace(/^Error: /, '') || 'the OIDC issuer could not be used', {
      hint: 'Check --oidc-issuer: <issuer>/.well-known/openid-configuration must answer with that issuer and a jwks_uri.',
    })
  }
  if (code === EXIT_PORT_BUSY) {
    return new CliError('conflict', `port ${port} is already in use`, {
      hint: `Stop whatever listens on ${port}, or start on another port: flytectl demo start --port <port>`,
    })
  }
  const lines = (await readFile(logFilePath(dataDir), 'utf8').catch(() => '')).trim().split('\n')
  const last = lines.reverse().find((l) => l.startsWith('Error:')) ?? lines[0] ?? ''
  return new CliError(
    'internal',
    `the local control plane exited during startup (code ${code}): ${last.replace(/^Error: /, '')}`,
    {
      hint: `See its log: ${logFilePath(dataDir)}`,
    },
  )
}

async function writeConfigIfChanged(
  path: string,
  port: number,
  auth?: {clientId: string; secretFile: string},
): Promise<void> {
  const text = renderSandboxConfig(port, auth)
  const existing = await readFile(path, 'utf8').catch(() => null)
  if (existing === text) return
  await mkdir(dirname(path), {recursive: true})
  await writeFile(path, text, {mode: 0o600})
}

export interface StatusResult {
  running: boolean
  pid?: number
  port?: number
  endpoint?: string
  uptime?: string
  startedAt?: string
  dataDir: string
  health: 'healthy' | 'unresponsive' | 'stopped' | 'stale pid file'
  version?: string
  /** How long execution data is kept after an execution ends (`--retain`); `off` when not set. */
  retain?: string
}

export async function demoStatus(opts: {dataDir?: string; home?: string} = {}): Promise<StatusResult> {
  const {dataDir} = await locateDemo(opts)
  const s = await inspectDaemon(dataDir)
  if (s.state === 'stopped') return {running: false, dataDir, health: 'stopped'}
  if (s.state === 'stale') return {running: false, dataDir, health: 'stale pid file', pid: s.info.pid || undefined}
  const started = Date.parse(s.info.startedAt)
  return {
    running: true,
    pid: s.info.pid,
    port: s.info.port,
    endpoint: `dns:///127.0.0.1:${s.info.port}`,
    startedAt: s.info.startedAt,
    uptime: Number.isNaN(started) ? '' : formatUptime(Date.now() - started),
    dataDir,
    health: s.version === null ? 'unresponsive' : 'healthy',
    ...(s.version ? {version: s.version} : {}),
    retain: s.info.retain ?? 'off',
  }
}

export interface TeardownResult {
  stopped: boolean
  pid?: number
  dataDir: string
  removedData: boolean
  removedConfig: boolean
}

export async function teardownDemo(opts: {dataDir?: string; home?: string; volume?: boolean; timeoutMs?: number}) {
  const paths = await locateDemo(opts)
  if (opts.volume) await refuseUnmarkedDataDir(paths.dataDir)
  const s = await inspectDaemon(paths.dataDir)
  let stopped = false
  let pid: number | undefined
  if (s.state === 'running') {
    pid = s.info.pid
    await stopProcess(pid, opts.timeoutMs ?? 10_000)
    stopped = true
  }
  if (s.state !== 'stopped') await removePidFile(paths.dataDir)
  let removedConfig = false
  if (existsSync(paths.configPath)) {
    await rm(paths.configPath, {force: true})
    removedConfig = true
  }
  let removedData = false
  if (opts.volume && existsSync(paths.dataDir)) {
    await rm(paths.dataDir, {recursive: true, force: true})
    removedData = true
  }
  // Forget the recorded data directory once its plane is stopped.
  const last = lastDataDirPath(paths.home)
  const recorded = await readFile(last, 'utf8').then(
    (t) => t.trim(),
    () => '',
  )
  if (recorded && resolve(recorded) === paths.dataDir) await rm(last, {force: true})
  return {stopped, pid, dataDir: paths.dataDir, removedData, removedConfig} satisfies TeardownResult
}

/** `teardown --volume` deletes only a real directory that `demo start` made (it carries the marker). */
async function refuseUnmarkedDataDir(dataDir: string): Promise<void> {
  const {DATA_DIR_MARKER, hasDataDirMarker} = await import('../controlplane/private-files.js')
  const st = await lstat(dataDir).catch(() => undefined)
  if (!st) return
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new CliError('usage', `refusing to delete ${dataDir}: it is not a directory (a symlink or a file)`, {
      hint: 'Give the data directory itself with --dataDir, or delete it yourself.',
    })
  }
  if (!hasDataDirMarker(dataDir)) {
    throw new CliError(
      'usage',
      `refusing to delete ${dataDir}: it has no ${DATA_DIR_MARKER} marker, so \`flytectl demo start\` did not create it`,
      {hint: 'Check --dataDir; if it really is a control plane data directory, delete it yourself.'},
    )
  }
}

/** SIGTERM, wait for a graceful exit, SIGKILL if it does not come. */
async function stopProcess(pid: number, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // exited between the check and the kill
  }
}

/** Runs a command with FLYTECTL_CONFIG pointing at the sandbox config; resolves to its exit code. */
export async function execWithDemoConfig(
  argv: string[],
  opts: {dataDir?: string; home?: string} = {},
): Promise<number> {
  if (argv.length === 0) {
    throw new CliError('usage', 'missing argument. Please check usage examples by running flytectl demo exec --help', {
      hint: 'Example: flytectl demo exec -- flytectl get project',
    })
  }
  const paths = await locateDemo(opts)
  const s = await inspectDaemon(paths.dataDir)
  if (s.state !== 'running') {
    throw new CliError('unavailable', 'no local control plane is running', {
      hint: 'Start one with `flytectl demo start`.',
    })
  }
  await writeConfigIfChanged(paths.configPath, s.info.port, configAuth(paths.dataDir, s.info.auth))
  return new Promise((res, rej) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: 'inherit',
      env: {...process.env, FLYTECTL_CONFIG: paths.configPath},
    })
    child.once('error', (err) =>
      rej(
        new CliError('not-found', `cannot run ${argv[0]}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, {
          hint: 'Check the command name and your PATH.',
        }),
      ),
    )
    child.once('exit', (code, signal) => res(code ?? (signal ? 128 + 15 : 1)))
  })
}
