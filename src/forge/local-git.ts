/**
 * The offline Forge: local clones read with git alone, no GitHub. `release status`, `release lint`,
 * `release plan --dry-run`, `docs check` and `backport audit` run on it (`--repo-path DIR`, or a
 * `file://` URL for a repository in the manifest), so a checkout can be linted in CI before a
 * release. Refs, tags, commits, compares and file contents come from git; what only the API knows
 * (pull requests, issues, milestones, releases, labels) reads as empty, with one note per kind in
 * `notes`; every write is refused (the commands that use this forge only read).
 *
 * A repository directory may be a working clone (its local branches, else the `origin` remote's
 * branches) or a bare repository.
 */
import {execFile, spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {existsSync, realpathSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {promisify} from 'node:util'
import {
  ForgeError,
  type Forge,
  type ForgeCommit,
  type ForgeCounters,
  type ForgeRepo,
  type ForgeTag,
  type RepoSlug,
} from './types.js'

const run = promisify(execFile)

/** owner/name → the local directory holding it. */
export type RepoPaths = Record<RepoSlug, string>

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v
  env.GIT_TERMINAL_PROMPT = '0'
  return env
}

/** A directory given by --repo-path or a file:// URL, checked to be a git repository. */
export function localRepoDir(input: string, what: string): string {
  const path = input.startsWith('file://') ? decodeURIComponent(new URL(input).pathname) : input
  const dir = resolve(path)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ForgeError('not-found', `${what}: ${dir} is not a directory`)
  }
  if (!existsSync(resolve(dir, '.git')) && !existsSync(resolve(dir, 'HEAD'))) {
    throw new ForgeError('not-found', `${what}: ${dir} is not a git repository (no .git or HEAD)`)
  }
  return realpathSync(dir)
}

/**
 * One `git cat-file --batch` process per repository answers every `<rev>:<path>` lookup in order
 * (lint reads a changelog at each of hundreds of tags: one process, not hundreds).
 */
class BlobReader {
  private readonly child: ChildProcessWithoutNullStreams
  private buffer = Buffer.alloc(0)
  private readonly waiting: {resolve: (v: {sha: string; text: string} | undefined) => void}[] = []

  constructor(dir: string) {
    this.child = spawn('git', ['cat-file', '--batch'], {cwd: dir, env: gitEnv()})
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      this.drain()
    })
    this.child.on('error', () => this.failAll())
    this.child.on('close', () => this.failAll())
    // Idle, the process does not keep Node alive; a pending read does.
    this.child.unref()
    this.idle()
  }

  private handles(): {ref(): void; unref(): void}[] {
    return [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as {ref(): void; unref(): void}[]
  }

  private idle(): void {
    for (const h of this.handles()) h.unref()
  }

  private failAll(): void {
    for (const w of this.waiting.splice(0)) w.resolve(undefined)
  }

  private drain(): void {
    for (;;) {
      const nl = this.buffer.indexOf(10)
      if (nl < 0 || this.waiting.length === 0) return
      const header = this.buffer.subarray(0, nl).toString('utf8')
      const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header)
      if (!m) {
        // "<rev> missing" / "ambiguous": no object.
        this.buffer = this.buffer.subarray(nl + 1)
        this.waiting.shift()!.resolve(undefined)
        if (this.waiting.length === 0) this.idle()
        continue
      }
      const size = Number(m[3])
      if (this.buffer.length < nl + 1 + size + 1) return
      const body = this.buffer.subarray(nl + 1, nl + 1 + size)
      this.buffer = this.buffer.subarray(nl + 1 + size + 1)
      this.waiting.shift()!.resolve(m[2] === 'blob' ? {sha: m[1]!, text: body.toString('utf8')} : undefined)
      if (this.waiting.length === 0) this.idle()
    }
  }

  read(rev: string): Promise<{sha: string; text: string} | undefined> {
    if (/[\n\r]/.test(rev)) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      if (this.waiting.length === 0) for (const h of this.handles()) h.ref()
      this.waiting.push({resolve})
      this.child.stdin.write(`${rev}\n`)
    })
  }

  close(): void {
    this.child.stdin.end()
  }
}

