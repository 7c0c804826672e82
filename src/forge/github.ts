/**
 * The GitHub Forge on octokit: @octokit/rest with throttling (primary and secondary rate limits,
 * Retry-After honoured up to a cap), retry (5xx, connection resets), pagination at 100 per page,
 * and GraphQL for linked issues. Reads and writes are counted per HTTP request. Errors become
 * ForgeError kinds; a token never appears in a message.
 */
import {readFileSync} from 'node:fs'
import {Octokit} from '@octokit/rest'
import {throttling} from '@octokit/plugin-throttling'
import {retry} from '@octokit/plugin-retry'
import {createAppAuth} from '@octokit/auth-app'
import {
  ForgeError,
  type Forge,
  type ForgeComment,
  type ForgeCommit,
  type ForgeCounters,
  type ForgeIssue,
  type ForgeLabel,
  type ForgeMilestone,
  type ForgeOptions,
  type ForgePull,
  type ForgeRelease,
  type ForgeRepo,
  type ForgeTag,
  type ForgeTimelineEvent,
  type ForgeUser,
  type IssueQuery,
  type PullQuery,
  type RepoSlug,
} from './types.js'
import {parseClosingKeywords} from './keywords.js'
import {redact, toForgeError} from './errors.js'

type Any = Record<string, unknown>
type Json = Record<string, unknown>

const NOT_FOUND = 404

/** Spaces jobs of one kind at least `minMs` apart (duck-types the Bottleneck group the throttling plugin expects). */
class Pacer {
  private last = 0
  private chain: Promise<void> = Promise.resolve()
  constructor(private readonly minMs: number) {}
  key(): Pacer {
    return this
  }
  schedule<T>(_options: unknown, fn: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
    const turn = this.chain.then(async () => {
      const wait = this.last + this.minMs - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      this.last = Date.now()
    })
    this.chain = turn.catch(() => undefined)
    return turn.then(() => fn(...args))
  }
}

function split(repo: RepoSlug): {owner: string; repo: string} {
  const [owner, name, ...rest] = repo.split('/')
  if (!owner || !name || rest.length) throw new ForgeError('invalid', `repository must be "owner/name", got "${repo}"`)
  return {owner, repo: name}
}

function userOf(u: unknown): ForgeUser {
  const x = (u ?? {}) as {login?: string; type?: string}
  const type = x.type === 'Bot' || x.type === 'Organization' ? x.type : 'User'
  return {login: x.login ?? 'ghost', type}
}

function labelNames(labels: unknown): string[] {
  return ((labels as (string | {name?: string})[] | undefined) ?? []).map((l) =>
    typeof l === 'string' ? l : (l.name ?? ''),
  )
}

function toIssue(x: Json): ForgeIssue {
  const m = x.milestone as {number: number; title: string} | null
  return {
    number: x.number as number,
    title: x.title as string,
    body: (x.body as string | null) ?? '',
    state: x.state as 'open' | 'closed',
    labels: labelNames(x.labels),
    assignees: ((x.assignees as {login: string}[] | null) ?? []).map((a) => a.login),
    milestone: m ? {number: m.number, title: m.title} : null,
    author: userOf(x.user),
    createdAt: x.created_at as string,
    updatedAt: x.updated_at as string,
    closedAt: (x.closed_at as string | null) ?? null,
    isPullRequest: x.pull_request !== undefined && x.pull_request !== null,
    htmlUrl: x.html_url as string,
  }
}

function toPull(x: Json): ForgePull {
  const head = x.head as {ref: string; sha: string}
  const base = x.base as {ref: string}
  return {
    number: x.number as number,
    title: x.title as string,
    body: (x.body as string | null) ?? '',
    state: x.state as 'open' | 'closed',
    merged: typeof x.merged === 'boolean' ? x.merged : x.merged_at !== null && x.merged_at !== undefined,
    mergedAt: (x.merged_at as string | null) ?? null,
    mergeCommitSha: x.merged_at ? ((x.merge_commit_sha as string | null) ?? null) : null,
    draft: x.draft === true,
    base: base.ref,
    head: head.ref,
    headSha: head.sha,
    labels: labelNames(x.labels),
    author: userOf(x.user),
    htmlUrl: x.html_url as string,
    additions: (x.additions as number | undefined) ?? 0,
    deletions: (x.deletions as number | undefined) ?? 0,
    changedFiles: (x.changed_files as number | undefined) ?? 0,
  }
}

