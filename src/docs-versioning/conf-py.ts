/**
 * The Sphinx conf.py updater: a pure `(text, params) → text` function built on @lezer/python.
 *
 * It rewrites only the version segment (`/en/<version>/`) of intersphinx URLs that belong to Flyte
 * docs projects, and the contents of a literal `release = "…"`. Every other byte — comments,
 * third-party entries, quoting, layout — is left as it was. URLs it cannot evaluate statically
 * (variables, `%` formatting, escapes inside the version) are reported and left alone.
 */
import {parser} from '@lezer/python'
import type {SyntaxNode} from '@lezer/common'
import {
  evalPyString,
  evalStringToken,
  innerChildren,
  sourceRange,
  UNKNOWN_CHAR,
  type PyString,
} from './python-values.js'
import {
  DEFAULT_ALIGNED,
  DEFAULT_SLUG_FORMAT,
  FLYTE_DOCS_PROJECTS,
  LATEST,
  formatSlug,
  projectForRoot,
  splitRtdUrl,
  type DocsProject,
  type DocsVersion,
} from './projects.js'

export interface MappingEntry {
  /** The mapping key, or null when it is not a plain string. */
  key: string | null
  line: number
  /** The evaluated URL (U+0000 marks parts that are not known statically). */
  url: PyString
}

export interface ReleaseAssignment {
  line: number
  /** The literal value, or null when `release` is computed (e.g. from `git describe`). */
  value: string | null
  /** Source range of the literal's contents, when it can be rewritten in place. */
  range?: [number, number]
}

export interface ConfPyInfo {
  entries: MappingEntry[]
  release?: ReleaseAssignment
  /** True when the file assigns `intersphinx_mapping` at the top level at all. */
  hasMapping: boolean
  /** Where `intersphinx_mapping` appears when it is not assigned at the top level. */
  nestedLine?: number
}

