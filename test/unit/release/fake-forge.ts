/**
 * A small in-memory Forge for pure-logic tests of the release planner and step runner: commits form
 * a parent chain, branches and tags point at commits, files live in commits. Only the methods the
 * release train calls exist; `failOn` makes the n-th call of a method throw a 5xx ForgeError.
 */
import {ForgeError, type Forge, type ForgeMilestone, type ForgeIssue, type ForgePull} from '../../../src/forge/types.js'

interface Commit {
  sha: string
  parent?: string
  files: Record<string, string>
  message: string
}

interface FakeRepo {
  commits: Map<string, Commit>
  branches: Map<string, string>
  tags: Map<string, string>
  pulls: ForgePull[]
  milestones: ForgeMilestone[]
  issues: ForgeIssue[]
  releases: {tagName: string; name: string; body: string; prerelease: boolean}[]
}

let seq = 0
const nextSha = () => (++seq).toString(16).padStart(40, 'a')

export class FakeForge {
  readonly counters = {reads: 0, writes: 0}
  readonly repos = new Map<string, FakeRepo>()
  failOn: {method: string; call: number} | undefined
  private calls = new Map<string, number>()

  addRepo(slug: string, files: Record<string, string> = {}, branch = 'master'): string {
    const sha = nextSha()
    this.repos.set(slug, {
      commits: new Map([[sha, {sha, files, message: 'init'}]]),
      branches: new Map([[branch, sha]]),
      tags: new Map(),
      pulls: [],
      milestones: [],
      issues: [],
      releases: [],
    })
    return sha
  }

  /** A merged PR on `branch`: one commit, one closed PR. */
  merge(slug: string, title: string, labels: string[] = [], branch = 'master'): string {
    const r = this.repo(slug)
    const parent = r.branches.get(branch)!
    const sha = nextSha()
    r.commits.set(sha, {sha, parent, files: {...r.commits.get(parent)!.files}, message: title})
    r.branches.set(branch, sha)
    const number = r.pulls.length + r.issues.length + 1
    r.pulls.push({
      number,
      title,
      body: '',
      state: 'closed',
      merged: true,
      mergedAt: new Date(Date.UTC(2026, 0, 1, 0, number)).toISOString(),
      mergeCommitSha: sha,
      draft: false,
      base: branch,
      head: `pr-${number}`,
      headSha: sha,
      labels,
      author: {login: 'dev', type: 'User'},
      htmlUrl: `https://github.com/${slug}/pull/${number}`,
      additions: 1,
      deletions: 0,
      changedFiles: 1,
    })
    return sha
  }

  tag(slug: string, name: string, sha: string): void {
    this.repo(slug).tags.set(name, sha)
  }

  repo(slug: string): FakeRepo {
    const r = this.repos.get(slug)
    if (!r) throw new ForgeError('not-found', `no repo ${slug}`, {status: 404})
    return r
  }

  private tick(method: string, kind: 'reads' | 'writes'): void {
    const n = (this.calls.get(method) ?? 0) + 1
    this.calls.set(method, n)
    if (this.failOn && this.failOn.method === method && this.failOn.call === n) {
      throw new ForgeError('unavailable', `injected failure in ${method}`, {status: 502})
    }
    this.counters[kind]++
  }

  private resolve(r: FakeRepo, ref: string): string | undefined {
    return r.branches.get(ref) ?? r.tags.get(ref) ?? (r.commits.has(ref) ? ref : undefined)
  }

