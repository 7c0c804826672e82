/**
 * Validated release manifests (src/validated-cache.ts), keyed by the manifest's text: `release lint`,
 * `status`, `plan` and the triage and docs commands that read an unchanged manifest skip the YAML
 * parser and the schema (most of their start-up). Only a manifest that validated is stored, so every
 * error and message still comes from the parser. Lives in $XDG_CACHE_HOME/flytectl/release-manifest
 * (default ~/.cache/flytectl/release-manifest).
 */
import type {ReleaseManifest} from '../config/release-manifest.js'
import {readValidated, writeValidated} from '../validated-cache.js'

/** The cache's kind; its version is bumped when the stored form changes. */
const KIND = 'release-manifest'
const FORMAT = 1

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The validated manifest stored for exactly this text by this build, if any. */
export function readCachedManifest(text: string): ReleaseManifest | undefined {
  const stored = readValidated(KIND, text)
  if (!isObject(stored) || stored.format !== FORMAT) return undefined
  const m = stored.manifest
  if (
    isObject(m) &&
    isObject(m.release) &&
    isObject(m.changelog) &&
    isObject(m.repositories) &&
    Array.isArray(m.components) &&
    Array.isArray(m.files)
  ) {
    return m as unknown as ReleaseManifest
  }
  return undefined
}

/** Store a manifest that validated; skipped when JSON would not give back the same value. */
export function writeCachedManifest(text: string, manifest: ReleaseManifest): void {
  const {isDeepStrictEqual} = process.getBuiltinModule('node:util')
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(manifest)), manifest)) return
  writeValidated(KIND, text, {format: FORMAT, manifest})
}
