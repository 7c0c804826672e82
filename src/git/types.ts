/**
 * The git layer: local clones and worktrees for release and backport (implementation in
 * src/git/git.ts on simple-git). Nothing here force-pushes, moves a tag or deletes a branch.
 */

export interface GitIdentity {
  name: string
  email: string
}

export interface CherryPickResult {
  status: 'picked' | 'conflict' | 'empty'
  /** New commit sha on success. */
  sha?: string
  /** Paths with conflicts when status is 'conflict' (the worktree is left mid-pick). */
  conflicts: string[]
}

export interface PushResult {
  ok: boolean
  /** Refs the remote rejected (atomic push: all or none). */
  rejected: string[]
  message?: string
}

export interface Worktree {
  /** Absolute path of the worktree. */
  dir: string
  branch: string
  head(): Promise<string>
  isClean(): Promise<boolean>
  /** Create and check out a new local branch at the current HEAD (or at `from`). */
  createBranch(name: string, from?: string): Promise<void>
  /** `git cherry-pick -x`; with `mainline` (1) for merge commits. */
  cherryPick(sha: string, options?: {mainline?: number}): Promise<CherryPickResult>
  /** Stage everything (including conflict markers) and commit; returns the sha. */
  commitAll(message: string): Promise<string>
  cherryPickAbort(): Promise<void>
  cherryPickContinue(): Promise<CherryPickResult>
  readFile(path: string): Promise<string | undefined>
  writeFile(path: string, text: string): Promise<void>
  /** Annotated tag at `sha` (default HEAD). Refuses to move an existing tag. */
  tag(name: string, message: string, sha?: string): Promise<'created' | 'exists'>
  /** `git push --atomic origin <refspecs>`; never --force. */
  push(refspecs: string[]): Promise<PushResult>
}

export interface RepoClone {
  /** The cached blobless clone's directory. */
  dir: string
  url: string
  fetch(): Promise<void>
  /** Resolve a ref (branch, tag, sha, `origin/x`) to a commit sha; undefined when missing. */
  revParse(ref: string): Promise<string | undefined>
  tags(): Promise<{name: string; sha: string}[]>
  remoteBranches(): Promise<string[]>
  /** Commits in `to` not in `from`, oldest first. */
  log(from: string | undefined, to: string): Promise<{sha: string; subject: string; body: string; parents: string[]}[]>
  /**
   * Is `sha` (or a cherry-pick of it, by `-x` trailer or patch-id) contained in `branch`? With `pr`,
   * a commit that carries the PR number counts too: `(#<pr>)` in its subject (squash-merged manual
   * backports) or a combined backport naming it (`Backport #5788, #5855, and #5769 …`, `bp 5795 5987`).
   */
  contains(branch: string, sha: string, options?: {pr?: number}): Promise<boolean>
  /** One worktree per branch, reused when it exists; checked out at origin/<branch>. */
  worktree(branch: string): Promise<Worktree>
}

export interface GitLayer {
  /** Cached blobless clone (`--filter=blob:none`) of `url` under the cache dir, fetched when reused. */
  clone(url: string, options?: {identity?: GitIdentity}): Promise<RepoClone>
}
