/**
 * The git layer on simple-git: a cache of blobless clones per repository URL, one worktree per
 * target branch, annotated tags that never move, `cherry-pick -x` that reports conflicts, and
 * `push --atomic` that never forces. See src/git/types.ts for the contract.
 */
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {simpleGit, type SimpleGit} from 'simple-git'
import {pullsInMessage} from '../backport/combined.js'
import {CliError} from '../cli/errors.js'
import type {CherryPickResult, GitIdentity, GitLayer, PushResult, RepoClone, Worktree} from './types.js'

export interface GitLayerOptions {
  /** Root of the clone cache; default `$XDG_CACHE_HOME/flytectl/repos` or `~/.cache/flytectl/repos`. */
  cacheDir?: string
  /** Committer identity for every clone (a clone's own option wins). */
  identity?: GitIdentity
  /** HTTPS token for fetch/push; sent as an HTTP header through the environment, never stored or logged. */
  token?: string
}

/** Environment variables the layer passes to git on purpose (simple-git strips other GIT_* ones). */
const GIT_ENV = [
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_EDITOR',
  'GIT_TERMINAL_PROMPT',
  'GIT_CONFIG_NOSYSTEM',
]

/** Ambient variables that would open an editor or pager; the layer never waits on a human. */
const UNSET_ENV = new Set(['EDITOR', 'VISUAL', 'PAGER', 'SSH_ASKPASS'])

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const base = env.XDG_CACHE_HOME || join(home, '.cache')
  return join(base, 'flytectl', 'repos')
}

/** A directory name for a URL: readable tail plus a short hash (credentials never reach the path). */
export function cacheKey(url: string): string {
  const clean = url.replace(/\/\/[^/@]*@/, '//').replace(/\.git$/, '')
  const tail = clean
    .split(/[/:]/)
    .filter(Boolean)
    .slice(-2)
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
  const hash = createHash('sha256').update(clean).digest('hex').slice(0, 10)
  return `${tail}-${hash}`
}