interface RepoState {
  dir: string
  blobs?: BlobReader
  branches?: Map<string, string>
  tags?: ForgeTag[]
  defaultBranch?: string
  /** Branches and tags from one `git for-each-ref` (undefined when it failed). */
  refs?: Promise<RefListing | undefined>
}

interface RefListing {
  branches: Map<string, string>
  tags: ForgeTag[]
}

const isTagRef = (ref: string) => ref === 'refs/tags' || ref.startsWith('refs/tags/')

/** Local branches over the origin remote's (a CI checkout has one local branch and the rest as origin/*). */
function branchesFrom(lines: string[][]): Map<string, string> {
  const local = new Map<string, string>()
  const remote = new Map<string, string>()
  for (const [ref, sha] of lines) {
    if (!ref || !sha || isTagRef(ref)) continue
    if (ref.startsWith('refs/heads/')) local.set(ref.slice('refs/heads/'.length), sha)
    else if (ref !== 'refs/remotes/origin/HEAD') remote.set(ref.slice('refs/remotes/origin/'.length), sha)
  }
  return new Map([...remote, ...local])
}

function tagsFrom(lines: string[][]): ForgeTag[] {
  const tags: ForgeTag[] = []
  for (const [ref, sha, peeled] of lines) {
    if (!ref || !sha || !isTagRef(ref)) continue
    tags.push({name: ref.slice('refs/tags/'.length), sha: peeled || sha})
  }
  return tags
}

const fields = (out: string) => out.split('\n').map((line) => line.split('\0'))

export class LocalGitForge implements Forge {
  readonly counters: ForgeCounters = {reads: 0, writes: 0}
  /** What could not be read without the API, once per kind ("pull requests: skipped offline …"). */
  readonly notes: string[] = []
  private readonly repos = new Map<string, RepoState>()

  constructor(paths: RepoPaths) {
    for (const [slug, dir] of Object.entries(paths)) this.repos.set(slug, {dir})
  }

  private state(repo: RepoSlug): RepoState | undefined {
    return this.repos.get(repo)
  }

  private async git(state: RepoState, args: string[]): Promise<string> {
    this.counters.reads++
    return this.gitUncounted(state, args)
  }

  private async gitUncounted(state: RepoState, args: string[]): Promise<string> {
    const {stdout} = await run('git', args, {cwd: state.dir, env: gitEnv(), maxBuffer: 256 * 1024 * 1024})
    return stdout
  }

  /**
   * The branches and the tags in one process, shared by branchMap and listTags (each still counts
   * as the read it is) and started early by defaultBranchOf. When it fails, each asks git on its own
   * (and fails, or not, as it would have).
   */
  private refListing(state: RepoState): Promise<RefListing | undefined> {
    state.refs ??= this.gitUncounted(state, [
      'for-each-ref',
      '--format=%(refname)%00%(objectname)%00%(*objectname)',
      'refs/heads',
      'refs/remotes/origin',
      'refs/tags',
    ]).then(
      (out) => {
        const lines = fields(out)
        return {branches: branchesFrom(lines), tags: tagsFrom(lines)}
      },
      () => undefined,
    )
    return state.refs
  }

  private async gitOrUndefined(state: RepoState, args: string[]): Promise<string | undefined> {
    try {
      return await this.git(state, args)
    } catch {
      return undefined
    }
  }

  private skipped(what: string): void {
    const note = `${what}: not read (offline: needs the GitHub API)`
    if (!this.notes.includes(note)) this.notes.push(note)
  }

  private refuse(what: string): never {
    throw new ForgeError('invalid', `${what}: the offline forge (--repo-path, file://) only reads`)
  }

  private async branchMap(state: RepoState): Promise<Map<string, string>> {
    if (state.branches) return state.branches
    this.counters.reads++
    const listing = await this.refListing(state)
    // A CI checkout has one local branch and the rest as origin/*: local wins where both exist.
    state.branches =
      listing?.branches ??
      branchesFrom(
        fields(
          await this.gitUncounted(state, [
            'for-each-ref',
            '--format=%(refname)%00%(objectname)',
            'refs/heads',
            'refs/remotes/origin',
          ]),
        ),
      )
    return state.branches
  }

