/**
 * A cache of validated config files, keyed by a hash of the file's path and content and of the
 * flytectl build: a command that reads an unchanged config.yaml skips the YAML parser and the schema
 * (the largest part of a cluster command's start-up). Same result as parsing: a changed byte, path
 * or build is a miss. Best effort: an unreadable or unwritable cache is a miss, never an error.
 * Lives in $XDG_CACHE_HOME/flytectl/config (default ~/.cache/flytectl/config).
 */
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {PACKAGE_ROOT} from '../package-root.js'

export interface CachedConfig {
  config: Record<string, unknown>
  warnings: string[]
}

function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flytectl', 'config')
}

let buildStamp: string | undefined
function build(): string {
  if (buildStamp === undefined) {
    try {
      buildStamp = readFileSync(join(PACKAGE_ROOT, 'dist', 'build-info.json'), 'utf8')
    } catch {
      buildStamp = ''
    }
  }
  return buildStamp
}

function keyOf(path: string, text: string): string {
  return createHash('sha256').update(build()).update('\0').update(path).update('\0').update(text).digest('hex')
}

export function readCachedConfig(path: string, text: string): CachedConfig | undefined {
  if (!build()) return undefined
  try {
    const hit = JSON.parse(readFileSync(join(cacheDir(), keyOf(path, text) + '.json'), 'utf8')) as CachedConfig
    return hit && typeof hit.config === 'object' && Array.isArray(hit.warnings) ? hit : undefined
  } catch {
    return undefined
  }
}

export function writeCachedConfig(path: string, text: string, value: CachedConfig): void {
  if (!build()) return
  try {
    const dir = cacheDir()
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const file = join(dir, keyOf(path, text) + '.json')
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(value), {mode: 0o600})
    renameSync(tmp, file)
  } catch {
    // A cache that cannot be written is only slower.
  }
}
