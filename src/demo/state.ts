/**
 * Where the local control plane keeps its state and how to tell whether it is running: the data
 * directory (`~/.flyte/demo` by default), its pid file `demo.pid` (JSON written by the daemon once
 * it listens) and its log `demo.log`.
 */
import {readFileSync} from 'node:fs'
import {readFile, rm} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'

export interface DaemonInfo {
  pid: number
  port: number
  host: string
  /** ISO time the server started listening. */
  startedAt: string
  dataDir: string
  /** Auth on (`demo start --auth`); absent in pid files of older planes. */
  auth?: boolean
  /** `demo start --retain` as given (`30d`); absent when retention is off. */
  retain?: string
  /** With auth: the external OIDC provider trusted instead of the plane's own OAuth2 server. */
  oidcIssuer?: string
}

export function defaultDataDir(home = homedir()): string {
  return join(home, '.flyte', 'demo')
}

export const pidFilePath = (dataDir: string) => join(dataDir, 'demo.pid')
export const logFilePath = (dataDir: string) => join(dataDir, 'demo.log')

/** The pid file's content, or null when there is none (or it is unreadable garbage). */
export async function readPidFile(dataDir: string): Promise<DaemonInfo | null> {
  let text: string
  try {
    text = await readFile(pidFilePath(dataDir), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    const info = JSON.parse(text) as Partial<DaemonInfo>
    if (typeof info.pid !== 'number' || typeof info.port !== 'number') return null
    return {
      pid: info.pid,
      port: info.port,
      host: info.host ?? '127.0.0.1',
      startedAt: info.startedAt ?? '',
      dataDir: info.dataDir ?? dataDir,
      auth: info.auth === true,
      ...(typeof info.retain === 'string' ? {retain: info.retain} : {}),
    }
  } catch {
    return null
  }
}

export async function removePidFile(dataDir: string): Promise<void> {
  await rm(pidFilePath(dataDir), {force: true})
}

/** Signal 0 probes a process without touching it; EPERM means it exists under another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/** An exited process nobody has reaped yet still answers signal 0; on Linux its state says `Z`. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}

/**
 * Whether a live pid is still our daemon (not a recycled pid). On Linux the command line tells;
 * elsewhere a live pid is trusted.
 */
export function isDaemonProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('daemon.js')
  } catch {
    return processAlive(pid)
  }
}

/** `1h2m3s` style, from milliseconds. */
export function formatUptime(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`
}
