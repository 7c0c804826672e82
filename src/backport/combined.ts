/**
 * Backports as people write them: which source PRs a release-branch commit (or a backport PR's
 * title or branch) carries, and the branch and title templates of the `backport:` settings.
 *
 * The spellings come from Flyte's release branches (test/fixtures/release-history/*.release-branches.tsv):
 * `Fix X (#2813) (#2817)`, `Backport #5788, #5855, and #5769 to release v1.13 (#5890)`,
 * `Rel v1.13 bp 5795 5987 6013 (#6016)`, `v1.14 Backport 3086 - StructuredDatasets… (#3088)`,
 * `Backport 3043 (…) to v1.14 + 3024 (#3045)`, `Cherry-pick #854 into v0.30 … (#855)`, and branches
 * `backport-2813-to-release-v1.13`, `downstream--2940-2994-3011-3012-3014-to-release-v1.14`.
 */

/** A subject that says it is a backport: bare numbers in it are PR numbers too. */
const BACKPORT_WORD = /\b(?:backport(?:s|ed|ing)?|bp|cherry[- ]?pick(?:s|ed)?)\b/i

/**
 * PR numbers a commit subject carries: every `#N`, and in a backport subject every bare number that
 * is not part of a version, a date or a sha (`bp 5795 5987`, `Backport 3086 -`). A revert carries
 * none. The subject's own trailing `(#N)` (the backport PR) is included; numbers are unique per
 * repository, so it cannot stand for another PR.
 */
export function pullsInSubject(subject: string): number[] {
  const s = subject.trim()
  if (/^revert\b/i.test(s)) return []
  const out = new Set<number>()
  for (const m of s.matchAll(/(?<![\w&])#(\d{1,7})\b/g)) out.add(Number(m[1]))
  if (BACKPORT_WORD.test(s)) {
    // Standalone integers: not next to a letter, digit, dot, slash, dash-digit or colon.
    for (const m of s.matchAll(/(?<![\w.#/:-])(\d{2,7})(?![\w./:]|-\d)/g)) out.add(Number(m[1]))
  }
  return [...out].sort((a, b) => a - b)
}

/**
 * PR numbers a whole commit message carries: the subject's, plus the squash listing of a combined
 * PR's body (`* Fix X (#5788)` lines). `Closes #N` and other references in the body do not count.
 */
export function pullsInMessage(subject: string, body = ''): number[] {
  const out = new Set(pullsInSubject(subject))
  if (out.size > 0 || BACKPORT_WORD.test(subject)) {
    for (const line of body.split('\n')) {
      const m = /^\s*[*-]\s+(?!revert\b).*\(#(\d{1,7})\)\s*$/i.exec(line)
      if (m) out.add(Number(m[1]))
    }
  }
  return [...out].sort((a, b) => a - b)
}

// ---------------------------------------------------------------------------------------------
// Templates

/** Placeholders a branch name may use (all render to ref-safe text). */
export const BRANCH_PLACEHOLDERS = ['targetBranch', 'targetVersion', 'sources', 'refValues', 'sourceBranch'] as const
/** Placeholders a title may use. */
export const TITLE_PLACEHOLDERS = [
  ...BRANCH_PLACEHOLDERS,
  'sourceNumbers',
  'commitMessages',
  'sourcePullRequest.number',
  'sourcePullRequest.title',
] as const

export type TemplateValues = Record<(typeof TITLE_PLACEHOLDERS)[number], string>

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g

/** Undefined when the template is fine; otherwise what is wrong with it. */
export function templateProblem(template: string, allowed: readonly string[]): string | undefined {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!)
  const unknown = names.find((n) => !allowed.includes(n))
  if (unknown !== undefined) return `unknown placeholder {{${unknown}}}; known: ${allowed.join(', ')}`
  if (/\{\{|\}\}/.test(template.replace(PLACEHOLDER, ''))) return 'unbalanced {{ }}'
  return undefined
}

export function renderTemplate(template: string, values: Partial<TemplateValues>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name as keyof TemplateValues] ?? '')
}

/** A branch name git and GitHub accept (checked after rendering; templates can build bad ones). */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 200) return 'empty or longer than 200 characters'
  if (!/^[A-Za-z0-9._/+-]+$/.test(name)) return 'only letters, digits and . _ / + - are allowed'
  if (/\.\.|\/\/|^[./-]|[./]$|\.lock$|\/\./.test(name)) return 'not a valid git branch name'
  return undefined
}

/** `#1`, `#1 and #2`, `#1, #2, and #3` (Flyte's spelling). */
export function numberList(numbers: string[]): string {
  const refs = numbers.map((n) => (/^\d+$/.test(n) ? `#${n}` : n))
  if (refs.length <= 2) return refs.join(' and ')
  return `${refs.slice(0, -1).join(', ')}, and ${refs.at(-1)}`
}

/**
 * Which sources an existing branch name carries, read back through the branch template: the
 * `{{sources}}` part split on dashes (`2940-2994-3011`), or `{{refValues}}` (`pr-1_pr-2`).
 * Undefined when the branch does not fit the template for this target.
 */
export function sourcesInBranch(
  branch: string,
  template: string,
  values: Pick<TemplateValues, 'targetBranch' | 'targetVersion' | 'sourceBranch'>,
): string[] | undefined {
  let pattern = ''
  let last = 0
  let group: 'sources' | 'refValues' | undefined
  for (const m of template.matchAll(PLACEHOLDER)) {
    pattern += escapeRe(template.slice(last, m.index))
    const name = m[1]!
    if ((name === 'sources' || name === 'refValues') && !group) {
      group = name
      pattern += '(?<sources>[A-Za-z0-9_-]+?)'
    } else pattern += escapeRe(values[name as keyof typeof values] ?? '')
    last = m.index! + m[0].length
  }
  pattern += escapeRe(template.slice(last))
  if (!group) return undefined
  const m = new RegExp(`^${pattern}$`).exec(branch)
  if (!m?.groups?.sources) return undefined
  const raw = m.groups.sources
  const parts = group === 'sources' ? raw.split('-') : raw.split('_').map((p) => p.replace(/^(pr|commit)-/, ''))
  const out = parts.filter((p) => p !== '')
  return out.length > 0 ? out : undefined
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * A PR into `target` that ports `number`: its branch, read back through the branch template, names
 * it (`backport-2813-to-…`, `downstream--2940-2994-to-…`), or its title does (`Backport #5788,
 * #5855, and #5769 to release v1.13`, `bp 5795 5987`).
 */
export function pullCarries(
  pull: {number: number; base: string; head: string; title: string},
  number: number,
  target: string,
  branchTemplate: string,
  values: Pick<TemplateValues, 'targetBranch' | 'targetVersion' | 'sourceBranch'>,
): boolean {
  if (pull.base !== target || pull.number === number) return false
  const head = pull.head.includes(':') ? pull.head.slice(pull.head.indexOf(':') + 1) : pull.head
  if (sourcesInBranch(head, branchTemplate, values)?.includes(String(number))) return true
  return pullsInSubject(pull.title).includes(number)
}
