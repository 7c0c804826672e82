/**
 * Identity of registered definitions, decided the way FlyteAdmin decides it: a digest of the
 * definition's structure (map entries in any order, default values absent), never of the bytes a
 * client happened to send; and, when two definitions with one id differ, the paths that really
 * differ in FlyteAdmin's spelling:
 *
 *   /template/Target/Container/image:
 *   \t- img:a
 *   \t+ img:b
 *
 * Paths follow the Go structs FlyteAdmin serialises (snake_case field names, a oneof as its Go
 * field name then the chosen member's Go name); values are printed as Go's `%v` prints them
 * (`<nil>` for an absent value, `map[k:v]`, `[a b]`, numbers as float64).
 */
import {isMessage, type DescField, type DescMessage, type Message, type MessageShape} from '@bufbuild/protobuf'
import {createHash} from 'node:crypto'

/** A JSON-like value shaped as Go's encoding/json writes a generated protobuf struct. */
type GoJson = string | number | boolean | GoJson[] | {[k: string]: GoJson}

/** protoc-gen-go's GoCamelCase: `k8s_pod` → `K8SPod`, `container` → `Container`. */
export function goCamelCase(name: string): string {
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!
    if (c === '_' && i + 1 < name.length && /[a-z]/.test(name[i + 1]!)) continue
    const prev = i > 0 ? name[i - 1]! : ''
    if (i === 0 || prev === '_' || /[0-9]/.test(prev)) out += c.toUpperCase()
    else out += c
  }
  return out
}

function scalarValue(v: unknown): GoJson | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'bigint') return v === 0n ? undefined : Number(v)
  if (typeof v === 'number') return v === 0 ? undefined : v
  if (typeof v === 'boolean') return v ? true : undefined
  if (typeof v === 'string') return v === '' ? undefined : v
  if (v instanceof Uint8Array) return v.length === 0 ? undefined : Buffer.from(v).toString('base64')
  return undefined
}

/** The value one field contributes (undefined when Go's `omitempty` drops it). */
function fieldValue(field: DescField, v: unknown): GoJson | undefined {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
      return scalarValue(v)
    case 'message':
      if (v === undefined) return undefined
      return isMessage(v) ? messageJson(field.message, v) : unboxed(field.message.typeName, v)
    case 'list': {
      const items = v as unknown[]
      if (items.length === 0) return undefined
      return items.map((item) =>
        field.listKind === 'message' ? messageItem(field.message, item) : (scalarValue(item) ?? zero(item)),
      )
    }
    case 'map': {
      const entries = Object.entries(v as Record<string, unknown>)
      if (entries.length === 0) return undefined
      const out: Record<string, GoJson> = {}
      for (const [k, item] of entries) {
        out[k] =
          field.mapKind === 'message' ? messageJson(field.message, item as Message) : (scalarValue(item) ?? zero(item))
      }
      return out
    }
  }
}

/**
 * protobuf-es hands well-known types out unboxed (Struct as a JSON object, wrappers as primitives);
 * Go serialises the structs behind them.
 */
function unboxed(typeName: string, v: unknown): GoJson {
  switch (typeName) {
    case 'google.protobuf.Struct':
      return structJson(v as Record<string, unknown>)
    case 'google.protobuf.Value':
      return valueJson(v)
    case 'google.protobuf.ListValue':
      return listJson(v as unknown[])
    default: {
      // BoolValue, StringValue, Int64Value, ...: {value}
      const inner = scalarValue(v)
      return inner === undefined ? {} : {value: inner}
    }
  }
}

function structJson(o: Record<string, unknown>): {[k: string]: GoJson} {
  const entries = Object.entries(o)
  return entries.length === 0 ? {} : {fields: Object.fromEntries(entries.map(([k, x]) => [k, valueJson(x)]))}
}

function listJson(items: unknown[]): {[k: string]: GoJson} {
  return items.length === 0 ? {} : {values: items.map(valueJson)}
}

function valueJson(v: unknown): GoJson {
  if (v === null || v === undefined) return {Kind: {NullValue: 0}}
  if (typeof v === 'number') return {Kind: {NumberValue: v}}
  if (typeof v === 'string') return {Kind: {StringValue: v}}
  if (typeof v === 'boolean') return {Kind: {BoolValue: v}}
  if (Array.isArray(v)) return {Kind: {ListValue: listJson(v)}}
  return {Kind: {StructValue: structJson(v as Record<string, unknown>)}}
}

