/**
 * A real OPA server for tests: the `opa` binary that scripts/setup-opa.sh builds with `go install`
 * (in .tools/bin), or one on PATH, run as `opa run --server` on a free loopback port.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {REPO_ROOT} from './cli.js'
import {freePort} from './net.js'

export const OPA_VERSION = 'v1.22.4'

/** The opa binary, or undefined (then tests skip, saying how to get it). */
export function findOpa(): string | undefined {
  const local = join(REPO_ROOT, '.tools', 'bin', 'opa')
  if (existsSync(local)) return local
  const onPath = spawnSync('opa', ['version'], {stdio: 'ignore'})
  return onPath.status === 0 ? 'opa' : undefined
}

/** Skip only where Go is absent: with Go on a CI machine, a missing binary is a failed install step. */
export function opaSkipReason(): string | false {
  if (findOpa()) return false
  const haveGo = spawnSync('go', ['version'], {stdio: 'ignore'}).status === 0
  return haveGo && process.env.CI ? false : OPA_MISSING
}

export const OPA_MISSING =
  'the opa binary is missing: run scripts/setup-opa.sh (it needs Go to `go install` OPA from the Go module proxy)'

export interface OpaServer {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

export async function startOpa(bin: string, policyFiles: string[]): Promise<OpaServer> {
  const port = await freePort()
  const child = spawn(bin, ['run', '--server', '--addr', `127.0.0.1:${port}`, '--log-level', 'error', ...policyFiles], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`opa exited (${child.exitCode}): ${stderr}`)
    try {
      if ((await fetch(`${url}/health`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`opa did not become healthy: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
