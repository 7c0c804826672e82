/**
 * The result comment on a source PR: one comment per PR (found again by its marker), a table with one
 * row per target, and for conflicts the exact commands to finish by hand. Rows of earlier runs for
 * other targets are kept. The text is a pure function of the rows, so an unchanged result is not
 * written again.
 */
import type {BackportSource, ItemResult} from './model.js'

export const COMMENT_MARKER = '<!-- flytectl-backport:results -->'
const DATA_PREFIX = '<!-- flytectl-backport:data '

export interface CommentRow {
  target: string
  branch: string
  status: ItemResult['status']
  pull?: number
  conflicts?: string[]
  error?: string
}

export function rowOf(r: ItemResult): CommentRow {
  return {
    target: r.target,
    branch: r.branch,
    status: r.status,
    ...(r.pull ? {pull: r.pull.number} : {}),
    ...(r.conflicts?.length ? {conflicts: r.conflicts} : {}),
    ...(r.error ? {error: r.error} : {}),
  }
}

/** Rows stored in an earlier comment body (empty when there is none or it is not ours). */
export function readRows(body: string | undefined): CommentRow[] {
  if (!body) return []
  const start = body.indexOf(DATA_PREFIX)
  if (start < 0) return []
  const end = body.indexOf(' -->', start)
  try {
    const rows = JSON.parse(body.slice(start + DATA_PREFIX.length, end)) as CommentRow[]
    return Array.isArray(rows) ? rows : []
  } catch {
    return []
  }
}

export function mergeRows(previous: CommentRow[], current: CommentRow[]): CommentRow[] {
  const byTarget = new Map(previous.map((r) => [r.target, r]))
  for (const r of current) byTarget.set(r.target, r)
  return [...byTarget.values()].sort((a, b) => b.target.localeCompare(a.target, 'en', {numeric: true}))
}

const STATUS_TEXT: Record<CommentRow['status'], string> = {
  open: 'opened',
  conflict: 'conflicts: draft PR, needs a manual fix',
  merged: 'merged',
  closed: 'closed without merging',
  present: 'already on the branch',
  failed: 'failed',
  planned: 'planned',
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function finishCommands(repo: string, source: BackportSource, row: CommentRow): string[] {
  const pr = source.pr !== undefined ? String(source.pr) : `--commit ${source.commits[0]!.sha}`
  if (row.pull !== undefined) {
    return [
      `git fetch origin ${row.branch}`,
      `git switch ${row.branch}`,
      `# resolve the conflict markers in: ${(row.conflicts ?? []).join(' ')}`,
      `git commit -am "Resolve backport conflicts"`,
      `git push origin ${row.branch}`,
      `flytectl backport --continue ${pr} --to ${row.target} --repo ${repo}`,
    ]
  }
  const picks = source.commits.map((c) => `git cherry-pick -x ${c.mainline ? `-m ${c.mainline} ` : ''}${c.sha}`)
  return [
    `git fetch origin ${row.target}`,
    `git switch -c ${row.branch} origin/${row.target}`,
    ...picks,
    `# resolve the conflicts, then: git add <files> && git cherry-pick --continue`,
    `git push origin ${row.branch}`,
    `flytectl backport ${pr} --to ${row.target} --repo ${repo}`,
  ]
}

export function renderComment(repo: string, source: BackportSource, rows: CommentRow[]): string {
  const lines = [COMMENT_MARKER, '### Backport', '', '| Target | Status | Pull request |', '|---|---|---|']
  for (const r of rows) {
    const status = r.status === 'failed' && r.error ? `failed: ${r.error}` : STATUS_TEXT[r.status]
    lines.push(`| \`${r.target}\` | ${cell(status)} | ${r.pull !== undefined ? `#${r.pull}` : '—'} |`)
  }
  for (const r of rows.filter((row) => row.status === 'conflict')) {
    lines.push(
      '',
      `To finish \`${r.target}\` by hand${r.conflicts?.length ? ` (conflicts in ${r.conflicts.map((f) => `\`${f}\``).join(', ')})` : ''}:`,
      '',
      '```sh',
      ...finishCommands(repo, source, r),
      '```',
    )
  }
  lines.push('', `${DATA_PREFIX}${JSON.stringify(rows)} -->`)
  return lines.join('\n')
}
