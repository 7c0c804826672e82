import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {
  BindingError,
  promiseNodeIds,
  resolveBindingData,
  resolveBindings,
} from '../../../src/controlplane/executor/bindings.js'
import {decode, encode} from '@msgpack/msgpack'
import {
  BinarySchema,
  BindingDataCollectionSchema,
  BindingDataMapSchema,
  BindingDataSchema,
  LiteralSchema,
  ScalarSchema,
  UnionInfoSchema,
} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {LiteralTypeSchema, SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {bind, int, intOf, list, map, promise, str} from './helpers.js'

const scope = () => ({
  inputs: map({a: int(1), names: list(str('x'), str('y'))}),
  outputs: new Map([
    ['n0', map({o0: int(42), m: create(LiteralSchema, {value: {case: 'map', value: map({k: int(7)})}})})],
  ]),
})

describe('binding resolution', () => {
  it('resolves workflow inputs (start-node) and upstream outputs by name', () => {
    const out = resolveBindings([bind('x', promise('start-node', 'a')), bind('y', promise('n0', 'o0'))], scope())
    assert.equal(intOf(out.literals.x), 1n)
    assert.equal(intOf(out.literals.y), 42n)
  })

  it("reads flytekit's empty node id as the start node", () => {
    const out = resolveBindings([bind('x', promise('', 'a'))], scope())
    assert.equal(intOf(out.literals.x), 1n)
    assert.deepEqual(promiseNodeIds([bind('x', promise('', 'a'))]), [])
  })

  it('builds lists and maps of bindings', () => {
    const coll = create(BindingDataSchema, {
      value: {
        case: 'collection',
        value: create(BindingDataCollectionSchema, {bindings: [promise('n0', 'o0'), promise('start-node', 'a')]}),
      },
    })
    const m = create(BindingDataSchema, {
      value: {case: 'map', value: create(BindingDataMapSchema, {bindings: {first: promise('n0', 'o0')}})},
    })
    const l = resolveBindingData(coll, scope())
    assert.equal(l.value.case, 'collection')
    if (l.value.case === 'collection') assert.deepEqual(l.value.value.literals.map(intOf), [42n, 1n])
    const mm = resolveBindingData(m, scope())
    assert.equal(mm.value.case === 'map' ? intOf(mm.value.value.literals.first) : null, 42n)
  })

  it('follows attribute paths into lists and maps', () => {
    const item = resolveBindingData(promise('start-node', 'names', 1), scope())
    assert.equal(
      item.value.case === 'scalar' &&
        item.value.value.value.case === 'primitive' &&
        item.value.value.value.value.value.value,
      'y',
    )
    assert.equal(intOf(resolveBindingData(promise('n0', 'm', 'k'), scope())), 7n)
    assert.throws(() => resolveBindingData(promise('start-node', 'names', 5), scope()), /index \[5\] out of range/)
  })

  it('follows attribute paths into generic (struct) values', () => {
    const generic = create(LiteralSchema, {
      value: {case: 'scalar', value: create(ScalarSchema, {value: {case: 'generic', value: {a: {b: [10, 'z']}}}})},
    })
    const s = {inputs: map({cfg: generic}), outputs: new Map()}
    assert.equal(intOf(resolveBindingData(promise('start-node', 'cfg', 'a', 'b', 0), s)), 10n)
  })

  it('follows attribute paths into MessagePack dataclasses and hands the part on as MessagePack', () => {
    const bin = create(LiteralSchema, {
      value: {
        case: 'scalar',
        value: create(ScalarSchema, {
          value: {
            case: 'binary',
            value: create(BinarySchema, {tag: 'msgpack', value: encode({a: 3, b: {c: [1, 'z']}})}),
          },
        }),
      },
    })
    const s = {inputs: map({dc: bin}), outputs: new Map()}
    const part = resolveBindingData(promise('start-node', 'dc', 'b', 'c', 1), s)
    assert.ok(part.value.case === 'scalar' && part.value.value.value.case === 'binary')
    if (part.value.case === 'scalar' && part.value.value.value.case === 'binary') {
      assert.equal(part.value.value.value.value.tag, 'msgpack')
      assert.equal(decode(part.value.value.value.value.value), 'z')
    }
    assert.throws(() => resolveBindingData(promise('start-node', 'dc', 'nope'), s), /key \[nope\] not found/)
  })

  it('wraps values bound into union-typed inputs', () => {
    const d = create(BindingDataSchema, {
      value: promise('n0', 'o0').value,
      union: create(UnionInfoSchema, {
        targetType: create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.INTEGER}}),
      }),
    })
    const l = resolveBindingData(d, scope())
    assert.ok(l.value.case === 'scalar' && l.value.value.value.case === 'union')
    if (l.value.case === 'scalar' && l.value.value.value.case === 'union')
      assert.equal(intOf(l.value.value.value.value.value), 42n)
  })

  it('names the missing node or output', () => {
    assert.throws(
      () => resolveBindings([bind('x', promise('n9', 'o0'))], scope()),
      (e: unknown) => {
        return e instanceof BindingError && /node \[n9\] has not produced outputs/.test(e.message)
      },
    )
    assert.throws(
      () => resolveBindings([bind('x', promise('n0', 'nope'))], scope()),
      /output of node \[n0\] \[nope\] not found/,
    )
    assert.throws(
      () => resolveBindings([bind('x', promise('start-node', 'b'))], scope()),
      /workflow input \[b\] not found/,
    )
  })

  it('lists the upstream nodes a node reads from, without the start node', () => {
    const coll = create(BindingDataSchema, {
      value: {case: 'collection', value: create(BindingDataCollectionSchema, {bindings: [promise('n2', 'o0')]})},
    })
    const ids = promiseNodeIds([bind('a', promise('start-node', 'a')), bind('b', promise('n1', 'o0')), bind('c', coll)])
    assert.deepEqual(ids.sort(), ['n1', 'n2'])
  })
})
