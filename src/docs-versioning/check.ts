/**
 * `docs check`: report docs-version drift on a release branch or tag — aligned intersphinx links not
 * pinned to the release's Major.Minor, independent projects not on `latest`, and a literal
 * `release =` that does not match the tag. Read-only; uses the same updater as `docs pin`, so "drift"
 * means exactly "what `docs pin` would change".
 */
import type {Forge, RepoSlug} from '../forge/types.js'
import {CliError} from '../cli/errors.js'
import {pinConfPy, readConfPy} from './conf-py.js'

/** The `git describe` call in the statement starting at `line` (1-based; up to 5 lines), if any. */
function describeLine(text: string, line: number): string | undefined {
  const statement = text
    .split('\n')
    .slice(line - 1, line + 4)
    .join('\n')
  const m = /git\s+describe[^"'\n)]*/.exec(statement) ?? /["']describe["']/.exec(statement)
  return m ? m[0].trim().slice(0, 64) : undefined
}
import {quoteValue, versionParseMessage} from '../versioning/parse.js'
import {parseDocsVersion, parseDocsVersionStrict, type DocsProject} from './projects.js'
import {CONF_PY_CANDIDATES, resolveSlug, type DocsRepo} from './pin.js'

export interface DocsFinding {
  line: number
  kind: 'unpinned-link' | 'release-mismatch' | 'release-from-describe' | 'not-checked'
  message: string
}

export interface DocsCheckRepoResult {
  repo: RepoSlug
  ref: string
  confPath: string | null
  ok: boolean
  findings: DocsFinding[]
}

export interface DocsCheckResult {
  version: string
  slug: string
  ok: boolean
  repos: DocsCheckRepoResult[]
  api: {reads: number; writes: number}
}

/** The release a ref names: `release-v1.3` / `release-1.2` → 1.3; `v1.16.0-b2` / `flytekit/v1.2.3` → 1.16.0-b2. */
export function versionFromRef(ref: string): string | undefined {
  const branch = /^release-v?(\d+\.\d+)$/.exec(ref)
  if (branch) return branch[1]
  // The last path segment of a tag, read by the strict parser later (so `v01.2.3` is an error, not 1.2.3).
  const tag = /(?:^|\/)[vV]?(\d[^/]*)$/.exec(ref)
  return tag ? tag[1] : undefined
}

/** Pure: findings for one conf.py text. */
export function docsFindings(
  text: string,
  version: string,
  options: {aligned?: string[]; slugFormat?: string; projects?: DocsProject[]} = {},
): DocsFinding[] {
  const parsed = parseDocsVersion(version)!
  const result = pinConfPy(text, {version: parsed, ...options})
  const findings: DocsFinding[] = []
  for (const e of result.entries) {
    if (e.status !== 'pinned') continue
    const what = e.aligned
      ? `should be pinned to ${e.after}`
      : `is an independent project and should stay on ${e.after}`
    findings.push({
      line: e.line,
      kind: 'unpinned-link',
      message: `intersphinx "${e.key ?? e.project}" (${e.project}) points at "${e.before}"; ${what}`,
    })
  }
  if (result.release?.status === 'set') {
    findings.push({
      line: result.release.line,
      kind: 'release-mismatch',
      message: `release = "${result.release.before}" does not match ${result.release.after}`,
    })
  }
  // `release = re.sub("^v", "", os.popen("git describe").read().strip())` (flytesnacks, flyteidl and
  // flytectl docs): in a monorepo or between tags the docs then show a describe string such as
  // 1.9.2-1612-g89cf9cc736, not the release.
  const info = readConfPy(text)
  const describeAt = info.release && info.release.value === null ? describeLine(text, info.release.line) : undefined
  if (info.release && describeAt !== undefined) {
    findings.push({
      line: info.release.line,
      kind: 'release-from-describe',
      message: `release is computed at build time from \`git describe\` (${describeAt}); docs built at a tag or branch then show a describe string such as 1.9.2-1612-g89cf9cc736. Write release = "<version>" and let \`docs pin\` set it`,
    })
  }
  for (const note of result.notes) {
    const line = Number(/^line (\d+)/.exec(note)?.[1] ?? 0)
    if (describeAt !== undefined && line === info.release?.line) continue
    findings.push({line, kind: 'not-checked', message: note})
  }
  return findings
}

export async function checkDocs(
  forge: Forge,
  options: {repos: DocsRepo[]; ref: string; version?: string; aligned?: string[]; slugFormat?: string},
): Promise<DocsCheckResult> {
  const version = options.version ?? versionFromRef(options.ref)
  const strict = version ? parseDocsVersionStrict(version) : undefined
  if (!version || !strict?.ok) {
    const why = version && strict && !strict.ok ? `: ${versionParseMessage(version, strict.reason)}` : ''
    throw new CliError('invalid-input', `cannot tell which release ${quoteValue(options.ref)} is${why}`, {
      hint: 'Check a release branch (release-vX.Y) or tag (vX.Y.Z), or pass --version.',
    })
  }
  const parsed = strict.version
  const slug = resolveSlug(options.slugFormat, parsed)
  const before = {...forge.counters}
  const repos: DocsCheckRepoResult[] = []
  for (const target of options.repos) {
    let conf: {path: string; text: string} | undefined
    for (const path of target.confPath ? [target.confPath] : CONF_PY_CANDIDATES) {
      const file = await forge.getFile(target.repo, path, options.ref)
      if (file) {
        conf = {path, text: file.text}
        break
      }
    }
    if (!conf) {
      repos.push({
        repo: target.repo,
        ref: options.ref,
        confPath: null,
        ok: true,
        findings: [{line: 0, kind: 'not-checked', message: `no conf.py found at ${options.ref}`}],
      })
      continue
    }
    const findings = docsFindings(conf.text, version, {aligned: options.aligned, slugFormat: options.slugFormat})
    repos.push({
      repo: target.repo,
      ref: options.ref,
      confPath: conf.path,
      ok: findings.every((f) => f.kind === 'not-checked'),
      findings,
    })
  }
  return {
    version,
    slug,
    ok: repos.every((r) => r.ok),
    repos,
    api: {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes},
  }
}
