/**
 * The backport planner: a pure function from sources, targets and observed remote state to an
 * ordered plan. Nothing here reads git or the forge.
 */
import type {BackportConfig} from './config.js'
import type {BackportPlan, BackportSource, ConflictPolicy, ObservedTarget, PlanItem, StepName} from './model.js'

export const BODY_MARKER = 'flytectl-backport'

export function backportBranch(sourceKey: string, target: string): string {
  return `backport-${sourceKey}-to-${target}`
}

/** `[release-v1.13] Fix the thing (#123)`; a commit subject keeps its own `(#N)`. */
export function backportTitle(source: BackportSource, target: string): string {
  const suffix = source.pr !== undefined && !source.title.endsWith(`(#${source.pr})`) ? ` (#${source.pr})` : ''
  return `[${target}] ${source.title}${suffix}`
}

export function backportBody(source: BackportSource, target: string, conflicts: string[] = []): string {
  const origin =
    source.pr !== undefined
      ? `Backport of #${source.pr} to \`${target}\`.`
      : `Backport of ${source.commits[0]!.sha.slice(0, 12)} to \`${target}\`.`
  const lines = [origin, '']
  if (source.url) lines.push(`Source: ${source.url}`)
  const method = source.method === 'merge-commit' ? 'merge commit, picked with -m 1' : source.method
  lines.push(`Commits (${method}): ${source.commits.map((c) => c.sha.slice(0, 12)).join(', ')}`)
  if (conflicts.length > 0) {
    lines.push(
      '',
      `> [!WARNING]`,
      `> The pick had conflicts; the conflict markers are committed in: ${conflicts.map((f) => `\`${f}\``).join(', ')}.`,
      `> Resolve them on this branch, then run \`flytectl backport --continue\`.`,
    )
  }
  lines.push('', `<!-- ${BODY_MARKER} source=${source.key} target=${target} -->`)
  return lines.join('\n')
}

export function copiedLabels(source: BackportSource, config: BackportConfig): string[] {
  const patterns = config.copyLabels.map((p) => new RegExp(p))
  const copied = source.labels.filter((l) => patterns.some((re) => re.test(l)))
  return [...new Set([...config.addLabels, ...copied])]
}

export function planBackport(input: {
  repo: string
  sources: BackportSource[]
  observed: ObservedTarget[]
  config: BackportConfig
  conflicts: ConflictPolicy
}): BackportPlan {
  const items: PlanItem[] = []
  for (const obs of input.observed) {
    const source = input.sources.find((s) => s.key === obs.source)
    if (!source) throw new Error(`observed state for unknown source ${obs.source}`)
    const branch = backportBranch(source.key, obs.target.branch)
    const labels = copiedLabels(source, input.config)
    const base = {
      source: source.key,
      target: obs.target,
      branch,
      title: backportTitle(source, obs.target.branch),
      body: backportBody(source, obs.target.branch),
      labels,
      pull: obs.pull,
    }
    let state: PlanItem['state']
    let steps: StepName[] = []
    if (!obs.targetExists) state = 'missing-target'
    else if (obs.pull?.merged) state = 'merged'
    else if (obs.pull && obs.pull.state === 'closed') state = 'closed'
    else if (obs.pull) {
      state = obs.pull.labels.includes(input.config.conflictLabel) ? 'conflict' : 'open'
      if (labels.some((l) => !obs.pull!.labels.includes(l))) steps = ['labels']
    } else if (obs.present) state = 'present'
    else if (obs.branchExists && !obs.branchHasPicks) state = 'branch-taken'
    else {
      state = 'todo'
      steps = obs.branchExists ? ['pull', 'labels'] : ['pick', 'push', 'pull', 'labels']
    }
    items.push({...base, state, steps})
  }
  return {repo: input.repo, conflicts: input.conflicts, sources: input.sources, items}
}