  private async defaultBranchOf(state: RepoState): Promise<string> {
    if (state.defaultBranch) return state.defaultBranch
    // The refs are read next (observe, status, lint): list them while git answers this.
    void this.refListing(state)
    const originHead = await this.gitOrUndefined(state, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])
    const head = originHead ?? (await this.gitOrUndefined(state, ['symbolic-ref', '--quiet', 'HEAD']))
    state.defaultBranch = (head ?? 'refs/heads/master').trim().replace(/^refs\/(heads|remotes\/origin)\//, '')
    return state.defaultBranch
  }

  async getRepo(repo: RepoSlug): Promise<ForgeRepo | undefined> {
    const state = this.state(repo)
    if (!state) return undefined
    return {
      slug: repo,
      defaultBranch: await this.defaultBranchOf(state),
      cloneUrl: `file://${state.dir}`,
      htmlUrl: `https://github.com/${repo}`,
      archived: false,
    }
  }

  async getBranchSha(repo: RepoSlug, branch: string): Promise<string | undefined> {
    const state = this.state(repo)
    return state ? (await this.branchMap(state)).get(branch) : undefined
  }

  async listBranches(repo: RepoSlug): Promise<string[]> {
    const state = this.state(repo)
    return state ? [...(await this.branchMap(state)).keys()].sort() : []
  }

  async listTags(repo: RepoSlug): Promise<ForgeTag[]> {
    const state = this.state(repo)
    if (!state) return []
    if (state.tags) return state.tags
    this.counters.reads++
    const listing = await this.refListing(state)
    state.tags =
      listing?.tags ??
      tagsFrom(
        fields(
          await this.gitUncounted(state, [
            'for-each-ref',
            '--format=%(refname)%00%(objectname)%00%(*objectname)',
            'refs/tags',
          ]),
        ),
      )
    return state.tags
  }

  async getTag(repo: RepoSlug, tag: string): Promise<ForgeTag | undefined> {
    return (await this.listTags(repo)).find((t) => t.name === tag)
  }

  private async resolve(repo: RepoSlug, state: RepoState, ref: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(ref)) return ref
    const branch = (await this.branchMap(state)).get(ref)
    if (branch) return branch
    const tag = (await this.listTags(repo)).find((t) => t.name === ref)
    if (tag) return tag.sha
    const out = await this.gitOrUndefined(state, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
    return out?.trim() || undefined
  }

  async getCommit(repo: RepoSlug, ref: string): Promise<ForgeCommit | undefined> {
    const state = this.state(repo)
    if (!state) return undefined
    const sha = await this.resolve(repo, state, ref)
    if (!sha) return undefined
    const out = await this.gitOrUndefined(state, ['show', '-s', '--format=%H%x00%P%x00%cI%x00%B', sha])
    if (!out) return undefined
    const [h, parents, date, ...message] = out.split('\0')
    return {
      sha: h!,
      parents: parents!.split(' ').filter(Boolean),
      date: date!,
      message: message.join('\0').trimEnd(),
      authorLogin: null,
    }
  }

  async compare(
    repo: RepoSlug,
    base: string,
    head: string,
  ): Promise<{aheadBy: number; commits: ForgeCommit[]; htmlUrl: string}> {
    const state = this.state(repo)
    if (!state) throw new ForgeError('not-found', `repository ${repo} has no --repo-path`)
    const [b, h] = await Promise.all([this.resolve(repo, state, base), this.resolve(repo, state, head)])
    if (!b || !h) throw new ForgeError('not-found', `cannot compare ${base}...${head} in ${repo}: no such ref`)
    const out = await this.git(state, ['log', '--format=%H%x00%P%x00%cI%x00%s%x1e', '--reverse', `${b}..${h}`])
    const commits: ForgeCommit[] = []
    for (const record of out.split('\x1e')) {
      const [sha, parents, date, subject] = record.replace(/^\n/, '').split('\0')
      if (!sha) continue
      commits.push({
        sha,
        parents: parents!.split(' ').filter(Boolean),
        date: date!,
        message: subject ?? '',
        authorLogin: null,
      })
    }
    return {aheadBy: commits.length, commits, htmlUrl: `https://github.com/${repo}/compare/${base}...${head}`}
  }

  async pullsForCommit(): Promise<never[]> {
    this.skipped('pull requests')
    return []
  }

