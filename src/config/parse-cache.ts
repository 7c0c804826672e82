/**
 * A cache of validated config files, keyed by a hash of the file's path and content and of the
 * flytectl build: a command that reads an unchanged config.yaml skips the YAML parser and the schema
 * (the largest part of a cluster command's start-up). Same result as parsing: a changed byte, path
 * or build is a miss. Best effort: an unreadable or unwritable cache is a miss, never an error.
 * The file name is a 64-bit FNV-1a hash of those three, an index rather than a proof (`node:crypto`
 * would cost more start-up than the cache saves): each entry keeps the path, text and build it was
 * made from, and only an exact match is a hit.
 * Lives in $XDG_CACHE_HOME/flytectl/config (default ~/.cache/flytectl/config).
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {buildStamp} from '../build-stamp.js'

export interface CachedConfig {
  config: Record<string, unknown>
  warnings: string[]
}

function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flytectl', 'config')
}

/** FNV-1a, 64 bits (as two 32-bit halves), of the UTF-16 code units of `parts` joined by NUL. */
function keyOf(...parts: string[]): string {
  let hi = 0xcbf29ce4
  let lo = 0x84222325
  const text = parts.join('\0')
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0
    // × 0x100000001b3 = × 2^40 + × 0x1b3, carried across the halves.
    const loMul = lo * 0x1b3
    const carry = Math.floor(loMul / 0x100000000)
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0
    lo = loMul >>> 0
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')
}

interface Entry extends CachedConfig {
  build: string
  path: string
  text: string
}

export function readCachedConfig(path: string, text: string): CachedConfig | undefined {
  const stamp = buildStamp()
  if (!stamp) return undefined
  try {
    const hit = JSON.parse(readFileSync(join(cacheDir(), keyOf(stamp, path, text) + '.json'), 'utf8')) as Entry
    if (!hit || hit.build !== stamp || hit.path !== path || hit.text !== text) return undefined
    return typeof hit.config === 'object' && Array.isArray(hit.warnings)
      ? {config: hit.config, warnings: hit.warnings}
      : undefined
  } catch {
    return undefined
  }
}

export function writeCachedConfig(path: string, text: string, value: CachedConfig): void {
  const stamp = buildStamp()
  if (!stamp) return
  try {
    const dir = cacheDir()
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const file = join(dir, keyOf(stamp, path, text) + '.json')
    const tmp = `${file}.${process.pid}.tmp`
    const entry: Entry = {build: stamp, path, text, ...value}
    writeFileSync(tmp, JSON.stringify(entry), {mode: 0o600})
    renameSync(tmp, file)
  } catch {
    // A cache that cannot be written is only slower.
  }
}
