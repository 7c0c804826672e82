import {CliError, type ErrorCode} from '../cli/errors.js'

/**
 * The Forge: everything the maintainer commands (release, backport, triage, docs) ask of GitHub.
 * One real implementation (src/forge/github.ts, octokit); tests point it at the GitHub simulator
 * (test/support/github) by base URL. Services take a Forge as a parameter.
 *
 * Conventions: `repo` is always "owner/name". Methods that look something up return `undefined`
 * when it does not exist (never throw for 404 on a lookup); writes throw ForgeError.
 */

export type RepoSlug = string // "owner/name"

export interface ForgeRepo {
  slug: RepoSlug
  defaultBranch: string
  /** Clone URL the git layer uses (https or file://). */
  cloneUrl: string
  htmlUrl: string
  archived: boolean
}

export interface ForgeUser {
  login: string
  type: 'User' | 'Bot' | 'Organization'
}

export interface ForgeLabel {
  name: string
  color?: string
  description?: string | null
}

export interface ForgeMilestone {
  number: number
  title: string
  state: 'open' | 'closed'
  dueOn: string | null // ISO 8601
  description?: string | null
  openIssues: number
  closedIssues: number
}

export interface ForgeIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  labels: string[]
  assignees: string[]
  milestone: {number: number; title: string} | null
  author: ForgeUser
  createdAt: string
  updatedAt: string
  closedAt: string | null
  isPullRequest: boolean
  htmlUrl: string
}

export interface ForgeTimelineEvent {
  /** GitHub timeline event name: commented, labeled, unlabeled, assigned, milestoned, cross-referenced, … */
  event: string
  actor: ForgeUser | null
  createdAt: string
  label?: string
}

export interface ForgePull {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  merged: boolean
  mergedAt: string | null
  /** The commit GitHub created on the base branch (squash/rebase result or merge commit). */
  mergeCommitSha: string | null
  draft: boolean
  base: string
  head: string
  headSha: string
  labels: string[]
  author: ForgeUser
  htmlUrl: string
  additions: number
  deletions: number
  changedFiles: number
}

export interface ForgeCommit {
  sha: string
  message: string
  parents: string[]
  authorLogin: string | null
  date: string
}

export interface ForgeTag {
  name: string
  sha: string // the commit the tag points at (peeled)
}

export interface ForgeRelease {
  id: number
  tagName: string
  name: string
  body: string
  draft: boolean
  prerelease: boolean
  htmlUrl: string
}

export interface ForgeComment {
  id: number
  body: string
  author: ForgeUser
  createdAt: string
}

export interface ForgeCounters {
  reads: number
  writes: number
}

export interface IssueQuery {
  state?: 'open' | 'closed' | 'all'
  labels?: string[]
  milestone?: number | 'none' | '*'
  since?: string
  /** Include pull requests (GitHub's issues endpoint returns both); default false. */
  includePulls?: boolean
}

export interface PullQuery {
  state?: 'open' | 'closed' | 'all'
  base?: string
  head?: string // "owner:branch"
}

export interface Forge {
  /** API reads and writes made so far (for reports and tests). */
  readonly counters: ForgeCounters

  getRepo(repo: RepoSlug): Promise<ForgeRepo | undefined>

  // refs, branches, tags, commits
  getBranchSha(repo: RepoSlug, branch: string): Promise<string | undefined>
  listBranches(repo: RepoSlug): Promise<string[]>
  listTags(repo: RepoSlug): Promise<ForgeTag[]>
  getTag(repo: RepoSlug, tag: string): Promise<ForgeTag | undefined>
  /** Annotated tag object + ref. Idempotent: same tag at same sha is a no-op returning 'exists'. Throws conflict if at another sha. */
  createTag(repo: RepoSlug, tag: string, sha: string, message: string): Promise<'created' | 'exists'>
  /** Idempotent like createTag. Never moves an existing branch. */
  createBranch(repo: RepoSlug, branch: string, sha: string): Promise<'created' | 'exists'>
  getCommit(repo: RepoSlug, ref: string): Promise<ForgeCommit | undefined>
  /** Commits reachable from head but not base (GitHub compare). */
  compare(
    repo: RepoSlug,
    base: string,
    head: string,
  ): Promise<{aheadBy: number; commits: ForgeCommit[]; htmlUrl: string}>
  /** Pull requests whose merge produced the given commit. */
  pullsForCommit(repo: RepoSlug, sha: string): Promise<ForgePull[]>

  // contents
  getFile(repo: RepoSlug, path: string, ref?: string): Promise<{text: string; sha: string} | undefined>
  /** Create or update one file with one commit on `branch`; returns the new commit sha. */
  putFile(
    repo: RepoSlug,
    path: string,
    params: {branch: string; text: string; message: string; sha?: string},
  ): Promise<string>

