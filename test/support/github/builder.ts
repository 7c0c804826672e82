/** Programmatic seeding: repos with real commits, tags, labels, milestones, issues and merged PRs. */
import path from 'node:path'
import {writeFileSync} from 'node:fs'
import {BareRepo} from './git.js'
import {mergePull, recordEvent} from './model.js'
import {
  ensureUser,
  findRepo,
  iso,
  repoIdentity,
  type MergeMethod,
  type SimIssue,
  type SimRepo,
  type SimState,
  type UserType,
} from './state.js'

export interface IssueSeed {
  title: string
  body?: string
  labels?: string[]
  /** Milestone title or number. */
  milestone?: string | number
  assignees?: string[]
  author?: string
  state?: 'open' | 'closed'
  stateReason?: 'completed' | 'not_planned'
  createdAt?: string
  updatedAt?: string
  closedAt?: string
  comments?: {author?: string; body: string; createdAt?: string}[]
}

export interface PullSeed extends Omit<IssueSeed, 'state' | 'stateReason'> {
  head: string
  base?: string
  draft?: boolean
  /** Merge it now, for real, with this method. */
  merge?: MergeMethod
  mergedBy?: string
  mergedAt?: string
  /** Close without merging. */
  closed?: boolean
  /** Issues linked in the UI (GraphQL closingIssuesReferences), beside closing keywords in the body. */
  closes?: number[]
}

export class SimBuilder {
  private readonly pending = new Map<string, Promise<SimRepo>>()

  constructor(
    readonly state: SimState,
    readonly root: string,
  ) {}

  user(login: string, options: {type?: UserType; name?: string; email?: string} = {}): void {
    const u = ensureUser(this.state, login, options.type)
    if (options.type) u.type = options.type
    if (options.name) u.name = options.name
    if (options.email) u.email = options.email
  }

  team(team: string, members: string[] = []): void {
    const [org, slug] = team.split('/') as [string, string]
    for (const m of members) ensureUser(this.state, m)
    this.state.teams.set(team.toLowerCase(), {org, slug, id: this.state.nextId(), name: slug, members})
  }

  repo(slug: string): RepoBuilder {
    return new RepoBuilder(this, slug)
  }

  /** Create (once) the repository with its bare git repo. */
  addRepo(
    slug: string,
    options: {defaultBranch?: string; archived?: boolean; private?: boolean} = {},
  ): Promise<SimRepo> {
    const key = slug.toLowerCase()
    const existing = this.pending.get(key)
    if (existing) return existing
    const created = (async () => {
      const [owner, name] = slug.split('/') as [string, string]
      if (!owner || !name) throw new Error(`repo must be "owner/name", got ${slug}`)
      ensureUser(this.state, owner, 'Organization')
      const defaultBranch = options.defaultBranch ?? 'main'
      const git = await BareRepo.init(path.join(this.root, owner, `${name}.git`), defaultBranch)
      const r: SimRepo = {
        id: this.state.nextId(),
        owner,
        name,
        slug,
        defaultBranch,
        archived: options.archived ?? false,
        private: options.private ?? false,
        createdAt: iso(this.state.now()),
        git,
        labels: new Map(),
        milestones: new Map(),
        issues: new Map(),
        comments: new Map(),
        releases: [],
        nextNumber: 1,
        nextMilestone: 1,
      }
      this.state.repos.set(key, r)
      return r
    })()
    this.pending.set(key, created)
    return created
  }
}

export class RepoBuilder {
  constructor(
    private readonly b: SimBuilder,
    readonly slug: string,
  ) {}

  private get s(): SimState {
    return this.b.state
  }

  /** The repo (created with default options on first use). */
  async get(options?: {defaultBranch?: string; archived?: boolean}): Promise<SimRepo> {
    return findRepo(this.s, ...(this.slug.split('/') as [string, string])) ?? this.b.addRepo(this.slug, options)
  }

  async create(options: {defaultBranch?: string; archived?: boolean; private?: boolean} = {}): Promise<RepoBuilder> {
    await this.b.addRepo(this.slug, options)
    return this
  }

  /** One commit on `branch` writing (string) or deleting (null) files; creates the branch from the default branch if missing. */
  async commit(
    branch: string,
    files: Record<string, string | null>,
    message: string,
    options: {author?: string; date?: string} = {},
  ): Promise<string> {
    const r = await this.get()
    if (branch !== r.defaultBranch && !(await r.git.refSha(`refs/heads/${branch}`))) {
      const from = await r.git.refSha(`refs/heads/${r.defaultBranch}`)
      if (from) await r.git.updateRef(`refs/heads/${branch}`, from, '')
    }
    const who = repoIdentity(this.s, options.author ?? 'octocat')
    return r.git.commitFiles(branch, files, message, {...who, date: options.date ?? iso(this.s.now())})
  }

