/**
 * Per-execution credentials for tasks (auth on): so that FlyteRemote inside a task can call the plane,
 * each running execution gets an access token of kind `execution`, signed by the plane, that may do
 * what the `launcher` role may (read, register, run and stop executions) in the execution's own
 * project and domain only, and reads that name no project. It lives 15 minutes, is written again
 * before it expires while the execution runs, and stops being accepted (its file removed) once the
 * execution ends or the plane stops.
 *
 * The token is never put in the environment or a log: it sits in `<dataDir>/auth/exec-tokens/<hash>`
 * (directory 0700, file 0600), and tasks get flytekit's ExternalCommand settings
 * (`FLYTE_CREDENTIALS_AUTH_MODE=ExternalCommand`, `FLYTE_CREDENTIALS_COMMAND=cat,<file>`: flytekit
 * splits the command on commas and runs it again to refresh), which name only the file.
 */
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, openSync, closeSync, writeSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import type {ExecutionScope} from '../executor/task-env.js'
import {authDir} from './keys.js'
import {BUILTIN_ROLES, type Decision} from './policy.js'
import type {TokenService} from './tokens.js'

export const EXECUTION_TOKEN_SECONDS = 15 * 60
/** Written again when less than this is left. */
const RENEW_BEFORE_SECONDS = 5 * 60
const SWEEP_MS = 30_000

interface Live {
  scope: ExecutionScope
  path: string
  expires: number
}

const keyOf = (s: ExecutionScope) => `${s.project}/${s.domain}/${s.name}`

export class ExecutionTokens {
  private readonly live = new Map<string, Live>()
  private readonly dir: string
  private timer?: NodeJS.Timeout
  private pending = new Map<string, Promise<Record<string, string>>>()

  constructor(
    dataDir: string,
    private readonly tokens: TokenService,
    /** Whether the execution still runs (not in a terminal phase). */
    private readonly isRunning: (scope: ExecutionScope) => boolean,
    private readonly seconds = EXECUTION_TOKEN_SECONDS,
  ) {
    this.dir = join(authDir(dataDir), 'exec-tokens')
    // Files of a previous run of the plane name tokens it no longer accepts.
    rmSync(this.dir, {recursive: true, force: true})
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    this.timer = setInterval(() => void this.sweep().catch(() => {}), SWEEP_MS)
    this.timer.unref()
  }

  /** flytekit's settings for a task of this execution (the token file is written first). */
  env(scope: ExecutionScope): Promise<Record<string, string>> {
    const key = keyOf(scope)
    let p = this.pending.get(key)
    if (!p) {
      p = this.ensure(scope).finally(() => this.pending.delete(key))
      this.pending.set(key, p)
    }
    return p
  }

  private async ensure(scope: ExecutionScope): Promise<Record<string, string>> {
    const key = keyOf(scope)
    let entry = this.live.get(key)
    if (!entry || entry.expires - Date.now() < RENEW_BEFORE_SECONDS * 1000) {
      const path = entry?.path ?? join(this.dir, createHash('sha256').update(key).digest('hex').slice(0, 32))
      entry = {scope, path, expires: await this.write(scope, path)}
      this.live.set(key, entry)
    }
    return {
      FLYTE_CREDENTIALS_AUTH_MODE: 'ExternalCommand',
      FLYTE_CREDENTIALS_COMMAND: `${existsSync('/bin/cat') ? '/bin/cat' : 'cat'},${entry.path}`,
    }
  }

  private async write(scope: ExecutionScope, path: string): Promise<number> {
    const token = await this.tokens.issueExecution(scope, this.seconds)
    const tmp = `${path}.${randomBytes(6).toString('hex')}`
    const fd = openSync(tmp, 'wx', 0o600)
    try {
      writeSync(fd, token + '\n')
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
    return Date.now() + this.seconds * 1000
  }

  /** Whether a token of this execution is still accepted (the execution runs). */
  accepts(scope: ExecutionScope): boolean {
    return this.live.has(keyOf(scope))
  }

  /** Forgets ended executions (their files removed) and writes tokens that are about to expire again. */
  async sweep(): Promise<void> {
    for (const [key, e] of this.live) {
      if (!this.isRunning(e.scope)) {
        this.live.delete(key)
        rmSync(e.path, {force: true})
      } else if (e.expires - Date.now() < RENEW_BEFORE_SECONDS * 1000) {
        e.expires = await this.write(e.scope, e.path)
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.live.clear()
    rmSync(this.dir, {recursive: true, force: true})
  }
}

/** What an execution's token may do: the launcher role's actions, in the execution's project and domain. */
export function decideForExecution(
  scope: ExecutionScope,
  target: {action: string; project: string; domain: string},
): Decision {
  const rule = `execution token of ${keyOf(scope)} (launcher in project ${scope.project}, domain ${scope.domain})`
  const actions = BUILTIN_ROLES.launcher!
  if (!actions.includes(target.action)) return {allow: false, rule}
  if (target.project === '') return {allow: target.action === 'read', rule}
  if (target.project !== scope.project) return {allow: false, rule}
  if (target.domain !== '' && target.domain !== scope.domain) return {allow: false, rule}
  return {allow: true, rule}
}
