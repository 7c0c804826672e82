/**
 * A small static evaluator for the Python string expressions found in Sphinx conf.py files
 * (literals, implicit concatenation, parentheses, f-strings and `"...".format(...)`), working on a
 * @lezer/python syntax tree.
 *
 * Every evaluated character remembers the source offset it came from (or null when it was produced
 * by an escape, a `{{`, or a value the evaluator cannot know). An edit is allowed only on a run of
 * characters whose offsets are consecutive, so rewriting a value in place never touches a byte that
 * was not part of that run.
 */
import type {SyntaxNode} from '@lezer/common'

/** An evaluated string: its characters and, per character, the source offset or null. */
export interface PyString {
  text: string
  src: Array<number | null>
  /** True when some part could not be known statically (those characters are U+0000). */
  partial: boolean
}

export const UNKNOWN_CHAR = '\u0000'

function unknown(): PyString {
  return {text: UNKNOWN_CHAR, src: [null], partial: true}
}

function concat(parts: PyString[]): PyString {
  return {
    text: parts.map((p) => p.text).join(''),
    src: parts.flatMap((p) => p.src),
    partial: parts.some((p) => p.partial),
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
}

/** Decodes one string literal token (with prefix and quotes). Bytes literals are unknown. */
export function evalStringToken(source: string, from: number, to: number): PyString {
  const token = source.slice(from, to)
  const prefix = /^[a-zA-Z]*/.exec(token)![0].toLowerCase()
  if (prefix.includes('b')) return unknown()
  const raw = prefix.includes('r')
  const rest = token.slice(prefix.length)
  const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest.slice(0, 1)
  const start = from + prefix.length + quote.length
  const end = to - quote.length
  const out: PyString = {text: '', src: [], partial: false}
  for (let i = start; i < end; i++) {
    const ch = source[i]
    if (ch !== '\\' || raw) {
      out.text += ch
      out.src.push(i)
      continue
    }
    const next = source[i + 1]
    if (next === '\n') {
      i += 1
      continue
    }
    if (next in SIMPLE_ESCAPES) {
      out.text += SIMPLE_ESCAPES[next]
      out.src.push(null)
      i += 1
      continue
    }
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0
    if (hex) {
      const digits = source.slice(i + 2, i + 2 + hex)
      out.text += String.fromCodePoint(parseInt(digits, 16))
      out.src.push(null)
      i += 1 + hex
      continue
    }
    // Unknown escapes keep the backslash (Python does the same).
    out.text += ch
    out.src.push(null)
  }
  return out
}

/** f-string: literal parts are known, replacement fields are not. */
function evalFormatString(source: string, node: SyntaxNode): PyString {
  const whole = evalStringToken(source, node.from, node.to)
  const holes: Array<[number, number]> = []
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'FormatReplacement') holes.push([c.from, c.to])
  }
  if (holes.length === 0) return unescapeBraces(whole)
  const parts: PyString[] = []
  let current: PyString = {text: '', src: [], partial: false}
  let inHole = false
  for (let i = 0; i < whole.text.length; i++) {
    const at = whole.src[i]
    const hole = at !== null && holes.some(([a, b]) => at >= a && at < b)
    if (hole) {
      if (!inHole) {
        parts.push(unescapeBraces(current), unknown())
        current = {text: '', src: [], partial: false}
      }
      inHole = true
      continue
    }
    inHole = false
    current.text += whole.text[i]
    current.src.push(at)
  }
  parts.push(unescapeBraces(current))
  return concat(parts)
}

/** `{{` and `}}` in f-string literal parts stand for one brace. */
function unescapeBraces(s: PyString): PyString {
  const out: PyString = {text: '', src: [], partial: s.partial}
  for (let i = 0; i < s.text.length; i++) {
    const ch = s.text[i]
    if ((ch === '{' || ch === '}') && s.text[i + 1] === ch) {
      out.text += ch
      out.src.push(null)
      i += 1
      continue
    }
    out.text += ch
    out.src.push(s.src[i])
  }
  return out
}