function toCommit(x: Json): ForgeCommit {
  const c = x.commit as {message: string; author: {date?: string} | null; committer: {date?: string} | null}
  return {
    sha: x.sha as string,
    message: c.message,
    parents: ((x.parents as {sha: string}[]) ?? []).map((p) => p.sha),
    authorLogin: (x.author as {login?: string} | null)?.login ?? null,
    date: c.author?.date ?? c.committer?.date ?? '',
  }
}

function toMilestone(x: Json): ForgeMilestone {
  return {
    number: x.number as number,
    title: x.title as string,
    state: x.state as 'open' | 'closed',
    dueOn: (x.due_on as string | null) ?? null,
    description: (x.description as string | null) ?? null,
    openIssues: x.open_issues as number,
    closedIssues: x.closed_issues as number,
  }
}

function toRelease(x: Json): ForgeRelease {
  return {
    id: x.id as number,
    tagName: x.tag_name as string,
    name: (x.name as string | null) ?? '',
    body: (x.body as string | null) ?? '',
    draft: x.draft as boolean,
    prerelease: x.prerelease as boolean,
    htmlUrl: x.html_url as string,
  }
}

function toComment(x: Json): ForgeComment {
  return {
    id: x.id as number,
    body: (x.body as string | undefined) ?? '',
    author: userOf(x.user),
    createdAt: x.created_at as string,
  }
}

function toLabel(x: Json): ForgeLabel {
  return {name: x.name as string, color: x.color as string, description: (x.description as string | null) ?? null}
}

export class GitHubForge implements Forge {
  readonly counters: ForgeCounters = {reads: 0, writes: 0}
  private readonly secrets: string[]

  constructor(
    private readonly octokit: OctokitType,
    secrets: string[],
  ) {
    this.secrets = secrets.filter((s) => s.length >= 4)
    counting.set(octokit, this.counters)
  }

  private fail(err: unknown, what: string): never {
    throw toForgeError(err, what, this.secrets)
  }

