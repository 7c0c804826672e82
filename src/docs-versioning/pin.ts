/**
 * `docs pin`: pin every repository's Sphinx docs to a release, one pull request per repository.
 * `pinDocs` is what the release train calls for a new release branch.
 *
 * Per repository: find conf.py on the base branch, run the pure updater, check the result with
 * python3, then (unless dry-run) make sure branch `docs-pin-vX.Y` carries the edit and an open pull
 * request exists. Every write checks first, so a re-run makes no writes; a repository already
 * pinned on its base makes no writes at all.
 */
import type {Forge, RepoSlug} from '../forge/types.js'
import {CliError} from '../cli/errors.js'
import {versionParseMessage} from '../versioning/parse.js'
import {pinConfPy, type EntryResult, type PinResult} from './conf-py.js'
import {
  DEFAULT_ALIGNED,
  DEFAULT_SLUG_FORMAT,
  formatSlug,
  parseDocsVersion,
  parseDocsVersionStrict,
  type DocsProject,
  type DocsVersion,
} from './projects.js'
import {verifyWithPython, type PythonCheck} from './verify.js'

export const CONF_PY_CANDIDATES = ['docs/conf.py', 'docs/source/conf.py', 'rsts/conf.py', 'doc/conf.py']

export interface DocsRepo {
  repo: RepoSlug
  /** conf.py path; default: the first of CONF_PY_CANDIDATES that exists. */
  confPath?: string
  /** Branch to pin (e.g. the new release branch); default: the repository's default branch. */
  base?: string
}

export interface PinDocsOptions {
  repos: DocsRepo[]
  /** `X.Y` (links only) or `X.Y.Z[pre]` (links and `release =`). */
  version: string
  aligned?: string[]
  slugFormat?: string
  projects?: DocsProject[]
  dryRun: boolean
  /** python3 executable (FLYTECTL_PYTHON, default python3). */
  python?: string
}

export type PinStatus = 'up-to-date' | 'planned' | 'pull-opened' | 'pull-exists' | 'no-conf' | 'failed'

export interface PinDocsRepoResult {
  repo: RepoSlug
  base: string | null
  confPath: string | null
  branch: string
  status: PinStatus
  entries: EntryResult[]
  release?: PinResult['release']
  notes: string[]
  python?: PythonCheck
  writes: Array<{action: 'create-branch' | 'commit-file' | 'open-pull'; status: 'planned' | 'done' | 'skipped'}>
  pull?: {number: number; url: string}
  error?: string
}

export interface PinDocsResult {
  version: string
  slug: string
  branch: string
  dryRun: boolean
  ok: boolean
  repos: PinDocsRepoResult[]
  api: {reads: number; writes: number}
}

/** The docs slug for a version, with a bad --slug-format reported as invalid input. */
export function resolveSlug(format: string | undefined, version: DocsVersion): string {
  try {
    return formatSlug(format ?? DEFAULT_SLUG_FORMAT, version)
  } catch (err) {
    throw new CliError('invalid-input', (err as Error).message, {hint: 'The default slug format is v{major}.{minor}.'})
  }
}

export function pinBranchName(slug: string): string {
  return `docs-pin-${slug}`
}

async function findConf(
  forge: Forge,
  repo: RepoSlug,
  ref: string,
  confPath?: string,
): Promise<{path: string; text: string; sha: string} | undefined> {
  for (const path of confPath ? [confPath] : CONF_PY_CANDIDATES) {
    const file = await forge.getFile(repo, path, ref)
    if (file) return {path, ...file}
  }
  return undefined
}

function pullBody(result: PinResult, slug: string, version: string): string {
  const changed = result.entries.filter((e) => e.status === 'pinned')
  const lines = [
    `Pins the intersphinx links of aligned Flyte projects to \`${slug}\` for release ${version}; projects on their own release line stay on \`latest\`.`,
    '',
    ...changed.map((e) => `- \`${e.key ?? e.project}\` (${e.project}): \`${e.before}\` → \`${e.after}\``),
  ]
  if (result.release?.status === 'set')
    lines.push(`- \`release\`: \`${result.release.before}\` → \`${result.release.after}\``)
  if (result.notes.length > 0) lines.push('', 'Left unchanged:', ...result.notes.map((n) => `- ${n}`))
  return lines.join('\n')
}