function lineOf(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

function nodeText(text: string, node: SyntaxNode): string {
  return text.slice(node.from, node.to)
}

function isName(text: string, node: SyntaxNode | null, name: string): boolean {
  return node?.name === 'VariableName' && nodeText(text, node) === name
}

/** Reads the intersphinx entries and the `release` assignment of a conf.py. */
export function readConfPy(text: string): ConfPyInfo {
  const tree = parser.parse(text)
  const entries: MappingEntry[] = []
  let release: ReleaseAssignment | undefined
  let hasMapping = false
  let nestedAt: number | undefined

  const addEntry = (keyNode: SyntaxNode | null, value: SyntaxNode) => {
    const key = keyNode && ['String', 'ContinuedString'].includes(keyNode.name) ? evalPyString(text, keyNode) : null
    const urlNode = value.name === 'TupleExpression' ? innerChildren(value).find((c) => c.name !== ',') : undefined
    const entry: MappingEntry = {
      key: key && !key.partial ? key.text : null,
      line: lineOf(text, (keyNode ?? value).from),
      url: urlNode ? evalPyString(text, urlNode) : {text: UNKNOWN_CHAR, src: [null], partial: true},
    }
    entries.push(entry)
  }

  const addDict = (dict: SyntaxNode) => {
    const items = innerChildren(dict)
    for (let i = 0; i < items.length; i++) {
      if (items[i].name === '**') {
        i += 1
        continue
      }
      if (items[i + 1]?.name === ':' && items[i + 2]) {
        addEntry(items[i], items[i + 2])
        i += 2
      }
    }
  }

  for (let stmt = tree.topNode.firstChild; stmt; stmt = stmt.nextSibling) {
    if (stmt.name === 'AssignStatement') {
      const target = stmt.firstChild
      const op = target?.nextSibling
      const value = op?.nextSibling
      if (!target || op?.name !== 'AssignOp' || !value || value.nextSibling) continue
      if (isName(text, target, 'intersphinx_mapping')) {
        hasMapping = true
        if (value.name === 'DictionaryExpression') addDict(value)
      } else if (target.name === 'MemberExpression' && isName(text, target.firstChild, 'intersphinx_mapping')) {
        const key = innerChildren(target).find((c) => c.name !== 'VariableName' && c.name !== '.') ?? null
        if (target.firstChild?.nextSibling?.name === '[') {
          hasMapping = true
          addEntry(key, value)
        }
      } else if (isName(text, target, 'release')) {
        release = readRelease(text, value)
      }
    } else if (stmt.name === 'ExpressionStatement') {
      const call = stmt.firstChild
      const callee = call?.firstChild
      if (call?.name !== 'CallExpression' || callee?.name !== 'MemberExpression') continue
      const property = callee.lastChild
      if (!isName(text, callee.firstChild, 'intersphinx_mapping') || !property) continue
      if (nodeText(text, property) !== 'update') continue
      const arg = innerChildren(callee.nextSibling!)[0]
      hasMapping = true
      if (arg?.name === 'DictionaryExpression') addDict(arg)
    }
  }
  if (!hasMapping) {
    // Assigned somewhere other than the top level (inside an if/try/function): not edited.
    tree.iterate({
      enter: (n) => {
        if (n.name === 'VariableName' && text.slice(n.from, n.to) === 'intersphinx_mapping') nestedAt ??= n.from
      },
    })
  }
  return {entries, release, hasMapping, ...(nestedAt !== undefined ? {nestedLine: lineOf(text, nestedAt)} : {})}
}

function readRelease(text: string, value: SyntaxNode): ReleaseAssignment {
  const line = lineOf(text, value.from)
  if (value.name !== 'String') return {line, value: null}
  const literal = evalStringToken(text, value.from, value.to)
  if (literal.partial) return {line, value: null}
  if (literal.text.length === 0) {
    // An empty literal: the contents start right after the opening quote(s).
    const token = nodeText(text, value)
    const quoteAt = token.search(/["']/)
    const quoteLen = token.slice(quoteAt).startsWith('"""') || token.slice(quoteAt).startsWith("'''") ? 3 : 1
    const at = value.from + quoteAt + quoteLen
    return {line, value: '', range: [at, at]}
  }
  return {line, value: literal.text, range: sourceRange(literal, 0, literal.text.length)}
}

export interface PinParams {
  version: DocsVersion
  /** Names of aligned projects (pinned to the slug); other known projects go to `latest`. */
  aligned?: string[]
  slugFormat?: string
  projects?: DocsProject[]
}

export type EntryStatus = 'pinned' | 'unchanged' | 'third-party' | 'computed'

export interface EntryResult {
  key: string | null
  line: number
  project?: string
  aligned?: boolean
  before?: string
  after?: string
  status: EntryStatus
}

export interface PinResult {
  text: string
  changed: boolean
  entries: EntryResult[]
  release?: {line: number; before: string | null; after: string | null; status: 'set' | 'unchanged' | 'computed'}
  /** Things left alone that a person may want to look at. */
  notes: string[]
  /** key → URL the mapping must evaluate to after the edit (entries that are fully known). */
  expectedMapping: Record<string, string>
  expectedRelease?: string
}

interface Edit {
  from: number
  to: number
  insert: string
}

/** Rewrites the intersphinx versions and `release` of one conf.py. Pure. */
export function pinConfPy(text: string, params: PinParams): PinResult {
  const projects = params.projects ?? FLYTE_DOCS_PROJECTS
  const aligned = new Set(params.aligned ?? DEFAULT_ALIGNED)
  const slug = formatSlug(params.slugFormat ?? DEFAULT_SLUG_FORMAT, params.version)
  const info = readConfPy(text)
  const edits: Edit[] = []
  const notes: string[] = []
  const entries: EntryResult[] = []
  const expectedMapping: Record<string, string> = {}

  for (const entry of info.entries) {
    const where = `line ${entry.line}${entry.key ? ` ("${entry.key}")` : ''}`
    const rtd = splitRtdUrl(entry.url.text)
    const project = rtd && !rtd.root.includes(UNKNOWN_CHAR) ? projectForRoot(rtd.root, projects) : undefined
    if (!project || !rtd) {
      const flyteLooking = /flyte|cookbook/i.test(entry.url.text) || projects.some((p) => p.name === entry.key)
      if (entry.url.partial && flyteLooking) notes.push(`${where}: the URL is computed; left unchanged`)
      entries.push({key: entry.key, line: entry.line, status: entry.url.partial ? 'computed' : 'third-party'})
      if (!entry.url.partial && entry.key !== null) expectedMapping[entry.key] = entry.url.text
      continue
    }
    const isAligned = aligned.has(project.name)
    const want = isAligned ? slug : LATEST
    const result: EntryResult = {
      key: entry.key,
      line: entry.line,
      project: project.name,
      aligned: isAligned,
      before: rtd.version,
      after: want,
      status: 'unchanged',
    }
    if (rtd.version.includes(UNKNOWN_CHAR)) {
      notes.push(`${where}: the ${project.name} docs version is computed; left unchanged`)
      entries.push({...result, after: undefined, status: 'computed'})
      continue
    }
    if (rtd.version !== want) {
      const range = sourceRange(entry.url, rtd.versionFrom, rtd.versionTo)
      if (!range) {
        notes.push(`${where}: the ${project.name} docs version cannot be rewritten in place; left unchanged`)
        entries.push({...result, after: undefined, status: 'computed'})
        continue
      }
      edits.push({from: range[0], to: range[1], insert: want})
      result.status = 'pinned'
    }
    entries.push(result)
    if (!entry.url.partial && entry.key !== null) {
      expectedMapping[entry.key] = entry.url.text.slice(0, rtd.versionFrom) + want + entry.url.text.slice(rtd.versionTo)
    }
  }
  if (info.hasMapping && info.entries.length === 0)
    notes.push('intersphinx_mapping has no entries written as literals; left unchanged')
  if (info.nestedLine !== undefined) {
    notes.push(`line ${info.nestedLine}: intersphinx_mapping is not assigned at the top level; left unchanged`)
  }

  let release: PinResult['release']
  let expectedRelease: string | undefined
  const wanted = params.version.release
  if (info.release && wanted !== undefined) {
    const r = info.release
    if (r.value === null || !r.range) {
      notes.push(`line ${r.line}: release is computed (not a plain string); left unchanged`)
      release = {line: r.line, before: r.value, after: null, status: 'computed'}
    } else if (r.value === wanted) {
      release = {line: r.line, before: r.value, after: wanted, status: 'unchanged'}
      expectedRelease = wanted
    } else {
      edits.push({from: r.range[0], to: r.range[1], insert: wanted})
      release = {line: r.line, before: r.value, after: wanted, status: 'set'}
      expectedRelease = wanted
    }
  }

  let out = text
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.insert + out.slice(e.to)
  return {text: out, changed: out !== text, entries, release, notes, expectedMapping, expectedRelease}
}
