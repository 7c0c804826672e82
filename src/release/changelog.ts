/**
 * Release notes from merged pull requests, grouped by label (Keep a Changelog headings, as Flyte's
 * 1.16.x changelogs are), each entry linking its PR, and a compare link per repository.
 */
import type {ForgePull} from '../forge/types.js'

export interface ChangelogGroup {
  title: string
  labels: string[]
}

export interface ChangelogInput {
  /** "Flyte 1.4.0" */
  heading: string
  groups: ChangelogGroup[]
  repos: {repo: string; pulls: ForgePull[]; compareUrl?: string; previousTag?: string; tag: string}[]
  /** Prefix PR references with the repository when more than one repository is released. */
  multiRepo?: boolean
}

/** One Markdown document; entries sorted by merge time, newest last; a PR appears once. */
export function renderChangelog(input: ChangelogInput): string {
  const sections = new Map<string, string[]>()
  for (const g of input.groups) sections.set(g.title, [])
  sections.set('Other', [])
  let total = 0
  for (const r of input.repos) {
    const pulls = [...r.pulls].sort((a, b) => (a.mergedAt ?? '').localeCompare(b.mergedAt ?? '') || a.number - b.number)
    for (const pr of pulls) {
      const labels = pr.labels.map((l) => l.toLowerCase())
      const group = input.groups.find((g) => g.labels.some((l) => labels.includes(l.toLowerCase())))
      const ref = input.multiRepo ? `${r.repo}#${pr.number}` : `#${pr.number}`
      sections.get(group?.title ?? 'Other')!.push(`- ${pr.title.trim()} ([${ref}](${pr.htmlUrl}))`)
      total++
    }
  }
  const lines = [`# ${input.heading}`, '']
  if (total === 0) lines.push('No pull requests were merged since the previous release.', '')
  for (const [title, entries] of sections) {
    if (entries.length === 0) continue
    lines.push(`## ${title}`, ...entries, '')
  }
  for (const r of input.repos) {
    if (!r.compareUrl) continue
    const label = input.multiRepo ? ` (${r.repo})` : ''
    lines.push(`**Full Changelog${label}**: ${r.compareUrl}`, '')
  }
  return lines.join('\n').replace(/\n+$/, '\n')
}