  /** Run a request; 404 → undefined (lookups never throw for a missing thing). */
  private async lookup<T>(what: string, fn: () => Promise<T>, missing: number[] = [NOT_FOUND]): Promise<T | undefined> {
    try {
      return await fn()
    } catch (err) {
      if (missing.includes((err as {status?: number}).status ?? 0)) return undefined
      this.fail(err, what)
    }
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      this.fail(err, what)
    }
  }

  private async paginate(what: string, route: string, params: Any): Promise<Json[]> {
    return this.call(what, () => this.octokit.paginate(route, {...params, per_page: 100}) as Promise<Json[]>)
  }

  async getRepo(repo: RepoSlug): Promise<ForgeRepo | undefined> {
    const res = await this.lookup(`get repository ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}', split(repo)),
    )
    if (!res) return undefined
    const d = res.data
    return {
      slug: d.full_name,
      defaultBranch: d.default_branch,
      cloneUrl: d.clone_url,
      htmlUrl: d.html_url,
      archived: d.archived,
    }
  }

  async getBranchSha(repo: RepoSlug, branch: string): Promise<string | undefined> {
    const res = await this.lookup(`get branch ${branch} of ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {...split(repo), ref: `heads/${branch}`}),
    )
    return res?.data.object.sha
  }

  async listBranches(repo: RepoSlug): Promise<string[]> {
    const all = await this.paginate(`list branches of ${repo}`, 'GET /repos/{owner}/{repo}/branches', split(repo))
    return all.map((b) => b.name as string)
  }

  async listTags(repo: RepoSlug): Promise<ForgeTag[]> {
    const all = await this.paginate(`list tags of ${repo}`, 'GET /repos/{owner}/{repo}/tags', split(repo))
    return all.map((t) => ({name: t.name as string, sha: (t.commit as {sha: string}).sha}))
  }

  async getTag(repo: RepoSlug, tag: string): Promise<ForgeTag | undefined> {
    const what = `get tag ${tag} of ${repo}`
    const ref = await this.lookup(what, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {...split(repo), ref: `tags/${tag}`}),
    )
    if (!ref) return undefined
    let {type, sha} = ref.data.object
    // Annotated tags point at a tag object; peel (tags of tags too) down to the commit.
    for (let depth = 0; type === 'tag' && depth < 5; depth++) {
      const obj = await this.call(what, () =>
        this.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {...split(repo), tag_sha: sha}),
      )
      type = obj.data.object.type
      sha = obj.data.object.sha
    }
    return {name: tag, sha}
  }

  async createTag(repo: RepoSlug, tag: string, sha: string, message: string): Promise<'created' | 'exists'> {
    const existing = await this.getTag(repo, tag)
    if (existing) return this.sameOrConflict(`tag ${tag}`, repo, existing.sha, sha)
    const what = `create tag ${tag} in ${repo}`
    const obj = await this.call(what, () =>
      this.octokit.request('POST /repos/{owner}/{repo}/git/tags', {
        ...split(repo),
        tag,
        message,
        object: sha,
        type: 'commit',
      }),
    )
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/git/refs', {
        ...split(repo),
        ref: `refs/tags/${tag}`,
        sha: obj.data.sha,
      })
      return 'created'
    } catch (err) {
      // Someone created it between our check and our write: same commit is fine, another is a conflict.
      const now = (err as {status?: number}).status === 422 ? await this.getTag(repo, tag) : undefined
      if (now) return this.sameOrConflict(`tag ${tag}`, repo, now.sha, sha)
      this.fail(err, what)
    }
  }

  async createBranch(repo: RepoSlug, branch: string, sha: string): Promise<'created' | 'exists'> {
    const existing = await this.getBranchSha(repo, branch)
    if (existing) return this.sameOrConflict(`branch ${branch}`, repo, existing, sha)
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/git/refs', {
        ...split(repo),
        ref: `refs/heads/${branch}`,
        sha,
      })
      return 'created'
    } catch (err) {
      const now = (err as {status?: number}).status === 422 ? await this.getBranchSha(repo, branch) : undefined
      if (now) return this.sameOrConflict(`branch ${branch}`, repo, now, sha)
      this.fail(err, `create branch ${branch} in ${repo}`)
    }
  }

  private sameOrConflict(what: string, repo: RepoSlug, actual: string, wanted: string): 'exists' {
    if (actual === wanted) return 'exists'
    throw new ForgeError(
      'conflict',
      `${what} already exists in ${repo} at ${actual.slice(0, 12)}, not at ${wanted.slice(0, 12)}; it is never moved`,
      {status: 422},
    )
  }

  async getCommit(repo: RepoSlug, ref: string): Promise<ForgeCommit | undefined> {
    const res = await this.lookup(
      `get commit ${ref} of ${repo}`,
      () => this.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {...split(repo), ref}),
      [404, 422],
    )
    return res ? toCommit(res.data as unknown as Json) : undefined
  }

  async compare(
    repo: RepoSlug,
    base: string,
    head: string,
  ): Promise<{aheadBy: number; commits: ForgeCommit[]; htmlUrl: string}> {
    const what = `compare ${base}...${head} in ${repo}`
    const commits: ForgeCommit[] = []
    for (let page = 1; ; page++) {
      const res = await this.call(what, () =>
        this.octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
          ...split(repo),
          basehead: `${base}...${head}`,
          per_page: 100,
          page,
        }),
      )
      commits.push(...res.data.commits.map((c) => toCommit(c as unknown as Json)))
      if (res.data.commits.length < 100 || commits.length >= res.data.total_commits) {
        return {aheadBy: res.data.ahead_by, commits, htmlUrl: res.data.html_url}
      }
    }
  }

  async pullsForCommit(repo: RepoSlug, sha: string): Promise<ForgePull[]> {
    const all = await this.paginate(
      `list pull requests of commit ${sha} in ${repo}`,
      'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      {...split(repo), commit_sha: sha},
    )
    return all.map(toPull)
  }

  async getFile(repo: RepoSlug, path: string, ref?: string): Promise<{text: string; sha: string} | undefined> {
    const res = await this.lookup(`read ${path} in ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {...split(repo), path, ...(ref ? {ref} : {})}),
    )
    const d = res?.data as {type?: string; content?: string; encoding?: string; sha?: string} | undefined
    if (!d || Array.isArray(d) || d.type !== 'file' || d.content === undefined) return undefined
    return {text: Buffer.from(d.content, 'base64').toString('utf8'), sha: d.sha as string}
  }

  /**
   * With `sha` (the caller read the file): one write, guarded by that blob sha. Without it, the
   * file is read first: unchanged content makes no commit (the branch tip is returned), otherwise
   * its current blob sha is used, so a re-run never writes twice.
   */
  async putFile(
    repo: RepoSlug,
    path: string,
    params: {branch: string; text: string; message: string; sha?: string},
  ): Promise<string> {
    let sha = params.sha
    if (sha === undefined) {
      const current = await this.getFile(repo, path, params.branch)
      if (current && current.text === params.text) {
        const tip = await this.getBranchSha(repo, params.branch)
        if (tip) return tip
      }
      sha = current?.sha
    }
    const res = await this.call(`write ${path} on ${params.branch} in ${repo}`, () =>
      this.octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        ...split(repo),
        path,
        message: params.message,
        content: Buffer.from(params.text, 'utf8').toString('base64'),
        branch: params.branch,
        ...(sha ? {sha} : {}),
      }),
    )
    return res.data.commit.sha as string
  }

  async listIssues(repo: RepoSlug, query: IssueQuery = {}): Promise<ForgeIssue[]> {
    const params: Any = {...split(repo), state: query.state ?? 'open'}
    if (query.labels?.length) params.labels = query.labels.join(',')
    if (query.milestone !== undefined) params.milestone = String(query.milestone)
    if (query.since) params.since = query.since
    const all = await this.paginate(`list issues of ${repo}`, 'GET /repos/{owner}/{repo}/issues', params)
    return all.map(toIssue).filter((i) => query.includePulls || !i.isPullRequest)
  }

  async getIssue(repo: RepoSlug, number: number): Promise<ForgeIssue | undefined> {
    const res = await this.lookup(`get issue #${number} of ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {...split(repo), issue_number: number}),
    )
    return res ? toIssue(res.data as unknown as Json) : undefined
  }

  async updateIssue(
    repo: RepoSlug,
    number: number,
    patch: {milestone?: number | null; state?: 'open' | 'closed'; assignees?: string[]; title?: string; body?: string},
  ): Promise<void> {
    await this.call(`update issue #${number} of ${repo}`, () =>
      this.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...split(repo),
        issue_number: number,
        ...patch,
      }),
    )
  }

  async addLabels(repo: RepoSlug, number: number, labels: string[]): Promise<void> {
    if (!labels.length) return
    await this.call(`label #${number} of ${repo}`, () =>
      this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        ...split(repo),
        issue_number: number,
        labels,
      }),
    )
  }

  /** Removing a label the issue does not have is not an error. */
  async removeLabel(repo: RepoSlug, number: number, label: string): Promise<void> {
    await this.lookup(`unlabel #${number} of ${repo}`, () =>
      this.octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', {
        ...split(repo),
        issue_number: number,
        name: label,
      }),
    )
  }

  async listTimeline(repo: RepoSlug, number: number): Promise<ForgeTimelineEvent[]> {
    const all = await this.paginate(
      `read the timeline of #${number} in ${repo}`,
      'GET /repos/{owner}/{repo}/issues/{issue_number}/timeline',
      {
        ...split(repo),
        issue_number: number,
      },
    )
    return all
      .filter((e) => typeof e.event === 'string')
      .map((e) => {
        const actor = (e.actor ?? e.user ?? null) as Json | null
        const out: ForgeTimelineEvent = {
          event: e.event as string,
          actor: actor ? userOf(actor) : null,
          createdAt: (e.created_at as string | undefined) ?? (e.committer as {date?: string} | undefined)?.date ?? '',
        }
        const label = (e.label as {name?: string} | undefined)?.name
        if (label) out.label = label
        return out
      })
  }

  async listComments(repo: RepoSlug, number: number): Promise<ForgeComment[]> {
    const all = await this.paginate(
      `list comments of #${number} in ${repo}`,
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        ...split(repo),
        issue_number: number,
      },
    )
    return all.map(toComment)
  }

  async createComment(repo: RepoSlug, number: number, body: string): Promise<ForgeComment> {
    const res = await this.call(`comment on #${number} in ${repo}`, () =>
      this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...split(repo),
        issue_number: number,
        body,
      }),
    )
    return toComment(res.data as unknown as Json)
  }

  async updateComment(repo: RepoSlug, commentId: number, body: string): Promise<void> {
    await this.call(`update comment ${commentId} in ${repo}`, () =>
      this.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        ...split(repo),
        comment_id: commentId,
        body,
      }),
    )
  }

  async listLabels(repo: RepoSlug): Promise<ForgeLabel[]> {
    return (await this.paginate(`list labels of ${repo}`, 'GET /repos/{owner}/{repo}/labels', split(repo))).map(toLabel)
  }

  /** Creates the label when missing; an existing label (any case) is left as it is. */
  async ensureLabel(repo: RepoSlug, label: ForgeLabel): Promise<'created' | 'exists'> {
    const found = await this.lookup(`get label ${label.name} of ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/labels/{name}', {...split(repo), name: label.name}),
    )
    if (found) return 'exists'
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/labels', {
        ...split(repo),
        name: label.name,
        ...(label.color ? {color: label.color.replace(/^#/, '')} : {}),
        ...(label.description ? {description: label.description} : {}),
      })
      return 'created'
    } catch (err) {
      if (isAlreadyExists(err)) return 'exists'
      this.fail(err, `create label ${label.name} in ${repo}`)
    }
  }

  async listMilestones(repo: RepoSlug, state: 'open' | 'closed' | 'all' = 'open'): Promise<ForgeMilestone[]> {
    return (
      await this.paginate(`list milestones of ${repo}`, 'GET /repos/{owner}/{repo}/milestones', {...split(repo), state})
    ).map(toMilestone)
  }

  async createMilestone(
    repo: RepoSlug,
    params: {title: string; dueOn?: string; description?: string},
  ): Promise<ForgeMilestone> {
    const res = await this.call(`create milestone ${params.title} in ${repo}`, () =>
      this.octokit.request('POST /repos/{owner}/{repo}/milestones', {
        ...split(repo),
        title: params.title,
        ...(params.dueOn ? {due_on: params.dueOn} : {}),
        ...(params.description ? {description: params.description} : {}),
      }),
    )
    return toMilestone(res.data as unknown as Json)
  }

  async updateMilestone(
    repo: RepoSlug,
    number: number,
    patch: {state?: 'open' | 'closed'; dueOn?: string; title?: string},
  ): Promise<void> {
    await this.call(`update milestone ${number} of ${repo}`, () =>
      this.octokit.request('PATCH /repos/{owner}/{repo}/milestones/{milestone_number}', {
        ...split(repo),
        milestone_number: number,
        ...(patch.state ? {state: patch.state} : {}),
        ...(patch.title ? {title: patch.title} : {}),
        ...(patch.dueOn ? {due_on: patch.dueOn} : {}),
      }),
    )
  }

  async listPulls(repo: RepoSlug, query: PullQuery = {}): Promise<ForgePull[]> {
    const params: Any = {...split(repo), state: query.state ?? 'open'}
    if (query.base) params.base = query.base
    if (query.head) params.head = query.head
    return (await this.paginate(`list pull requests of ${repo}`, 'GET /repos/{owner}/{repo}/pulls', params)).map(toPull)
  }

  async getPull(repo: RepoSlug, number: number): Promise<ForgePull | undefined> {
    const res = await this.lookup(`get pull request #${number} of ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {...split(repo), pull_number: number}),
    )
    return res ? toPull(res.data as unknown as Json) : undefined
  }

  async listPullCommits(repo: RepoSlug, number: number): Promise<ForgeCommit[]> {
    const all = await this.paginate(
      `list commits of #${number} in ${repo}`,
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits',
      {
        ...split(repo),
        pull_number: number,
      },
    )
    return all.map(toCommit)
  }

  /** An open PR with the same head and base is returned instead of failing (re-runs are safe). */
  async createPull(
    repo: RepoSlug,
    params: {title: string; body: string; head: string; base: string; draft?: boolean},
  ): Promise<ForgePull> {
    try {
      const res = await this.octokit.request('POST /repos/{owner}/{repo}/pulls', {...split(repo), ...params})
      return toPull(res.data as unknown as Json)
    } catch (err) {
      if ((err as {status?: number}).status === 422 && /already exists/i.test(errorText(err))) {
        const {owner} = split(repo)
        const head = params.head.includes(':') ? params.head : `${owner}:${params.head}`
        const [existing] = await this.listPulls(repo, {state: 'open', head, base: params.base})
        if (existing) return existing
      }
      this.fail(err, `open a pull request ${params.head} → ${params.base} in ${repo}`)
    }
  }

  async updatePull(
    repo: RepoSlug,
    number: number,
    patch: {title?: string; body?: string; state?: 'open' | 'closed'},
  ): Promise<void> {
    await this.call(`update pull request #${number} of ${repo}`, () =>
      this.octokit.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
        ...split(repo),
        pull_number: number,
        ...patch,
      }),
    )
  }

  async linkedIssues(repo: RepoSlug, number: number): Promise<number[]> {
    const {owner, repo: name} = split(repo)
    const query = `query linkedIssues($owner: String!, $name: String!, $number: Int!) {
      repository(owner: $owner, name: $name) {
        pullRequest(number: $number) {
          body
          closingIssuesReferences(first: 100) {
            nodes { number repository { nameWithOwner } }
          }
        }
      }
    }`
    type Result = {
      repository: {
        pullRequest: {
          body: string
          closingIssuesReferences: {nodes: {number: number; repository: {nameWithOwner: string}}[]}
        } | null
      } | null
    }
    let data: Result
    try {
      data = await this.octokit.graphql<Result>(query, {owner, name, number})
    } catch (err) {
      const errors = (err as {errors?: {type?: string}[]}).errors
      if (errors?.some((e) => e.type === 'NOT_FOUND')) return []
      this.fail(err, `read the issues #${number} of ${repo} closes`)
    }
    const pr = data.repository?.pullRequest
    if (!pr) return []
    const out = new Set<number>()
    for (const n of pr.closingIssuesReferences.nodes) {
      if (n.repository.nameWithOwner.toLowerCase() === repo.toLowerCase()) out.add(n.number)
    }
    for (const n of parseClosingKeywords(pr.body ?? '', repo)) out.add(n)
    return [...out].sort((a, b) => a - b)
  }

  async getReleaseByTag(repo: RepoSlug, tag: string): Promise<ForgeRelease | undefined> {
    const res = await this.lookup(`get the release of ${tag} in ${repo}`, () =>
      this.octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', {...split(repo), tag}),
    )
    return res ? toRelease(res.data as unknown as Json) : undefined
  }

  async createRelease(
    repo: RepoSlug,
    params: {tagName: string; name: string; body: string; prerelease?: boolean; draft?: boolean},
  ): Promise<ForgeRelease> {
    const res = await this.call(`create the release ${params.tagName} in ${repo}`, () =>
      this.octokit.request('POST /repos/{owner}/{repo}/releases', {
        ...split(repo),
        tag_name: params.tagName,
        name: params.name,
        body: params.body,
        prerelease: params.prerelease ?? false,
        draft: params.draft ?? false,
      }),
    )
    return toRelease(res.data as unknown as Json)
  }

  async userExists(login: string): Promise<boolean> {
    const res = await this.lookup(`look up user ${login}`, () =>
      this.octokit.request('GET /users/{username}', {username: login}),
    )
    return res !== undefined
  }

  async teamExists(team: string): Promise<boolean> {
    const [org, slug] = team.split('/')
    if (!org || !slug) throw new ForgeError('invalid', `team must be "org/team-slug", got "${team}"`)
    const res = await this.lookup(`look up team ${team}`, () =>
      this.octokit.request('GET /orgs/{org}/teams/{team_slug}', {org, team_slug: slug}),
    )
    return res !== undefined
  }
}

