/**
 * Config discovery and loading: `--config` > `$FLYTECTL_CONFIG` > `~/.flyte/config.yaml`.
 * With no file at all, the CLI targets the local control plane that `flytectl demo start` runs.
 */
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {CliError} from '../cli/errors.js'

export type ConfigSource = 'flag' | 'env' | 'home' | 'default'

export interface ConfigLocation {
  path?: string
  source: ConfigSource
}

/** The endpoint used when no config file exists: the embedded control plane of `flytectl demo`. */
export const DEFAULT_ENDPOINT = 'dns:///localhost:30080'
export const DEMO_PORT = 30080

export function flyteDir(home = homedir()): string {
  return join(home, '.flyte')
}

export function defaultConfigPath(home = homedir()): string {
  return join(flyteDir(home), 'config.yaml')
}

export function demoConfigPath(home = homedir()): string {
  return join(flyteDir(home), 'config-sandbox.yaml')
}

export interface DiscoverOptions {
  flag?: string
  env?: NodeJS.ProcessEnv
  home?: string
  exists: (path: string) => boolean
}

/** Where the config comes from. A path named by flag or env var must exist; the home file may not. */
export function discoverConfig(opts: DiscoverOptions): ConfigLocation {
  const env = opts.env ?? process.env
  if (opts.flag) {
    if (!opts.exists(opts.flag))
      throw new CliError('config-missing', `config file ${opts.flag} (from --config) does not exist`)
    return {path: opts.flag, source: 'flag'}
  }
  const fromEnv = env.FLYTECTL_CONFIG
  if (fromEnv) {
    if (!opts.exists(fromEnv))
      throw new CliError('config-missing', `config file ${fromEnv} (from FLYTECTL_CONFIG) does not exist`, {
        hint: 'Unset FLYTECTL_CONFIG, point it at an existing file, or run `flytectl config init`.',
      })
    return {path: fromEnv, source: 'env'}
  }
  const home = defaultConfigPath(opts.home)
  if (opts.exists(home)) return {path: home, source: 'home'}
  return {source: 'default'}
}

export interface LoadedConfig {
  location: ConfigLocation
  /** The validated file content (known sections typed; other sections kept as they are). */
  config: import('./schema.js').FlytectlConfig & Record<string, unknown>
  /** One line per unknown key inside a known section. */
  warnings: string[]
}

/**
 * Reads and validates the config file. With `cache` (the CLI passes it), an unchanged file's
 * validated form comes from the parse cache (see parse-cache.ts).
 */
export async function loadConfigFile(
  location: ConfigLocation,
  strict = false,
  options: {cache?: boolean} = {},
): Promise<LoadedConfig> {
  if (!location.path) return {location, config: {}, warnings: []}
  let text: string
  try {
    text = readFileSync(location.path, 'utf8')
  } catch (err) {
    throw new CliError('config-missing', `cannot read config file ${location.path}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  if (!options.cache) return parseConfigText(text, location, strict)
  const {readCachedConfig, writeCachedConfig} = await import('./parse-cache.js')
  // The source is part of the key: an empty file is fine as ~/.flyte/config.yaml, not when named.
  const key = `${location.source} ${location.path}`
  const cached = readCachedConfig(key, text)
  // --strict turns warnings into an error: let the parser raise it.
  if (cached && !(strict && cached.warnings.length > 0)) {
    return {location, config: cached.config as LoadedConfig['config'], warnings: cached.warnings}
  }
  const loaded = await parseConfigText(text, location, strict)
  writeCachedConfig(key, text, {config: loaded.config, warnings: loaded.warnings})
  return loaded
}

export async function parseConfigText(text: string, location: ConfigLocation, strict = false): Promise<LoadedConfig> {
  const [{parseDocument, LineCounter}, {configSchema}, {findUnknownKeys}] = await Promise.all([
    import('yaml'),
    import('./schema.js'),
    import('./keys.js'),
  ])
  const where = location.path ?? 'config'
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {prettyErrors: false, lineCounter})
  const yamlError = doc.errors[0]
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0])
    const at = pos ? ` (line ${pos.line}, column ${pos.col})` : ''
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new CliError('config-invalid', `config file ${where} is not valid YAML${at}: ${reason}`)
  }
  const {yamlToJs} = await import('./yaml-read.js')
  const parsed: unknown = yamlToJs(doc, `config file ${where}`)
  if ((parsed === null || parsed === undefined) && (location.source === 'flag' || location.source === 'env')) {
    const from = location.source === 'flag' ? '--config' : 'FLYTECTL_CONFIG'
    throw new CliError('config-invalid', `config file ${where} (from ${from}) is empty`, {
      hint: 'Put at least admin.endpoint in it (`flytectl config init` writes a whole file), or leave it out to use the defaults.',
    })
  }
  const raw: unknown = parsed ?? {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CliError('config-invalid', `config file ${where} must be a YAML mapping of sections (admin:, task:, …)`)
  }
  const result = configSchema.safeParse(raw, {reportInput: true})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const key = issue.path.join('.')
    throw new CliError('config-invalid', `config file ${where}: ${key || '(root)'}: ${describeIssue(issue)}`)
  }
  const warnings = findUnknownKeys(configSchema, raw, true).map(
    (u) => `unknown key ${u.path} in ${where}${u.suggestion ? `; did you mean \`${u.suggestion}\`?` : ''}`,
  )
  if (strict && warnings.length > 0) {
    throw new CliError(
      'config-invalid',
      warnings[0]! + (warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : ''),
      {
        hint: 'Remove or rename the key, or run `flytectl config validate` without --strict to see all warnings.',
        details: {warnings},
      },
    )
  }
  // Keep sections other tools own, typed sections replaced by their validated form.
  return {location, config: {...(raw as Record<string, unknown>), ...result.data}, warnings}
}

function describeIssue(issue: {code: string; message: string; input?: unknown}): string {
  if (issue.code === 'invalid_type' && 'input' in issue) {
    return `${issue.message.replace(/^Invalid input: /, '')} (got ${JSON.stringify(issue.input)})`
  }
  return issue.message.replace(/^Invalid input: /, '')
}
