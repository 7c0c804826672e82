/**
 * `backport audit`: merged fixes on the default branch that are missing from the supported
 * release branches, across the repositories of a manifest. Reads only.
 */
import {CliError} from '../cli/errors.js'
import {quoteValue} from '../versioning/parse.js'
import type {Forge} from '../forge/types.js'
import type {GitLayer, RepoClone} from '../git/types.js'
import type {ForgePull} from '../forge/types.js'
import {pullCarries} from './combined.js'
import {formatsFor, type BackportConfig, type BackportFormats} from './config.js'
import {targetVersion} from './plan.js'
import {labelTargets, releaseBranches, resolveTargets} from './targets.js'

export interface AuditFinding {
  repo: string
  pr: number
  title: string
  url: string
  labels: string[]
  target: string
  reason: 'label' | 'policy' | 'security' | 'flag'
  /** An open backport PR for this target, when there is one. */
  openBackport?: number
}

export interface AuditRepoSummary {
  repo: string
  supportedBranches: string[]
  checkedPulls: number
  missing: number
}

export interface AuditReport {
  findings: AuditFinding[]
  repos: AuditRepoSummary[]
  api: {reads: number; writes: number}
  /** What was not read (offline: labels, PR metadata) or left out. */
  notes?: string[]
}

/** Repositories named by a manifest: a `repos:` list, or a release manifest's repositories. */
export function reposFromManifest(doc: unknown): string[] {
  const out: string[] = []
  const add = (v: unknown) => {
    if (typeof v === 'string' && /^[\w.-]+\/[\w.-]+$/.test(v) && !out.includes(v)) out.push(v)
  }
  if (!doc || typeof doc !== 'object') return out
  const d = doc as Record<string, unknown>
  if (Array.isArray(d.repos)) {
    for (const r of d.repos)
      add(
        typeof r === 'object' && r
          ? ((r as Record<string, unknown>).repo ?? (r as Record<string, unknown>).repository)
          : r,
      )
  }
  const release = d.release as Record<string, unknown> | undefined
  add(release?.repository)
  if (Array.isArray(d.components)) for (const c of d.components) add((c as Record<string, unknown>)?.repository)
  if (d.repositories && typeof d.repositories === 'object') for (const k of Object.keys(d.repositories)) add(k)
  return out
}

export async function auditBackports(
  input: {repos: string[]; config: BackportConfig; formats?: Record<string, Partial<BackportFormats>>},
  svc: {
    forge: Forge
    git: GitLayer
    note?: (line: string) => void
    /** Offline: repositories read in place from local clones (owner/name → RepoClone), no API. */
    local?: Record<string, RepoClone>
  },
): Promise<AuditReport> {
  const {forge, git} = svc
  const {config} = input
  const start = {...forge.counters}
  const findings: AuditFinding[] = []
  const repos: AuditRepoSummary[] = []
  for (const repo of input.repos) {
    const info = await forge.getRepo(repo)
    if (!info) throw new CliError('not-found', `repository ${repo} not found`, {hint: 'Check the manifest or --repo.'})
    svc.note?.(`${repo}: reading history`)
    const local = svc.local?.[repo]
    const clone = local ?? (await git.clone(info.cloneUrl))
    const branches = await clone.remoteBranches()
    const supported = releaseBranches(branches, config.releaseBranchPattern, (b, reason) =>
      svc.note?.(`${repo}: ${quoteValue(b)} is not a release branch: ${reason}`),
    ).slice(0, config.supportedBranches)
    const summary: AuditRepoSummary = {repo, supportedBranches: supported, checkedPulls: 0, missing: 0}
    repos.push(summary)
    if (supported.length === 0) continue
    if (local) {
      const offline = await offlineFindings(repo, local, info.defaultBranch, supported, config)
      findings.push(...offline.findings)
      summary.missing += offline.findings.length
      summary.checkedPulls = offline.checked
      continue
    }
    // Candidates: merged PRs carrying a fix label or a backport label.
    const labels = new Set(config.fixLabels)
    for (const l of await forge.listLabels(repo)) {
      if (l.name === config.policyLabel || labelTargets([l.name], config.targetLabelPattern).length > 0)
        labels.add(l.name)
    }
    const numbers = new Set<number>()
    for (const label of labels) {
      for (const issue of await forge.listIssues(repo, {state: 'closed', labels: [label], includePulls: true})) {
        if (issue.isPullRequest) numbers.add(issue.number)
      }
    }
    // Backport PRs (open, or merged into a release branch) that may carry several sources.
    const backportPulls: ForgePull[] = []
    for (const base of supported) {
      for (const p of await forge.listPulls(repo, {state: 'all', base}))
        if (p.state === 'open' || p.merged) backportPulls.push(p)
    }
    const formats = formatsFor(config, repo, input.formats)
    for (const number of [...numbers].sort((a, b) => a - b)) {
      const pull = await forge.getPull(repo, number)
      if (!pull?.merged || pull.base !== info.defaultBranch || !pull.mergeCommitSha) continue
      summary.checkedPulls++
      const targets = resolveTargets({labels: pull.labels, branches, config}).filter((t) =>
        supported.includes(t.branch),
      )
      if (targets.length === 0) continue
      for (const target of targets) {
        // The merge commit (squash, merge) or the last rebased commit stands for the PR: found by
        // ancestry, `-x` trailer, patch-id, or "(#PR)" in a commit title on the release branch.
        if (await clone.contains(target.branch, pull.mergeCommitSha, {pr: number})) continue
        const values = {
          targetBranch: target.branch,
          targetVersion: targetVersion(target.branch, config.releaseBranchPattern),
          sourceBranch: info.defaultBranch,
        }
        const porting = backportPulls.filter((p) =>
          pullCarries(p, number, target.branch, formats.backportBranchName, values),
        )
        // A merged combined backport whose squash subject no longer names this fix (its branch did).
        if (porting.some((p) => p.merged)) continue
        const open = porting.find((p) => p.state === 'open')
        findings.push({
          repo,
          pr: number,
          title: pull.title,
          url: pull.htmlUrl,
          labels: pull.labels,
          target: target.branch,
          reason: target.reason,
          ...(open ? {openBackport: open.number} : {}),
        })
        summary.missing++
      }
    }
  }
  return {
    findings,
    repos,
    api: {reads: forge.counters.reads - start.reads, writes: forge.counters.writes - start.writes},
  }
}

