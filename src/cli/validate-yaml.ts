/**
 * YAML from users, read in linear time with limits: a size cap, a key-count cap, and duplicate keys
 * found with one set per map. (The `yaml` package's own `uniqueKeys` check compares every key with
 * every other: 20,000 keys took 20 s; see bench/yaml-keys.ts.) Callers wrap the one-line problem in
 * their own error ("attrFile x.yaml: …").
 */
import {isMap, isScalar, LineCounter, parseDocument, visit, type Document, type ParseOptions} from 'yaml'

export interface YamlLimits {
  /** Characters of text. */
  maxChars: number
  /** Keys in all maps of the document together. */
  maxKeys: number
}

export const DEFAULT_YAML_LIMITS: YamlLimits = {maxChars: 8 * 1024 * 1024, maxKeys: 10_000}

export type CheckedYaml = {doc: Document; problem?: undefined} | {doc?: undefined; problem: string}

/** Parse `text` as one YAML document; `problem` says (in one line, with the line number) what is wrong. */
export function parseYamlChecked(
  text: string,
  options: Omit<ParseOptions, 'lineCounter' | 'uniqueKeys'> & {intAsBigInt?: boolean} = {},
  limits: YamlLimits = DEFAULT_YAML_LIMITS,
): CheckedYaml {
  if (text.length > limits.maxChars)
    return {problem: `is ${text.length} characters long; the limit is ${limits.maxChars}`}
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {...options, uniqueKeys: false, prettyErrors: false, lineCounter})
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lineCounter.linePos(offset).line)
  const error = doc.errors[0]
  if (error) {
    const pos = lineCounter.linePos(error.pos[0])
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    return {problem: `is not valid YAML (line ${pos.line}, column ${pos.col}): ${reason}`}
  }
  let keys = 0
  let problem: string | undefined
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined
      const seen = new Set<string>()
      for (const pair of map.items) {
        keys++
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        if (key === '<<') continue
        if (seen.has(key)) {
          const at = isScalar(pair.key) ? lineOf(pair.key.range?.[0]) : 0
          problem = `has the key "${key.slice(0, 60)}" twice in one map${at ? ` (line ${at})` : ''}`
          return visit.BREAK
        }
        seen.add(key)
      }
      if (keys > limits.maxKeys) {
        problem = `has more than ${limits.maxKeys} keys`
        return visit.BREAK
      }
      return undefined
    },
  })
  return problem ? {problem} : {doc}
}
