/** Which release branches a fix goes to: pure functions of labels, branch names and settings. */
import {parseReleaseLine} from '../versioning/parse.js'
import type {BackportConfig} from './config.js'

export type TargetReason = 'flag' | 'label' | 'policy' | 'security'

export interface BackportTarget {
  branch: string
  reason: TargetReason
}

/**
 * Release branches, newest first (`release-v1.13` before `release-v1.9`; `release-1.2` counts too).
 * Their numbers go through the one strict parser: a branch such as `release-v01.13` is no release
 * branch (reported through `unreadable`, never read as 1.13).
 */
export function releaseBranches(
  branches: string[],
  pattern: string,
  unreadable?: (branch: string, reason: string) => void,
): string[] {
  const re = new RegExp(pattern)
  return branches
    .map((name) => ({name, m: re.exec(name)}))
    .filter((b): b is {name: string; m: RegExpExecArray} => b.m !== null)
    .filter(({name, m}) => {
      if (m[1] === undefined || m[2] === undefined) return true
      const line = parseReleaseLine(`${m[1]}.${m[2]}`)
      if (!line.ok) unreadable?.(name, line.reason)
      return line.ok
    })
    .map(({name, m}) => ({name, major: Number(m[1] ?? 0), minor: Number(m[2] ?? 0)}))
    .sort((a, b) => b.major - a.major || b.minor - a.minor || a.name.localeCompare(b.name))
    .map((b) => b.name)
}

/** Branches named by labels such as `backport release-v1.13`. */
export function labelTargets(labels: string[], pattern: string): string[] {
  const re = new RegExp(pattern)
  const out: string[] = []
  for (const label of labels) {
    const m = re.exec(label)
    if (m?.[1] && !out.includes(m[1])) out.push(m[1])
  }
  return out
}

export function isSecurityFix(labels: string[], config: BackportConfig): boolean {
  return labels.some((l) => config.securityLabels.includes(l))
}

/**
 * The targets for one source: `--to` wins; otherwise the branches its labels name, plus the policy
 * branches (the newest release branch; `securityDepth` back for security fixes) when no label names
 * a branch or the fix is a security fix. With `policyOnlyWhenAsked`, bot runs stay quiet for PRs that
 * carry no backport label at all.
 */
export function resolveTargets(input: {
  labels: string[]
  branches: string[]
  config: BackportConfig
  to?: string[]
  policyOnlyWhenAsked?: boolean
}): BackportTarget[] {
  const {labels, branches, config} = input
  if (input.to && input.to.length > 0) return unique(input.to).map((branch) => ({branch, reason: 'flag'}))
  const fromLabels = labelTargets(labels, config.targetLabelPattern).map((branch): BackportTarget => ({
    branch,
    reason: 'label',
  }))
  const security = isSecurityFix(labels, config)
  const asked = labels.includes(config.policyLabel) || security
  const wantPolicy = security || (fromLabels.length === 0 && (asked || !input.policyOnlyWhenAsked))
  const policy: BackportTarget[] = []
  if (wantPolicy) {
    const depth = security ? config.securityDepth : config.policyDepth
    for (const branch of releaseBranches(branches, config.releaseBranchPattern).slice(0, depth)) {
      policy.push({branch, reason: security ? 'security' : 'policy'})
    }
  }
  const out = [...fromLabels]
  for (const t of policy) if (!out.some((o) => o.branch === t.branch)) out.push(t)
  return out
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
