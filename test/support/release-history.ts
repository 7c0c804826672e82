/**
 * Flyte's real release history as test repositories. The fixtures in
 * test/fixtures/release-history/ hold every tag of flyteorg/flyte (871) and flyteorg/flytekit (481)
 * with its commit sha, commit date, kind, the branch that holds it and, for flyte's root tags,
 * whether CHANGELOG/CHANGELOG-<tag>.md exists at the tag (captured by capture.sh there from fetched
 * copies of the repositories; see its README). `buildHistoryRepo` turns one into a real git
 * repository with `git fast-import`: one commit per tagged commit, in date order on the branch
 * that holds it (master, main, release-v1.13, …), each release branch forked from the last master
 * commit before its first own commit, every tag (lightweight or annotated as in the original), and
 * the changelog files where the original had them. Commit shas are new; tag names, dates, branch
 * membership and tag kinds are the real ones.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {REPO_ROOT} from './cli.js'

export type HistoryName = 'flyte' | 'flytekit'

export interface HistoryTag {
  name: string
  /** The original commit sha (github.com/flyteorg/<repo>). */
  sha: string
  date: string
  kind: 'annotated' | 'lightweight'
  /** Branch holding the commit (`-`: none of the kept branches). */
  line: string
  changelog: 'yes' | 'no' | '-'
}

export interface History {
  name: HistoryName
  slug: string
  tags: HistoryTag[]
}

export function readHistory(name: HistoryName): History {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures/release-history', `${name}.tags.tsv`), 'utf8')
  const tags: HistoryTag[] = []
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const [tag, sha, date, kind, branch, changelog] = line.split('\t') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ]
    tags.push({
      name: tag,
      sha,
      date,
      kind: kind as HistoryTag['kind'],
      line: branch,
      changelog: changelog as HistoryTag['changelog'],
    })
  }
  return {name, slug: `flyteorg/${name}`, tags}
}

/** Commits of a release branch not on master, as captured (backport subjects). */
export function readReleaseBranchCommits(name: HistoryName): {branch: string; sha: string; subject: string}[] {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures/release-history', `${name}.release-branches.tsv`), 'utf8')
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [branch, sha, ...subject] = l.split('\t')
      return {branch: branch!, sha: sha!, subject: subject.join('\t')}
    })
}

function git(cwd: string, args: string[], input?: string): string {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v
  return execFileSync('git', args, {cwd, input, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024}).trim()
}

export interface BuildOptions {
  /** Files of the first commit (charts, docs/conf.py, …). */
  baseFiles?: Record<string, string>
  /** Extra files written in the commit of a tag (tag name → path → text), after the changelogs. */
  filesAt?: (tag: HistoryTag) => Record<string, string> | undefined
  /** Leave out the changelog files (default: written where the original had them). */
  noChangelogs?: boolean
}

interface PlannedCommit {
  sha: string
  date: string
  line: string
  tags: HistoryTag[]
}

/**
 * Fill the bare repository `bare` (empty; e.g. a GitHub simulator repository's directory) with the
 * history. Returns the new commit sha of each tag.
 */