/** A zero scalar inside a list or map is kept (omitempty applies to struct fields only). */
function zero(v: unknown): GoJson {
  if (typeof v === 'boolean') return false
  if (typeof v === 'string') return ''
  return 0
}

function messageItem(schema: DescMessage, item: unknown): GoJson {
  return isMessage(item) ? messageJson(schema, item) : unboxed(schema.typeName, item)
}

function messageJson(schema: DescMessage, msg: Message): {[k: string]: GoJson} {
  const out: Record<string, GoJson> = {}
  const rec = msg as unknown as Record<string, unknown>
  for (const field of schema.fields) {
    if (field.oneof) continue
    const v = fieldValue(field, rec[field.localName])
    if (v !== undefined) out[field.name] = v
  }
  for (const oneof of schema.oneofs) {
    const sel = rec[oneof.localName] as {case?: string; value?: unknown} | undefined
    if (!sel?.case) continue
    const field = oneof.fields.find((f) => f.localName === sel.case)
    if (!field) continue
    // A oneof member is written even when it holds its zero value: the wrapper struct is not empty.
    const v = fieldValue(field, sel.value) ?? (field.fieldKind === 'message' ? {} : zero(sel.value))
    out[goCamelCase(oneof.name)] = {[goCamelCase(field.name)]: v}
  }
  return out
}

/** The structure FlyteAdmin compares, as a plain value. */
export function structureOf<S extends DescMessage>(schema: S, msg: MessageShape<S>): {[k: string]: GoJson} {
  if (!isMessage(msg, schema)) throw new Error(`expected a ${schema.typeName}`)
  return messageJson(schema, msg)
}

function canonical(v: GoJson): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

/** Hex sha256 of the definition's structure: equal for equal structures, whatever order maps were sent in. */
export function structureDigest<S extends DescMessage>(schema: S, msg: MessageShape<S>): string {
  return createHash('sha256')
    .update(canonical(structureOf(schema, msg)))
    .digest('hex')
}

export function sameStructure<S extends DescMessage>(schema: S, a: MessageShape<S>, b: MessageShape<S>): boolean {
  return canonical(structureOf(schema, a)) === canonical(structureOf(schema, b))
}

/** Go's `%v` of a float64. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'
  if (n === 0) return '0'
  const [mantissa, exp] = n.toExponential().split('e') as [string, string]
  const e = Number(exp)
  if (e < -4 || e >= 6) {
    const sign = e < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`
  }
  return String(n)
}

/** Go's `%v` of a decoded JSON value. */
export function goValue(v: GoJson | undefined): string {
  if (v === undefined) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'number') return goFloat(v)
  if (typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`
  return `map[${Object.keys(v)
    .sort()
    .map((k) => `${k}:${goValue(v[k])}`)
    .join(' ')}]`
}

interface Change {
  path: string
  before: GoJson | undefined
  after: GoJson | undefined
}

function isObject(v: GoJson | undefined): v is {[k: string]: GoJson} {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Paths present in both directions of the comparison: changed leaves and fields present on one side
 * only. Extra list elements are left out (FlyteAdmin drops them: the two directions name them
 * differently).
 */
function walk(a: GoJson | undefined, b: GoJson | undefined, path: string, out: Change[]): void {
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(a[k], b[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out)
    }
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}/${i}`, out)
    return
  }
  if (a !== undefined && b !== undefined && canonical(a) === canonical(b)) return
  if (a === undefined && b === undefined) return
  out.push({path: path === '' ? '/' : path, before: a, after: b})
}

export function structureChanges<S extends DescMessage>(
  schema: S,
  before: MessageShape<S>,
  after: MessageShape<S>,
): Change[] {
  const out: Change[] = []
  walk(structureOf(schema, before), structureOf(schema, after), '', out)
  return out
}

const MAX_DIFF_CHARS = 3 * 1024 * 1024

/** FlyteAdmin's diff text: one `<path>:\n\t- <before> \n\t+ <after>` entry per differing path. */
export function structureDiff<S extends DescMessage>(
  schema: S,
  before: MessageShape<S>,
  after: MessageShape<S>,
): string {
  const text = structureChanges(schema, before, after)
    .map((c) => `${c.path}:\n\t- ${goValue(c.before)} \n\t+ ${goValue(c.after)}`)
    .join('\n')
  return text.length > MAX_DIFF_CHARS
    ? `${text.slice(0, MAX_DIFF_CHARS)}\n\n... [diff truncated — exceeded gRPC max message size]`
    : text
}
