/**
 * A small protobuf codec for the CLI's read-only calls, driven by the compact per-method schemas the
 * build writes (scripts/rpc-descriptors.js → dist/rpc/<service>/<method>.lite.json). It encodes a
 * request init object, decodes a response into the very objects protobuf-es's `fromBinary` builds
 * (same `$typeName`, zero values, oneof ADTs, bigint 64-bit integers, unboxed wrapper fields, Struct
 * fields as JSON, `$unknown`), and writes protojson as protobuf-es's `toJson` does. It exists so that
 * `flytectl get …` needs neither the protobuf runtime nor a descriptor registry on its hot path;
 * test/unit/admin/lite-proto.test.ts holds it to protobuf-es on every type these methods reach.
 * Anything it does not take throws, and the caller falls back to the full client.
 */
import {isUtf8} from 'node:buffer'

type Kind = 'scalar' | 'enum' | 'message'

export interface LiteField {
  /** Local (property) name. */
  n: string
  no: number
  /** JSON name. */
  j: string
  k: Kind | 'list' | 'map'
  /** Scalar type (protobuf-es ScalarType); for maps, the value's. */
  s?: number
  /** 64-bit integers as strings (jstype = JS_STRING). */
  ls?: 1
  /** Message or enum type name (for maps and lists, the value's). */
  t?: string
  lk?: Kind
  pk?: 1
  /** Map key scalar type. */
  mk?: number
  vk?: Kind
  /** Local name of the oneof group. */
  o?: string
  /** Explicit presence. */
  p?: 1
  /** Local representation: a Struct field as JSON, a wrapper field as its scalar. */
  x?: 'json' | 'wrap'
}
interface LiteOneof {
  n: string
  oneof: LiteField[]
}
interface LiteMessageType {
  m: (LiteField | LiteOneof)[]
}
interface LiteEnumType {
  e: Record<string, string>
  z: number
}
export interface LiteMethod {
  /** `/package.Service/Method` */
  path: string
  I: string
  O: string
  types: Record<string, LiteMessageType | LiteEnumType>
}

export type LiteMessage = {$typeName: string; $unknown?: {no: number; wireType: number; data: Uint8Array}[]} & Record<
  string,
  unknown
>

/** Thrown for input this codec does not take; the caller uses the full client instead. */
export class LiteUnsupported extends Error {}

const DOUBLE = 1
const FLOAT = 2
const INT64 = 3
const UINT64 = 4
const INT32 = 5
const FIXED64 = 6
const FIXED32 = 7
const BOOL = 8
const STRING = 9
const BYTES = 12
const UINT32 = 13
const SFIXED32 = 15
const SFIXED64 = 16
const SINT32 = 17
const SINT64 = 18

const is64 = (s: number) => s === INT64 || s === UINT64 || s === FIXED64 || s === SFIXED64 || s === SINT64

function scalarZero(s: number, ls?: 1): unknown {
  if (is64(s)) return ls ? '0' : 0n
  if (s === BOOL) return false
  if (s === STRING) return ''
  if (s === BYTES) return new Uint8Array(0)
  return 0
}

interface Compiled {
  typeName: string
  members: (LiteField | LiteOneof)[]
  fields: LiteField[]
  byNo: Map<number, LiteField>
  sorted: LiteField[]
}

/** The types of one method's schema, compiled on first use. */
export class LiteSchema {
  private readonly compiled = new Map<string, Compiled>()
  constructor(readonly method: LiteMethod) {}

  message(typeName: string): Compiled {
    let c = this.compiled.get(typeName)
    if (c) return c
    const t = this.method.types[typeName]
    if (!t || !('m' in t)) throw new LiteUnsupported(`no lite schema for ${typeName}`)
    const fields = t.m.flatMap((m) => ('oneof' in m ? m.oneof : [m]))
    c = {
      typeName,
      members: t.m,
      fields,
      byNo: new Map(fields.map((f) => [f.no, f])),
      sorted: [...fields].sort((a, b) => a.no - b.no),
    }
    this.compiled.set(typeName, c)
    return c
  }

