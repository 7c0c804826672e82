/**
 * GitHub's closing keywords: "close", "closes", "closed", "fix", "fixes", "fixed", "resolve",
 * "resolves", "resolved" followed by `#N`, `owner/repo#N` or an issue URL of the same repository.
 */
const KEYWORDS = String.raw`(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)`
const REF = String.raw`(?:([\w.-]+\/[\w.-]+)?#(\d+)|https?:\/\/[^\s/]+\/([\w.-]+\/[\w.-]+)\/issues\/(\d+))`
const PATTERN = new RegExp(String.raw`(?<![\w-])${KEYWORDS}:?[ \t]+${REF}(?![\w-])`, 'gi')

export function parseClosingKeywords(body: string, repo: string): number[] {
  const out = new Set<number>()
  const own = repo.toLowerCase()
  for (const m of body.matchAll(PATTERN)) {
    const slug = m[1] ?? m[3]
    const number = Number(m[2] ?? m[4])
    if (slug && slug.toLowerCase() !== own) continue
    out.add(number)
  }
  return [...out]
}
