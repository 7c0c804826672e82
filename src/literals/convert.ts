/**
 * Plain values (from YAML/JSON) ⇄ flyteidl Literals, typed by a LiteralType from a task or launch-plan
 * interface. Used by `create execution` (inputs) and execFile generation (default values); the
 * literal → plain value direction is ./render.js. Heavy module: import lazily.
 */
import {create, type JsonObject, type JsonValue} from '@bufbuild/protobuf'
import {timestampFromDate, type Duration, type Timestamp} from '@bufbuild/protobuf/wkt'
import {
  BlobMetadataSchema,
  BlobSchema,
  LiteralCollectionSchema,
  LiteralMapSchema,
  LiteralSchema,
  PrimitiveSchema,
  ScalarSchema,
  SchemaSchema,
  StructuredDatasetMetadataSchema,
  StructuredDatasetSchema,
  UnionSchema,
  VoidSchema,
  type Literal,
  type LiteralMap,
  type Primitive,
  type Scalar,
} from '../gen/flyteidl/core/literals_pb.js'
import {BlobType_BlobDimensionality, SimpleType, type LiteralType} from '../gen/flyteidl/core/types_pb.js'
import type {Variable} from '../gen/flyteidl/core/interface_pb.js'

// Literal → plain value lives in ./render.js (no protobuf runtime); its API stays exported from here.
export {
  formatDuration,
  formatTimestamp,
  sameValue,
  valueFromBinary,
  valueFromLiteral,
  valueFromLiteralMap,
  type LiteralLeafStyle,
} from './render.js'

/** A value that does not fit its declared type; `path` names the input (`numbers[2]`, `cfg.depth`). */
export class LiteralConversionError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly detail: string,
  ) {
    super(`input [${path}]: ${detail} (expected ${expected})`)
    this.name = 'LiteralConversionError'
  }
}

/** A short human name for a type: `integer`, `list of string`, `enum [red, green]`, `union of (integer | none)`. */
export function describeType(type: LiteralType | undefined): string {
  if (!type) return 'unknown type'
  const t = type.type
  switch (t.case) {
    case 'simple':
      return SimpleType[t.value]?.toLowerCase() ?? `simple type ${t.value}`
    case 'collectionType':
      return `list of ${describeType(t.value)}`
    case 'mapValueType':
      return `map of string to ${describeType(t.value)}`
    case 'blob':
      return t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? 'multipart blob URI' : 'blob URI'
    case 'schema':
      return 'schema URI'
    case 'structuredDatasetType':
      return 'structured dataset URI'
    case 'enumType':
      return `enum [${t.value.values.join(', ')}]`
    case 'unionType':
      return `union of (${t.value.variants.map(describeType).join(' | ')})`
    default:
      return 'unknown type'
  }
}

const scalarLiteral = (value: Scalar['value']): Literal =>
  create(LiteralSchema, {value: {case: 'scalar', value: create(ScalarSchema, {value})}})

const primitiveLiteral = (value: Primitive['value']): Literal =>
  scalarLiteral({case: 'primitive', value: create(PrimitiveSchema, {value})})

const noneLiteral = (): Literal => scalarLiteral({case: 'noneType', value: create(VoidSchema)})

const INTEGER = /^[+-]?\d+$/
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i
/** RFC 3339 date-time (`2024-01-02T03:04:05Z`, fractional seconds and offsets allowed). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/
const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y
const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i
const NANOS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
}

/** `1h2m3.5s`, `-300ms`, `0` (Go's time.ParseDuration) or ISO 8601 `PT1H2M`, `P1DT2H` → nanoseconds. */
export function parseDuration(text: string): bigint | undefined {
  const s = text.trim()
  if (s === '0' || s === '+0' || s === '-0') return 0n
  const iso = ISO_DURATION.exec(s)
  if (iso && s.length > 1 && !/T$/i.test(s)) {
    const [, d, h, m, sec] = iso
    const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(sec ?? 0)
    return BigInt(Math.round(total * 1e9))
  }
  let rest = s
  let sign = 1n
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1n
    rest = rest.slice(1)
  }
  if (rest === '') return undefined
  let nanos = 0n
  GO_DURATION_PART.lastIndex = 0
  while (GO_DURATION_PART.lastIndex < rest.length) {
    const m = GO_DURATION_PART.exec(rest)
    if (!m) return undefined
    const [whole, frac = ''] = m[1]!.split('.')
    const unit = BigInt(NANOS_PER_UNIT[m[2]!]!)
    nanos += BigInt(whole || '0') * unit
    if (frac) nanos += (BigInt(frac) * unit) / 10n ** BigInt(frac.length)
  }
  return sign * nanos
}