function gitEnv(token: string | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('GIT_') && !UNSET_ENV.has(k)) env[k] = v
  }
  env.GIT_TERMINAL_PROMPT = '0'
  env.GIT_EDITOR = 'true'
  if (token) {
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    env.GIT_CONFIG_COUNT = '1'
    env.GIT_CONFIG_KEY_0 = 'http.extraHeader'
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`
  }
  return env
}

function gitAt(dir: string, token: string | undefined): SimpleGit {
  return simpleGit({
    baseDir: dir,
    allowEnvironment: GIT_ENV,
    trimmed: false,
    // GIT_EDITOR=true (no editor ever opens) and the token header passed through GIT_CONFIG_*.
    unsafe: {allowUnsafeEditor: true, allowUnsafeConfigEnvCount: true},
    // Any non-zero exit is a failure, even a silent one (`merge-base --is-ancestor`, `rev-parse --quiet`).
    errors: (error, result) =>
      error ?? (result.exitCode === 0 ? undefined : Buffer.concat([...result.stdOut, ...result.stdErr])),
  }).env(gitEnv(token))
}

/** Removes a token from anything git printed, just in case a remote echoes it back. */
function redact(text: string, token: string | undefined): string {
  return token ? text.split(token).join('***') : text
}

export function createGitLayer(options: GitLayerOptions = {}): GitLayer {
  const root = options.cacheDir ?? defaultCacheDir()
  return {
    async clone(url, cloneOptions = {}) {
      const identity = cloneOptions.identity ?? options.identity
      const base = join(root, cacheKey(url))
      const dir = join(base, 'repo')
      await mkdir(base, {recursive: true})
      if (!existsSync(join(dir, '.git'))) {
        const tmp = `${dir}.partial-${process.pid}`
        try {
          await gitAt(base, options.token).raw(['clone', '--filter=blob:none', '--no-checkout', '--quiet', url, tmp])
        } catch (err) {
          throw new CliError('unavailable', `cannot clone ${redactUrl(url)}: ${firstGitLine(err, options.token)}`, {
            hint: 'Check the repository URL and your token, then run the command again.',
            cause: err,
          })
        }
        const {rename} = await import('node:fs/promises')
        await rename(tmp, dir)
        const clone = new CachedClone(dir, url, options.token)
        await clone.configure(identity)
        return clone
      }
      const clone = new CachedClone(dir, url, options.token)
      await clone.configure(identity)
      await clone.fetch()
      return clone
    },
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//')
}

function firstGitLine(err: unknown, token?: string): string {
  const text = err instanceof Error ? err.message : String(err)
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('fatal:') || l.startsWith('error:'))
  return redact(line ?? text.split('\n')[0] ?? '', token)
}

class CachedClone implements RepoClone {
  readonly git: SimpleGit
  constructor(
    readonly dir: string,
    readonly url: string,
    private readonly token: string | undefined,
  ) {
    this.git = gitAt(dir, token)
  }

  async configure(identity: GitIdentity | undefined): Promise<void> {
    const settings: [string, string][] = [
      ['core.autocrlf', 'false'],
      ['advice.detachedHead', 'false'],
      ['gc.auto', '0'],
      ['commit.gpgsign', 'false'],
      ['tag.gpgsign', 'false'],
    ]
    if (identity) settings.push(['user.name', identity.name], ['user.email', identity.email])
    // One read, and writes only for what differs: a warm run usually writes nothing.
    const current = new Map(
      lines(await this.git.raw(['config', '--local', '--list'])).map((l) => {
        const eq = l.indexOf('=')
        return [l.slice(0, eq).toLowerCase(), l.slice(eq + 1)] as const
      }),
    )
    for (const [key, value] of settings) {
      if (current.get(key.toLowerCase()) !== value) await this.git.raw(['config', key, value])
    }
  }

  async fetch(): Promise<void> {
    try {
      await this.git.raw(['fetch', '--quiet', '--prune', '--tags', 'origin'])
    } catch (err) {
      throw new CliError('unavailable', `cannot fetch ${redactUrl(this.url)}: ${firstGitLine(err, this.token)}`, {
        hint: 'Check the network and your token, then run the command again.',
        cause: err,
      })
    }
  }

  async revParse(ref: string): Promise<string | undefined> {
    // A sha or an expression (`abc~1`) resolves as it is; a name prefers the remote branch.
    const direct = /^[0-9a-f]{7,40}$|[~^@:]/.test(ref)
    for (const candidate of direct ? [ref] : [`refs/remotes/origin/${ref}`, ref]) {
      try {
        return (await this.git.raw(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`])).trim()
      } catch {
        // not this spelling
      }
    }
    return undefined
  }

  async tags(): Promise<{name: string; sha: string}[]> {
    const out = await this.git.raw([
      'for-each-ref',
      '--format=%(refname:short)%09%(objectname)%09%(*objectname)',
      'refs/tags',
    ])
    return lines(out).map((l) => {
      const [name, sha, peeled] = l.split('\t')
      return {name: name!, sha: peeled || sha!}
    })
  }

  async remoteBranches(): Promise<string[]> {
    const out = await this.git.raw(['for-each-ref', '--format=%(refname)', 'refs/remotes/origin'])
    return lines(out)
      .map((l) => l.replace(/^refs\/remotes\/origin\//, ''))
      .filter((b) => b !== 'HEAD')
  }

  async log(
    from: string | undefined,
    to: string,
  ): Promise<{sha: string; subject: string; body: string; parents: string[]}[]> {
    const toSha = await this.resolveForLog(to)
    const range = from ? [`^${await this.resolveForLog(from)}`, toSha] : [toSha]
    const out = await this.git.raw(['log', '--topo-order', '--reverse', '--format=%H%x1f%P%x1f%s%x1f%b%x1e', ...range])
    return out
      .split('\x1e')
      .map((r) => r.replace(/^\n/, ''))
      .filter((r) => r.trim() !== '')
      .map((r) => {
        const [sha, parents, subject, body] = r.split('\x1f')
        return {
          sha: sha!,
          parents: parents ? parents.split(' ') : [],
          subject: subject ?? '',
          body: (body ?? '').trim(),
        }
      })
  }

  async contains(branch: string, sha: string, options: {pr?: number} = {}): Promise<boolean> {
    const tip = await this.mustResolve(branch)
    try {
      await this.git.raw(['merge-base', '--is-ancestor', sha, tip])
      return true
    } catch {
      // not an ancestor: look for a pick
    }
    if (options.pr !== undefined && (await this.landedPulls(tip)).has(options.pr)) return true
    const trailer = await this.git.raw([
      'log',
      '--format=%H',
      '-F',
      `--grep=cherry picked from commit ${sha}`,
      '-n1',
      tip,
    ])
    if (trailer.trim() !== '') return true
    return this.samePatchSince(tip, sha)
  }

  private readonly landed = new Map<string, Promise<Set<number>>>()

  /**
   * PR numbers the history of `tip` carries (see pullsInMessage: `(#N)`, combined backport titles
   * such as `Backport #5788, #5855, and #5769 …` or `bp 5795 5987`, squash listings). One `git log`
   * per tip, kept for the life of the clone object.
   */
  private landedPulls(tip: string): Promise<Set<number>> {
    let known = this.landed.get(tip)
    if (!known) {
      known = this.git.raw(['log', '--format=%s%x1f%b%x1e', tip]).then((out) => {
        const set = new Set<number>()
        for (const record of out.split('\x1e')) {
          const [subject = '', body = ''] = record.replace(/^\n/, '').split('\x1f')
          for (const n of pullsInMessage(subject, body)) set.add(n)
        }
        return set
      })
      this.landed.set(tip, known)
    }
    return known
  }

  /**
   * A commit since the merge base with the same patch-id as `sha` (a pick made without -x). Only
   * commits touching the same paths are diffed, so a blobless clone fetches few or no blobs.
   */
  private async samePatchSince(tip: string, sha: string): Promise<boolean> {
    // Empty for merge and root commits: those are only found by ancestry or trailer.
    const files = lines(await this.git.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', sha]))
    if (files.length === 0) return false
    const base = (await this.git.raw(['merge-base', tip, sha]).catch(() => '')).trim()
    if (!base) return false
    const paths = files.map((f) => `:(literal)${f}`)
    const candidates = lines(await this.git.raw(['rev-list', '--no-merges', `${base}..${tip}`, '--', ...paths]))
    if (candidates.length === 0) return false
    const ids = await this.patchIds([sha, ...candidates])
    const wanted = ids.get(sha)
    return wanted !== undefined && candidates.some((c) => ids.get(c) === wanted)
  }

  private async patchIds(shas: string[]): Promise<Map<string, string>> {
    const patches = await this.git.raw(['show', '--no-color', '--format=commit %H', '-p', ...shas])
    const out = await pipeGit(this.dir, ['patch-id', '--stable'], patches)
    const ids = new Map<string, string>()
    for (const l of lines(out)) {
      const [id, commit] = l.split(' ')
      if (id && commit) ids.set(commit, id)
    }
    return ids
  }

  async worktree(branch: string): Promise<Worktree> {
    const tip = await this.mustResolve(branch)
    const dir = join(dirname(this.dir), 'worktrees', branch.replace(/[^A-Za-z0-9._-]/g, '_'))
    if (existsSync(join(dir, '.git'))) {
      const wt = new CacheWorktree(dir, branch, this.token)
      // A pick left mid-way (conflict waiting for --continue) is kept as it is.
      if (await wt.pickInProgress()) return wt
      await wt.git.raw(['checkout', '--quiet', '--force', '--detach', tip])
      await wt.git.raw(['clean', '-fdq'])
      return wt
    }
    await this.git.raw(['worktree', 'prune'])
    await this.git.raw(['worktree', 'add', '--quiet', '--force', '--detach', dir, tip])
    return new CacheWorktree(dir, branch, this.token)
  }

  /** A full sha goes to git as it is (one process less); names are resolved. */
  private async resolveForLog(ref: string): Promise<string> {
    return /^[0-9a-f]{40}$/.test(ref) ? ref : this.mustResolve(ref)
  }

  private async mustResolve(ref: string): Promise<string> {
    const sha = await this.revParse(ref)
    if (!sha) throw new CliError('not-found', `no branch, tag or commit named ${ref} in ${redactUrl(this.url)}`)
    return sha
  }
}

/**
 * A local clone read where it is, with git alone (offline `backport audit --repo-path`): nothing
 * is fetched, cloned or written. Branches are the local ones plus `origin/*` (a CI checkout has one
 * local branch and the rest as remote-tracking refs); a local branch wins over its origin copy.
 */
class LocalRepo extends CachedClone {
  override async fetch(): Promise<void> {}

  override async revParse(ref: string): Promise<string | undefined> {
    const direct = /^[0-9a-f]{7,40}$|[~^@:]/.test(ref)
    for (const candidate of direct ? [ref] : [`refs/heads/${ref}`, `refs/remotes/origin/${ref}`, ref]) {
      try {
        return (await this.git.raw(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`])).trim()
      } catch {
        // not this spelling
      }
    }
    return undefined
  }

  override async remoteBranches(): Promise<string[]> {
    const out = await this.git.raw(['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes/origin'])
    const names = lines(out)
      .map((l) => l.replace(/^refs\/(heads|remotes\/origin)\//, ''))
      .filter((b) => b !== 'HEAD')
    return [...new Set(names)].sort()
  }

  override async worktree(): Promise<Worktree> {
    throw new CliError(
      'invalid-input',
      `${this.dir} is read in place (--repo-path): nothing is checked out or picked there`,
    )
  }
}

/** A local repository (working clone or bare) as a read-only RepoClone; see LocalRepo. */
export function openLocalRepo(dir: string): RepoClone {
  return new LocalRepo(dir, `file://${dir}`, undefined)
}

class CacheWorktree implements Worktree {
  readonly git: SimpleGit
  constructor(
    readonly dir: string,
    readonly branch: string,
    private readonly token: string | undefined,
  ) {
    this.git = gitAt(dir, token)
  }

  async head(): Promise<string> {
    return (await this.git.raw(['rev-parse', 'HEAD'])).trim()
  }

  async isClean(): Promise<boolean> {
    return (await this.git.raw(['status', '--porcelain'])).trim() === ''
  }

  async pickInProgress(): Promise<boolean> {
    try {
      await this.git.raw(['rev-parse', '--verify', '--quiet', 'CHERRY_PICK_HEAD'])
      return true
    } catch {
      return false
    }
  }

  async createBranch(name: string, from?: string): Promise<void> {
    await this.git.raw(['checkout', '--quiet', '-B', name, ...(from ? [from] : [])])
  }

  async cherryPick(sha: string, options: {mainline?: number} = {}): Promise<CherryPickResult> {
    const args = ['cherry-pick', '-x', ...(options.mainline ? ['-m', String(options.mainline)] : []), sha]
    try {
      await this.git.raw(args)
      return {status: 'picked', sha: await this.head(), conflicts: []}
    } catch (err) {
      return this.afterFailedPick(err)
    }
  }

  private async afterFailedPick(err: unknown): Promise<CherryPickResult> {
    const conflicts = lines(await this.git.raw(['diff', '--name-only', '--diff-filter=U']))
    if (conflicts.length > 0) return {status: 'conflict', conflicts}
    if ((await this.pickInProgress()) && (await this.isClean())) {
      // Nothing left to change: the commit is already on this branch.
      await this.git.raw(['cherry-pick', '--skip'])
      return {status: 'empty', conflicts: []}
    }
    throw new CliError('internal', `git cherry-pick failed: ${firstGitLine(err, this.token)}`, {cause: err})
  }

  async commitAll(message: string): Promise<string> {
    await this.git.raw(['add', '-A'])
    await this.git.raw(['commit', '--quiet', '--no-verify', '--allow-empty', '-m', message])
    return this.head()
  }

  async cherryPickAbort(): Promise<void> {
    if (await this.pickInProgress()) await this.git.raw(['cherry-pick', '--abort'])
  }

  async cherryPickContinue(): Promise<CherryPickResult> {
    await this.git.raw(['add', '-A'])
    try {
      await this.git.raw(['cherry-pick', '--continue'])
      return {status: 'picked', sha: await this.head(), conflicts: []}
    } catch (err) {
      return this.afterFailedPick(err)
    }
  }

  async readFile(path: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, path), 'utf8')
    } catch {
      return undefined
    }
  }

  async writeFile(path: string, text: string): Promise<void> {
    const full = join(this.dir, path)
    await mkdir(dirname(full), {recursive: true})
    await writeFile(full, text)
  }

  async tag(name: string, message: string, sha?: string): Promise<'created' | 'exists'> {
    const target = (await this.git.raw(['rev-parse', '--verify', `${sha ?? 'HEAD'}^{commit}`])).trim()
    let existing: string | undefined
    try {
      existing = (await this.git.raw(['rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`])).trim()
    } catch {
      existing = undefined
    }
    if (existing === target) return 'exists'
    if (existing) {
      throw new CliError(
        'conflict',
        `tag ${name} already points at ${existing.slice(0, 12)}, not ${target.slice(0, 12)}`,
        {
          hint: 'Tags are never moved; pick a new version instead.',
        },
      )
    }
    await this.git.raw(['tag', '-a', name, '-m', message, target])
    return 'created'
  }

  async push(refspecs: string[]): Promise<PushResult> {
    if (refspecs.some((r) => r.startsWith('+'))) {
      throw new CliError(
        'invalid-input',
        `refusing to force-push (${refspecs.filter((r) => r.startsWith('+')).join(', ')})`,
      )
    }
    try {
      await this.git.raw(['push', '--atomic', '--porcelain', 'origin', ...refspecs])
      return {ok: true, rejected: []}
    } catch (err) {
      const text = redact(err instanceof Error ? err.message : String(err), this.token)
      const rejected = [...text.matchAll(/^!\t[^:\t]*:(refs\/\S+)\t/gm)].map((m) => m[1]!)
      const reason = [...text.matchAll(/^!\t\S+\t\[[^\]]+\] \(([^)]*)\)/gm)].map((m) => m[1]!)
      if (rejected.length === 0 && !/rejected|failed to push/.test(text)) {
        throw new CliError('unavailable', `git push failed: ${firstGitLine(err, this.token)}`, {cause: err})
      }
      return {
        ok: false,
        rejected: rejected.length ? rejected : refspecs,
        message: reason.find((r) => r !== 'atomic push failed') ?? firstGitLine(err, this.token),
      }
    }
  }
}

/** `git <args>` with `input` on stdin (simple-git has no stdin); for plumbing like patch-id. */
function pipeGit(cwd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, {cwd, env: gitEnv(undefined), maxBuffer: 64 * 1024 * 1024}, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    )
    child.stdin?.end(input)
  })
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
}