  async getRepo(slug: string) {
    this.tick('getRepo', 'reads')
    if (!this.repos.has(slug)) return undefined
    return {slug, defaultBranch: 'master', cloneUrl: '', htmlUrl: `https://github.com/${slug}`, archived: false}
  }
  async getBranchSha(slug: string, branch: string) {
    this.tick('getBranchSha', 'reads')
    return this.repo(slug).branches.get(branch)
  }
  async listBranches(slug: string) {
    this.tick('listBranches', 'reads')
    return [...this.repo(slug).branches.keys()]
  }
  async listTags(slug: string) {
    this.tick('listTags', 'reads')
    return [...this.repo(slug).tags].map(([name, sha]) => ({name, sha}))
  }
  async getTag(slug: string, name: string) {
    this.tick('getTag', 'reads')
    const sha = this.repo(slug).tags.get(name)
    return sha ? {name, sha} : undefined
  }
  async createTag(slug: string, name: string, sha: string): Promise<'created' | 'exists'> {
    this.tick('createTag', 'writes')
    const r = this.repo(slug)
    const at = r.tags.get(name)
    if (at === sha) return 'exists'
    if (at) throw new ForgeError('conflict', `tag ${name} exists`, {status: 422})
    r.tags.set(name, sha)
    return 'created'
  }
  async createBranch(slug: string, branch: string, sha: string): Promise<'created' | 'exists'> {
    this.tick('createBranch', 'writes')
    const r = this.repo(slug)
    if (r.branches.has(branch)) return 'exists'
    r.branches.set(branch, sha)
    return 'created'
  }
  async compare(slug: string, base: string, head: string) {
    this.tick('compare', 'reads')
    const r = this.repo(slug)
    // GitHub's aheadBy: commits reachable from head and not from base.
    const fromBase = new Set<string>()
    for (let c = this.resolve(r, base); c; c = r.commits.get(c)!.parent) fromBase.add(c)
    const commits = []
    for (let c = this.resolve(r, head); c && !fromBase.has(c); c = r.commits.get(c)!.parent) {
      const commit = r.commits.get(c)!
      commits.unshift({
        sha: c,
        message: commit.message,
        parents: commit.parent ? [commit.parent] : [],
        authorLogin: null,
        date: '',
      })
    }
    return {aheadBy: commits.length, commits, htmlUrl: `https://github.com/${slug}/compare/${base}...${head}`}
  }
  async getFile(slug: string, path: string, ref?: string) {
    this.tick('getFile', 'reads')
    const r = this.repo(slug)
    const sha = this.resolve(r, ref ?? 'master')
    const text = sha ? r.commits.get(sha)!.files[path] : undefined
    return text === undefined ? undefined : {text, sha: `blob-${text.length}`}
  }
  async putFile(slug: string, path: string, params: {branch: string; text: string; message: string}) {
    this.tick('putFile', 'writes')
    const r = this.repo(slug)
    const parent = r.branches.get(params.branch)
    if (!parent) throw new ForgeError('not-found', `no branch ${params.branch}`, {status: 404})
    const sha = nextSha()
    r.commits.set(sha, {
      sha,
      parent,
      files: {...r.commits.get(parent)!.files, [path]: params.text},
      message: params.message,
    })
    r.branches.set(params.branch, sha)
    return sha
  }
  async listPulls(slug: string, q: {state?: string; base?: string} = {}) {
    this.tick('listPulls', 'reads')
    return this.repo(slug).pulls.filter((p) => !q.base || p.base === q.base)
  }
  async listMilestones(slug: string) {
    this.tick('listMilestones', 'reads')
    return this.repo(slug).milestones.map((m) => ({...m}))
  }
  async createMilestone(slug: string, params: {title: string; dueOn?: string}) {
    this.tick('createMilestone', 'writes')
    const r = this.repo(slug)
    const m: ForgeMilestone = {
      number: r.milestones.length + 1,
      title: params.title,
      state: 'open',
      dueOn: params.dueOn ?? null,
      openIssues: 0,
      closedIssues: 0,
    }
    r.milestones.push(m)
    return m
  }
  async updateMilestone(slug: string, number: number, patch: {state?: 'open' | 'closed'}) {
    this.tick('updateMilestone', 'writes')
    const m = this.repo(slug).milestones.find((x) => x.number === number)!
    if (patch.state) m.state = patch.state
  }
  async listIssues(slug: string, q: {state?: string; milestone?: number | string} = {}) {
    this.tick('listIssues', 'reads')
    return this.repo(slug).issues.filter(
      (i) =>
        (!q.state || q.state === 'all' || i.state === q.state) &&
        (q.milestone === undefined || i.milestone?.number === q.milestone),
    )
  }
  async updateIssue(slug: string, number: number, patch: {milestone?: number | null}) {
    this.tick('updateIssue', 'writes')
    const r = this.repo(slug)
    const issue = r.issues.find((i) => i.number === number)!
    const m = r.milestones.find((x) => x.number === patch.milestone)
    issue.milestone = m ? {number: m.number, title: m.title} : null
  }
  addIssue(slug: string, title: string, milestoneTitle?: string): void {
    const r = this.repo(slug)
    const m = r.milestones.find((x) => x.title === milestoneTitle)
    r.issues.push({
      number: 1000 + r.issues.length,
      title,
      body: '',
      state: 'open',
      labels: [],
      assignees: [],
      milestone: m ? {number: m.number, title: m.title} : null,
      author: {login: 'dev', type: 'User'},
      createdAt: '',
      updatedAt: '',
      closedAt: null,
      isPullRequest: false,
      htmlUrl: '',
    })
  }
  async getReleaseByTag(slug: string, tag: string) {
    this.tick('getReleaseByTag', 'reads')
    const rel = this.repo(slug).releases.find((x) => x.tagName === tag)
    return rel
      ? {id: 1, tagName: tag, name: rel.name, body: rel.body, draft: false, prerelease: rel.prerelease, htmlUrl: ''}
      : undefined
  }
  async createRelease(slug: string, params: {tagName: string; name: string; body: string; prerelease?: boolean}) {
    this.tick('createRelease', 'writes')
    const r = this.repo(slug)
    r.releases.push({...params, prerelease: Boolean(params.prerelease)})
    return {
      id: r.releases.length,
      tagName: params.tagName,
      name: params.name,
      body: params.body,
      draft: false,
      prerelease: Boolean(params.prerelease),
      htmlUrl: `https://github.com/${slug}/releases/tag/${params.tagName}`,
    }
  }

  asForge(): Forge {
    return new Proxy(this, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver)
        if (value === undefined && typeof prop === 'string') {
          return () => {
            throw new Error(`FakeForge.${prop} is not implemented`)
          }
        }
        return typeof value === 'function' ? value.bind(target) : value
      },
    }) as unknown as Forge
  }
}
