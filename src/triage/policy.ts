/**
 * Flyte's triage policy as data (reference: flyte-release-practice.md §4). Every command takes these
 * as defaults and lets flags override them.
 */
import type {ForgeIssue, ForgeUser} from '../forge/types.js'

export const UNTRIAGED = 'untriaged'
export const STALE = 'stale'
export const SECURITY = 'security'

/** Labels the issue forms add next to `untriaged`; they describe the issue, not a triage decision. */
export const FORM_LABELS = ['bug', 'enhancement', 'documentation', 'plugins', 'FlyteCTL', 'ui']

/** The housekeeping form deliberately files issues without `untriaged`. */
export const DEFAULT_LABEL_EXEMPT = ['housekeeping']

/** Report themes and the labels that put an issue in each. */
export const DEFAULT_THEMES: Record<string, string[]> = {
  bugs: ['bug'],
  security: ['security'],
  docs: ['documentation', 'docs'],
  features: ['enhancement'],
  plugins: ['plugins'],
  scale: ['scale'],
  contribute: ['good first issue', 'help wanted'],
}

/** Labels about process, not about a part of the product; never counted as components. */
export const PROCESS_LABELS = [
  UNTRIAGED,
  STALE,
  'housekeeping',
  'review-needed',
  'work-in-progress',
  'backlogged',
  'added',
  'changed',
  'deprecated',
  'removed',
  'fixed',
  'wontfix',
  'duplicate',
  'invalid',
  'question',
]

export interface IssueRef {
  number: number
  title: string
  url: string
  labels: string[]
  assignees: string[]
  milestone: string | null
}

export function issueRef(issue: ForgeIssue): IssueRef {
  return {
    number: issue.number,
    title: issue.title,
    url: issue.htmlUrl,
    labels: issue.labels,
    assignees: issue.assignees,
    milestone: issue.milestone?.title ?? null,
  }
}

/** A bot account: a GitHub App / Bot user, a `[bot]` login, or a login listed by the caller. */
export function isBot(user: ForgeUser | null | undefined, extraBots: string[] = []): boolean {
  if (!user) return true // ghost / deleted accounts do not show human activity
  if (user.type === 'Bot') return true
  if (/\[bot\]$/i.test(user.login)) return true
  return extraBots.some((b) => b.toLowerCase() === user.login.toLowerCase())
}

export function hasLabel(issue: {labels: string[]}, label: string): boolean {
  return issue.labels.some((l) => l.toLowerCase() === label.toLowerCase())
}

export function hasAnyLabel(issue: {labels: string[]}, labels: string[]): boolean {
  return labels.some((l) => hasLabel(issue, l))
}

export const DAY_MS = 24 * 60 * 60 * 1000
