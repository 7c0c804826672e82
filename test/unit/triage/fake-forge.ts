/**
 * A small in-memory Forge for pure-logic unit tests of the triage and docs services. It keeps issues,
 * milestones, labels, files, branches and pulls, and counts reads (one per 100 listed items, like
 * GitHub pages) and writes. Integration tests use the real GitHub forge against the simulator.
 */
import type {
  Forge,
  ForgeComment,
  ForgeIssue,
  ForgeLabel,
  ForgeMilestone,
  ForgePull,
  ForgeRepo,
  ForgeTimelineEvent,
  IssueQuery,
  PullQuery,
} from '../../../src/forge/types.js'
import {ForgeError} from '../../../src/forge/types.js'

const pages = (n: number) => Math.max(1, Math.ceil(n / 100))

export class FakeForge implements Forge {
  counters = {reads: 0, writes: 0}
  issues = new Map<string, ForgeIssue[]>()
  milestones = new Map<string, ForgeMilestone[]>()
  labels = new Map<string, ForgeLabel[]>()
  timelines = new Map<string, ForgeTimelineEvent[]>()
  comments: Array<{repo: string; number: number; body: string}> = []
  files = new Map<string, string>() // `${repo}@${ref}:${path}`
  branches = new Map<string, string>() // `${repo}@${branch}` → sha
  pulls = new Map<string, ForgePull[]>()
  closing = new Map<string, number[]>()
  users = new Set<string>()
  teams = new Set<string>()
  repos = new Map<string, ForgeRepo>()
  private seq = 1000

  addRepo(slug: string, defaultBranch = 'master'): void {
    this.repos.set(slug, {slug, defaultBranch, cloneUrl: '', htmlUrl: `https://github.com/${slug}`, archived: false})
    this.branches.set(`${slug}@${defaultBranch}`, 'base0')
  }

  issue(repo: string, init: Partial<ForgeIssue> & {number: number}): ForgeIssue {
    const issue: ForgeIssue = {
      title: `Issue ${init.number}`,
      body: '',
      state: 'open',
      labels: [],
      assignees: [],
      milestone: null,
      author: {login: 'someone', type: 'User'},
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      closedAt: null,
      isPullRequest: false,
      htmlUrl: `https://github.com/${repo}/issues/${init.number}`,
      ...init,
    }
    const list = this.issues.get(repo) ?? []
    list.push(issue)
    this.issues.set(repo, list)
    return issue
  }

  milestone(repo: string, init: Partial<ForgeMilestone> & {title: string}): ForgeMilestone {
    const list = this.milestones.get(repo) ?? []
    const m: ForgeMilestone = {
      number: list.length + 1,
      state: 'open',
      dueOn: null,
      openIssues: 0,
      closedIssues: 0,
      ...init,
    }
    list.push(m)
    this.milestones.set(repo, list)
    return m
  }

  private find(repo: string, n: number): ForgeIssue {
    const i = (this.issues.get(repo) ?? []).find((x) => x.number === n)
    if (!i) throw new ForgeError('not-found', `#${n}`)
    return i
  }