function durationFromNanos(nanos: bigint): Duration {
  const seconds = nanos / 1_000_000_000n
  return {$typeName: 'google.protobuf.Duration', seconds, nanos: Number(nanos - seconds * 1_000_000_000n)}
}

/** RFC 3339 text with nanosecond precision → Timestamp. */
export function parseTimestamp(text: string): Timestamp | undefined {
  const s = text.trim()
  if (!RFC3339.test(s)) return undefined
  // Date would roll 2026-02-30 over to March 2: the fields must exist on the calendar.
  const [y, mo, d, h, mi, sec] = s.match(/\d+/g)!.slice(0, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59) return undefined
  const date = new Date(s.replace(/(\.\d{3})\d+/, '$1'))
  if (Number.isNaN(date.getTime())) return undefined
  const ts = timestampFromDate(date)
  const frac = /\.(\d+)/.exec(s)?.[1]
  if (frac) ts.nanos = Number(frac.slice(0, 9).padEnd(9, '0'))
  return ts
}

type Kind = 'strict' | 'lenient'

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date'
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'bigint') return `the integer ${value}`
  if (typeof value === 'string') return `the string "${value.length > 40 ? value.slice(0, 40) + '…' : value}"`
  return `the ${typeof value} ${String(value)}`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/** JSON-safe copy of a YAML value (bigint → number, Date → RFC 3339) for a google.protobuf.Struct. */
function toJsonValue(value: unknown, path: string): JsonValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map((v, i) => toJsonValue(v, `${path}[${i}]`))
  if (isPlainObject(value)) {
    const out: JsonObject = {}
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v, `${path}.${k}`)
    return out
  }
  throw new LiteralConversionError(path, 'struct', `cannot store ${typeName(value)} in a struct`)
}

function uriOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (isPlainObject(value) && typeof value.uri === 'string' && value.uri.trim() !== '') return value.uri.trim()
  return undefined
}