  // issues, labels, comments, milestones
  listIssues(repo: RepoSlug, query?: IssueQuery): Promise<ForgeIssue[]>
  getIssue(repo: RepoSlug, number: number): Promise<ForgeIssue | undefined>
  updateIssue(
    repo: RepoSlug,
    number: number,
    patch: {milestone?: number | null; state?: 'open' | 'closed'; assignees?: string[]; title?: string; body?: string},
  ): Promise<void>
  addLabels(repo: RepoSlug, number: number, labels: string[]): Promise<void>
  removeLabel(repo: RepoSlug, number: number, label: string): Promise<void>
  listTimeline(repo: RepoSlug, number: number): Promise<ForgeTimelineEvent[]>
  listComments(repo: RepoSlug, number: number): Promise<ForgeComment[]>
  createComment(repo: RepoSlug, number: number, body: string): Promise<ForgeComment>
  updateComment(repo: RepoSlug, commentId: number, body: string): Promise<void>
  listLabels(repo: RepoSlug): Promise<ForgeLabel[]>
  ensureLabel(repo: RepoSlug, label: ForgeLabel): Promise<'created' | 'exists'>
  listMilestones(repo: RepoSlug, state?: 'open' | 'closed' | 'all'): Promise<ForgeMilestone[]>
  createMilestone(
    repo: RepoSlug,
    params: {title: string; dueOn?: string; description?: string},
  ): Promise<ForgeMilestone>
  updateMilestone(
    repo: RepoSlug,
    number: number,
    patch: {state?: 'open' | 'closed'; dueOn?: string; title?: string},
  ): Promise<void>

  // pull requests
  listPulls(repo: RepoSlug, query?: PullQuery): Promise<ForgePull[]>
  getPull(repo: RepoSlug, number: number): Promise<ForgePull | undefined>
  /** Commits of a PR, oldest first. */
  listPullCommits(repo: RepoSlug, number: number): Promise<ForgeCommit[]>
  createPull(
    repo: RepoSlug,
    params: {title: string; body: string; head: string; base: string; draft?: boolean},
  ): Promise<ForgePull>
  updatePull(
    repo: RepoSlug,
    number: number,
    patch: {title?: string; body?: string; state?: 'open' | 'closed'},
  ): Promise<void>
  /** Issues a PR closes (GraphQL closingIssuesReferences, plus closing keywords in the body). */
  linkedIssues(repo: RepoSlug, number: number): Promise<number[]>

  // releases
  getReleaseByTag(repo: RepoSlug, tag: string): Promise<ForgeRelease | undefined>
  createRelease(
    repo: RepoSlug,
    params: {tagName: string; name: string; body: string; prerelease?: boolean; draft?: boolean},
  ): Promise<ForgeRelease>

  // owners
  userExists(login: string): Promise<boolean>
  /** "org/team-slug" */
  teamExists(team: string): Promise<boolean>
}

export type ForgeErrorKind = 'not-found' | 'conflict' | 'auth' | 'rate-limited' | 'unavailable' | 'invalid' | 'internal'

/**
 * A forge failure. It is a CliError, so a command that lets it escape exits with the right code
 * and a next step (not-found 4, conflict 5, invalid 2, auth 7, rate-limited/unavailable 6).
 */
export class ForgeError extends CliError {
  readonly kind: ForgeErrorKind
  readonly status?: number
  constructor(kind: ForgeErrorKind, message: string, options: {status?: number; cause?: unknown; hint?: string} = {}) {
    const {code, hint} = forgeErrorCode(kind, options.status)
    super(code, message, {hint: options.hint ?? hint, ...(options.cause === undefined ? {} : {cause: options.cause})})
    this.name = 'ForgeError'
    this.kind = kind
    this.status = options.status
  }
}

const FORGE_ERROR_CODES: Record<ForgeErrorKind, {code: ErrorCode; hint: string}> = {
  'not-found': {
    code: 'not-found',
    hint: 'Check the repository, branch, tag or number; a private repository also answers 404 to a token without access.',
  },
  conflict: {
    code: 'conflict',
    hint: 'GitHub already has something different there; inspect it (nothing was moved or overwritten).',
  },
  invalid: {code: 'invalid-input', hint: 'GitHub rejected the request as invalid; check the names and values given.'},
  auth: {
    code: 'unauthenticated',
    hint: 'Pass --token or set GITHUB_TOKEN/GH_TOKEN (or a GitHub App via FLYTECTL_GITHUB_APP_*).',
  },
  'rate-limited': {
    code: 'unavailable',
    hint: 'GitHub rate limit reached; wait, then re-run (completed steps are not repeated).',
  },
  unavailable: {
    code: 'unavailable',
    hint: 'GitHub could not be reached or failed; check --github-url and the network, then re-run.',
  },
  internal: {code: 'internal', hint: 'Rerun with --verbose and report the output if it persists.'},
}

function forgeErrorCode(kind: ForgeErrorKind, status: number | undefined): {code: ErrorCode; hint: string} {
  if (kind === 'auth' && status === 403) {
    return {
      code: 'permission-denied',
      hint: 'The credentials lack permission here: grant contents, issues and pull-requests write (and workflows to change .github/workflows).',
    }
  }
  return FORGE_ERROR_CODES[kind]
}

/** How a Forge is built: token from --token, GITHUB_TOKEN, GH_TOKEN, or a GitHub App. */
export interface ForgeOptions {
  token?: string
  app?: {appId: string; privateKey: string; installationId?: number}
  /** https://api.github.com by default; GHES: https://host/api/v3 */
  baseUrl?: string
  /** Retries on 5xx / rate limits before a typed error (default 3). */
  maxRetries?: number
  /** Tests shorten waits (Retry-After is honoured up to this many ms, default 60000). */
  maxRetryAfterMs?: number
  userAgent?: string
  /** Base delay of the 5xx/connection retry backoff (retry n waits n² × this; default 1000). */
  retryBaseDelayMs?: number
  /**
   * Minimum spacing of writes (POST/PATCH/PUT/DELETE and GraphQL), per GitHub's guidance of one
   * second between content-creating requests. Default: the throttling plugin's own pacing.
   */
  minWriteIntervalMs?: number
  /** Where warnings go (already redacted); default: dropped. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void
}
