/**
 * A cache of values flytectl validated from a file (the config, a release manifest), so a command
 * that reads an unchanged file skips the YAML parser and the schema — most of its start-up. An entry
 * holds the key it was made from (the file's text, and whatever else the caller names) and the
 * flytectl build that validated it, and is used only when both are exactly this run's: a changed
 * byte or another build is a miss. File names are a hash of build and key, a locator rather than a
 * proof: two keys with one name share the file and are each other's misses, never each other's hits.
 * Best effort: an unreadable, unwritable or malformed entry is a miss, never an error. Entries live in
 * $XDG_CACHE_HOME/flytectl/<kind> (default ~/.cache/flytectl/<kind>), directory 0700, files 0600.
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {PACKAGE_ROOT} from './package-root.js'

interface Entry {
  build: string
  key: string
  value: unknown
}

let stamp: string | undefined

/** The text of dist/build-info.json ('' without one: then nothing is cached). Read once per process. */
function buildStamp(): string {
  if (stamp === undefined) {
    try {
      stamp = readFileSync(join(PACKAGE_ROOT, 'dist', 'build-info.json'), 'utf8')
    } catch {
      stamp = ''
    }
  }
  return stamp
}

/**
 * FNV-1a (32 bits) of the build, the key's length and up to 512 of its characters spread over it:
 * hashing every character of a large file costs milliseconds before the JIT warms up.
 */
function entryFile(kind: string, build: string, key: string): string {
  let h = 0x811c9dc5
  const mix = (c: number) => (h = Math.imul(h ^ c, 0x01000193))
  for (let i = 0; i < build.length; i++) mix(build.charCodeAt(i))
  mix(key.length & 0xffff)
  mix(key.length >>> 16)
  const step = Math.max(1, Math.ceil(key.length / 512))
  for (let i = 0; i < key.length; i += step) mix(key.charCodeAt(i))
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flytectl', kind)
  return join(dir, `${(h >>> 0).toString(16).padStart(8, '0')}.json`)
}

/** The value this build stored for exactly `key` in `kind`, if any (its shape is the caller's to check). */
export function readValidated(kind: string, key: string): unknown {
  const build = buildStamp()
  if (!build) return undefined
  try {
    const entry = JSON.parse(readFileSync(entryFile(kind, build, key), 'utf8')) as Partial<Entry> | null
    return entry?.build === build && entry.key === key ? entry.value : undefined
  } catch {
    return undefined
  }
}

/** Stores `value` (as JSON) for `key` in `kind`, replacing the file atomically. */
export function writeValidated(kind: string, key: string, value: unknown): void {
  const build = buildStamp()
  if (!build) return
  try {
    const file = entryFile(kind, build, key)
    mkdirSync(join(file, '..'), {recursive: true, mode: 0o700})
    const tmp = `${file}.${process.pid}.tmp`
    const entry: Entry = {build, key, value}
    writeFileSync(tmp, JSON.stringify(entry), {mode: 0o600})
    renameSync(tmp, file)
  } catch {
    // A cache that cannot be written is only slower.
  }
}