  enumType(typeName: string): LiteEnumType {
    const t = this.method.types[typeName]
    if (!t || !('e' in t)) throw new LiteUnsupported(`no lite schema for ${typeName}`)
    return t
  }

  has(typeName: string): boolean {
    return typeName in this.method.types
  }

  /** A zero message, as protobuf-es's `create(schema)` makes it. */
  create(typeName: string): LiteMessage {
    const c = this.message(typeName)
    const msg: LiteMessage = {$typeName: typeName}
    for (const m of c.members) {
      if ('oneof' in m) msg[m.n] = {case: undefined}
      else if (m.k === 'list') msg[m.n] = []
      else if (m.k === 'map') msg[m.n] = {}
      else if (m.k !== 'message' && !m.p) msg[m.n] = m.k === 'enum' ? this.enumType(m.t!).z : scalarZero(m.s!, m.ls)
    }
    return msg
  }

  // ---- decoding ----

  decode(typeName: string, bytes: Uint8Array): LiteMessage {
    const r = new Reader(bytes)
    const msg = this.create(typeName)
    this.readMessage(msg, r, r.end, 0)
    return msg
  }

  private readMessage(msg: LiteMessage, r: Reader, end: number, depth: number): void {
    if (depth > 100) throw new LiteUnsupported('nesting too deep')
    const c = this.message(msg.$typeName)
    const unknown = msg.$unknown ?? []
    while (r.pos < end) {
      const [no, wt] = r.tag()
      const f = c.byNo.get(no)
      if (!f) {
        const start = r.pos
        r.skip(wt, no)
        unknown.push({no, wireType: wt, data: r.view(start, r.pos)})
        continue
      }
      this.readField(msg, f, r, wt, depth)
    }
    if (r.pos !== end) throw new LiteUnsupported('premature end of message')
    if (unknown.length > 0) msg.$unknown = unknown
  }

  private readChild(typeName: string, r: Reader, depth: number, into?: LiteMessage): LiteMessage {
    const child = into ?? this.create(typeName)
    const len = r.u32()
    const end = r.pos + len
    if (end > r.end) throw new LiteUnsupported('premature end of message')
    this.readMessage(child, r, end, depth + 1)
    return child
  }

  /** A message field's value in its local form (message, unboxed wrapper, JSON for Struct). */
  private readMessageValue(f: LiteField, r: Reader, depth: number, existing: unknown): unknown {
    const t = f.t!
    if (f.x === 'json') {
      const child = this.readChild(t, r, depth, existing === undefined ? undefined : this.structFromJson(existing))
      return structToLocal(child)
    }
    if (f.x === 'wrap') {
      const child = this.create(t)
      if (existing !== undefined) child.value = existing
      this.readChild(t, r, depth, child)
      return child.value
    }
    return this.readChild(t, r, depth, existing as LiteMessage | undefined)
  }

