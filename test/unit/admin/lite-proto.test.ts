/**
 * The lite codec (src/admin/lite-proto.ts) against protobuf-es, on every type the read-only methods
 * with a lite schema reach: random messages of the generated schemas (every field kind, oneofs,
 * maps, wrappers, Struct, Timestamp, Duration, 64-bit integers, unknown fields) decode to the same
 * objects as `fromBinary`, print the same protojson as `toJson` (or fail alike), and requests the
 * lite codec encodes read back as `create(schema, init)`.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {
  create,
  equals,
  fromBinary,
  ScalarType,
  toBinary,
  toJson,
  type DescField,
  type DescMessage,
  type DescService,
} from '@bufbuild/protobuf'
import {liteSchema} from '../../../src/admin/lazy-service.js'
import {LiteSchema, type LiteMessage} from '../../../src/admin/lite-proto.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {AuthMetadataService} from '../../../src/gen/flyteidl/service/auth_pb.js'
import {DataProxyService} from '../../../src/gen/flyteidl/service/dataproxy_pb.js'
import {IdentityService} from '../../../src/gen/flyteidl/service/identity_pb.js'
import {SignalService} from '../../../src/gen/flyteidl/service/signal_pb.js'

/** A deterministic pseudo-random source (the failures must reproduce). */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

type Rand = () => number

function scalar(t: ScalarType, r: Rand): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!
  switch (t) {
    case ScalarType.STRING:
      return pick(['', 'a', 'flytesnacks', 'ünïcode ✓', 'x'.repeat(200)])
    case ScalarType.BYTES:
      return pick([new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array([255, 0])])
    case ScalarType.BOOL:
      return r() < 0.5
    case ScalarType.DOUBLE:
      return pick([0, 1.5, -2.25, 1e300, Number.NaN, Number.POSITIVE_INFINITY])
    case ScalarType.FLOAT:
      return pick([0, 1.5, -2.25, 3.0e10])
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return pick([0, 1, -1, 2147483647, -2147483648, 300])
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return pick([0, 1, 4294967295, 300])
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return pick([0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n, 1700000000n])
    default:
      return pick([0n, 1n, 18446744073709551615n, 1700000000n])
  }
}

function fieldValue(f: DescField, kind: string, r: Rand, depth: number): unknown {
  if (kind === 'enum') {
    const values = f.enum!.values
    return r() < 0.9 ? values[Math.floor(r() * values.length)]!.number : 99 // an unknown number
  }
  if (kind === 'message') {
    const m = f.message!
    if (m.typeName === 'google.protobuf.Timestamp') {
      return create(m, {seconds: BigInt(Math.floor(r() * 2e9)), nanos: [0, 5000000, 123456000, 1][Math.floor(r() * 4)]})
    }
    if (m.typeName === 'google.protobuf.Duration') {
      return create(m, {seconds: BigInt(Math.floor(r() * 1e5)), nanos: [0, 500000000, 1000][Math.floor(r() * 3)]})
    }
    if (m.typeName === 'google.protobuf.Any') {
      return r() < 0.7 ? create(m) : create(m, {typeUrl: 'type.googleapis.com/x.Y', value: new Uint8Array([8, 1])})
    }
    return randomMessage(m, r, depth + 1)
  }
  return scalar(f.scalar!, r)
}

function randomMessage(desc: DescMessage, r: Rand, depth = 0): Record<string, unknown> {
  const init: Record<string, unknown> = {}
  if (depth > 4) return create(desc, init)
  if (desc.typeName === 'google.protobuf.Value') {
    const kinds: [string, () => unknown][] = [
      ['nullValue', () => 0],
      ['numberValue', () => [0, 1.5, -3][Math.floor(r() * 3)]],
      ['stringValue', () => 'v'],
      ['boolValue', () => true],
      [
        'structValue',
        () =>
          randomMessage(
            desc.file.messages.find((m) => m.name === 'Struct')!,
            r,
            depth + 1,
          ),
      ],
    ]
    const [c, v] = kinds[Math.floor(r() * kinds.length)]!
    return create(desc, {kind: {case: c, value: v()}} as never)
  }
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      if (r() < 0.3) continue
      const f = member.fields[Math.floor(r() * member.fields.length)]!
      init[member.localName] = {case: f.localName, value: fieldValue(f, f.fieldKind, r, depth)}
      continue
    }
    const f = member
    if (r() < 0.35) continue
    switch (f.fieldKind) {
      case 'list': {
        const n = Math.floor(r() * 3)
        init[f.localName] = Array.from({length: n}, () => fieldValue(f, f.listKind, r, depth))
        break
      }
      case 'map': {
        const n = Math.floor(r() * 3)
        const rec: Record<string, unknown> = {}
        for (let i = 0; i < n; i++) {
          const key = String(scalar(f.mapKey, r))
          rec[key] = fieldValue(f, f.mapKind, r, depth)
        }
        init[f.localName] = rec
        break
      }
      case 'message': {
        const m = f.message
        if (m.typeName === 'google.protobuf.Struct') {
          init[f.localName] = {a: 1, b: 'x', c: [true, null, {d: 2.5}], e: {}}
        } else if (/^google\.protobuf\.\w+Value$/.test(m.typeName) && m.typeName !== 'google.protobuf.Value') {
          init[f.localName] = scalar(m.fields[0]!.scalar!, r)
        } else {
          init[f.localName] = fieldValue(f, 'message', r, depth)
        }
        break
      }
      default:
        init[f.localName] = fieldValue(f, f.fieldKind, r, depth)
    }
  }
  return create(desc, init as never)
}

