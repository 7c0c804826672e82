/**
 * `triage check-pr`: every pull request is associated with an issue, and a large one with a proposal.
 *
 * An issue counts as linked through GitHub's closingIssuesReferences, a closing keyword in the body
 * (`Closes #12`, `fixes flyteorg/flyte#12`, an issue URL), or a reference in the template's
 * "Tracking issue" section (`Related to #12`). HTML comments are ignored, so the template's own
 * `Closes #999` example never counts.
 */
import type {Forge, ForgePull, RepoSlug} from '../forge/types.js'
import {CliError} from '../cli/errors.js'
import {hasAnyLabel, isBot} from './policy.js'

export interface IssueLink {
  repo: RepoSlug
  number: number
  via: 'closing-reference' | 'closing-keyword' | 'tracking-section'
}

export interface CheckPrPolicy {
  /** additions + deletions above which a proposal is required (default 1000). */
  maxLines?: number
  /** Labels on a linked issue that make it a proposal (default rfc, proposal). */
  proposalLabels?: string[]
  /** PR labels that skip the check. */
  exemptLabels?: string[]
  /** Logins treated as bots (GitHub Apps and `[bot]` logins always are); bot PRs are exempt. */
  bots?: string[]
}

export interface CheckPrResult {
  repo: RepoSlug
  pull: number
  ok: boolean
  exempt?: string
  links: IssueLink[]
  size: {lines: number; threshold: number; large: boolean}
  proposal: string | null
  problems: string[]
}

export function stripHtmlComments(body: string): string {
  return body.replace(/<!--[\s\S]*?(-->|$)/g, '')
}

const REF = String.raw`(?:([\w.-]+\/[\w.-]+)#(\d+)|#(\d+)|https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/issues\/(\d+))`

function refFrom(m: RegExpExecArray, offset: number, repo: RepoSlug): {repo: RepoSlug; number: number} {
  const [full, fullNum, short, urlRepo, urlNum] = m.slice(offset, offset + 5)
  if (full) return {repo: full, number: Number(fullNum)}
  if (urlRepo) return {repo: urlRepo, number: Number(urlNum)}
  return {repo, number: Number(short)}
}

/** Issues named after a closing keyword (GitHub's list: close, fix, resolve and their forms). */
export function closingKeywordRefs(body: string, repo: RepoSlug): Array<{repo: RepoSlug; number: number}> {
  const re = new RegExp(String.raw`\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+` + REF, 'gi')
  const out: Array<{repo: RepoSlug; number: number}> = []
  for (let m = re.exec(body); m; m = re.exec(body)) out.push(refFrom(m, 1, repo))
  return out
}

