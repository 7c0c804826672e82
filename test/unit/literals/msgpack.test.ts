import assert from 'node:assert/strict'
import {test} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {encode} from '@msgpack/msgpack'
import {LiteralSchema} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {valueFromLiteral} from '../../../src/literals/convert.js'

const binaryLiteral = (value: Uint8Array, tag: string) =>
  create(LiteralSchema, {value: {case: 'scalar', value: {value: {case: 'binary', value: {value, tag}}}}})

test('flytekit dataclass outputs (MessagePack binary scalars) read as plain objects', () => {
  // flytekit 1.16 writes `Point(x=8, y=9)` as msgpack bytes 0x82 0xa1 'x' 0x08 0xa1 'y' 0x09.
  const bytes = Uint8Array.from([0x82, 0xa1, 0x78, 0x08, 0xa1, 0x79, 0x09])
  assert.deepEqual(valueFromLiteral(binaryLiteral(bytes, 'msgpack')), {x: 8, y: 9})
  assert.deepEqual(valueFromLiteral(binaryLiteral(encode({nested: [1, 'a']}), 'msgpack')), {nested: [1, 'a']})
})

test('other binary scalars stay base64 with their tag', () => {
  assert.deepEqual(valueFromLiteral(binaryLiteral(Uint8Array.from([1, 2, 3]), 'raw')), {binary: 'AQID', tag: 'raw'})
})

test('plain message objects (as the lite codec decodes them) render as protobuf-es messages do', async () => {
  const render = await import('../../../src/literals/render.js')
  const bytes = encode({x: 8})
  const plain = {
    $typeName: 'flyteidl.core.Literal',
    value: {case: 'scalar', value: {value: {case: 'binary', value: {value: bytes, tag: 'msgpack'}}}},
  }
  assert.deepEqual(render.valueFromLiteral(plain as never), valueFromLiteral(binaryLiteral(bytes, 'msgpack')))
  assert.equal(render.valueFromLiteral, valueFromLiteral, 'convert.ts re-exports the one implementation')
})