async function pinRepo(
  forge: Forge,
  target: DocsRepo,
  options: PinDocsOptions,
  slug: string,
): Promise<PinDocsRepoResult> {
  const version = parseDocsVersion(options.version)!
  const branch = pinBranchName(slug)
  const result: PinDocsRepoResult = {
    repo: target.repo,
    base: target.base ?? null,
    confPath: null,
    branch,
    status: 'failed',
    entries: [],
    notes: [],
    writes: [],
  }
  const info = await forge.getRepo(target.repo)
  if (!info) return {...result, error: `repository ${target.repo} not found`}
  const base = target.base ?? info.defaultBranch
  result.base = base
  const conf = await findConf(forge, target.repo, base, target.confPath)
  if (!conf) {
    return {
      ...result,
      status: 'no-conf',
      notes: [`no conf.py at ${target.confPath ?? CONF_PY_CANDIDATES.join(', ')} on ${base}`],
    }
  }
  result.confPath = conf.path
  const pinned = pinConfPy(conf.text, {
    version,
    aligned: options.aligned,
    slugFormat: options.slugFormat,
    projects: options.projects,
  })
  Object.assign(result, {entries: pinned.entries, release: pinned.release, notes: pinned.notes})
  if (!pinned.changed) return {...result, status: 'up-to-date'}
  result.python = await verifyWithPython(
    pinned.text,
    {mapping: pinned.expectedMapping, release: pinned.expectedRelease},
    options.python,
  )
  if (!result.python.ok) {
    const original = await verifyWithPython(conf.text, {mapping: {}}, options.python)
    const error = original.ok
      ? result.python.problems.join('; ')
      : `${conf.path} on ${base} is not valid Python before any edit (${original.problems.join('; ')}); nothing changed`
    return {...result, error}
  }
  if (result.python.note) result.notes.push(result.python.note)

  const owner = target.repo.split('/')[0]
  const branchSha = await forge.getBranchSha(target.repo, branch)
  const onBranch = branchSha ? await forge.getFile(target.repo, conf.path, branch) : undefined
  const openPulls = await forge.listPulls(target.repo, {state: 'open', head: `${owner}:${branch}`})
  const plan = {
    createBranch: !branchSha,
    commitFile: onBranch?.text !== pinned.text,
    openPull: openPulls.length === 0,
  }
  if (options.dryRun) {
    result.writes = [
      {action: 'create-branch', status: plan.createBranch ? 'planned' : 'skipped'},
      {action: 'commit-file', status: plan.commitFile ? 'planned' : 'skipped'},
      {action: 'open-pull', status: plan.openPull ? 'planned' : 'skipped'},
    ]
    if (openPulls[0]) result.pull = {number: openPulls[0].number, url: openPulls[0].htmlUrl}
    return {...result, status: plan.openPull || plan.commitFile || plan.createBranch ? 'planned' : 'pull-exists'}
  }
  if (plan.createBranch) {
    const baseSha = await forge.getBranchSha(target.repo, base)
    if (!baseSha) return {...result, error: `base branch ${base} not found`}
    await forge.createBranch(target.repo, branch, baseSha)
  }
  result.writes.push({action: 'create-branch', status: plan.createBranch ? 'done' : 'skipped'})
  if (plan.commitFile) {
    const current = plan.createBranch ? conf : await forge.getFile(target.repo, conf.path, branch)
    await forge.putFile(target.repo, conf.path, {
      branch,
      text: pinned.text,
      message: `docs: pin Flyte docs links to ${slug}${version.release ? ` and release = ${version.release}` : ''}`,
      ...(current ? {sha: current.sha} : {}),
    })
  }
  result.writes.push({action: 'commit-file', status: plan.commitFile ? 'done' : 'skipped'})
  if (plan.openPull) {
    const pull = await forge.createPull(target.repo, {
      title: `docs: pin docs to ${slug}`,
      body: pullBody(pinned, slug, options.version),
      head: branch,
      base,
    })
    result.pull = {number: pull.number, url: pull.htmlUrl}
  } else {
    result.pull = {number: openPulls[0].number, url: openPulls[0].htmlUrl}
  }
  result.writes.push({action: 'open-pull', status: plan.openPull ? 'done' : 'skipped'})
  return {...result, status: plan.openPull ? 'pull-opened' : 'pull-exists'}
}

/** The docs version to pin, or a usage error naming what was given. */
export function requireDocsVersion(input: string): DocsVersion {
  const parsed = parseDocsVersionStrict(input)
  if (!parsed.ok) {
    throw new CliError('invalid-input', versionParseMessage(input, parsed.reason), {
      hint: 'Pass X.Y (links only) or X.Y.Z (links and `release =`), e.g. 1.16 or 1.16.0 (1.16.0b0, 1.16.0-rc1 for prereleases).',
    })
  }
  return parsed.version
}

/** Pins docs in every repository; a failure in one repository does not stop the others. */
export async function pinDocs(forge: Forge, options: PinDocsOptions): Promise<PinDocsResult> {
  const version = requireDocsVersion(options.version)
  const slug = resolveSlug(options.slugFormat, version)
  const before = {...forge.counters}
  const repos: PinDocsRepoResult[] = []
  for (const target of options.repos) {
    try {
      repos.push(await pinRepo(forge, target, {...options, aligned: options.aligned ?? DEFAULT_ALIGNED}, slug))
    } catch (err) {
      repos.push({
        repo: target.repo,
        base: target.base ?? null,
        confPath: null,
        branch: pinBranchName(slug),
        status: 'failed',
        entries: [],
        notes: [],
        writes: [],
        error: err instanceof Error ? err.message : String(err),
      })
    }
  }
  return {
    version: options.version,
    slug,
    branch: pinBranchName(slug),
    dryRun: options.dryRun,
    ok: repos.every((r) => r.status !== 'failed'),
    repos,
    api: {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes},
  }
}
