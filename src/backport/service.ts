/**
 * `flytectl backport` as one service call: read the sources, resolve targets, observe, plan, and
 * (unless --dry-run) apply with a journal. Clients come in as parameters.
 */
import {CliError} from '../cli/errors.js'
import type {Forge, ForgePull} from '../forge/types.js'
import type {GitLayer, RepoClone} from '../git/types.js'
import {applyPlan, conflictsFromBody} from './apply.js'
import {COMMENT_MARKER, mergeRows, readRows, renderComment, rowOf} from './comment.js'
import {formatsFor, type BackportConfig, type BackportFormats} from './config.js'
import {Journal, type RunArgs} from './journal.js'
import type {BackportPlan, BackportReport, BackportSource, ConflictPolicy, ItemResult} from './model.js'
import {observeTarget, pullsWithLabel, readCommitSource, readPullSource} from './observe.js'
import {backportBody, planBackport, type Naming} from './plan.js'
import {resolveTargets} from './targets.js'

export interface BackportRequest {
  repo: string
  pulls: number[]
  commits: string[]
  label?: string
  to: string[]
  conflicts: ConflictPolicy
  dryRun: boolean
  /** Continue the newest unfinished run (or this run's journal when sources are given). */
  resume: boolean
  config: BackportConfig
  /** Branch and title templates (default: from the config for this repository). */
  formats?: BackportFormats
  /** Bot runs: a PR without any backport label gets no policy targets. */
  policyOnlyWhenAsked?: boolean
}

export interface BackportServices {
  forge: Forge
  git: GitLayer
  stateDir: string
  note?: (line: string) => void
}

export interface BackportOutcome {
  plan: BackportPlan
  report: BackportReport
}

async function openRepo(
  forge: Forge,
  git: GitLayer,
  repo: string,
  pulls: number[],
): Promise<{clone: RepoClone; defaultBranch: string; fetched: Map<number, ForgePull | undefined>}> {
  const info = await forge.getRepo(repo)
  if (!info) {
    throw new CliError('not-found', `repository ${repo} not found`, {
      hint: 'Check --repo (owner/name) and that the token can read it.',
    })
  }
  // The fetch of the cached clone and the PR reads overlap.
  const [clone, read] = await Promise.all([
    git.clone(info.cloneUrl),
    Promise.all(pulls.map(async (n) => [n, await forge.getPull(repo, n)] as const)),
  ])
  return {clone, defaultBranch: info.defaultBranch, fetched: new Map(read)}
}

async function readSources(
  forge: Forge,
  clone: RepoClone,
  args: RunArgs,
  repo: string,
  defaultBranch: string,
  fetched: Map<number, ForgePull | undefined>,
): Promise<BackportSource[]> {
  const numbers = [...args.pulls]
  if (args.label) {
    for (const n of await pullsWithLabel(forge, repo, args.label, defaultBranch))
      if (!numbers.includes(n)) numbers.push(n)
  }
  const sources: BackportSource[] = []
  for (const n of numbers) sources.push(await readPullSource(forge, clone, repo, n, fetched.get(n)))
  for (const c of args.commits) sources.push(await readCommitSource(forge, clone, repo, c))
  return sources
}

async function resolveRunArgs(req: BackportRequest, stateDir: string): Promise<RunArgs> {
  const args: RunArgs = {pulls: req.pulls, commits: req.commits, label: req.label, to: req.to, conflicts: req.conflicts}
  const hasSources = args.pulls.length > 0 || args.commits.length > 0 || args.label !== undefined
  if (req.resume && !hasSources) {
    const journal = await Journal.latestUnfinished(stateDir, req.repo)
    if (!journal) {
      throw new CliError('not-found', `no unfinished backport run for ${req.repo}`, {
        hint: 'Name the pull requests to backport instead of --resume.',
      })
    }
    return journal.data.args
  }
  if (!hasSources) {
    throw new CliError('usage', 'nothing to backport: name pull requests, --label or --commit', {
      hint: 'Example: flytectl backport 1234 --repo flyteorg/flytekit',
    })
  }
  return args
}

/** Reads, plans and (unless dry-run) applies. */
export async function runBackport(req: BackportRequest, svc: BackportServices): Promise<BackportOutcome> {
  const {forge} = svc
  const startCounters = {...forge.counters}
  const args = await resolveRunArgs(req, svc.stateDir)
  const {plan, clone} = await planRun(req, args, svc)
  const api = () => ({
    reads: forge.counters.reads - startCounters.reads,
    writes: forge.counters.writes - startCounters.writes,
  })
  if (req.dryRun) {
    const results: ItemResult[] = plan.items.map((item) => ({
      source: item.source,
      pr: plan.sources.find((s) => s.key === item.source)?.pr,
      target: item.target.branch,
      branch: item.branch,
      status: item.steps.includes('pull') ? 'planned' : dryStatus(item.state),
      created: false,
      ...(item.pull ? {pull: {number: item.pull.number, url: item.pull.url, draft: item.pull.draft}} : {}),
    }))
    return {plan, report: {repo: req.repo, dryRun: true, results, api: api()}}
  }
  const journal = await Journal.open(svc.stateDir, req.repo, args)
  const results = await applyPlan(plan, {forge, clone, config: req.config, journal, note: svc.note})
  const finished = results.every((r) => r.status !== 'failed')
  await journal.finish(finished)
  return {plan, report: {repo: req.repo, dryRun: false, results, api: api(), journal: journal.path}}
}

