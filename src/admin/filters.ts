/**
 * flytectl's `--filter.*` flags → FlyteAdmin list-request fields.
 * fieldSelector grammar: comma-separated terms `key<op>value` with ops `=`, `!=`, `>`, `>=`, `<`, `<=`,
 * ` contains `, ` in (a;b)`, ` not in (a;b)`. In values `\,` is a comma, `\=` an equals sign and
 * `\\` a backslash (unlike Go flytectl, the comma split honours `\,`).
 */
import {CliError} from '../cli/errors.js'

export interface FilterFlags {
  fieldSelector?: string
  sortBy?: string
  asc?: boolean
  limit?: number
  page?: number
  token?: string
}

export interface ListParams {
  limit: number
  token: string
  filters: string
  /** direction as flyteidl's Sort.Direction: 0 DESCENDING, 1 ASCENDING. */
  sortBy?: {key: string; direction: 0 | 1}
}

const SYMBOL_OPS: Array<[string, string]> = [
  ['!=', 'ne'],
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['=', 'eq'],
  ['>', 'gt'],
  ['<', 'lt'],
]

function invalid(message: string): CliError {
  return new CliError('invalid-input', `invalid field selector: ${message}`, {
    hint: 'Use terms like name=x,phase in (FAILED;SUCCEEDED),created_at>2024-01-01T00:00:00Z; escape commas as \\,',
  })
}

/** Split on commas not preceded by a backslash escape; escapes are kept for the term parser. */
export function splitTerms(selector: string): string[] {
  const terms: string[] = []
  let current = ''
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!
    if (c === '\\') {
      if (i + 1 >= selector.length) throw invalid('a trailing \\ escapes nothing')
      current += c + selector[i + 1]
      i++
    } else if (c === ',') {
      terms.push(current)
      current = ''
    } else current += c
  }
  terms.push(current)
  return terms.map((t) => t.trim()).filter((t) => t !== '')
}

function unescapeValue(raw: string): string {
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c === '\\') {
      const next = raw[i + 1]
      if (next !== '\\' && next !== '=' && next !== ',') throw invalid(`invalid escape sequence \\${next ?? ''}`)
      out += next
      i++
    } else if (c === '=') {
      throw invalid(`unescaped = in value ${JSON.stringify(raw)} (write \\=)`)
    } else out += c
  }
  return out
}

/** Index of `needle` in `term` outside escapes, or -1. */
function findUnescaped(term: string, needle: string): number {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++
      continue
    }
    if (term.startsWith(needle, i)) return i
  }
  return -1
}

export function parseTerm(term: string): string {
  const list = /^(.+?)\s+(not\s+in|in)\s*\((.*)\)$/.exec(term)
  if (list) {
    const key = list[1]!.trim()
    const values = list[3]!
      .split(';')
      .map((v) => unescapeValue(v.trim()))
      .filter((v) => v !== '')
    if (!key || values.length === 0) throw invalid(`term ${JSON.stringify(term)} needs a key and at least one value`)
    return `${/^not/.test(list[2]!) ? 'value_not_in' : 'value_in'}(${key},${values.join(';')})`
  }
  const contains = findUnescaped(term, ' contains ')
  if (contains > 0) {
    const key = term.slice(0, contains).trim()
    const value = unescapeValue(term.slice(contains + ' contains '.length).trim())
    if (!key || !value) throw invalid(`term ${JSON.stringify(term)} needs a key and a value`)
    return `contains(${key},${value})`
  }
  let best: {at: number; op: string; fn: string} | undefined
  for (const [op, fn] of SYMBOL_OPS) {
    const at = findUnescaped(term, op)
    if (at >= 0 && (best === undefined || at < best.at || (at === best.at && op.length > best.op.length)))
      best = {at, op, fn}
  }
  if (!best) throw invalid(`term ${JSON.stringify(term)} has no operator (=, !=, >, >=, <, <=, contains, in)`)
  const key = term.slice(0, best.at).trim()
  const value = unescapeValue(term.slice(best.at + best.op.length).trim())
  if (!key || !value) throw invalid(`term ${JSON.stringify(term)} needs a key and a value`)
  return `${best.fn}(${key},${value})`
}

/** `a=b,c>1` → `eq(a,b)+gt(c,1)`. */
export function fieldSelectorToFilter(selector: string | undefined): string {
  if (!selector) return ''
  return splitTerms(selector).map(parseTerm).join('+')
}

/** Joins admin filter expressions, skipping empty ones. */
export function andFilters(...filters: Array<string | undefined>): string {
  return filters.filter((f): f is string => Boolean(f)).join('+')
}

/** One page per invocation, as flytectl: token = explicit token, else the offset of --filter.page. */
export function listParams(flags: FilterFlags, defaults: {sortBy?: string} = {}): ListParams {
  const limit = flags.limit ?? 100
  const page = flags.page ?? 1
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError('invalid-input', `--filter.limit must be a positive integer (got ${limit})`)
  if (!Number.isInteger(page) || page < 1)
    throw new CliError('invalid-input', `--filter.page must be a positive integer (got ${page})`)
  if (!flags.token && (page - 1) * limit > Number.MAX_SAFE_INTEGER)
    throw new CliError('invalid-input', `--filter.page ${page} × --filter.limit ${limit} is past the last offset`, {
      hint: 'Use a smaller --filter.page, or --filter.token from the previous page.',
    })
  const token = flags.token ? flags.token : page > 1 ? String((page - 1) * limit) : ''
  const sortKey = flags.sortBy ?? defaults.sortBy ?? 'created_at'
  return {
    limit,
    token,
    filters: fieldSelectorToFilter(flags.fieldSelector),
    ...(sortKey ? {sortBy: {key: sortKey, direction: flags.asc ? 1 : 0}} : {}),
  }
}

/** Follows `token` until the server returns an empty one. */
export async function listAllPages<T>(
  fetchPage: (token: string) => Promise<{items: T[]; token: string}>,
  maxPages = 10_000,
): Promise<T[]> {
  const all: T[] = []
  let token = ''
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(token)
    all.push(...page.items)
    if (!page.token || page.token === token) return all
    token = page.token
  }
  return all
}