  private readField(msg: LiteMessage, f: LiteField, r: Reader, wt: number, depth: number): void {
    switch (f.k) {
      case 'scalar': {
        const v = readScalar(r, f.s!, f.ls)
        if (f.o) msg[f.o] = {case: f.n, value: v}
        else msg[f.n] = v
        return
      }
      case 'enum': {
        const v = r.int32()
        if (f.o) msg[f.o] = {case: f.n, value: v}
        else msg[f.n] = v
        return
      }
      case 'message': {
        if (f.o) {
          const cur = msg[f.o] as {case?: string; value?: unknown}
          msg[f.o] = {case: f.n, value: this.readMessageValue(f, r, depth, cur.case === f.n ? cur.value : undefined)}
        } else {
          msg[f.n] = this.readMessageValue(f, r, depth, msg[f.n])
        }
        return
      }
      case 'list': {
        const items = msg[f.n] as unknown[]
        if (f.lk === 'message') {
          items.push(this.readMessageValue(f, r, depth, undefined))
          return
        }
        const s = f.lk === 'enum' ? INT32 : f.s!
        const ls = f.lk === 'scalar' ? f.ls : undefined
        if (wt === 2 && s !== STRING && s !== BYTES) {
          const end = r.u32() + r.pos
          if (end > r.end) throw new LiteUnsupported('premature end of packed list')
          while (r.pos < end) items.push(readScalar(r, s, ls))
        } else {
          items.push(readScalar(r, s, ls))
        }
        return
      }
      case 'map': {
        const record = msg[f.n] as Record<string, unknown>
        const end = r.u32() + r.pos
        if (end > r.end) throw new LiteUnsupported('premature end of map entry')
        let key: unknown
        let val: unknown
        while (r.pos < end) {
          const [no, w] = r.tag()
          if (no === 1) key = readScalar(r, f.mk!, undefined)
          else if (no === 2) {
            if (f.vk === 'message') val = this.readMessageValue(f, r, depth, val)
            else if (f.vk === 'enum') val = r.int32()
            else val = readScalar(r, f.s!, undefined)
          } else r.skip(w, no)
        }
        if (key === undefined) key = scalarZero(f.mk!)
        if (val === undefined) {
          if (f.vk === 'message') val = f.x === 'json' ? {} : f.x === 'wrap' ? undefined : this.create(f.t!)
          else if (f.vk === 'enum') val = this.enumType(f.t!).z
          else val = scalarZero(f.s!)
        }
        setOwn(record, String(key), val)
        return
      }
    }
  }

