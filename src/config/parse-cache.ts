/**
 * Validated config files (src/validated-cache.ts), keyed by the file's path and content: a command
 * that reads an unchanged config.yaml skips the YAML parser and the schema (the largest part of a
 * cluster command's start-up). Same result as parsing: a changed byte, path or build is a miss.
 * Lives in $XDG_CACHE_HOME/flytectl/config (default ~/.cache/flytectl/config).
 */
import {readValidated, writeValidated} from '../validated-cache.js'

export interface CachedConfig {
  config: Record<string, unknown>
  warnings: string[]
}

const key = (path: string, text: string) => `${path}\0${text}`

export function readCachedConfig(path: string, text: string): CachedConfig | undefined {
  const hit = readValidated('config', key(path, text)) as Partial<CachedConfig> | null | undefined
  return hit && typeof hit.config === 'object' && hit.config !== null && Array.isArray(hit.warnings)
    ? {config: hit.config, warnings: hit.warnings}
    : undefined
}

export function writeCachedConfig(path: string, text: string, value: CachedConfig): void {
  writeValidated('config', key(path, text), {config: value.config, warnings: value.warnings})
}
