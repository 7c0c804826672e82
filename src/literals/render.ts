/**
 * flyteidl Literals → plain values for YAML/JSON (the `--details` views, execFile defaults, signals).
 * Works on the message objects any admin client returns, full or lite, and loads neither the
 * protobuf runtime nor generated code: its imports of them are types only. MessagePack loads on the
 * first `msgpack` binary literal rendered.
 */
import {createRequire} from 'node:module'
import type {Duration, Timestamp} from '@bufbuild/protobuf/wkt'
import type {decode} from '@msgpack/msgpack'
import type {
  Literal,
  LiteralMap,
  LiteralOffloadedMetadata,
  Primitive,
  Scalar,
} from '../gen/flyteidl/core/literals_pb.js'
import type {Error as ErrorLiteral} from '../gen/flyteidl/core/types_pb.js'

let msgpackDecode: typeof decode | undefined

function decodeMsgpack(bytes: Uint8Array): unknown {
  msgpackDecode ??= (createRequire(import.meta.url)('@msgpack/msgpack') as {decode: typeof decode}).decode
  return msgpackDecode(bytes)
}

/** Nanoseconds → Go's Duration.String(): `1h2m3.5s`, `300ms`, `0s`. */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s'
  const neg = nanos < 0n
  let n = neg ? -nanos : nanos
  let out: string
  if (n < 1_000_000_000n) {
    const [unit, size] = n < 1000n ? ['ns', 1n] : n < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n]
    out = trimFraction(n, size) + unit
  } else {
    const h = n / 3_600_000_000_000n
    n -= h * 3_600_000_000_000n
    const m = n / 60_000_000_000n
    n -= m * 60_000_000_000n
    out = (h > 0n ? `${h}h` : '') + (h > 0n || m > 0n ? `${m}m` : '') + trimFraction(n, 1_000_000_000n) + 's'
  }
  return (neg ? '-' : '') + out
}

function trimFraction(n: bigint, size: bigint): string {
  const whole = n / size
  const frac = n % size
  if (frac === 0n) return String(whole)
  const digits = String(size).length - 1
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`
}

export function nanosFromDuration(d: Duration): bigint {
  return d.seconds * 1_000_000_000n + BigInt(d.nanos)
}

/** Timestamp → RFC 3339 text with nanosecond precision (`2024-01-02T03:04:05.5Z`). */
export function formatTimestamp(ts: Timestamp): string {
  // The Date protobuf-es's timestampDate gives: milliseconds rounded from the nanos.
  const iso = new Date(Number(ts.seconds) * 1000 + Math.round(ts.nanos / 1000000)).toISOString()
  if (ts.nanos === 0) return iso.replace(/\.000Z$/, 'Z')
  return iso.replace(/\.\d{3}Z$/, `.${String(ts.nanos).padStart(9, '0').replace(/0+$/, '')}Z`)
}

/**
 * A binary scalar as a plain value: flytekit writes dataclasses, dicts and Pydantic models as
 * MessagePack (`tag: msgpack`); anything else stays base64 with its tag.
 */
export function valueFromBinary(b: {value: Uint8Array; tag: string}): unknown {
  if (b.tag === 'msgpack') {
    try {
      return decodeMsgpack(b.value)
    } catch {
      // not valid MessagePack after all: fall through to base64
    }
  }
  return {binary: Buffer.from(b.value).toString('base64'), tag: b.tag}
}

/** How the leaves that differ between views become plain values. */
export interface LiteralLeafStyle {
  datetime(ts: Timestamp): unknown
  duration(d: Duration): unknown
  offloaded(meta: LiteralOffloadedMetadata): unknown
  error(err: ErrorLiteral): unknown
}

/** execFile style: RFC 3339 with nanoseconds, Go duration text. */
const EXEC_FILE_LEAVES: LiteralLeafStyle = {
  datetime: (ts) => formatTimestamp(ts),
  duration: (d) => formatDuration(nanosFromDuration(d)),
  offloaded: (meta) => ({offloadedUri: meta.uri, sizeBytes: Number(meta.sizeBytes)}),
  error: (err) => ({failedNodeId: err.failedNodeId, message: err.message}),
}

/** A Literal → a plain value for YAML/JSON: integers as numbers (strings beyond 2^53), URIs as strings. */
export function valueFromLiteral(literal: Literal | undefined, style: LiteralLeafStyle = EXEC_FILE_LEAVES): unknown {
  if (!literal) return null
  const v = literal.value
  switch (v.case) {
    case 'scalar':
      return valueFromScalar(v.value, style)
    case 'collection':
      return v.value.literals.map((l) => valueFromLiteral(l, style))
    case 'map':
      return valueFromLiteralMap(v.value, style)
    case 'offloadedMetadata':
      return style.offloaded(v.value)
    default:
      return null
  }
}

export function valueFromLiteralMap(
  map: LiteralMap | undefined,
  style: LiteralLeafStyle = EXEC_FILE_LEAVES,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(map?.literals ?? {}).sort()) out[key] = valueFromLiteral(map!.literals[key], style)
  return out
}

function valueFromScalar(scalar: Scalar, style: LiteralLeafStyle): unknown {
  const s = scalar.value
  switch (s.case) {
    case 'primitive':
      return valueFromPrimitive(s.value, style)
    case 'blob':
      return s.value.uri
    case 'schema':
      return s.value.uri
    case 'structuredDataset':
      return s.value.uri
    case 'noneType':
      return null
    case 'generic':
      return s.value
    case 'union':
      return valueFromLiteral(s.value.value, style)
    case 'binary':
      return valueFromBinary(s.value)
    case 'error':
      return style.error(s.value)
    default:
      return null
  }
}

function valueFromPrimitive(p: Primitive, style: LiteralLeafStyle): unknown {
  const v = p.value
  switch (v.case) {
    case 'integer':
      return v.value <= BigInt(Number.MAX_SAFE_INTEGER) && v.value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(v.value)
        : v.value.toString()
    case 'floatValue':
    case 'stringValue':
    case 'boolean':
      return v.value
    case 'datetime':
      return style.datetime(v.value)
    case 'duration':
      return style.duration(v.value)
    default:
      return null
  }
}

/** Structural equality of two literals' plain values (used to accept a fixed input given unchanged). */
export function sameValue(a: Literal | undefined, b: Literal | undefined): boolean {
  return JSON.stringify(valueFromLiteral(a)) === JSON.stringify(valueFromLiteral(b))
}