  private structFromJson(json: unknown): LiteMessage {
    const struct: LiteMessage = {$typeName: 'google.protobuf.Struct', fields: {}}
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      for (const k of Object.keys(json)) setOwn(struct.fields as object, k, valueFromJson((json as never)[k]))
    }
    return struct
  }

  // ---- encoding ----

  /** The binary form of `create(schema, init)`. */
  encode(typeName: string, init: Record<string, unknown>): Uint8Array {
    const w = new Writer()
    this.writeMessage(w, typeName, init)
    return w.finish()
  }

  private writeMessage(w: Writer, typeName: string, init: Record<string, unknown>): void {
    if (init === null || typeof init !== 'object') throw new LiteUnsupported(`not a message: ${typeName}`)
    const c = this.message(typeName)
    for (const m of c.members) {
      if ('oneof' in m) {
        const adt = init[m.n] as {case?: string; value?: unknown} | undefined
        if (adt?.case == null) continue
        const f = m.oneof.find((x) => x.n === adt.case)
        if (!f) continue
        this.writeSingular(w, f, adt.value)
        continue
      }
      const v = init[m.n]
      if (v == null) continue
      if (m.k === 'list') {
        const items = v as unknown[]
        if (items.length === 0) continue
        if (m.lk === 'message') {
          for (const item of items) this.writeSingular(w, {...m, k: 'message'}, item)
        } else {
          const s = m.lk === 'enum' ? INT32 : m.s!
          if (m.pk) {
            const inner = new Writer()
            for (const item of items) writeScalar(inner, s, item)
            w.tag(m.no, 2)
            w.bytes(inner.finish())
          } else {
            for (const item of items) {
              w.tag(m.no, wireType(s))
              writeScalar(w, s, item)
            }
          }
        }
        continue
      }
      if (m.k === 'map') {
        for (const key of Object.keys(v)) {
          const entry = new Writer()
          entry.tag(1, wireType(m.mk!))
          writeScalar(entry, m.mk!, mapKey(m.mk!, key))
          const val = (v as Record<string, unknown>)[key]
          if (m.vk === 'message') this.writeSingular(entry, {...m, no: 2, k: 'message'}, val)
          else {
            const s = m.vk === 'enum' ? INT32 : m.s!
            entry.tag(2, wireType(s))
            writeScalar(entry, s, val)
          }
          w.tag(m.no, 2)
          w.bytes(entry.finish())
        }
        continue
      }
      if (!m.p && m.k !== 'message' && isZero(m.k === 'enum' ? INT32 : m.s!, v)) continue
      this.writeSingular(w, m, v)
    }
  }

  private writeSingular(w: Writer, f: LiteField, v: unknown): void {
    if (f.k === 'message' || f.k === 'list' || f.k === 'map') {
      let msg = v as Record<string, unknown>
      if (f.x === 'json') msg = this.structFromJson(v)
      else if (f.x === 'wrap') msg = {value: v}
      const inner = new Writer()
      this.writeMessage(inner, f.t!, msg)
      w.tag(f.no, 2)
      w.bytes(inner.finish())
      return
    }
    const s = f.k === 'enum' ? INT32 : f.s!
    w.tag(f.no, wireType(s))
    writeScalar(w, s, v)
  }

  // ---- protojson ----

  /** protobuf-es's `toJson(schema, message)` with default options and no registry. */
  toJson(msg: LiteMessage): unknown {
    return this.writeJson(msg.$typeName, msg)
  }

  private writeJson(typeName: string, msg: LiteMessage): unknown {
    const wkt = this.wktJson(typeName, msg)
    if (wkt !== NOT_WKT) return wkt
    if (msg.$typeName !== typeName) throw new LiteUnsupported(`cannot use ${typeName} with ${msg.$typeName}`)
    const c = this.message(typeName)
    const json: Record<string, unknown> = {}
    for (const f of c.sorted) {
      let value: unknown
      if (f.o) {
        const adt = msg[f.o] as {case?: string; value?: unknown}
        if (adt.case !== f.n) continue
        value = adt.value
      } else {
        value = msg[f.n]
        if (f.k === 'list') {
          if ((value as unknown[]).length === 0) continue
        } else if (f.k === 'map') {
          if (Object.keys(value as object).length === 0) continue
        } else if (f.p) {
          if (value === undefined || !Object.prototype.hasOwnProperty.call(msg, f.n)) continue
        } else if (f.k === 'enum') {
          if (value === this.enumType(f.t!).z) continue
        } else if (jsonZero(f.s!, value)) continue
      }
      setOwn(json, f.j, this.fieldJson(f, value))
    }
    return json
  }

  private fieldJson(f: LiteField, value: unknown): unknown {
    if (f.k === 'list') return (value as unknown[]).map((v) => this.valueJson(f, f.lk!, v))
    if (f.k === 'map') {
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(value as object)) setOwn(out, k, this.valueJson(f, f.vk!, (value as never)[k]))
      return out
    }
    return this.valueJson(f, f.k, value)
  }

  private valueJson(f: LiteField, kind: Kind, v: unknown): unknown {
    if (kind === 'scalar') return scalarJson(f.s!, v)
    if (kind === 'enum') {
      if (typeof v !== 'number') throw new LiteUnsupported('enum value is not a number')
      if (f.t === 'google.protobuf.NullValue') return null
      return this.enumType(f.t!).e[v] ?? v
    }
    if (f.x === 'json') return structJson(v)
    if (f.x === 'wrap') {
      const t = this.message(f.t!)
      return scalarJson(t.fields[0]!.s!, v === undefined ? scalarZero(t.fields[0]!.s!) : v)
    }
    return this.writeJson(f.t!, v as LiteMessage)
  }

  private wktJson(typeName: string, msg: LiteMessage): unknown {
    if (!typeName.startsWith('google.protobuf.')) return NOT_WKT
    switch (typeName) {
      case 'google.protobuf.Any':
        if (msg.typeUrl === '') return {}
        throw new Error(
          `cannot encode message ${msg.$typeName} to JSON: "${String(msg.typeUrl)}" is not in the type registry`,
        )
      case 'google.protobuf.Timestamp':
        return timestampJson(msg)
      case 'google.protobuf.Duration':
        return durationJson(msg)
      case 'google.protobuf.Struct':
        return structMessageJson(msg)
      case 'google.protobuf.Value':
        return valueMessageJson(msg)
      case 'google.protobuf.ListValue':
        return (msg.values as LiteMessage[]).map(valueMessageJson)
      default:
        if (/^google\.protobuf\.(Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value$/.test(typeName)) {
          const f = this.message(typeName).fields[0]!
          return scalarJson(f.s!, msg.value === undefined ? scalarZero(f.s!) : msg.value)
        }
        return NOT_WKT
    }
  }
}