/**
 * A fix by its title, for the offline audit where labels cannot be read: Conventional Commits'
 * `fix:`/`fix(scope):`, a title starting with Fix/Fixes/Fixed/Bugfix/Hotfix, or `[BUG]`. Security
 * fixes: "security" or a CVE id in the title.
 */
export function fixKindOfTitle(title: string): 'fix' | 'security' | undefined {
  if (/\bsecurity\b|\bCVE-\d{4}-\d+/i.test(title)) return 'security'
  if (/^(?:fix|bugfix|hotfix)(?:\([^)]*\))?!?:|^(?:fix(?:es|ed)?|bugfix|hotfix)\b|^\[bug\]/i.test(title.trim()))
    return 'fix'
  return undefined
}

/**
 * Offline findings from git alone: merged PRs on the default branch (squash `Title (#N)`, merge
 * `Merge pull request #N from …`) since each supported release branch forked, whose title marks a
 * fix, that no commit on the release branch carries (ancestry, `-x` trailer, PR number in a
 * combined backport title, patch-id). Targets follow the policy: the newest release branch, the
 * newest `securityDepth` for security fixes.
 */
async function offlineFindings(
  repo: string,
  clone: RepoClone,
  defaultBranch: string,
  supported: string[],
  config: BackportConfig,
): Promise<{findings: AuditFinding[]; checked: number}> {
  const out: AuditFinding[] = []
  const seen = new Set<number>()
  for (const [index, target] of supported.entries()) {
    const since = await clone.log(target, defaultBranch)
    for (const c of since) {
      const merge = /^Merge pull request #(\d+) from /.exec(c.subject)
      const squash = /^(.*?)\s*\(#(\d+)\)\s*$/.exec(c.subject)
      const pr = merge ? Number(merge[1]) : squash ? Number(squash[2]) : undefined
      if (pr === undefined) continue
      const title = merge ? (c.body.split('\n')[0] ?? '') : squash![1]!
      const kind = fixKindOfTitle(title)
      if (!kind) continue
      seen.add(pr)
      const depth = kind === 'security' ? config.securityDepth : config.policyDepth
      if (index >= depth) continue
      if (await clone.contains(target, c.sha, {pr})) continue
      out.push({
        repo,
        pr,
        title,
        url: `https://github.com/${repo}/pull/${pr}`,
        labels: [],
        target,
        reason: kind === 'security' ? 'security' : 'policy',
      })
    }
  }
  out.sort((a, b) => a.pr - b.pr || supported.indexOf(a.target) - supported.indexOf(b.target))
  return {findings: out, checked: seen.size}
}
