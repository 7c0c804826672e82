/** The paths where two definitions differ, for "... with different structure already exists" messages. */
import {toJson, type DescMessage, type MessageShape} from '@bufbuild/protobuf'
import type {JsonValue} from '@bufbuild/protobuf'

function walk(a: JsonValue | undefined, b: JsonValue | undefined, path: string, out: string[], max: number): void {
  if (out.length >= max) return
  if (JSON.stringify(a) === JSON.stringify(b)) return
  const isObj = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], `${path}/${k}`, out, max)
    return
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => walk(v, b[i], `${path}/${i}`, out, max))
    return
  }
  out.push(`${path || '/'}: ${JSON.stringify(a) ?? '<unset>'} -> ${JSON.stringify(b) ?? '<unset>'}`)
}

export function structureDiff<S extends DescMessage>(
  schema: S,
  before: MessageShape<S>,
  after: MessageShape<S>,
  max = 10,
): string[] {
  const out: string[] = []
  walk(toJson(schema, before), toJson(schema, after), '', out, max)
  return out
}