const NOT_WKT = Symbol('not a well-known type')

function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true})
  else (target as Record<string, unknown>)[key] = value
}

function structToLocal(struct: LiteMessage): Record<string, unknown> {
  const json: Record<string, unknown> = {}
  const fields = struct.fields as Record<string, LiteMessage>
  for (const k of Object.keys(fields)) setOwn(json, k, valueToLocal(fields[k]!))
  return json
}

function valueToLocal(val: LiteMessage): unknown {
  const kind = val.kind as {case?: string; value?: unknown}
  switch (kind.case) {
    case 'structValue':
      return structToLocal(kind.value as LiteMessage)
    case 'listValue':
      return ((kind.value as LiteMessage).values as LiteMessage[]).map(valueToLocal)
    case 'nullValue':
    case undefined:
      return null
    default:
      return kind.value
  }
}

function valueFromJson(json: unknown): LiteMessage {
  const value: LiteMessage = {$typeName: 'google.protobuf.Value', kind: {case: undefined}}
  switch (typeof json) {
    case 'number':
      value.kind = {case: 'numberValue', value: json}
      break
    case 'string':
      value.kind = {case: 'stringValue', value: json}
      break
    case 'boolean':
      value.kind = {case: 'boolValue', value: json}
      break
    case 'object':
      if (json === null) value.kind = {case: 'nullValue', value: 0}
      else if (Array.isArray(json)) {
        value.kind = {
          case: 'listValue',
          value: {$typeName: 'google.protobuf.ListValue', values: json.map(valueFromJson)},
        }
      } else {
        const fields = {}
        for (const k of Object.keys(json)) setOwn(fields, k, valueFromJson((json as never)[k]))
        value.kind = {case: 'structValue', value: {$typeName: 'google.protobuf.Struct', fields}}
      }
      break
    default:
      throw new LiteUnsupported(`${typeof json} in a Struct`)
  }
  return value
}

/** JSON of a Struct field (held as JSON): the round trip through google.protobuf.Struct. */
function structJson(json: unknown): unknown {
  const fields: Record<string, unknown> = {}
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const k of Object.keys(json)) setOwn(fields, k, localValueJson((json as never)[k]))
  }
  return fields
}

function localValueJson(v: unknown): unknown {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) throw new Error('google.protobuf.Value cannot be NaN or Infinity')
      return v
    case 'string':
    case 'boolean':
      return v
    case 'object':
      if (v === null) return null
      if (Array.isArray(v)) return v.map(localValueJson)
      return structJson(v)
    default:
      throw new LiteUnsupported(`${typeof v} in a Struct`)
  }
}

function structMessageJson(msg: LiteMessage): unknown {
  const json: Record<string, unknown> = {}
  const fields = msg.fields as Record<string, LiteMessage>
  for (const k of Object.keys(fields)) setOwn(json, k, valueMessageJson(fields[k]!))
  return json
}

function valueMessageJson(val: LiteMessage): unknown {
  const kind = val.kind as {case?: string; value?: unknown}
  switch (kind.case) {
    case 'nullValue':
      return null
    case 'numberValue':
      if (!Number.isFinite(kind.value)) throw new Error(`${val.$typeName} cannot be NaN or Infinity`)
      return kind.value
    case 'boolValue':
    case 'stringValue':
      return kind.value
    case 'structValue':
      return structMessageJson(kind.value as LiteMessage)
    case 'listValue':
      return ((kind.value as LiteMessage).values as LiteMessage[]).map(valueMessageJson)
    default:
      throw new Error(`${val.$typeName} must have a value`)
  }
}

