/** The simulator's state: users, teams and repositories (git data lives in real bare repos). */
import type {BareRepo} from './git.js'

export type UserType = 'User' | 'Bot' | 'Organization'

export interface SimUser {
  login: string
  id: number
  type: UserType
  name: string | null
  email: string | null
}

export interface SimTeam {
  org: string
  slug: string
  id: number
  name: string
  members: string[]
}

export interface SimLabel {
  id: number
  name: string
  color: string
  description: string | null
}

export interface SimMilestone {
  id: number
  number: number
  title: string
  description: string | null
  state: 'open' | 'closed'
  dueOn: string | null
  creator: string
  createdAt: string
  updatedAt: string
  closedAt: string | null
}

export interface SimEvent {
  id: number
  event: string
  actor: string
  createdAt: string
  label?: {name: string; color: string}
  milestone?: string
  assignee?: string
  rename?: {from: string; to: string}
  commentId?: number
}

export interface SimComment {
  id: number
  issueNumber: number
  body: string
  author: string
  createdAt: string
  updatedAt: string
}

export type MergeMethod = 'merge' | 'squash' | 'rebase'

export interface SimPull {
  base: string
  head: string
  /** Head sha, frozen when the PR is merged or closed (branches may move or vanish later). */
  headSha?: string
  /** Base tip when the PR was merged (for the PR's own commit list). */
  baseShaAtMerge?: string
  draft: boolean
  merged: boolean
  mergedAt: string | null
  mergedBy: string | null
  mergeMethod: MergeMethod | null
  mergeCommitSha: string | null
  /** Commits the merge created on the base branch (one for merge/squash, one per commit for rebase). */
  landed: string[]
}

export interface SimIssue {
  id: number
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  stateReason: 'completed' | 'not_planned' | 'reopened' | null
  labels: string[]
  assignees: string[]
  milestone: number | null
  author: string
  createdAt: string
  updatedAt: string
  closedAt: string | null
  locked: boolean
  pull?: SimPull
  events: SimEvent[]
  /** Issues this PR closes through GitHub's UI link (GraphQL closingIssuesReferences), beside body keywords. */
  closingIssues: number[]
}

export interface SimRelease {
  id: number
  tagName: string
  targetCommitish: string
  name: string
  body: string
  draft: boolean
  prerelease: boolean
  author: string
  createdAt: string
  publishedAt: string | null
}

export interface SimRepo {
  id: number
  owner: string
  name: string
  slug: string
  defaultBranch: string
  archived: boolean
  private: boolean
  createdAt: string
  git: BareRepo
  labels: Map<string, SimLabel> // key: lower-cased name
  milestones: Map<number, SimMilestone>
  issues: Map<number, SimIssue>
  comments: Map<number, SimComment>
  releases: SimRelease[]
  nextNumber: number
  nextMilestone: number
}

export interface SimState {
  users: Map<string, SimUser> // key: lower-cased login
  teams: Map<string, SimTeam> // key: "org/slug"
  repos: Map<string, SimRepo> // key: lower-cased "owner/name"
  /** Tokens the API accepts → the login acting with each; empty means any token (or none) is accepted. */
  tokens: Map<string, string>
  /** Who acts when no token map is configured (authors of API-made issues, comments, events). */
  defaultCaller: string
  /** The clock used for timestamps the API creates (tests may replace it). */
  now: () => Date
  nextId: () => number
}

export function createState(): SimState {
  let id = 1000
  return {
    users: new Map(),
    teams: new Map(),
    repos: new Map(),
    tokens: new Map(),
    defaultCaller: 'flytectl-bot',
    now: () => new Date(),
    nextId: () => ++id,
  }
}

export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function ensureUser(state: SimState, login: string, type?: UserType): SimUser {
  const key = login.toLowerCase()
  const found = state.users.get(key)
  if (found) return found
  const user: SimUser = {
    login,
    id: state.nextId(),
    type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
    name: null,
    email: null,
  }
  state.users.set(key, user)
  return user
}

export function findRepo(state: SimState, owner: string, name: string): SimRepo | undefined {
  return state.repos.get(`${owner}/${name}`.toLowerCase())
}

export function repoIdentity(state: SimState, login: string): {name: string; email: string} {
  const user = ensureUser(state, login)
  return {name: user.name ?? login, email: user.email ?? `${user.id}+${login}@users.noreply.github.com`}
}
