import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {create, toJson} from '@bufbuild/protobuf'
import {LiteralSchema, type Literal} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {
  BlobType_BlobDimensionality,
  LiteralTypeSchema,
  SimpleType,
  type LiteralType,
} from '../../../src/gen/flyteidl/core/types_pb.js'
import {
  defaultValueForType,
  formatDuration,
  literalFromValue,
  literalMapFromValues,
  LiteralConversionError,
  parseDuration,
  valueFromLiteral,
} from '../../../src/literals/convert.js'

const simple = (value: SimpleType): LiteralType => create(LiteralTypeSchema, {type: {case: 'simple', value}})
const list = (elem: LiteralType): LiteralType =>
  create(LiteralTypeSchema, {type: {case: 'collectionType', value: elem}})
const map = (elem: LiteralType): LiteralType => create(LiteralTypeSchema, {type: {case: 'mapValueType', value: elem}})
const enumOf = (...values: string[]): LiteralType =>
  create(LiteralTypeSchema, {type: {case: 'enumType', value: {values}}})
const union = (...variants: LiteralType[]): LiteralType =>
  create(LiteralTypeSchema, {type: {case: 'unionType', value: {variants}}})
const blob = (dimensionality = BlobType_BlobDimensionality.SINGLE): LiteralType =>
  create(LiteralTypeSchema, {type: {case: 'blob', value: {format: 'csv', dimensionality}}})

const INT = simple(SimpleType.INTEGER)
const FLOAT = simple(SimpleType.FLOAT)
const STR = simple(SimpleType.STRING)
const BOOL = simple(SimpleType.BOOLEAN)
const NONE = simple(SimpleType.NONE)

const json = (l: Literal) => toJson(LiteralSchema, l)
const roundTrip = (value: unknown, type: LiteralType) => valueFromLiteral(literalFromValue(value, type, 'x'))

function rejects(value: unknown, type: LiteralType, path: RegExp | string = 'x') {
  assert.throws(
    () => literalFromValue(value, type, 'x'),
    (err: unknown) => {
      assert.ok(err instanceof LiteralConversionError, String(err))
      assert.match(err.message, typeof path === 'string' ? new RegExp(`\\[${path.replace(/[[\]]/g, '\\$&')}\\]`) : path)
      return true
    },
  )
}