function simpleLiteral(value: unknown, simple: SimpleType, path: string, kind: Kind): Literal {
  const expected = SimpleType[simple]?.toLowerCase() ?? 'value'
  const fail = (detail?: string): never => {
    throw new LiteralConversionError(path, expected, detail ?? `cannot use ${typeName(value)}`)
  }
  switch (simple) {
    case SimpleType.NONE:
      if (value === null || value === undefined) return noneLiteral()
      return fail()
    case SimpleType.INTEGER: {
      const int64 = (n: bigint) => n <= 2n ** 63n - 1n && n >= -(2n ** 63n)
      if (typeof value === 'bigint') {
        if (!int64(value)) return fail(`${value} does not fit in 64 bits`)
        return primitiveLiteral({case: 'integer', value})
      }
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) return fail(`${value} is not a whole number`)
        if (!int64(BigInt(value))) return fail(`${value} does not fit in 64 bits`)
        return primitiveLiteral({case: 'integer', value: BigInt(value)})
      }
      if (kind === 'lenient' && typeof value === 'string' && INTEGER.test(value.trim())) {
        const n = BigInt(value.trim())
        if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return fail(`${value} does not fit in 64 bits`)
        return primitiveLiteral({case: 'integer', value: n})
      }
      return fail()
    }
    case SimpleType.FLOAT: {
      if (typeof value === 'number') return primitiveLiteral({case: 'floatValue', value})
      if (typeof value === 'bigint') return primitiveLiteral({case: 'floatValue', value: Number(value)})
      if (kind === 'lenient' && typeof value === 'string' && FLOAT.test(value.trim())) {
        return primitiveLiteral({
          case: 'floatValue',
          value: Number(value.trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity')),
        })
      }
      return fail()
    }
    case SimpleType.STRING:
      if (typeof value === 'string') return primitiveLiteral({case: 'stringValue', value})
      if (kind === 'lenient' && ['number', 'bigint', 'boolean'].includes(typeof value)) {
        return primitiveLiteral({case: 'stringValue', value: String(value)})
      }
      return fail()
    case SimpleType.BOOLEAN:
      if (typeof value === 'boolean') return primitiveLiteral({case: 'boolean', value})
      if (kind === 'lenient' && typeof value === 'string') {
        const v = value.trim()
        if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return primitiveLiteral({case: 'boolean', value: true})
        if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) {
          return primitiveLiteral({case: 'boolean', value: false})
        }
      }
      return fail()
    case SimpleType.DATETIME: {
      if (value instanceof Date && !Number.isNaN(value.getTime())) {
        return primitiveLiteral({case: 'datetime', value: timestampFromDate(value)})
      }
      const ts = typeof value === 'string' ? parseTimestamp(value) : undefined
      if (!ts) return fail(`cannot read ${typeName(value)} as an RFC 3339 date-time such as 2024-05-01T10:00:00Z`)
      return primitiveLiteral({case: 'datetime', value: ts})
    }
    case SimpleType.DURATION: {
      const nanos = typeof value === 'string' ? parseDuration(value) : value === 0 ? 0n : undefined
      if (nanos === undefined) return fail(`cannot read ${typeName(value)} as a duration such as 1h30m, 45s or PT1H30M`)
      return primitiveLiteral({case: 'duration', value: durationFromNanos(nanos)})
    }
    case SimpleType.STRUCT: {
      let v = value
      if (kind === 'lenient' && typeof v === 'string') {
        try {
          v = JSON.parse(v) as unknown
        } catch {
          return fail(`cannot read ${typeName(value)} as a JSON object`)
        }
      }
      if (!isPlainObject(v)) return fail()
      return scalarLiteral({case: 'generic', value: toJsonValue(v, path) as JsonObject})
    }
    default:
      return fail(`inputs of type ${expected} cannot be given in a file`)
  }
}