const TIMESTAMP_MS_MIN = -62135596800000
const TIMESTAMP_MS_MAX = 253402300799000

function timestampJson(val: LiteMessage): string {
  const nanos = val.nanos as number
  const ms = Number(val.seconds) * 1000
  if (ms < TIMESTAMP_MS_MIN || ms > TIMESTAMP_MS_MAX) {
    throw new Error(
      `cannot encode message ${val.$typeName} to JSON: must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive`,
    )
  }
  if (nanos < 0) throw new Error(`cannot encode message ${val.$typeName} to JSON: nanos must not be negative`)
  if (nanos > 999999999) {
    throw new Error(`cannot encode message ${val.$typeName} to JSON: nanos must not be greater than 999999999`)
  }
  let z = 'Z'
  if (nanos > 0) {
    const text = (nanos + 1000000000).toString().substring(1)
    if (text.substring(3) === '000000') z = '.' + text.substring(0, 3) + 'Z'
    else if (text.substring(6) === '000') z = '.' + text.substring(0, 6) + 'Z'
    else z = '.' + text + 'Z'
  }
  return new Date(ms).toISOString().replace('.000Z', z)
}

function durationJson(val: LiteMessage): string {
  const seconds = Number(val.seconds)
  const nanos = val.nanos as number
  if (seconds > 315576000000 || seconds < -315576000000) {
    throw new Error(`cannot encode message ${val.$typeName} to JSON: value out of range`)
  }
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    throw new Error(`cannot encode message ${val.$typeName} to JSON: nanos sign must match seconds sign`)
  }
  let text = String(val.seconds)
  if (nanos !== 0) {
    let n = Math.abs(nanos).toString()
    n = '0'.repeat(9 - n.length) + n
    if (n.substring(3) === '000000') n = n.substring(0, 3)
    else if (n.substring(6) === '000') n = n.substring(0, 6)
    text += '.' + n
    if (nanos < 0 && seconds == 0) text = '-' + text
  }
  return text + 's'
}

/** The implicit-presence zero test of protobuf-es's toJson. */
function jsonZero(s: number, v: unknown): boolean {
  switch (s) {
    case BOOL:
      return v === false
    case STRING:
      return v === ''
    case BYTES:
      return v instanceof Uint8Array && v.byteLength === 0
    case DOUBLE:
    case FLOAT:
      return Object.is(v, 0)
    default:
      return v == 0
  }
}

/** The implicit-presence zero test of protobuf-es's toBinary (a zero value is not written). */
function isZero(s: number, v: unknown): boolean {
  switch (s) {
    case BOOL:
      return v === false
    case STRING:
      return v === ''
    case BYTES:
      return (v as ArrayLike<number>).length === 0
    case DOUBLE:
    case FLOAT:
      return v === 0 && !Object.is(v, -0)
    default:
      return v == 0
  }
}

function scalarJson(s: number, v: unknown): unknown {
  switch (s) {
    case INT32:
    case SFIXED32:
    case SINT32:
    case FIXED32:
    case UINT32:
      if (typeof v !== 'number') throw new LiteUnsupported('expected a number')
      return v
    case FLOAT:
    case DOUBLE:
      if (typeof v !== 'number') throw new LiteUnsupported('expected a number')
      if (Number.isNaN(v)) return 'NaN'
      if (v === Number.POSITIVE_INFINITY) return 'Infinity'
      if (v === Number.NEGATIVE_INFINITY) return '-Infinity'
      return v
    case STRING:
      if (typeof v !== 'string') throw new LiteUnsupported('expected a string')
      return v
    case BOOL:
      if (typeof v !== 'boolean') throw new LiteUnsupported('expected a boolean')
      return v
    case BYTES:
      if (!(v instanceof Uint8Array)) throw new LiteUnsupported('expected bytes')
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
    default:
      if (typeof v === 'bigint' || typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) {
        return v.toString()
      }
      throw new LiteUnsupported('expected a 64-bit integer')
  }
}

