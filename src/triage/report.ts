/**
 * `triage report`: the weekly picture of a repository's open issues — untriaged, unassigned, themes,
 * component labels, slipping milestones and process violations — as data, Markdown or a job summary.
 * Read-only.
 */
import type {Forge, ForgeIssue, ForgeMilestone, RepoSlug} from '../forge/types.js'
import {
  DAY_MS,
  DEFAULT_THEMES,
  PROCESS_LABELS,
  UNTRIAGED,
  hasAnyLabel,
  hasLabel,
  issueRef,
  type IssueRef,
} from './policy.js'
import {needsUntriaged} from './label.js'

export interface MilestoneHealth {
  title: string
  number: number
  dueOn: string | null
  openIssues: number
  closedIssues: number
  /** Days until due (negative: overdue); null without a due date. */
  daysLeft: number | null
  status: 'overdue' | 'due-soon' | 'on-track' | 'no-due-date'
}

export interface TriageReport {
  repo: RepoSlug
  generatedAt: string
  totals: {open: number; untriaged: number; unassigned: number; milestoned: number}
  untriaged: IssueRef[]
  unassigned: IssueRef[]
  themes: Record<string, {labels: string[]; count: number; issues: IssueRef[]}>
  components: Array<{label: string; count: number}>
  milestones: MilestoneHealth[]
  /** Milestones past or near their due date that still have open issues. */
  slipping: MilestoneHealth[]
  violations: {
    /** Open, no milestone, no assignee and no `untriaged`: `triage label` will label these. */
    noTriageDecision: IssueRef[]
    /** In a milestone (a commitment) with nobody assigned. */
    milestonedUnassigned: IssueRef[]
  }
}

export interface ReportOptions {
  themes?: Record<string, string[]>
  /** Component labels to count; default: every label that is neither a theme nor a process label. */
  components?: string[]
  /** A milestone due within this many days counts as due soon (default 14). */
  dueSoonDays?: number
  now?: Date
}

/** Pure: builds the report from open issues and open milestones. */
export function buildReport(
  repo: RepoSlug,
  openIssues: ForgeIssue[],
  milestones: ForgeMilestone[],
  options: ReportOptions = {},
): TriageReport {
  const now = options.now ?? new Date()
  const themes = options.themes ?? DEFAULT_THEMES
  const issues = openIssues.filter((i) => !i.isPullRequest && i.state === 'open')
  const themeLabels = Object.values(themes).flat()
  const skip = new Set([...themeLabels, ...PROCESS_LABELS].map((l) => l.toLowerCase()))

  const componentCounts = new Map<string, number>()
  for (const issue of issues) {
    for (const label of issue.labels) {
      const wanted = options.components
        ? options.components.some((c) => c.toLowerCase() === label.toLowerCase())
        : !skip.has(label.toLowerCase())
      if (wanted) componentCounts.set(label, (componentCounts.get(label) ?? 0) + 1)
    }
  }

  const dueSoon = options.dueSoonDays ?? 14
  const health: MilestoneHealth[] = milestones
    .filter((m) => m.state === 'open')
    .map((m) => {
      const daysLeft = m.dueOn ? Math.floor((Date.parse(m.dueOn) - now.getTime()) / DAY_MS) : null
      const status: MilestoneHealth['status'] =
        daysLeft === null ? 'no-due-date' : daysLeft < 0 ? 'overdue' : daysLeft <= dueSoon ? 'due-soon' : 'on-track'
      return {
        title: m.title,
        number: m.number,
        dueOn: m.dueOn,
        openIssues: m.openIssues,
        closedIssues: m.closedIssues,
        daysLeft,
        status,
      }
    })
    .sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))

  const untriaged = issues.filter((i) => hasLabel(i, UNTRIAGED)).map(issueRef)
  const unassigned = issues.filter((i) => i.assignees.length === 0).map(issueRef)
  return {
    repo,
    generatedAt: now.toISOString(),
    totals: {
      open: issues.length,
      untriaged: untriaged.length,
      unassigned: unassigned.length,
      milestoned: issues.filter((i) => i.milestone).length,
    },
    untriaged,
    unassigned,
    themes: Object.fromEntries(
      Object.entries(themes).map(([theme, labels]) => {
        const matching = issues.filter((i) => hasAnyLabel(i, labels)).map(issueRef)
        return [theme, {labels, count: matching.length, issues: matching}]
      }),
    ),
    components: [...componentCounts.entries()]
      .map(([label, count]) => ({label, count}))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    milestones: health,
    slipping: health.filter((m) => m.openIssues > 0 && (m.status === 'overdue' || m.status === 'due-soon')),
    violations: {
      noTriageDecision: issues.filter((i) => needsUntriaged(i)).map(issueRef),
      milestonedUnassigned: issues.filter((i) => i.milestone && i.assignees.length === 0).map(issueRef),
    },
  }
}

