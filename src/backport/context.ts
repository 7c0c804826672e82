/**
 * What backport commands need at run time: the forge (octokit, loaded lazily), the git layer, the
 * state dir, the settings, and the text rendering of a report.
 */
import {CliError} from '../cli/errors.js'
import type {Forge} from '../forge/types.js'
import type {GitIdentity, GitLayer} from '../git/types.js'
import type {AuditReport} from './audit.js'
import type {BackportReport} from './model.js'

export interface ContextFlags {
  token?: string
  'github-url'?: string
  'cache-dir'?: string
  'git-user'?: string
}

export interface BackportContext {
  forge: Forge
  git: GitLayer
  stateDir: string
}

/** `Name <email>`. */
export function parseIdentity(text: string | undefined): GitIdentity | undefined {
  if (!text) return undefined
  const m = /^\s*(.+?)\s*<([^>]+)>\s*$/.exec(text)
  if (!m) throw new CliError('usage', `--git-user must look like "Name <email>", got "${text}"`)
  return {name: m[1]!, email: m[2]!}
}

/** Missing or bad credentials exit 7 with a next step, whatever error type the forge used. */
function withAuthExit<T>(build: () => T): T {
  try {
    return build()
  } catch (err) {
    if (err instanceof CliError || (err as {kind?: string}).kind !== 'auth') throw err
    throw new CliError('unauthenticated', (err as Error).message, {
      hint: 'Set GITHUB_TOKEN (or pass --token) with contents and pull-requests write access.',
      cause: err,
    })
  }
}

const ACTIONS_IDENTITY = {name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com'}

/** `readOnly` runs (dry runs, audit) may go without credentials on public repositories. */
export async function backportContext(
  flags: ContextFlags,
  options: {readOnly?: boolean} = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackportContext> {
  const [{createGitHubForge, forgeOptionsFromEnv}, {createGitLayer, defaultCacheDir}, {defaultStateDir}] =
    await Promise.all([import('../forge/github.js'), import('../git/git.js'), import('./journal.js')])
  const forgeOptions = withAuthExit(() => forgeOptionsFromEnv(flags, env, {anonymous: options.readOnly ?? false}))
  const forge = createGitHubForge(forgeOptions)
  const identity =
    parseIdentity(flags['git-user'] ?? env.FLYTECTL_GIT_USER) ??
    (env.GITHUB_ACTIONS === 'true' ? ACTIONS_IDENTITY : undefined)
  // Pushes use the same token over HTTPS (a GitHub App pushes with git's own credentials).
  const git = createGitLayer({
    cacheDir: flags['cache-dir'] ?? defaultCacheDir(env),
    ...(identity ? {identity} : {}),
    ...(forgeOptions.token ? {token: forgeOptions.token} : {}),
  })
  return {forge, git, stateDir: defaultStateDir(env)}
}

export async function loadBackportConfig(loaded: {config: Record<string, unknown>; location: {path?: string}}) {
  const {parseBackportConfig} = await import('./config.js')
  return parseBackportConfig(loaded.config.backport, loaded.location.path ?? 'config')
}

/** A manifest file (a `repos:` list or a release manifest) read as YAML; bad input exits 3 naming it. */
export async function readManifestDoc(path: string): Promise<unknown> {
  const [{readFile}, {readYamlText}] = await Promise.all([import('node:fs/promises'), import('../config/yaml-read.js')])
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new CliError('invalid-input', `cannot read manifest ${path}: ${err.message}`)
  })
  return readYamlText(text, `manifest ${path}`)
}

export async function renderReport(report: BackportReport): Promise<string> {
  const {renderTable} = await import('../cli/printer.js')
  const table = renderTable(
    [
      {header: 'Source', path: (r) => (r.pr !== undefined ? `#${r.pr}` : r.source)},
      {header: 'Target', path: 'target'},
      {header: 'Status', path: (r) => (r.created && r.status === 'open' ? 'opened' : r.status)},
      {header: 'Pull request', path: (r) => (r.pull ? `#${r.pull.number}${r.pull.draft ? ' (draft)' : ''}` : '')},
      {header: 'Branch', path: 'branch'},
      {
        header: 'Detail',
        path: (r) => r.error ?? (r.conflicts?.length ? `conflicts: ${r.conflicts.join(', ')}` : ''),
        truncate: 100,
      },
    ],
    report.results,
  )
  const tail = `${report.dryRun ? 'dry run, nothing written; ' : ''}API: ${report.api.reads} reads, ${report.api.writes} writes`
  return `${table}${tail}\n`
}

export async function renderAudit(report: AuditReport): Promise<string> {
  const {renderTable} = await import('../cli/printer.js')
  const table = renderTable(
    [
      {header: 'Repository', path: 'repo'},
      {header: 'PR', path: (f) => `#${f.pr}`},
      {header: 'Missing from', path: 'target'},
      {header: 'Why', path: 'reason'},
      {header: 'Open backport', path: (f) => (f.openBackport ? `#${f.openBackport}` : '')},
      {header: 'Title', path: 'title', truncate: 60},
    ],
    report.findings,
  )
  return `${table}API: ${report.api.reads} reads, ${report.api.writes} writes\n`
}

/** A run that did not land everything it planned fails loudly (exit 8) with the report attached. */
export function partialError(report: BackportReport): CliError {
  const bad = report.results.filter((r) => r.status === 'failed' || r.status === 'conflict')
  const what = bad.map((r) => `${r.target} (${r.status}${r.step ? ` at ${r.step}` : ''})`).join(', ')
  const hint = bad.some((r) => r.status === 'conflict')
    ? 'Fix the conflicts as the comment on the source PR shows, then run `flytectl backport --continue`.'
    : 'Fix the cause, then run the same command with --resume; finished steps are skipped.'
  return new CliError('partial-failure', `backport did not land on ${bad.length} target(s): ${what}`, {
    hint,
    details: report,
  })
}