function wireType(s: number): number {
  switch (s) {
    case DOUBLE:
    case FIXED64:
    case SFIXED64:
      return 1
    case STRING:
    case BYTES:
      return 2
    case FLOAT:
    case FIXED32:
    case SFIXED32:
      return 5
    default:
      return 0
  }
}

function mapKey(s: number, key: string): unknown {
  if (s === BOOL) return key === 'true'
  if (s === STRING) return key
  return is64(s) ? BigInt(key) : Number(key)
}

function readScalar(r: Reader, s: number, ls: 1 | undefined): unknown {
  switch (s) {
    case STRING:
      return r.string()
    case BOOL:
      return r.u64() !== 0n
    case DOUBLE:
      return r.fixed(8, (b, o) => b.readDoubleLE(o))
    case FLOAT:
      return r.fixed(4, (b, o) => b.readFloatLE(o))
    case INT32:
      return r.int32()
    case UINT32:
      return r.u32()
    case SINT32: {
      const z = r.u32()
      return (z >>> 1) ^ -(z & 1)
    }
    case FIXED32:
      return r.fixed(4, (b, o) => b.readUInt32LE(o))
    case SFIXED32:
      return r.fixed(4, (b, o) => b.readInt32LE(o))
    case BYTES: {
      const len = r.u32()
      const start = r.pos
      r.advance(len)
      return r.view(start, r.pos)
    }
    default: {
      let v: bigint
      if (s === INT64) v = BigInt.asIntN(64, r.u64())
      else if (s === UINT64) v = r.u64()
      else if (s === SINT64) {
        const z = r.u64()
        v = BigInt.asIntN(64, (z >> 1n) ^ -(z & 1n))
      } else if (s === FIXED64) v = r.fixed(8, (b, o) => b.readBigUInt64LE(o))
      else if (s === SFIXED64) v = r.fixed(8, (b, o) => b.readBigInt64LE(o))
      else throw new LiteUnsupported(`scalar type ${s}`)
      return ls ? String(v) : v
    }
  }
}

class Reader {
  pos = 0
  readonly end: number
  private readonly buf: Buffer
  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.end = bytes.byteLength
  }

  advance(n: number): void {
    this.pos += n
    if (this.pos > this.end) throw new LiteUnsupported('premature EOF')
  }

  view(start: number, end: number): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, end - start)
  }

  tag(): [number, number] {
    const start = this.pos
    const t = this.u32()
    if (this.pos - start > 5) throw new LiteUnsupported('illegal tag')
    const no = t >>> 3
    const wt = t & 7
    if (no <= 0 || wt > 5) throw new LiteUnsupported('illegal tag')
    return [no, wt]
  }

  /** A varint's low 32 bits, unsigned (longer varints are read to their end). */
  u32(): number {
    let x = 0
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.end || shift >= 70) throw new LiteUnsupported('invalid varint')
      const b = this.buf[this.pos++]!
      if (shift < 32) x |= (b & 0x7f) << shift
      if (!(b & 0x80)) return x >>> 0
    }
  }

  int32(): number {
    return this.u32() | 0
  }

  u64(): bigint {
    let x = 0n
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.end || shift >= 70n) throw new LiteUnsupported('invalid varint')
      const b = this.buf[this.pos++]!
      x |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return BigInt.asUintN(64, x)
    }
  }

  fixed<T>(n: number, read: (b: Buffer, o: number) => T): T {
    const o = this.pos
    this.advance(n)
    return read(this.buf, o)
  }

  string(): string {
    const len = this.u32()
    const start = this.pos
    this.advance(len)
    const bytes = this.buf.subarray(start, this.pos)
    if (!isUtf8(bytes)) throw new LiteUnsupported('invalid UTF-8')
    return bytes.toString('utf8')
  }

  skip(wt: number, no: number, depth = 0): void {
    switch (wt) {
      case 0:
        this.u64()
        return
      case 1:
        this.advance(8)
        return
      case 2:
        this.advance(this.u32())
        return
      case 5:
        this.advance(4)
        return
      case 3: {
        if (depth > 100) throw new LiteUnsupported('nesting too deep')
        for (;;) {
          const [n, w] = this.tag()
          if (w === 4) {
            if (n !== no) throw new LiteUnsupported('invalid end group tag')
            return
          }
          this.skip(w, n, depth + 1)
        }
      }
      default:
        throw new LiteUnsupported(`cannot skip wire type ${wt}`)
    }
  }
}