function issueList(issues: IssueRef[], limit: number): string[] {
  if (issues.length === 0) return ['None.']
  const lines = issues.slice(0, limit).map((i) => `- [#${i.number}](${i.url}) ${escapeMd(i.title)}`)
  if (issues.length > limit) lines.push(`- …and ${issues.length - limit} more`)
  return lines
}

function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1')
}

/** Markdown for people and for `$GITHUB_STEP_SUMMARY`. */
export function renderReportMarkdown(report: TriageReport, limit = 20): string {
  const t = report.totals
  const lines: string[] = [
    `## Triage report: ${report.repo}`,
    '',
    `${t.open} open issues · ${t.untriaged} untriaged · ${t.unassigned} unassigned · ${t.milestoned} in a milestone`,
    '',
    '### Themes',
    '',
    '| theme | labels | open |',
    '|---|---|---:|',
    ...Object.entries(report.themes).map(([name, th]) => `| ${name} | ${th.labels.join(', ')} | ${th.count} |`),
    '',
  ]
  if (report.components.length > 0) {
    lines.push('### Components', '', '| label | open |', '|---|---:|')
    lines.push(...report.components.map((c) => `| ${escapeMd(c.label)} | ${c.count} |`), '')
  }
  lines.push('### Milestones', '')
  if (report.milestones.length === 0) lines.push('No open milestones.', '')
  else {
    lines.push('| milestone | due | open | closed | status |', '|---|---|---:|---:|---|')
    for (const m of report.milestones) {
      const due = m.dueOn ? m.dueOn.slice(0, 10) : '—'
      const status = m.status === 'overdue' ? `overdue by ${-(m.daysLeft ?? 0)} d` : m.status.replace(/-/g, ' ')
      lines.push(`| ${escapeMd(m.title)} | ${due} | ${m.openIssues} | ${m.closedIssues} | ${status} |`)
    }
    lines.push('')
  }
  if (report.slipping.length > 0) {
    lines.push('**Slipping:** ' + report.slipping.map((m) => `${m.title} (${m.openIssues} open)`).join(', '), '')
  }
  lines.push(`### Untriaged (${report.untriaged.length})`, '', ...issueList(report.untriaged, limit), '')
  const v = report.violations
  if (v.noTriageDecision.length > 0) {
    lines.push(
      `### No triage decision (${v.noTriageDecision.length})`,
      '',
      'No milestone, no assignee and no `untriaged` label (removing `untriaged` requires an assignee).',
      '',
      ...issueList(v.noTriageDecision, limit),
      '',
    )
  }
  if (v.milestonedUnassigned.length > 0) {
    lines.push(
      `### In a milestone without an assignee (${v.milestonedUnassigned.length})`,
      '',
      ...issueList(v.milestonedUnassigned, limit),
      '',
    )
  }
  return lines.join('\n')
}

export async function runReport(
  forge: Forge,
  options: ReportOptions & {repo: RepoSlug},
): Promise<TriageReport & {api: {reads: number; writes: number}}> {
  const before = {...forge.counters}
  const [issues, milestones] = await Promise.all([
    forge.listIssues(options.repo, {state: 'open'}),
    forge.listMilestones(options.repo, 'open'),
  ])
  const report = buildReport(options.repo, issues, milestones, options)
  return {
    ...report,
    api: {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes},
  }
}
