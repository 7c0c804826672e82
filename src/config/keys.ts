/** Finding keys a schema does not know, and the closest key it does, for "did you mean" warnings. */
import type {z} from 'zod'

export interface UnknownKey {
  /** Dotted path, e.g. `admin.endpiont`. */
  path: string
  suggestion?: string
}

type AnySchema = z.ZodType

function unwrap(schema: AnySchema): AnySchema {
  let current: AnySchema = schema
  // optional()/nullable()/default() wrap the object we want to walk into.
  for (;;) {
    const def = (current as unknown as {def?: {type?: string; innerType?: AnySchema}}).def
    if (def?.innerType && (def.type === 'optional' || def.type === 'nullable' || def.type === 'default')) {
      current = def.innerType
      continue
    }
    return current
  }
}

function objectShape(schema: AnySchema): Record<string, AnySchema> | undefined {
  const inner = unwrap(schema) as unknown as {def?: {type?: string; shape?: Record<string, AnySchema>}}
  return inner.def?.type === 'object' ? inner.def.shape : undefined
}

/**
 * Walk `value` against the object schema and list keys the schema does not declare. Top-level keys
 * are skipped when `skipTopLevel` is set (the config file may hold other tools' sections), unless
 * they are a near-miss of a known section.
 */
export function findUnknownKeys(schema: AnySchema, value: unknown, skipTopLevel = false, prefix = ''): UnknownKey[] {
  const shape = objectShape(schema)
  if (!shape || value === null || typeof value !== 'object' || Array.isArray(value)) return []
  const out: UnknownKey[] = []
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key
    const childSchema = shape[key]
    if (!childSchema) {
      const suggestion = closest(key, Object.keys(shape))
      // Other tools' sections pass silently; a near-miss of one of ours (`admn:`) is a typo.
      if (!skipTopLevel || (suggestion && key.length >= 4)) out.push({path, suggestion})
      continue
    }
    out.push(...findUnknownKeys(childSchema, child, false, path))
  }
  return out
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