/** References inside a "Tracking issue" section (the heading line itself included, as in the 2023 template). */
export function trackingSectionRefs(body: string, repo: RepoSlug): Array<{repo: RepoSlug; number: number}> {
  const lines = body.split(/\r?\n/)
  const out: Array<{repo: RepoSlug; number: number}> = []
  for (let i = 0; i < lines.length; i++) {
    const heading = /^(#{1,6})\s*tracking issues?\b(.*)$/i.exec(lines[i])
    if (!heading) continue
    const level = heading[1].length
    const section = [heading[2]]
    for (let j = i + 1; j < lines.length; j++) {
      const next = /^(#{1,6})\s/.exec(lines[j])
      if (next && next[1].length <= level) break
      section.push(lines[j])
    }
    const re = new RegExp(REF, 'g')
    const text = section.join('\n')
    for (let m = re.exec(text); m; m = re.exec(text)) out.push(refFrom(m, 1, repo))
  }
  return out
}

/** A link to a proposal: an RFC document, a GitHub discussion, or an "RFC:"/"Proposal:" line with a link. */
export function proposalLink(body: string): string | null {
  const patterns = [
    /https?:\/\/\S*\/rfcs?\/\S+/i,
    /https?:\/\/github\.com\/[\w.-]+\/[\w.-]+\/discussions\/\d+/i,
    /\b(?:rfc|proposal)\b[^\n]*?(?:https?:\/\/\S+|[\w.-]+\/[\w.-]+#\d+|#\d+)/i,
  ]
  for (const p of patterns) {
    const m = p.exec(body)
    if (m) return m[0].replace(/[).,>\]]+$/, '')
  }
  return null
}

function dedupe(links: IssueLink[]): IssueLink[] {
  const seen = new Set<string>()
  return links.filter((l) => {
    const key = `${l.repo.toLowerCase()}#${l.number}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Pure: judge a PR from its body, size and the issues GitHub says it closes. */
export function judgePull(
  repo: RepoSlug,
  pull: ForgePull,
  closingReferences: number[],
  policy: CheckPrPolicy = {},
  linkedProposal: string | null = null,
): CheckPrResult {
  const threshold = policy.maxLines ?? 1000
  const lines = pull.additions + pull.deletions
  const size = {lines, threshold, large: lines > threshold}
  const base = {repo, pull: pull.number, size}
  if (isBot(pull.author, policy.bots)) {
    return {
      ...base,
      ok: true,
      exempt: `opened by a bot (${pull.author.login})`,
      links: [],
      proposal: null,
      problems: [],
    }
  }
  if (policy.exemptLabels?.length && hasAnyLabel(pull, policy.exemptLabels)) {
    const label = pull.labels.find((l) => policy.exemptLabels!.some((e) => e.toLowerCase() === l.toLowerCase()))
    return {...base, ok: true, exempt: `label "${label}"`, links: [], proposal: null, problems: []}
  }
  const body = stripHtmlComments(pull.body ?? '')
  const links = dedupe([
    ...closingReferences.map((n) => ({repo, number: n, via: 'closing-reference' as const})),
    ...closingKeywordRefs(body, repo).map((r) => ({...r, via: 'closing-keyword' as const})),
    ...trackingSectionRefs(body, repo).map((r) => ({...r, via: 'tracking-section' as const})),
  ]).filter((l) => !(l.repo.toLowerCase() === repo.toLowerCase() && l.number === pull.number))
  const problems: string[] = []
  if (links.length === 0) {
    problems.push(
      `PR #${pull.number} does not link an issue: add "Closes #<issue>" or a "## Tracking issue" section that references one`,
    )
  }
  const proposal = proposalLink(body) ?? linkedProposal
  if (size.large && !proposal) {
    problems.push(
      `PR #${pull.number} changes ${lines} lines (over ${threshold}) and links no proposal: link the RFC or discussion it implements`,
    )
  }
  return {...base, ok: problems.length === 0, links, proposal, problems}
}

export async function runCheckPr(
  forge: Forge,
  options: CheckPrPolicy & {repo: RepoSlug; pull: number},
): Promise<CheckPrResult> {
  const pull = await forge.getPull(options.repo, options.pull)
  if (!pull) {
    throw new CliError('not-found', `pull request #${options.pull} does not exist in ${options.repo}`, {
      hint: 'Check the number and --repo.',
    })
  }
  // The template's own example ("use `Closes #999`…") sits in an HTML comment; GitHub renders no
  // comment, so a number named only there is not a link even if the forge's keyword scan found it.
  const own = (refs: Array<{repo: RepoSlug; number: number}>) =>
    new Set(refs.filter((r) => r.repo.toLowerCase() === options.repo.toLowerCase()).map((r) => r.number))
  const visible = own(closingKeywordRefs(stripHtmlComments(pull.body ?? ''), options.repo))
  const commentOnly = [...own(closingKeywordRefs(pull.body ?? '', options.repo))].filter((n) => !visible.has(n))
  const references = (await forge.linkedIssues(options.repo, options.pull)).filter((n) => !commentOnly.includes(n))
  let result = judgePull(options.repo, pull, references, options)
  if (result.size.large && !result.proposal && result.links.length > 0) {
    // A linked issue labelled as a proposal satisfies the rule too.
    const labels = options.proposalLabels ?? ['rfc', 'proposal']
    for (const link of result.links) {
      const issue = await forge.getIssue(link.repo, link.number)
      if (issue && hasAnyLabel(issue, labels)) {
        result = judgePull(options.repo, pull, references, options, issue.htmlUrl)
        break
      }
    }
  }
  return result
}