describe('literalFromValue: primitives', () => {
  it('integers from numbers, bigints and digit strings; 64-bit values keep precision', () => {
    assert.deepEqual(json(literalFromValue(42, INT, 'n')), {scalar: {primitive: {integer: '42'}}})
    assert.deepEqual(json(literalFromValue(9007199254740993n, INT, 'n')), {
      scalar: {primitive: {integer: '9007199254740993'}},
    })
    assert.equal(roundTrip('-7', INT), -7)
    assert.equal(roundTrip(9007199254740993n, INT), '9007199254740993')
  })
  it('rejects fractional, non-numeric and oversize integers, naming the input and type', () => {
    rejects(1.5, INT)
    rejects('ten', INT)
    rejects('99999999999999999999', INT, /64 bits/)
    assert.throws(() => literalFromValue(true, INT, 'count'), /input \[count\].*expected integer/)
  })
  it('floats from numbers and numeric strings', () => {
    assert.deepEqual(json(literalFromValue(2.5, FLOAT, 'f')), {scalar: {primitive: {floatValue: 2.5}}})
    assert.equal(roundTrip('1e3', FLOAT), 1000)
    assert.equal(roundTrip(3n, FLOAT), 3)
    rejects('abc', FLOAT)
    rejects([1], FLOAT)
  })
  it('strings accept scalars but not maps or lists', () => {
    assert.equal(roundTrip('hello', STR), 'hello')
    assert.equal(roundTrip(10, STR), '10')
    rejects({a: 1}, STR)
    rejects(['a'], STR)
  })
  it('booleans accept true/false and Go strconv spellings', () => {
    assert.equal(roundTrip(true, BOOL), true)
    assert.equal(roundTrip('F', BOOL), false)
    assert.equal(roundTrip('True', BOOL), true)
    rejects('yes', BOOL)
    rejects(1, BOOL)
  })
  it('datetimes are RFC 3339 with nanosecond precision', () => {
    const l = literalFromValue('2024-05-01T10:00:00.123456789Z', simple(SimpleType.DATETIME), 'at')
    assert.deepEqual(json(l), {scalar: {primitive: {datetime: '2024-05-01T10:00:00.123456789Z'}}})
    assert.equal(valueFromLiteral(l), '2024-05-01T10:00:00.123456789Z')
    assert.equal(roundTrip('2024-05-01T12:00:00+02:00', simple(SimpleType.DATETIME)), '2024-05-01T10:00:00Z')
    rejects('2024-05-01', simple(SimpleType.DATETIME), /RFC 3339/)
    rejects('yesterday', simple(SimpleType.DATETIME))
  })
  it('durations in Go and ISO 8601 syntax', () => {
    const D = simple(SimpleType.DURATION)
    assert.deepEqual(json(literalFromValue('1h2m', D, 'd')), {scalar: {primitive: {duration: '3720s'}}})
    assert.equal(roundTrip('1.5s', D), '1.5s')
    assert.equal(roundTrip('300ms', D), '300ms')
    assert.equal(roundTrip('PT1H30M', D), '1h30m0s')
    assert.equal(roundTrip('P1DT1S', D), '24h0m1s')
    assert.equal(roundTrip('-90s', D), '-1m30s')
    rejects('10', D, /duration/)
    rejects('1 hour', D)
    rejects(5, D)
  })
  it('parseDuration/formatDuration agree with Go', () => {
    assert.equal(parseDuration('1h2m3.5s'), 3723_500_000_000n)
    assert.equal(parseDuration('2us'), 2000n)
    assert.equal(parseDuration('h'), undefined)
    assert.equal(formatDuration(0n), '0s')
    assert.equal(formatDuration(1_500_000n), '1.5ms')
    assert.equal(formatDuration(3600_000_000_000n), '1h0m0s')
  })
  it('none accepts only null', () => {
    assert.deepEqual(json(literalFromValue(null, NONE, 'n')), {scalar: {noneType: {}}})
    rejects(0, NONE)
  })
})

describe('literalFromValue: structured types', () => {
  it('structs become a generic google.protobuf.Struct (also from a JSON string)', () => {
    const S = simple(SimpleType.STRUCT)
    const l = literalFromValue({a: 1n, b: {c: [true, 'x']}}, S, 'cfg')
    assert.deepEqual(json(l), {scalar: {generic: {a: 1, b: {c: [true, 'x']}}}})
    assert.deepEqual(roundTrip('{"k": 2}', S), {k: 2})
    rejects([1, 2], S)
    rejects('not json', S, /JSON object/)
  })
  it('collections and maps convert each element, naming the failing element', () => {
    assert.deepEqual(roundTrip([1, 2, 3], list(INT)), [1, 2, 3])
    assert.deepEqual(roundTrip({a: [1], b: []}, map(list(INT))), {a: [1], b: []})
    rejects([1, 'two'], list(INT), 'x[1]')
    rejects({a: 1, b: 'no'}, map(INT), 'x.b')
    rejects('1,2', list(INT))
    rejects([1], map(INT))
  })
  it("enums accept only the enum's values", () => {
    const E = enumOf('red', 'green')
    assert.deepEqual(json(literalFromValue('green', E, 'c')), {scalar: {primitive: {stringValue: 'green'}}})
    assert.throws(
      () => literalFromValue('blue', E, 'c'),
      /input \[c\].*not one of the enum's values.*enum \[red, green\]/,
    )
  })
  it('unions take the first variant that accepts the value exactly, then leniently, and tag it', () => {
    const U = union(STR, INT)
    const five = json(literalFromValue(5, U, 'u'))
    assert.deepEqual(five, {scalar: {union: {value: {scalar: {primitive: {integer: '5'}}}, type: {simple: 'INTEGER'}}}})
    const optional = union(INT, NONE)
    assert.deepEqual(json(literalFromValue(null, optional, 'u')), {
      scalar: {union: {value: {scalar: {noneType: {}}}, type: {simple: 'NONE'}}},
    })
    assert.equal(roundTrip('7', union(INT, BOOL)), 7)
    rejects({a: 1}, union(INT, BOOL), /no variant accepts/)
  })
  it('blobs, single and multipart, by URI', () => {
    const l = literalFromValue('s3://bucket/data.csv', blob(), 'b')
    assert.deepEqual(json(l), {
      scalar: {blob: {metadata: {type: {format: 'csv'}}, uri: 's3://bucket/data.csv'}},
    })
    const multi = literalFromValue({uri: 's3://bucket/dir/'}, blob(BlobType_BlobDimensionality.MULTIPART), 'b')
    assert.deepEqual(json(multi), {
      scalar: {blob: {metadata: {type: {format: 'csv', dimensionality: 'MULTIPART'}}, uri: 's3://bucket/dir/'}},
    })
    assert.equal(valueFromLiteral(multi), 's3://bucket/dir/')
    rejects('', blob(), /URI/)
    rejects(3, blob())
  })
})