/** Unknown fields: a field number no type here uses, appended to the encoding. */
function withUnknown(bytes: Uint8Array): Uint8Array {
  const extra = new Uint8Array([0xf8, 0xff, 0x3f, 0x07]) // field 131071, varint 7
  const out = new Uint8Array(bytes.length + extra.length)
  out.set(bytes)
  out.set(extra, bytes.length)
  return out
}

function jsonOrError(fn: () => unknown): unknown {
  try {
    return {json: fn()}
  } catch (err) {
    return {error: (err as Error).message}
  }
}

const services: DescService[] = [AdminService, AuthMetadataService, DataProxyService, IdentityService, SignalService]
const lite = services.flatMap((s) =>
  s.methods.map((m) => ({service: s, method: m, schema: liteSchema(LiteSchema, s.typeName, m.localName)})),
)

describe('lite codec', () => {
  it('has a schema for the read-only unary calls only', () => {
    const names = lite.filter((x) => x.schema).map((x) => x.method.name)
    assert.ok(names.includes('ListProjects') && names.includes('ListExecutions') && names.includes('GetVersion'))
    assert.ok(
      names.every((n) => /^(Get|List)/.test(n) && !n.startsWith('GetOrCreate')),
      names.join(' '),
    )
    assert.ok(!names.includes('CreateExecution'))
  })

  for (const {method, schema} of lite) {
    if (!schema) continue
    it(`decodes and prints ${method.name} responses as protobuf-es does`, () => {
      const r = rng(method.name.length * 7919)
      for (let i = 0; i < 40; i++) {
        const msg = randomMessage(method.output, r)
        let bytes: Uint8Array = toBinary(method.output, msg as never)
        if (i % 5 === 4) bytes = withUnknown(bytes)
        const want = fromBinary(method.output, bytes)
        const got: LiteMessage = schema.decode(method.output.typeName, bytes)
        assert.deepEqual(got, want, `${method.name} #${i}`)
        assert.deepEqual(
          jsonOrError(() => schema.toJson(got)),
          jsonOrError(() => toJson(method.output, want)),
          `${method.name} #${i} JSON`,
        )
      }
    })

    it(`encodes ${method.name} requests as protobuf-es reads them`, () => {
      const r = rng(method.name.length * 104729)
      for (let i = 0; i < 40; i++) {
        const init = randomMessage(method.input, r)
        const bytes = schema.encode(method.input.typeName, init as LiteMessage)
        assert.ok(equals(method.input, fromBinary(method.input, bytes), create(method.input, init as never)))
      }
    })
  }

  it('encodes plain init objects (what commands pass) like create()', () => {
    const m = AdminService.method.listExecutions
    const schema = liteSchema(LiteSchema, AdminService.typeName, 'listExecutions')!
    const init = {
      id: {project: 'p', domain: 'd', name: ''},
      limit: 100,
      token: undefined,
      filters: 'eq(phase,SUCCEEDED)',
      sortBy: {key: 'created_at', direction: 0},
    }
    const bytes = schema.encode(m.input.typeName, init)
    assert.ok(equals(m.input, fromBinary(m.input, bytes), create(m.input, init as never)))
  })

  it('refuses what it cannot read, for the full client to handle', () => {
    const schema = liteSchema(LiteSchema, AdminService.typeName, 'listProjects')!
    assert.throws(() =>
      schema.decode(AdminService.method.listProjects.output.typeName, new Uint8Array([0x0a, 0x05, 1])),
    )
    assert.throws(() =>
      schema.decode(AdminService.method.listProjects.output.typeName, new Uint8Array([0x0a, 0x01, 0xff])),
    )
  })
})