function errorText(err: unknown): string {
  const data = (err as {response?: {data?: unknown}}).response?.data
  return `${(err as Error).message ?? ''} ${JSON.stringify(data ?? '')}`
}

function isAlreadyExists(err: unknown): boolean {
  return (err as {status?: number}).status === 422 && /already_exists|already exists/i.test(errorText(err))
}

type OctokitType = InstanceType<typeof Octokit>

const counting = new WeakMap<object, ForgeCounters>()

/**
 * Registered before throttling and retry so its hook is the innermost: every HTTP attempt
 * (retries included, as GitHub's rate limit sees them) is counted as a read or a write.
 */
function countRequests(octokit: OctokitType): Record<string, never> {
  octokit.hook.wrap('request', async (request, options) => {
    const counters = counting.get(octokit)
    if (counters) {
      const isGraphql = String(options.url).endsWith('/graphql')
      const query = String((options as {query?: string}).query ?? '')
      const isWrite = isGraphql ? /^\s*mutation\b/.test(query) : options.method !== 'GET' && options.method !== 'HEAD'
      if (isWrite) counters.writes++
      else counters.reads++
    }
    return request(options)
  })
  return {}
}

/** The host name that did not resolve, when a request failed in DNS (ENOTFOUND, EAI_AGAIN). */
export function unresolvedHost(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as {cause?: unknown}).cause, depth++) {
    const x = e as {code?: unknown; hostname?: unknown; message?: unknown}
    if (x.code === 'ENOTFOUND' || x.code === 'EAI_AGAIN') return typeof x.hostname === 'string' ? x.hostname : ''
    const m = /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)/.exec(typeof x.message === 'string' ? x.message : '')
    if (m) return m[1]!
  }
  return undefined
}