describe('literalFromValue: datasets and unsupported types', () => {
  it('schemas and structured datasets by URI keep their declared type', () => {
    const sd = create(LiteralTypeSchema, {type: {case: 'structuredDatasetType', value: {format: 'parquet'}}})
    assert.deepEqual(json(literalFromValue('s3://b/df.parquet', sd, 'df')), {
      scalar: {structuredDataset: {uri: 's3://b/df.parquet', metadata: {structuredDatasetType: {format: 'parquet'}}}},
    })
    const schema = create(LiteralTypeSchema, {type: {case: 'schema', value: {columns: []}}})
    assert.equal(roundTrip('s3://b/schema', schema), 's3://b/schema')
    rejects({}, sd, /URI/)
  })
  it('binary and error inputs cannot come from a file; a type with no kind is refused', () => {
    rejects('AAEC', simple(SimpleType.BINARY), /cannot be given in a file/)
    rejects('x', create(LiteralTypeSchema, {}), /not supported/)
  })
})

describe('literalMapFromValues', () => {
  it('converts each input by its variable and names an unknown input', () => {
    const vars = {n: {type: INT}, s: {type: STR}}
    const m = literalMapFromValues({n: 1, s: 'a'}, vars)
    assert.deepEqual(Object.keys(m.literals).sort(), ['n', 's'])
    assert.throws(() => literalMapFromValues({nn: 1}, vars), /input \[nn\]: no matching input.*one of n, s/)
  })
})

describe('valueFromLiteral', () => {
  it('renders nested literal maps and collections as plain values', () => {
    const l = create(LiteralSchema, {
      value: {
        case: 'map',
        value: {literals: {z: literalFromValue([1.5], list(FLOAT), 'z'), a: literalFromValue('s', STR, 'a')}},
      },
    })
    assert.deepEqual(valueFromLiteral(l), {a: 's', z: [1.5]})
    assert.equal(valueFromLiteral(undefined), null)
  })
})

describe('defaultValueForType (execFile placeholders, as flytectl)', () => {
  it('gives flytectl placeholder values for every type', () => {
    const now = new Date('2024-01-02T03:04:05.678Z')
    assert.equal(defaultValueForType(INT), 0)
    assert.equal(defaultValueForType(FLOAT), 0)
    assert.equal(defaultValueForType(STR), '')
    assert.equal(defaultValueForType(BOOL), false)
    assert.equal(defaultValueForType(simple(SimpleType.DATETIME), now), '2024-01-02T03:04:05Z')
    assert.equal(defaultValueForType(simple(SimpleType.DURATION)), '1s')
    assert.deepEqual(defaultValueForType(simple(SimpleType.STRUCT)), {})
    assert.equal(defaultValueForType(blob()), '/tmp/somepath')
    assert.deepEqual(defaultValueForType(list(INT)), [0])
    assert.deepEqual(defaultValueForType(map(STR)), {itemKey: ''})
    assert.equal(defaultValueForType(enumOf('b', 'a')), 'b')
    assert.equal(defaultValueForType(union(BOOL, INT)), false)
  })
  it('every placeholder converts back to a literal of its own type', () => {
    for (const t of [
      INT,
      FLOAT,
      STR,
      BOOL,
      simple(SimpleType.DATETIME),
      simple(SimpleType.DURATION),
      list(map(INT)),
      enumOf('x'),
      union(INT, NONE),
      blob(),
    ]) {
      assert.doesNotThrow(() => literalFromValue(defaultValueForType(t), t, 'p'))
    }
  })
})