  /** A branch at `from` (branch, tag or sha; default: the default branch). */
  async branch(name: string, from?: string): Promise<string> {
    const r = await this.get()
    const sha = await r.git.resolve(from ?? `refs/heads/${r.defaultBranch}`)
    if (!sha) throw new Error(`cannot branch ${name} from ${from}: no such commit`)
    await r.git.updateRef(`refs/heads/${name}`, sha, '')
    return sha
  }

  /** A tag at `ref`; annotated when a message is given. */
  async tag(
    name: string,
    ref: string,
    options: {message?: string; tagger?: string; date?: string} = {},
  ): Promise<string> {
    const r = await this.get()
    const sha = await r.git.resolve(ref)
    if (!sha) throw new Error(`cannot tag ${name} at ${ref}: no such commit`)
    let target = sha
    if (options.message !== undefined) {
      target = await r.git.tagObject(name, sha, options.message, {
        ...repoIdentity(this.s, options.tagger ?? 'octocat'),
        date: options.date ?? iso(this.s.now()),
      })
    }
    await r.git.updateRef(`refs/tags/${name}`, target, '')
    return sha
  }

  async label(name: string, options: {color?: string; description?: string} = {}): Promise<void> {
    const r = await this.get()
    r.labels.set(name.toLowerCase(), {
      id: this.s.nextId(),
      name,
      color: options.color ?? 'ededed',
      description: options.description ?? null,
    })
  }

  async milestone(
    title: string,
    options: {state?: 'open' | 'closed'; dueOn?: string; description?: string; createdAt?: string} = {},
  ): Promise<number> {
    const r = await this.get()
    const now = options.createdAt ?? iso(this.s.now())
    const m = {
      id: this.s.nextId(),
      number: r.nextMilestone++,
      title,
      description: options.description ?? null,
      state: options.state ?? 'open',
      dueOn: options.dueOn ? iso(new Date(options.dueOn)) : null,
      creator: r.owner,
      createdAt: now,
      updatedAt: now,
      closedAt: options.state === 'closed' ? now : null,
    }
    r.milestones.set(m.number, m)
    return m.number
  }

  private milestoneNumber(r: SimRepo, m: string | number | undefined): number | null {
    if (m === undefined) return null
    if (typeof m === 'number') return m
    const found = [...r.milestones.values()].find((x) => x.title === m)
    if (!found) throw new Error(`no milestone titled ${m} in ${r.slug}`)
    return found.number
  }

  private newIssue(r: SimRepo, seed: IssueSeed): SimIssue {
    const now = iso(this.s.now())
    const createdAt = seed.createdAt ? iso(new Date(seed.createdAt)) : now
    const author = seed.author ?? 'octocat'
    ensureUser(this.s, author)
    for (const a of seed.assignees ?? []) ensureUser(this.s, a)
    for (const l of seed.labels ?? []) {
      if (!r.labels.has(l.toLowerCase()))
        r.labels.set(l.toLowerCase(), {id: this.s.nextId(), name: l, color: 'ededed', description: null})
    }
    const closed = seed.state === 'closed'
    const closedAt = closed ? (seed.closedAt ? iso(new Date(seed.closedAt)) : createdAt) : null
    return {
      id: this.s.nextId(),
      number: r.nextNumber++,
      title: seed.title,
      body: seed.body ?? '',
      state: closed ? 'closed' : 'open',
      stateReason: closed ? (seed.stateReason ?? 'completed') : null,
      labels: (seed.labels ?? []).map((l) => r.labels.get(l.toLowerCase())!.name),
      assignees: seed.assignees ?? [],
      milestone: this.milestoneNumber(r, seed.milestone),
      author,
      createdAt,
      updatedAt: seed.updatedAt ? iso(new Date(seed.updatedAt)) : (closedAt ?? createdAt),
      closedAt,
      locked: false,
      events: [],
      closingIssues: [],
    }
  }