  async getFile(repo: RepoSlug, path: string, ref?: string): Promise<{text: string; sha: string} | undefined> {
    const state = this.state(repo)
    if (!state) return undefined
    const commit = await this.resolve(repo, state, ref ?? (await this.defaultBranchOf(state)))
    if (!commit) return undefined
    this.counters.reads++
    state.blobs ??= new BlobReader(state.dir)
    return state.blobs.read(`${commit}:${path}`)
  }

  /** Ends the cat-file processes (call when done; a forge left open keeps the process alive). */
  close(): void {
    for (const s of this.repos.values()) {
      s.blobs?.close()
      s.blobs = undefined
    }
  }

  async putFile(): Promise<string> {
    return this.refuse('writing a file')
  }
  async createTag(): Promise<'created' | 'exists'> {
    return this.refuse('creating a tag')
  }
  async createBranch(): Promise<'created' | 'exists'> {
    return this.refuse('creating a branch')
  }

  // What only the API knows: empty, with a note.
  async listIssues(): Promise<never[]> {
    this.skipped('issues')
    return []
  }
  async getIssue(): Promise<undefined> {
    this.skipped('issues')
    return undefined
  }
  async updateIssue(): Promise<void> {
    this.refuse('updating an issue')
  }
  async addLabels(): Promise<void> {
    this.refuse('labelling')
  }
  async removeLabel(): Promise<void> {
    this.refuse('labelling')
  }
  async listTimeline(): Promise<never[]> {
    this.skipped('issue timelines')
    return []
  }
  async listComments(): Promise<never[]> {
    this.skipped('comments')
    return []
  }
  async createComment(): Promise<never> {
    return this.refuse('commenting')
  }
  async updateComment(): Promise<void> {
    this.refuse('commenting')
  }
  async listLabels(): Promise<never[]> {
    this.skipped('labels')
    return []
  }
  async ensureLabel(): Promise<'created' | 'exists'> {
    return this.refuse('creating a label')
  }
  async listMilestones(): Promise<never[]> {
    this.skipped('milestones')
    return []
  }
  async createMilestone(): Promise<never> {
    return this.refuse('creating a milestone')
  }
  async updateMilestone(): Promise<void> {
    this.refuse('updating a milestone')
  }
  async listPulls(): Promise<never[]> {
    this.skipped('pull requests')
    return []
  }
  async getPull(): Promise<undefined> {
    this.skipped('pull requests')
    return undefined
  }
  async listPullCommits(): Promise<never[]> {
    this.skipped('pull requests')
    return []
  }
  async createPull(): Promise<never> {
    return this.refuse('opening a pull request')
  }
  async updatePull(): Promise<void> {
    this.refuse('updating a pull request')
  }
  async linkedIssues(): Promise<number[]> {
    this.skipped('linked issues')
    return []
  }
  async getReleaseByTag(): Promise<undefined> {
    this.skipped('GitHub releases')
    return undefined
  }
  async createRelease(): Promise<never> {
    return this.refuse('creating a release')
  }
  async userExists(): Promise<boolean> {
    this.skipped('users and teams')
    return true
  }
  async teamExists(): Promise<boolean> {
    this.skipped('users and teams')
    return true
  }
}

/**
 * The repository paths from `--repo-path` values and the manifest's `file://` URLs: `DIR` alone
 * binds `fallback` (the release repository, or the only repository asked about), `owner/name=DIR`
 * binds that repository.
 */
export function repoPathsFrom(values: string[], fallback: string | undefined, fromManifest: RepoPaths = {}): RepoPaths {
  const out: RepoPaths = {}
  for (const [slug, url] of Object.entries(fromManifest)) out[slug] = localRepoDir(url, `repositories.${slug}.url`)
  for (const v of values) {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+)=(.+)$/.exec(v)
    if (m) {
      out[m[1]!] = localRepoDir(m[2]!, `--repo-path ${m[1]}`)
      continue
    }
    if (!fallback) {
      throw new ForgeError('invalid', `--repo-path ${v}: say which repository it holds (--repo-path owner/name=DIR)`)
    }
    out[fallback] = localRepoDir(v, '--repo-path')
  }
  return out
}
