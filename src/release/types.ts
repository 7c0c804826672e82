/**
 * The release train's data: what was observed (git refs and forge state), the plan (an ordered list
 * of steps, each naming the state it expects), and the per repo × step report.
 */
import type {ForgeMilestone, ForgePull, ForgeTag} from '../forge/types.js'

export type ReleaseCommandName = 'cut' | 'beta' | 'patch'

/** Where a tag goes: a commit fixed at plan time, or a branch's head when the step runs (after the bump commit). */
export type TagTarget = {sha: string} | {branch: string}

interface StepBase {
  /** Stable within a plan: `<repo>:<kind>:<name>`. */
  id: string
  repo: string
  summary: string
}

export type ReleaseStep =
  | (StepBase & {kind: 'branch'; branch: string; sha: string})
  | (StepBase & {kind: 'commit'; branch: string; message: string; files: FileChange[]})
  | (StepBase & {kind: 'tag'; component: string; tag: string; at: TagTarget; message: string})
  | (StepBase & {kind: 'release'; tag: string; name: string; body: string; prerelease: boolean})
  | (StepBase & {kind: 'milestone-close'; title: string})
  /**
   * Triage's milestone rollover: `to` created when missing (due on the cadence, else `dueOn`), the
   * open issues and pull requests of `from` moved to it, `from` closed. Without `from` (no milestone
   * for this release) only `to` is created.
   */
  | (StepBase & {
      kind: 'milestone-rollover'
      from?: string
      to: string
      dueOn: string
      cadenceMonths: number
      /** `to`'s title pattern in {major}/{minor} terms, e.g. `{major}.{minor}.0`. */
      titleFormat: string
    })
  /** docs-versioning's `pinDocs` for one repository: a pull request against `base` pinning conf.py. */
  | (StepBase & {
      kind: 'docs-pin'
      base: string
      confPath: string
      /** X.Y.Z: aligned projects' links go to the vX.Y docs, others to latest; `release =` set. */
      version: string
      /** Docs projects that follow the aligned release. */
      aligned: string[]
    })

export type StepKind = ReleaseStep['kind']

/** One file of the bump commit: `before` is the text the plan saw (absent for a new file). */
export interface FileChange {
  path: string
  before?: string
  after: string
  /** A file that exists already is kept as it is (a hand-written changelog). */
  keepExisting?: boolean
}

export interface ComponentVersion {
  component: string
  repo: string
  tag: string
  version: string
  /** The tag already exists (at the expected commit or elsewhere): nothing to do / conflict. */
  previous?: string
}

export interface ReleasePlan {
  command: ReleaseCommandName
  /** The release version in semver spelling without v (1.4.0, 1.3.1-b0); for betas, the root's. */
  version: string
  releaseBranch?: string
  components: ComponentVersion[]
  steps: ReleaseStep[]
  /** Things the planner decided not to do, and why (already tagged, no branch, …). */
  notes: string[]
}

/** What observe() read for one repository. */
export interface RepoObservation {
  repo: string
  htmlUrl: string
  defaultBranch: string
  /** Default branch head. */
  headSha: string
  branches: string[]
  /** Tags of the line the default branch carries (see observe: `splitOtherLines`). */
  tags: ForgeTag[]
  /** Tags of a higher major that the default branch does not reach (Flyte 2's v2.x beside master). */
  otherLineTags?: ForgeTag[]
  /** Head of the release branch the command works on, when it exists. */
  releaseBranchSha?: string
  /** File texts keyed by path, read at the release branch if it exists, else at the default branch. */
  files: Record<string, string | undefined>
  /** Merged pull requests since the previous release (for the changelog), and the compare link. */
  changes?: {previousTag?: string; pulls: ForgePull[]; compareUrl?: string}
}

export interface ReleaseObservation {
  repos: Record<string, RepoObservation>
  /** Milestones of the release repository (all states). */
  milestones: ForgeMilestone[]
}

export type StepStatus =
  /** The remote already had it (checked before acting). */
  | 'done'
  /** This run made the write. */
  | 'applied'
  /** --dry-run: would be applied. */
  | 'planned'
  | 'failed'
  /** Not attempted because an earlier step in the same repository failed. */
  | 'not-run'

export interface StepResult {
  id: string
  repo: string
  kind: StepKind
  target: string
  status: StepStatus
  detail?: string
  /** Commit a tag/branch/file step ended at. */
  sha?: string
}

export interface ReleaseReport {
  command: ReleaseCommandName
  version: string
  dryRun: boolean
  ok: boolean
  components: ComponentVersion[]
  steps: StepResult[]
  notes: string[]
  api: {reads: number; writes: number}
  journal?: string
}