export function buildHistoryRepo(bare: string, history: History, options: BuildOptions = {}): Map<string, string> {
  const bySha = new Map<string, PlannedCommit>()
  for (const t of history.tags) {
    const c = bySha.get(t.sha)
    if (c) c.tags.push(t)
    else bySha.set(t.sha, {sha: t.sha, date: t.date, line: t.line === '-' ? 'detached' : t.line, tags: [t]})
  }
  const commits = [...bySha.values()].sort((a, b) => a.date.localeCompare(b.date))
  const chunks: string[] = []
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`
  const secs = (iso: string) => Math.floor(Date.parse(iso) / 1000)
  const first = commits[0] ? secs(commits[0].date) - 60 : 1_500_000_000
  chunks.push(`commit refs/heads/master\nmark :1\ncommitter History <history@example.com> ${first} +0000\n`)
  chunks.push(data(`Start of the ${history.slug} history`))
  for (const [path, text] of Object.entries(options.baseFiles ?? {README: `${history.slug}\n`})) {
    chunks.push(`M 100644 inline ${path}\n${data(text)}`)
  }
  let mark = 1
  const markOf = new Map<string, number>()
  const masterMarks: {mark: number; date: string}[] = [{mark: 1, date: ''}]
  const lineTip = new Map<string, number>([['master', 1]])
  let detached = 0
  for (const c of commits) {
    const m = ++mark
    markOf.set(c.sha, m)
    let ref = `refs/heads/${c.line}`
    let from: number | undefined
    if (c.line === 'detached') {
      ref = `refs/history/detached-${++detached}`
      from = forkPoint(masterMarks, c.date)
    } else if (!lineTip.has(c.line)) {
      from = forkPoint(masterMarks, c.date)
    } else if (c.line !== 'master') {
      from = lineTip.get(c.line)
    }
    const names = c.tags.map((t) => t.name).join(', ')
    chunks.push(`commit ${ref}\nmark :${m}\ncommitter History <history@example.com> ${secs(c.date)} +0000\n`)
    chunks.push(data(`Commit ${c.sha.slice(0, 10)} (tagged ${names})`))
    if (from !== undefined) chunks.push(`from :${from}\n`)
    chunks.push(`M 100644 inline .history/${c.line}\n${data(`${c.sha}\n`)}`)
    for (const t of c.tags) {
      if (!options.noChangelogs && t.changelog === 'yes') {
        chunks.push(`M 100644 inline CHANGELOG/CHANGELOG-${t.name}.md\n${data(`# Flyte ${t.name}\n`)}`)
      }
      for (const [path, text] of Object.entries(options.filesAt?.(t) ?? {})) {
        chunks.push(`M 100644 inline ${path}\n${data(text)}`)
      }
    }
    if (c.line !== 'detached') lineTip.set(c.line, m)
    if (c.line === 'master') masterMarks.push({mark: m, date: c.date})
  }
  // Work merged after the last tag of each branch (flyte master is 8 commits past v1.16.8).
  for (const [line, tip] of lineTip) {
    const last = commits.filter((c) => c.line === line).at(-1)
    const when = last ? secs(last.date) + 3600 : first + 60
    chunks.push(`commit refs/heads/${line}\ncommitter History <history@example.com> ${when} +0000\n`)
    chunks.push(data(`Work merged after the last tag of ${line}`))
    chunks.push(`from :${tip}\nM 100644 inline .history/${line}-tip\n${data('untagged\n')}`)
  }
  for (const c of commits) {
    for (const t of c.tags) {
      if (t.kind === 'annotated') {
        chunks.push(
          `tag ${t.name}\nfrom :${markOf.get(c.sha)}\ntagger History <history@example.com> ${secs(t.date)} +0000\n${data(`Release ${t.name}`)}`,
        )
      } else {
        chunks.push(`reset refs/tags/${t.name}\nfrom :${markOf.get(c.sha)}\n\n`)
      }
    }
  }
  chunks.push('done\n')
  git(bare, ['fast-import', '--quiet', '--done', '--force'], chunks.join(''))
  git(bare, ['symbolic-ref', 'HEAD', 'refs/heads/master'])
  const out = new Map<string, string>()
  const listing = git(bare, ['for-each-ref', 'refs/tags', '--format=%(refname:short) %(*objectname)%(objectname)'])
  for (const line of listing.split('\n')) {
    if (!line) continue
    const [name, shas] = line.split(' ') as [string, string]
    // Annotated: peeled sha then the tag object's sha, concatenated; the first 40 are the commit.
    out.set(name, shas.slice(0, 40))
  }
  return out
}

function forkPoint(masterMarks: {mark: number; date: string}[], date: string): number {
  let best = masterMarks[0]!.mark
  for (const m of masterMarks) if (m.date <= date) best = m.mark
  return best
}

/** A new bare repository in `dir` holding the history. */
export function historyRepo(dir: string, history: History, options: BuildOptions = {}): string {
  git(dir, ['init', '--quiet', '--bare', '--initial-branch=master', 'history.git'])
  const bare = join(dir, 'history.git')
  buildHistoryRepo(bare, history, options)
  return bare
}

/**
 * Every repository the shipped templates/release.yaml names, filled with Flyte's real history:
 * flyte (871 tags, its real charts and docs/conf.py), flytekit (481 tags, its docs conf.py),
 * flyteconsole at v1.21.0 (the release the charts name), flytesnacks and flytekit-java empty.
 * `bareFor(slug)` gives an empty bare repository for a slug (a temp dir, or a GitHub simulator
 * repository's directory). Returns slug → bare repository.
 */
export function buildFlyteHistory(bareFor: (slug: string) => string): Record<string, string> {
  const fixture = (path: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release-history', path), 'utf8')
  const flyteFiles = [
    'charts/flyte/values.yaml',
    'charts/flyte-core/values.yaml',
    'charts/flyte-core/Chart.yaml',
    'charts/flyte-binary/values.yaml',
    'charts/flyte-binary/Chart.yaml',
    'docs/conf.py',
  ]
  const paths: Record<string, string> = {}
  const fill = (slug: string, history: History, options: BuildOptions = {}) => {
    const bare = bareFor(slug)
    buildHistoryRepo(bare, history, options)
    paths[slug] = bare
  }
  const flyte = readHistory('flyte')
  fill(flyte.slug, flyte, {
    baseFiles: Object.fromEntries(flyteFiles.map((n) => [n, fixture(`flyte-files/${n.replaceAll('/', '_')}`)])),
  })
  const flytekit = readHistory('flytekit')
  fill(flytekit.slug, flytekit, {baseFiles: {'docs/source/conf.py': fixture('flytekit-docs_source_conf.py')}})
  // flyteconsole's release the charts name (reference §1.5: FLYTECONSOLE_TAG = v1.21.0).
  const console = {name: 'v1.21.0', sha: 'c'.repeat(40), date: '2025-11-01T00:00:00Z', kind: 'lightweight' as const}
  fill('flyteorg/flyteconsole', {
    name: 'flyte',
    slug: 'flyteorg/flyteconsole',
    tags: [{...console, line: 'master', changelog: '-'}],
  })
  for (const slug of ['flyteorg/flytesnacks', 'flyteorg/flytekit-java']) fill(slug, {name: 'flyte', slug, tags: []})
  return paths
}

/** buildFlyteHistory into new bare repositories under `root`. */
export function flyteHistoryRepos(root: string): Record<string, string> {
  return buildFlyteHistory((slug) => {
    const dir = join(root, slug.replace('/', '_'))
    mkdirSync(dir, {recursive: true})
    git(dir, ['init', '--quiet', '--bare', '--initial-branch=master', 'history.git'])
    return join(dir, 'history.git')
  })
}