class Writer {
  private readonly parts: Uint8Array[] = []
  private cur: number[] = []

  private flush(): void {
    if (this.cur.length) {
      this.parts.push(Uint8Array.from(this.cur))
      this.cur = []
    }
  }

  finish(): Uint8Array {
    this.flush()
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)
  }

  tag(no: number, wt: number): void {
    this.varint(BigInt((no << 3) | wt) & 0xffffffffn)
  }

  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v)
    while (x > 0x7fn) {
      this.cur.push(Number(x & 0x7fn) | 0x80)
      x >>= 7n
    }
    this.cur.push(Number(x))
  }

  raw(bytes: Uint8Array): void {
    this.flush()
    this.parts.push(bytes)
  }

  bytes(bytes: Uint8Array): void {
    this.varint(BigInt(bytes.byteLength))
    this.raw(bytes)
  }
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim())
  throw new LiteUnsupported('expected a 64-bit integer')
}

function writeScalar(w: Writer, s: number, v: unknown): void {
  const fixed = (n: number, write: (b: Buffer) => void) => {
    const b = Buffer.alloc(n)
    write(b)
    w.raw(b)
  }
  switch (s) {
    case STRING:
      if (typeof v !== 'string') throw new LiteUnsupported('expected a string')
      w.bytes(Buffer.from(v, 'utf8'))
      return
    case BYTES:
      if (!(v instanceof Uint8Array) && !Array.isArray(v)) throw new LiteUnsupported('expected bytes')
      w.bytes(v instanceof Uint8Array ? v : Uint8Array.from(v as number[]))
      return
    case BOOL:
      if (typeof v !== 'boolean') throw new LiteUnsupported('expected a boolean')
      w.varint(v ? 1n : 0n)
      return
    case DOUBLE:
      return fixed(8, (b) => b.writeDoubleLE(v as number))
    case FLOAT:
      return fixed(4, (b) => b.writeFloatLE(v as number))
    case FIXED32:
      return fixed(4, (b) => b.writeUInt32LE((v as number) >>> 0))
    case SFIXED32:
      return fixed(4, (b) => b.writeInt32LE((v as number) | 0))
    case FIXED64:
      return fixed(8, (b) => b.writeBigUInt64LE(BigInt.asUintN(64, toBigInt(v))))
    case SFIXED64:
      return fixed(8, (b) => b.writeBigInt64LE(BigInt.asIntN(64, toBigInt(v))))
    case INT32:
    case UINT32:
    case SINT32: {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new LiteUnsupported('expected an integer')
      if (s === SINT32) w.varint(BigInt(((v << 1) ^ (v >> 31)) >>> 0))
      else if (s === UINT32) w.varint(BigInt(v >>> 0))
      else w.varint(BigInt(v | 0))
      return
    }
    case SINT64: {
      const x = BigInt.asIntN(64, toBigInt(v))
      w.varint(BigInt.asUintN(64, (x << 1n) ^ (x >> 63n)))
      return
    }
    default:
      w.varint(toBigInt(v))
  }
}