  async getRepo(repo: string) {
    this.counters.reads++
    return this.repos.get(repo)
  }
  async getBranchSha(repo: string, branch: string) {
    this.counters.reads++
    return this.branches.get(`${repo}@${branch}`)
  }
  async listBranches(): Promise<string[]> {
    throw new Error('not used')
  }
  async listTags(): Promise<never[]> {
    throw new Error('not used')
  }
  async getTag(): Promise<undefined> {
    throw new Error('not used')
  }
  async createTag(): Promise<'created'> {
    throw new Error('not used')
  }
  async createBranch(repo: string, branch: string, sha: string): Promise<'created' | 'exists'> {
    const key = `${repo}@${branch}`
    if (this.branches.has(key)) return 'exists'
    this.counters.writes++
    this.branches.set(key, sha)
    // A new branch starts with the files of the branch it was cut from.
    const base = [...this.branches.entries()].find(([k, v]) => v === sha && k !== key)?.[0].split('@')[1]
    for (const [k, text] of [...this.files.entries()]) {
      const prefix = `${repo}@${base}:`
      if (k.startsWith(prefix)) this.files.set(`${repo}@${branch}:${k.slice(prefix.length)}`, text)
    }
    return 'created'
  }
  async getCommit(): Promise<undefined> {
    throw new Error('not used')
  }
  async compare(): Promise<never> {
    throw new Error('not used')
  }
  async pullsForCommit(): Promise<ForgePull[]> {
    throw new Error('not used')
  }
  async getFile(repo: string, path: string, ref?: string) {
    this.counters.reads++
    const text = this.files.get(`${repo}@${ref ?? this.repos.get(repo)?.defaultBranch}:${path}`)
    return text === undefined ? undefined : {text, sha: `sha-${text.length}`}
  }
  async putFile(repo: string, path: string, params: {branch: string; text: string; message: string; sha?: string}) {
    this.counters.writes++
    this.files.set(`${repo}@${params.branch}:${path}`, params.text)
    const sha = `c${this.seq++}`
    this.branches.set(`${repo}@${params.branch}`, sha)
    return sha
  }
  async listIssues(repo: string, query: IssueQuery = {}) {
    const all = (this.issues.get(repo) ?? []).filter((i) => {
      if (!query.includePulls && i.isPullRequest) return false
      if ((query.state ?? 'open') !== 'all' && i.state !== (query.state ?? 'open')) return false
      if (typeof query.milestone === 'number' && i.milestone?.number !== query.milestone) return false
      return true
    })
    this.counters.reads += pages(all.length)
    return all.map((i) => ({...i, labels: [...i.labels]}))
  }
  async getIssue(repo: string, number: number) {
    this.counters.reads++
    return (this.issues.get(repo) ?? []).find((i) => i.number === number)
  }
  async updateIssue(repo: string, number: number, patch: {milestone?: number | null; state?: 'open' | 'closed'}) {
    this.counters.writes++
    const i = this.find(repo, number)
    if (patch.state) i.state = patch.state
    if (patch.milestone !== undefined) {
      const m = (this.milestones.get(repo) ?? []).find((x) => x.number === patch.milestone)
      i.milestone = m ? {number: m.number, title: m.title} : null
    }
  }
  async addLabels(repo: string, number: number, labels: string[]) {
    this.counters.writes++
    const i = this.find(repo, number)
    for (const l of labels) if (!i.labels.includes(l)) i.labels.push(l)
  }
  async removeLabel(repo: string, number: number, label: string) {
    this.counters.writes++
    const i = this.find(repo, number)
    i.labels = i.labels.filter((l) => l !== label)
  }
  async listTimeline(repo: string, number: number) {
    this.counters.reads++
    return this.timelines.get(`${repo}#${number}`) ?? []
  }
  async listComments(): Promise<ForgeComment[]> {
    throw new Error('not used')
  }
  async createComment(repo: string, number: number, body: string): Promise<ForgeComment> {
    this.counters.writes++
    this.comments.push({repo, number, body})
    return {id: this.seq++, body, author: {login: 'bot', type: 'Bot'}, createdAt: new Date().toISOString()}
  }
  async updateComment(): Promise<void> {
    throw new Error('not used')
  }
  async listLabels(repo: string) {
    this.counters.reads++
    return this.labels.get(repo) ?? []
  }
  async ensureLabel(repo: string, label: ForgeLabel): Promise<'created' | 'exists'> {
    this.counters.reads++
    const list = this.labels.get(repo) ?? []
    if (list.some((l) => l.name === label.name)) return 'exists'
    this.counters.writes++
    list.push(label)
    this.labels.set(repo, list)
    return 'created'
  }
  async listMilestones(repo: string, state: 'open' | 'closed' | 'all' = 'open') {
    this.counters.reads++
    return (this.milestones.get(repo) ?? [])
      .filter((m) => state === 'all' || m.state === state)
      .map((m) => ({
        ...m,
        openIssues: (this.issues.get(repo) ?? []).filter((i) => i.state === 'open' && i.milestone?.number === m.number)
          .length,
      }))
  }
  async createMilestone(repo: string, params: {title: string; dueOn?: string}) {
    this.counters.writes++
    return this.milestone(repo, {title: params.title, dueOn: params.dueOn ?? null})
  }
  async updateMilestone(repo: string, number: number, patch: {state?: 'open' | 'closed'}) {
    this.counters.writes++
    const m = (this.milestones.get(repo) ?? []).find((x) => x.number === number)!
    if (patch.state) m.state = patch.state
  }
  async listPulls(repo: string, query: PullQuery = {}) {
    this.counters.reads++
    return (this.pulls.get(repo) ?? [])
      .filter((p) => (query.state ?? 'open') === 'all' || p.state === (query.state ?? 'open'))
      .filter((p) => !query.head || `${repo.split('/')[0]}:${p.head}` === query.head)
  }
  async getPull(repo: string, number: number) {
    this.counters.reads++
    return (this.pulls.get(repo) ?? []).find((p) => p.number === number)
  }
  async listPullCommits(): Promise<never[]> {
    throw new Error('not used')
  }
  async createPull(repo: string, params: {title: string; body: string; head: string; base: string}) {
    this.counters.writes++
    const list = this.pulls.get(repo) ?? []
    const pull = this.pull(repo, {
      number: 500 + list.length,
      title: params.title,
      body: params.body,
      head: params.head,
      base: params.base,
    })
    return pull
  }
  pull(repo: string, init: Partial<ForgePull> & {number: number}): ForgePull {
    const p: ForgePull = {
      title: `PR ${init.number}`,
      body: '',
      state: 'open',
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      draft: false,
      base: 'master',
      head: `topic-${init.number}`,
      headSha: 'h',
      labels: [],
      author: {login: 'contributor', type: 'User'},
      htmlUrl: `https://github.com/${repo}/pull/${init.number}`,
      additions: 10,
      deletions: 2,
      changedFiles: 1,
      ...init,
    }
    const list = this.pulls.get(repo) ?? []
    list.push(p)
    this.pulls.set(repo, list)
    return p
  }
  async updatePull(): Promise<void> {
    throw new Error('not used')
  }
  async linkedIssues(repo: string, number: number) {
    this.counters.reads++
    return this.closing.get(`${repo}#${number}`) ?? []
  }
  async getReleaseByTag(): Promise<undefined> {
    throw new Error('not used')
  }
  async createRelease(): Promise<never> {
    throw new Error('not used')
  }
  async userExists(login: string) {
    this.counters.reads++
    return this.users.has(login.toLowerCase())
  }
  async teamExists(team: string) {
    this.counters.reads++
    return this.teams.has(team.toLowerCase())
  }
}