/**
 * Registered first, so its hook sits closest to the network: a host that does not resolve fails the
 * request at once as one ForgeError naming the host (exit 6), which the retry plugin does not retry
 * (it retries only HTTP errors), instead of three backed-off retries reported as `500 getaddrinfo`.
 */
function failFastOnDns(octokit: OctokitType): Record<string, never> {
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await request(options)
    } catch (err) {
      const host = unresolvedHost(err)
      if (host === undefined) throw err
      const name = host || new URL(String(options.baseUrl ?? options.url)).hostname
      throw new ForgeError('unavailable', `GitHub: cannot reach ${name}: the host name does not resolve (DNS)`, {
        cause: err,
        hint: `Check the network connection${
          name === 'api.github.com' ? '' : ' and the GitHub URL (--github-url, GITHUB_API_URL)'
        }, then re-run.`,
      })
    }
  })
  return {}
}

/** Build the Forge. Commands import this module lazily (it loads octokit). */
export function createGitHubForge(given: ForgeOptions): Forge {
  // Options given explicitly win over the environment's tuning knobs.
  const options: ForgeOptions = {...tuningFromEnv(process.env), ...stripUndefined(given)}
  const maxRetries = options.maxRetries ?? 3
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
  const secrets: string[] = []
  if (options.token) secrets.push(options.token)
  if (options.app?.privateKey) secrets.push(options.app.privateKey)
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) =>
    options.log?.(level, redact(String(message), secrets))
  const MyOctokit = Octokit.plugin(failFastOnDns as never, countRequests as never, throttling, retry)
  let auth: unknown = options.token
  let authStrategy: unknown
  if (options.app) {
    if (options.app.installationId === undefined) {
      throw new ForgeError('auth', 'a GitHub App needs an installation id (FLYTECTL_GITHUB_APP_INSTALLATION_ID)')
    }
    authStrategy = createAppAuth
    auth = {appId: options.app.appId, privateKey: options.app.privateKey, installationId: options.app.installationId}
  }
  const wantsRetry =
    (which: string) =>
    (retryAfter: number, request: {method?: string; url?: string}, _octokit: unknown, retryCount: number): boolean => {
      const what = `${which} rate limit on ${request.method ?? ''} ${request.url ?? ''}`
      if (retryCount >= maxRetries) {
        log('warn')(`GitHub ${what}: giving up after ${retryCount} retries`)
        return false
      }
      if (retryAfter * 1000 > maxRetryAfterMs) {
        log('warn')(`GitHub ${what}: asked to wait ${retryAfter}s, more than the ${maxRetryAfterMs / 1000}s allowed`)
        return false
      }
      log('warn')(`GitHub ${what}: waiting ${retryAfter}s (retry ${retryCount + 1} of ${maxRetries})`)
      return true
    }
  const throttle: Any = {onRateLimit: wantsRetry('primary'), onSecondaryRateLimit: wantsRetry('secondary')}
  if (options.minWriteIntervalMs !== undefined) {
    throttle.write = new Pacer(options.minWriteIntervalMs)
    throttle.notifications = new Pacer(options.minWriteIntervalMs)
  }
  const octokit = new MyOctokit({
    ...(authStrategy ? {authStrategy} : {}),
    ...(auth ? {auth} : {}),
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'flytectl',
    log: {debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error')},
    throttle,
    retry: {
      retries: maxRetries,
      // 429 and 403 belong to the throttling plugin (Retry-After / rate-limit reset).
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      retryAfterBaseValue: options.retryBaseDelayMs ?? 1000,
    },
  } as ConstructorParameters<typeof MyOctokit>[0])
  return new GitHubForge(octokit, secrets)
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** What the maintainer commands pass: their --token / --github-url flags. */
export interface ForgeFlags {
  token?: string
  'github-url'?: string
}

/**
 * ForgeOptions from flags and environment. Precedence: --token, a GitHub App
 * (FLYTECTL_GITHUB_APP_ID + FLYTECTL_GITHUB_APP_PRIVATE_KEY [+ FLYTECTL_GITHUB_APP_INSTALLATION_ID]),
 * GITHUB_TOKEN, GH_TOKEN. An App wins over an ambient GITHUB_TOKEN because pull requests it opens
 * trigger CI, which the Actions token's do not. Base URL: --github-url, GITHUB_API_URL, api.github.com.
 */
export function forgeOptionsFromEnv(
  flags: ForgeFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: {anonymous?: boolean; readFile?: (path: string) => string} = {},
): ForgeOptions {
  const baseUrl = flags['github-url'] || env.GITHUB_API_URL || undefined
  const base: ForgeOptions = baseUrl ? {baseUrl} : {}
  Object.assign(base, tuningFromEnv(env))
  if (flags.token) return {...base, token: flags.token}
  const appId = env.FLYTECTL_GITHUB_APP_ID
  const keyText = env.FLYTECTL_GITHUB_APP_PRIVATE_KEY
  if (appId && keyText) {
    const installation = env.FLYTECTL_GITHUB_APP_INSTALLATION_ID
    const installationId = installation ? Number(installation) : undefined
    if (installation && !Number.isInteger(installationId)) {
      throw new ForgeError('invalid', `FLYTECTL_GITHUB_APP_INSTALLATION_ID must be a number, got "${installation}"`)
    }
    // The key may be the PEM itself (with literal \n from CI secrets) or a path to a .pem file.
    const privateKey = keyText.includes('-----BEGIN')
      ? keyText.replace(/\\n/g, '\n')
      : (options.readFile ?? defaultReadFile)(keyText)
    return {...base, app: {appId, privateKey, ...(installationId !== undefined ? {installationId} : {})}}
  }
  if (appId || keyText) {
    throw new ForgeError('auth', 'a GitHub App needs both FLYTECTL_GITHUB_APP_ID and FLYTECTL_GITHUB_APP_PRIVATE_KEY')
  }
  const token = env.GITHUB_TOKEN || env.GH_TOKEN
  if (token) return {...base, token}
  if (options.anonymous) return base
  throw new ForgeError(
    'auth',
    'no GitHub credentials: pass --token, or set GITHUB_TOKEN, GH_TOKEN or a GitHub App (FLYTECTL_GITHUB_APP_ID)',
  )
}

/** Pacing and backoff knobs (end-to-end tests against the simulator set both to 0). */
function tuningFromEnv(env: NodeJS.ProcessEnv): Pick<ForgeOptions, 'minWriteIntervalMs' | 'retryBaseDelayMs'> {
  const out: Pick<ForgeOptions, 'minWriteIntervalMs' | 'retryBaseDelayMs'> = {}
  const interval = msFromEnv(env, 'FLYTECTL_GITHUB_WRITE_INTERVAL_MS')
  if (interval !== undefined) out.minWriteIntervalMs = interval
  const retryDelay = msFromEnv(env, 'FLYTECTL_GITHUB_RETRY_DELAY_MS')
  if (retryDelay !== undefined) out.retryBaseDelayMs = retryDelay
  return out
}

function msFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0)
    throw new ForgeError('invalid', `${name} must be a number of milliseconds, got "${raw}"`)
  return value
}

function defaultReadFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    throw new ForgeError('auth', 'FLYTECTL_GITHUB_APP_PRIVATE_KEY is neither a PEM key nor a readable key file')
  }
}

/** The Forge for a command: credentials and base URL from flags and environment. */
export function forgeFromEnv(
  flags: ForgeFlags,
  env: NodeJS.ProcessEnv = process.env,
  extra: Partial<ForgeOptions> & {anonymous?: boolean} = {},
): Forge {
  const {anonymous, ...rest} = extra
  return createGitHubForge({...forgeOptionsFromEnv(flags, env, {anonymous}), ...rest})
}
