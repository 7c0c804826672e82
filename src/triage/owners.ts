/**
 * `triage owners`: every repository has a CODEOWNERS file GitHub reads, its lines parse, and every
 * user and team it names exists.
 *
 * GitHub looks in `.github/`, then the root, then `docs/`, and uses the first file it finds; files
 * elsewhere (like the per-component ones left in flyte after the monorepo merge) are ignored.
 */
import type {Forge, RepoSlug} from '../forge/types.js'

export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']

export interface CodeownersRule {
  line: number
  pattern: string
  owners: string[]
}

export interface CodeownersProblem {
  line: number
  message: string
}

const USER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const TEAM = /^@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** Pure: parses GitHub's CODEOWNERS syntax and reports lines GitHub would reject or misread. */
export function parseCodeowners(text: string): {rules: CodeownersRule[]; problems: CodeownersProblem[]} {
  const rules: CodeownersRule[] = []
  const problems: CodeownersProblem[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    // A `#` starts a comment unless escaped (`\#` matches a file whose name starts with #).
    const content = raw.replace(/(^|[^\\])#.*$/, '$1').trim()
    if (!content) return
    const [pattern, ...owners] = content.split(/\s+/)
    if (pattern.startsWith('@')) {
      problems.push({line, message: `"${pattern}" is an owner where a path pattern belongs`})
      return
    }
    if (pattern.startsWith('!'))
      problems.push({line, message: `negated pattern "${pattern}" is not supported by GitHub`})
    if (/[[\]]/.test(pattern))
      problems.push({line, message: `character ranges in "${pattern}" are not supported by GitHub`})
    for (const owner of owners) {
      if (!USER.test(owner) && !TEAM.test(owner) && !EMAIL.test(owner)) {
        problems.push({line, message: `"${owner}" is not a @user, @org/team or email address`})
      }
    }
    rules.push({line, pattern, owners})
  })
  return {rules, problems}
}

export interface OwnersRepoResult {
  repo: RepoSlug
  /** The file GitHub uses, or null when there is none. */
  file: string | null
  /** Other CODEOWNERS files in GitHub's locations, shadowed by `file`. */
  shadowed: string[]
  rules: number
  problems: CodeownersProblem[]
  unknownOwners: Array<{line: number; owner: string}>
  ok: boolean
}

export interface OwnersResult {
  ok: boolean
  repos: OwnersRepoResult[]
  api: {reads: number; writes: number}
}

export async function runOwners(forge: Forge, options: {repos: RepoSlug[]}): Promise<OwnersResult> {
  const before = {...forge.counters}
  const known = new Map<string, Promise<boolean>>()
  const exists = (owner: string): Promise<boolean> => {
    const key = owner.toLowerCase()
    if (!known.has(key)) {
      const name = owner.slice(1)
      known.set(key, name.includes('/') ? forge.teamExists(name) : forge.userExists(name))
    }
    return known.get(key)!
  }
  const repos: OwnersRepoResult[] = []
  for (const repo of options.repos) {
    const info = await forge.getRepo(repo)
    if (!info) {
      repos.push({
        repo,
        file: null,
        shadowed: [],
        rules: 0,
        problems: [{line: 0, message: 'repository not found'}],
        unknownOwners: [],
        ok: false,
      })
      continue
    }
    const found: Array<{path: string; text: string}> = []
    for (const path of CODEOWNERS_LOCATIONS) {
      const file = await forge.getFile(repo, path, info.defaultBranch)
      if (file) found.push({path, text: file.text})
    }
    if (found.length === 0) {
      repos.push({
        repo,
        file: null,
        shadowed: [],
        rules: 0,
        problems: [{line: 0, message: `no CODEOWNERS in ${CODEOWNERS_LOCATIONS.join(', ')}`}],
        unknownOwners: [],
        ok: false,
      })
      continue
    }
    const [used, ...shadowed] = found
    const parsed = parseCodeowners(used.text)
    if (parsed.rules.length === 0) parsed.problems.push({line: 0, message: `${used.path} has no rules`})
    const unknownOwners: Array<{line: number; owner: string}> = []
    for (const rule of parsed.rules) {
      for (const owner of rule.owners) {
        if (owner.startsWith('@') && !(await exists(owner))) unknownOwners.push({line: rule.line, owner})
      }
    }
    repos.push({
      repo,
      file: used.path,
      shadowed: shadowed.map((s) => s.path),
      rules: parsed.rules.length,
      problems: parsed.problems,
      unknownOwners,
      ok: parsed.problems.length === 0 && unknownOwners.length === 0,
    })
  }
  return {
    ok: repos.every((r) => r.ok),
    repos,
    api: {reads: forge.counters.reads - before.reads, writes: forge.counters.writes - before.writes},
  }
}
