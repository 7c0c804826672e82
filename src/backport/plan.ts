/**
 * The backport planner: a pure function from sources, targets and observed remote state to an
 * ordered plan. Nothing here reads git or the forge.
 */
import {CliError} from '../cli/errors.js'
import {parseReleaseLine, quoteValue} from '../versioning/parse.js'
import {branchNameProblem, numberList, renderTemplate, type TemplateValues} from './combined.js'
import {DEFAULT_FORMATS, type BackportConfig, type BackportFormats} from './config.js'
import type {BackportPlan, BackportSource, ConflictPolicy, ObservedTarget, PlanItem, StepName} from './model.js'

export const BODY_MARKER = 'flytectl-backport'

/** How backport branches and titles are named for one repository. */
export interface Naming {
  formats: BackportFormats
  /** Release branch pattern (groups 1 and 2: major, minor) for {{targetVersion}}. */
  releaseBranchPattern?: string
  sourceBranch?: string
}

const DEFAULT_NAMING: Naming = {formats: DEFAULT_FORMATS}

/** `1.13` for `release-v1.13` (through the release branch pattern), else the branch itself. */
export function targetVersion(target: string, pattern = '^release-v?(\\d+)\\.(\\d+)$'): string {
  const m = new RegExp(pattern).exec(target)
  const line = m?.[1] !== undefined && m[2] !== undefined ? parseReleaseLine(`${m[1]}.${m[2]}`) : undefined
  return line?.ok ? `${line.major}.${line.minor}` : target
}

type Named = Pick<BackportSource, 'key' | 'pr' | 'title'>

/** A subject with its PR number: `<title> (#N)`, unless the title already ends with it. */
function withNumber(source: Named): string {
  return source.pr !== undefined && !source.title.endsWith(`(#${source.pr})`)
    ? `${source.title} (#${source.pr})`
    : source.title
}

export function templateValues(sources: Named[], target: string, naming: Naming = DEFAULT_NAMING): TemplateValues {
  const first = sources[0]!
  return {
    targetBranch: target,
    targetVersion: targetVersion(target, naming.releaseBranchPattern),
    sourceBranch: naming.sourceBranch ?? '',
    sources: sources.map((s) => s.key).join('-'),
    refValues: sources.map((s) => (s.pr !== undefined ? `pr-${s.pr}` : `commit-${s.key}`)).join('_'),
    sourceNumbers: numberList(sources.map((s) => s.key)),
    commitMessages: sources.map(withNumber).join(' | '),
    'sourcePullRequest.number': first.pr !== undefined ? String(first.pr) : first.key,
    'sourcePullRequest.title': first.title,
  }
}

/** The backport branch for these sources and target (`backport-2813-to-release-v1.13` by default). */
export function backportBranch(sources: string | Named[], target: string, naming: Naming = DEFAULT_NAMING): string {
  const list = typeof sources === 'string' ? [{key: sources, title: ''}] : sources
  const name = renderTemplate(naming.formats.backportBranchName, templateValues(list, target, naming))
  const problem = branchNameProblem(name)
  if (problem) {
    throw new CliError('config-invalid', `backport.backportBranchName renders ${quoteValue(name)}: ${problem}`, {
      hint: 'Fix the template in the backport: section (or the manifest).',
    })
  }
  return name
}

/** `[release-v1.13] Fix the thing (#123)` by default; a subject keeps its own `(#N)`. */
export function backportTitle(source: Named | Named[], target: string, naming: Naming = DEFAULT_NAMING): string {
  const list = Array.isArray(source) ? source : [source]
  const title = renderTemplate(naming.formats.prTitle, templateValues(list, target, naming))
    .replace(/\s+/g, ' ')
    .trim()
  return title === '' ? withNumber(list[0]!) : title.slice(0, 256)
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
  naming?: Naming
}): BackportPlan {
  const naming = input.naming ?? {formats: DEFAULT_FORMATS, releaseBranchPattern: input.config.releaseBranchPattern}
  const items: PlanItem[] = []
  for (const obs of input.observed) {
    const source = input.sources.find((s) => s.key === obs.source)
    if (!source) throw new Error(`observed state for unknown source ${obs.source}`)
    const branch = backportBranch([source], obs.target.branch, naming)
    const labels = copiedLabels(source, input.config)
    const base = {
      source: source.key,
      target: obs.target,
      branch,
      title: backportTitle(source, obs.target.branch, naming),
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
    else if (obs.coveredBy) {
      // A combined backport PR carries it: reported, never duplicated, never relabelled.
      state = obs.coveredBy.merged ? 'merged' : 'open'
      base.pull = obs.coveredBy
    } else if (obs.branchExists && !obs.branchHasPicks) state = 'branch-taken'
    else {
      state = 'todo'
      steps = obs.branchExists ? ['pull', 'labels'] : ['pick', 'push', 'pull', 'labels']
    }
    items.push({...base, state, steps})
  }
  return {repo: input.repo, conflicts: input.conflicts, sources: input.sources, items}
}