function dryStatus(state: string): ItemResult['status'] {
  if (state === 'open' || state === 'conflict' || state === 'merged' || state === 'closed' || state === 'present') {
    return state
  }
  return state === 'todo' ? 'planned' : 'failed'
}

async function planRun(
  req: BackportRequest,
  args: RunArgs,
  svc: BackportServices,
): Promise<{plan: BackportPlan; clone: RepoClone}> {
  const {forge} = svc
  const {clone, defaultBranch, fetched} = await openRepo(forge, svc.git, req.repo, args.pulls)
  const sources = await readSources(forge, clone, args, req.repo, defaultBranch, fetched)
  const branches = await clone.remoteBranches()
  const naming: Naming = {
    formats: req.formats ?? formatsFor(req.config, req.repo),
    releaseBranchPattern: req.config.releaseBranchPattern,
    sourceBranch: defaultBranch,
  }
  const observed = []
  for (const source of sources) {
    const targets = resolveTargets({
      labels: source.labels,
      branches,
      config: req.config,
      to: args.to,
      policyOnlyWhenAsked: req.policyOnlyWhenAsked,
    })
    // Asked for (bot runs only get here with a backport label) but nowhere to go: say so, loudly.
    if (targets.length === 0) {
      throw new CliError('invalid-input', `no release branch to backport ${describe(source)} to`, {
        hint: `No branch of ${req.repo} matches ${req.config.releaseBranchPattern} and no label names one; pass --to <branch>.`,
      })
    }
    for (const target of targets)
      observed.push(await observeTarget(forge, clone, req.repo, source, target, branches, naming))
  }
  const plan = planBackport({repo: req.repo, sources, observed, config: req.config, conflicts: args.conflicts, naming})
  return {plan, clone}
}

function describe(source: BackportSource): string {
  return source.pr !== undefined ? `#${source.pr}` : source.commits[0]!.sha.slice(0, 12)
}

/**
 * `--continue`: a draft backport whose conflicts were fixed on its branch. Checks that no conflict
 * markers remain in the files that conflicted, then drops the conflict label, restores the PR body
 * and updates the result comment.
 */
export async function continueBackport(req: BackportRequest, svc: BackportServices): Promise<BackportOutcome> {
  const {forge} = svc
  const startCounters = {...forge.counters}
  const args = await resolveRunArgs(req, svc.stateDir)
  const {plan, clone} = await planRun(req, args, svc)
  const results: ItemResult[] = []
  for (const item of plan.items) {
    const source = plan.sources.find((s) => s.key === item.source)!
    const base = {source: source.key, pr: source.pr, target: item.target.branch, branch: item.branch, created: false}
    if (item.state !== 'conflict' || !item.pull) {
      results.push({...base, status: item.state === 'open' ? 'open' : dryStatus(item.state)})
      continue
    }
    const pull = {number: item.pull.number, url: item.pull.url, draft: item.pull.draft}
    const files = conflictsFromBody(item.pull) ?? []
    const wt = await clone.worktree(item.branch)
    const left: string[] = []
    for (const f of files) if (/^(<{7}|>{7}) /m.test((await wt.readFile(f)) ?? '')) left.push(f)
    if (left.length > 0) {
      results.push({
        ...base,
        pull,
        status: 'conflict',
        conflicts: left,
        step: 'pull',
        error: `conflict markers remain in ${left.join(', ')} on ${item.branch}`,
      })
      continue
    }
    await forge.removeLabel(req.repo, pull.number, req.config.conflictLabel)
    const body = backportBody(source, item.target.branch)
    if (item.pull.body !== body) await forge.updatePull(req.repo, pull.number, {body})
    results.push({...base, pull, status: 'open'})
  }
  for (const source of plan.sources) {
    if (source.pr === undefined) continue
    const mine = results.filter((r) => r.source === source.key)
    const comments = await forge.listComments(req.repo, source.pr)
    const existing = comments.find((c) => c.body.includes(COMMENT_MARKER))
    const body = renderComment(req.repo, source, mergeRows(readRows(existing?.body), mine.map(rowOf)))
    if (existing && existing.body !== body) await forge.updateComment(req.repo, existing.id, body)
    else if (!existing) await forge.createComment(req.repo, source.pr, body)
  }
  const api = {reads: forge.counters.reads - startCounters.reads, writes: forge.counters.writes - startCounters.writes}
  return {plan, report: {repo: req.repo, dryRun: false, results, api}}
}
