/**
 * A cache of validated release manifests: `release lint`, `status`, `plan` and the triage and docs
 * commands that read an unchanged manifest skip the YAML parser and the schema (most of their
 * start-up). Only a manifest that validated is stored, so every error and message still comes from
 * the parser. An entry holds the manifest's text and the flytectl build it was validated by, and is
 * used only when both are exactly those of this run: a changed byte or another build is a miss.
 * Best effort: an unreadable, unwritable or malformed entry is a miss, never an error. Lives in
 * $XDG_CACHE_HOME/flytectl/release-manifest (default ~/.cache/flytectl/release-manifest).
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import type {ReleaseManifest} from '../config/release-manifest.js'
import {buildStamp} from '../build-stamp.js'

/** Bumped when the stored form changes. */
const FORMAT = 1

interface Entry {
  format: number
  build: string
  text: string
  manifest: ReleaseManifest
}

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flytectl', 'release-manifest')
}

/**
 * The entry's file name: FNV-1a of the build, the text's length and up to 512 characters spread
 * over it. Only a locator (a hash of every character costs milliseconds before the JIT warms up):
 * two texts with one name share the file and are each other's misses, never each other's hits.
 */
function entryFile(text: string): string {
  let h = 0x811c9dc5
  const mix = (c: number) => (h = Math.imul(h ^ c, 0x01000193))
  const stamp = buildStamp()
  for (let i = 0; i < stamp.length; i++) mix(stamp.charCodeAt(i))
  mix(text.length & 0xffff)
  mix(text.length >>> 16)
  const step = Math.max(1, Math.ceil(text.length / 512))
  for (let i = 0; i < text.length; i += step) mix(text.charCodeAt(i))
  return join(cacheDir(), `${(h >>> 0).toString(16).padStart(8, '0')}.json`)
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The validated manifest stored for exactly this text by this build, if any. */
export function readCachedManifest(text: string): ReleaseManifest | undefined {
  if (!buildStamp()) return undefined
  try {
    const entry = JSON.parse(readFileSync(entryFile(text), 'utf8')) as Partial<Entry> | null
    const m: unknown = entry?.manifest
    if (
      entry?.format === FORMAT &&
      entry.build === buildStamp() &&
      entry.text === text &&
      isObject(m) &&
      isObject(m.release) &&
      isObject(m.changelog) &&
      isObject(m.repositories) &&
      Array.isArray(m.components) &&
      Array.isArray(m.files)
    ) {
      return m as unknown as ReleaseManifest
    }
  } catch {
    // No entry, or not one of ours: parse.
  }
  return undefined
}

/** Store a manifest that validated; skipped when JSON would not give back the same value. */
export function writeCachedManifest(text: string, manifest: ReleaseManifest): void {
  if (!buildStamp()) return
  try {
    const entry: Entry = {format: FORMAT, build: buildStamp(), text, manifest}
    const json = JSON.stringify(entry)
    const {isDeepStrictEqual} = process.getBuiltinModule('node:util')
    if (!isDeepStrictEqual((JSON.parse(json) as Entry).manifest, manifest)) return
    const dir = cacheDir()
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const file = entryFile(text)
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, json, {mode: 0o600})
    renameSync(tmp, file)
  } catch {
    // A cache that cannot be written is only slower.
  }
}