  private addComments(r: SimRepo, i: SimIssue, comments: IssueSeed['comments']): void {
    for (const c of comments ?? []) {
      const at = c.createdAt ? iso(new Date(c.createdAt)) : i.createdAt
      const author = c.author ?? 'octocat'
      ensureUser(this.s, author)
      const comment = {id: this.s.nextId(), issueNumber: i.number, body: c.body, author, createdAt: at, updatedAt: at}
      r.comments.set(comment.id, comment)
      recordEvent(this.s, r, i, {event: 'commented', actor: author, commentId: comment.id, createdAt: at})
    }
  }

  async issue(seed: IssueSeed): Promise<number> {
    const r = await this.get()
    const i = this.newIssue(r, seed)
    r.issues.set(i.number, i)
    for (const l of i.labels)
      recordEvent(this.s, r, i, {
        event: 'labeled',
        actor: i.author,
        label: {name: l, color: r.labels.get(l.toLowerCase())!.color},
        createdAt: i.createdAt,
      })
    this.addComments(r, i, seed.comments)
    return i.number
  }

  /** Many issues at once (no git work; fast). Returns their numbers. */
  async issues(seeds: IssueSeed[]): Promise<number[]> {
    const out: number[] = []
    for (const seed of seeds) out.push(await this.issue(seed))
    return out
  }

  async pull(seed: PullSeed): Promise<number> {
    const r = await this.get()
    const base = seed.base ?? r.defaultBranch
    if (!(await r.git.refSha(`refs/heads/${seed.head}`)))
      throw new Error(`PR head branch ${seed.head} does not exist in ${r.slug}`)
    const i = this.newIssue(r, {...seed, state: 'open'})
    i.closingIssues = seed.closes ?? []
    i.pull = {
      base,
      head: seed.head,
      draft: seed.draft ?? false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeMethod: null,
      mergeCommitSha: null,
      landed: [],
    }
    r.issues.set(i.number, i)
    this.addComments(r, i, seed.comments)
    if (seed.merge) {
      const sha = await mergePull(this.s, r, i, seed.merge, seed.mergedBy ?? r.owner, {
        date: seed.mergedAt ? iso(new Date(seed.mergedAt)) : undefined,
      })
      if (!sha) throw new Error(`PR #${i.number} (${seed.head} → ${base}) does not merge cleanly`)
    } else if (seed.closed) {
      i.state = 'closed'
      i.closedAt = i.updatedAt
      i.pull.headSha = await r.git.refSha(`refs/heads/${seed.head}`)
    }
    return i.number
  }

  /** Merge an open PR for real; returns the new base tip. */
  async merge(
    number: number,
    method: MergeMethod = 'squash',
    options: {by?: string; date?: string} = {},
  ): Promise<string> {
    const r = await this.get()
    const i = r.issues.get(number)
    if (!i?.pull) throw new Error(`#${number} is not a PR in ${r.slug}`)
    const sha = await mergePull(this.s, r, i, method, options.by ?? r.owner, {date: options.date})
    if (!sha) throw new Error(`PR #${number} does not merge cleanly`)
    return sha
  }

  async comment(number: number, body: string, author = 'octocat'): Promise<void> {
    const r = await this.get()
    const i = r.issues.get(number)
    if (!i) throw new Error(`no issue #${number} in ${r.slug}`)
    this.addComments(r, i, [{body, author, createdAt: iso(this.s.now())}])
  }

  async release(
    tagName: string,
    options: {name?: string; body?: string; prerelease?: boolean; draft?: boolean; author?: string} = {},
  ): Promise<number> {
    const r = await this.get()
    const now = iso(this.s.now())
    const id = this.s.nextId()
    r.releases.push({
      id,
      tagName,
      targetCommitish: r.defaultBranch,
      name: options.name ?? tagName,
      body: options.body ?? '',
      draft: options.draft ?? false,
      prerelease: options.prerelease ?? false,
      author: options.author ?? r.owner,
      createdAt: now,
      publishedAt: options.draft ? null : now,
    })
    return id
  }

  /** The next `times` pushes are refused by a pre-receive hook printing `message`. */
  async rejectPushes(times: number, message: string): Promise<void> {
    const r = await this.get()
    writeFileSync(path.join(r.git.dir, 'sim-reject-count'), String(times))
    r.git.setPushRejection(message)
  }

  /** Read a file from a branch or sha (test assertions). */
  async readFile(ref: string, file: string): Promise<string | undefined> {
    const r = await this.get()
    return (await r.git.blob(ref, file))?.content.toString('utf8')
  }

  async refSha(ref: string): Promise<string | undefined> {
    const r = await this.get()
    return r.git.refSha(ref)
  }
}