function convert(value: unknown, type: LiteralType, path: string, kind: Kind): Literal {
  const t = type.type
  switch (t.case) {
    case 'simple':
      return simpleLiteral(value, t.value, path, kind)
    case 'collectionType': {
      if (!Array.isArray(value)) {
        throw new LiteralConversionError(path, describeType(type), `cannot use ${typeName(value)}`)
      }
      const elem = t.value
      const literals = value.map((v, i) => convert(v, elem, `${path}[${i}]`, kind))
      return create(LiteralSchema, {value: {case: 'collection', value: create(LiteralCollectionSchema, {literals})}})
    }
    case 'mapValueType': {
      if (!isPlainObject(value)) {
        throw new LiteralConversionError(path, describeType(type), `cannot use ${typeName(value)}`)
      }
      const elem = t.value
      const literals: Record<string, Literal> = {}
      for (const [k, v] of Object.entries(value)) literals[k] = convert(v, elem, `${path}.${k}`, kind)
      return create(LiteralSchema, {value: {case: 'map', value: create(LiteralMapSchema, {literals})}})
    }
    case 'blob': {
      const uri = uriOf(value)
      if (!uri) throw new LiteralConversionError(path, describeType(type), `cannot use ${typeName(value)} as a URI`)
      return scalarLiteral({
        case: 'blob',
        value: create(BlobSchema, {uri, metadata: create(BlobMetadataSchema, {type: t.value})}),
      })
    }
    case 'schema': {
      const uri = uriOf(value)
      if (!uri) throw new LiteralConversionError(path, describeType(type), `cannot use ${typeName(value)} as a URI`)
      return scalarLiteral({case: 'schema', value: create(SchemaSchema, {uri, type: t.value})})
    }
    case 'structuredDatasetType': {
      const uri = uriOf(value)
      if (!uri) throw new LiteralConversionError(path, describeType(type), `cannot use ${typeName(value)} as a URI`)
      return scalarLiteral({
        case: 'structuredDataset',
        value: create(StructuredDatasetSchema, {
          uri,
          metadata: create(StructuredDatasetMetadataSchema, {structuredDatasetType: t.value}),
        }),
      })
    }
    case 'enumType': {
      const values = t.value.values
      if (typeof value !== 'string' || !values.includes(value)) {
        throw new LiteralConversionError(path, describeType(type), `${typeName(value)} is not one of the enum's values`)
      }
      return primitiveLiteral({case: 'stringValue', value})
    }
    case 'unionType': {
      // Exact matches first (so 5 picks integer over string in union[str, int]), then lenient ones.
      for (const pass of kind === 'strict' ? (['strict'] as const) : (['strict', 'lenient'] as const)) {
        for (const variant of t.value.variants) {
          let inner: Literal
          try {
            inner = convert(value, variant, path, pass)
          } catch (err) {
            if (err instanceof LiteralConversionError) continue
            throw err
          }
          return scalarLiteral({case: 'union', value: create(UnionSchema, {value: inner, type: variant})})
        }
      }
      throw new LiteralConversionError(path, describeType(type), `no variant accepts ${typeName(value)}`)
    }
    default:
      throw new LiteralConversionError(path, describeType(type), 'this input type is not supported')
  }
}

/** One value → a Literal of `type`. Throws LiteralConversionError naming `path` and the expected type. */
export function literalFromValue(value: unknown, type: LiteralType, path: string): Literal {
  return convert(value, type, path, 'lenient')
}

/** Inputs by name → LiteralMap, each typed by its variable; an input with no variable is an error. */
export function literalMapFromValues(
  values: Record<string, unknown>,
  variables: Record<string, Pick<Variable, 'type'>>,
): LiteralMap {
  const literals: Record<string, Literal> = {}
  for (const [name, value] of Object.entries(values)) {
    const variable = variables[name]
    if (!variable?.type) {
      const known = Object.keys(variables).sort()
      throw new LiteralConversionError(
        name,
        known.length ? `one of ${known.join(', ')}` : 'no inputs',
        'no matching input with this name',
      )
    }
    literals[name] = literalFromValue(value, variable.type, name)
  }
  return create(LiteralMapSchema, {literals})
}

/**
 * The placeholder value flytectl writes into a generated execFile for an input with no default:
 * int 0, float 0, string "", bool false, datetime now, duration 1s, struct {}, blob `/tmp/somepath`,
 * a one-element list, a one-entry map keyed `itemKey`, the first enum value, the first union variant's.
 */
export function defaultValueForType(type: LiteralType | undefined, now: Date = new Date()): unknown {
  const t = type?.type
  switch (t?.case) {
    case 'simple':
      switch (t.value) {
        case SimpleType.INTEGER:
        case SimpleType.FLOAT:
          return 0
        case SimpleType.STRING:
          return ''
        case SimpleType.BOOLEAN:
          return false
        case SimpleType.DATETIME:
          return now.toISOString().replace(/\.\d{3}Z$/, 'Z')
        case SimpleType.DURATION:
          return '1s'
        case SimpleType.STRUCT:
          return {}
        default:
          return null
      }
    case 'collectionType':
      return [defaultValueForType(t.value, now)]
    case 'mapValueType':
      return {itemKey: defaultValueForType(t.value, now)}
    case 'blob':
    case 'schema':
    case 'structuredDatasetType':
      return '/tmp/somepath'
    case 'enumType':
      return t.value.values[0] ?? ''
    case 'unionType':
      return defaultValueForType(t.value.variants[0], now)
    default:
      return null
  }
}
