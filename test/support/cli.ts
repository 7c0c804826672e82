/** Runs the built CLI (bin/run.js) as a child process with the repo's pinned Node. */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname
export const BIN = join(REPO_ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  input?: string
  cwd?: string
}

/** A throwaway HOME so no test reads or writes the developer's ~/.flyte. */
export function tempHome(): {home: string; cleanup: () => void} {
  const home = mkdtempSync(join(tmpdir(), 'flytectl-home-'))
  return {home, cleanup: () => rmSync(home, {recursive: true, force: true})}
}

export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', FLYTECTL_CONFIG: '', ...opts.env}
    delete env.DEBUG
    const child = spawn(process.execPath, [BIN, ...args], {cwd: opts.cwd ?? REPO_ROOT, env, stdio: 'pipe'})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
    child.stdin.end(opts.input ?? '')
  })
}