/** Applies str.format to an evaluated template with evaluated arguments (simple fields only). */
export function applyFormat(template: PyString, positional: PyString[], keywords: Map<string, PyString>): PyString {
  const parts: PyString[] = []
  let literal: PyString = {text: '', src: [], partial: false}
  let auto = 0
  const t = template.text
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]
    if ((ch === '{' || ch === '}') && t[i + 1] === ch) {
      literal.text += ch
      literal.src.push(null)
      i += 1
      continue
    }
    if (ch !== '{') {
      literal.text += ch
      literal.src.push(template.src[i])
      if (template.src[i] === null && ch === UNKNOWN_CHAR) literal.partial = true
      continue
    }
    const close = t.indexOf('}', i)
    if (close < 0) return unknown()
    const field = t.slice(i + 1, close)
    i = close
    parts.push(literal)
    literal = {text: '', src: [], partial: false}
    const simple = /^([A-Za-z_][A-Za-z0-9_]*|\d*)$/.exec(field)
    if (!simple) {
      parts.push(unknown())
      continue
    }
    const name = simple[1]
    const value = name === '' ? positional[auto++] : /^\d+$/.test(name) ? positional[Number(name)] : keywords.get(name)
    parts.push(value ?? unknown())
  }
  parts.push(literal)
  return concat(parts)
}

const STRING_NODES = new Set(['String', 'FormatString', 'ContinuedString'])

/** Evaluates a string-valued expression node; anything it cannot know becomes U+0000 characters. */
export function evalPyString(source: string, node: SyntaxNode): PyString {
  switch (node.name) {
    case 'String':
      return evalStringToken(source, node.from, node.to)
    case 'FormatString':
      return evalFormatString(source, node)
    case 'ContinuedString': {
      const parts: PyString[] = []
      for (let c = node.firstChild; c; c = c.nextSibling) {
        if (STRING_NODES.has(c.name)) parts.push(evalPyString(source, c))
      }
      return concat(parts)
    }
    case 'ParenthesizedExpression': {
      const inner = innerChildren(node)
      return inner.length === 1 ? evalPyString(source, inner[0]) : unknown()
    }
    case 'CallExpression': {
      const callee = node.firstChild
      const args = node.lastChild
      if (callee?.name !== 'MemberExpression' || args?.name !== 'ArgList') return unknown()
      const property = callee.lastChild
      const target = callee.firstChild
      if (!target || property?.name !== 'PropertyName' || source.slice(property.from, property.to) !== 'format') {
        return unknown()
      }
      if (!STRING_NODES.has(target.name) && target.name !== 'ParenthesizedExpression') return unknown()
      const template = evalPyString(source, target)
      const {positional, keywords} = evalArgs(source, args)
      return applyFormat(template, positional, keywords)
    }
    default:
      return unknown()
  }
}

function evalArgs(source: string, args: SyntaxNode): {positional: PyString[]; keywords: Map<string, PyString>} {
  const positional: PyString[] = []
  const keywords = new Map<string, PyString>()
  const items = innerChildren(args).filter((c) => c.name !== ',')
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (item.name === 'VariableName' && items[i + 1]?.name === 'AssignOp' && items[i + 2]) {
      keywords.set(source.slice(item.from, item.to), evalPyString(source, items[i + 2]))
      i += 2
      continue
    }
    positional.push(evalPyString(source, item))
  }
  return {positional, keywords}
}

/** Children of a bracketed node without the brackets and comments. */
export function innerChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = []
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (['(', ')', '[', ']', '{', '}', 'Comment'].includes(c.name)) continue
    out.push(c)
  }
  return out
}

/** The source range of evaluated characters [a, b) when they map 1:1 onto consecutive source bytes. */
export function sourceRange(value: PyString, a: number, b: number): [number, number] | undefined {
  if (b <= a) return undefined
  const first = value.src[a]
  if (first === null || first === undefined) return undefined
  for (let i = a + 1; i < b; i++) {
    if (value.src[i] !== first + (i - a)) return undefined
  }
  return [first, first + (b - a)]
}
