import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {
  renderArgs,
  serializeLiteral,
  TemplateError,
  type TemplateParams,
} from '../../../src/controlplane/executor/template.js'
import {encode} from '@msgpack/msgpack'
import {BinarySchema, BlobSchema, LiteralSchema, ScalarSchema} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {bool, float, int, list, map, str} from './helpers.js'

const params = (over: Partial<TemplateParams> = {}): TemplateParams => ({
  inputUri: 'file:///data/n0/data/inputs.pb',
  inputPrefix: 'file:///data/n0/data',
  outputPrefix: 'file:///data/n0/data/0',
  rawOutputDataPrefix: 'file:///raw/n0/0',
  checkpointOutputPrefix: 'file:///data/n0/data/0/_flytecheckpoints',
  prevCheckpointPrefix: '',
  perRetryUniqueKey: 'abc_n0_0',
  namespace: 'flytesnacks-development',
  inputs: map({x: int(3), name: str('a b'), ok: bool(true), ratio: float(0.5), xs: list(int(1), int(2))}),
  ...over,
})

describe('container argument templates', () => {
  it('renders the argument list pyflyte-execute receives', () => {
    const args = [
      'pyflyte-execute',
      '--inputs',
      '{{.input}}',
      '--output-prefix',
      '{{.outputPrefix}}',
      '--raw-output-data-prefix',
      '{{.rawOutputDataPrefix}}',
      '--checkpoint-path',
      '{{.checkpointOutputPrefix}}',
      '--prev-checkpoint',
      '{{.prevCheckpointPrefix}}',
    ]
    assert.deepEqual(renderArgs(args, params()), [
      'pyflyte-execute',
      '--inputs',
      'file:///data/n0/data/inputs.pb',
      '--output-prefix',
      'file:///data/n0/data/0',
      '--raw-output-data-prefix',
      'file:///raw/n0/0',
      '--checkpoint-path',
      'file:///data/n0/data/0/_flytecheckpoints',
      '--prev-checkpoint',
      '""',
    ])
    assert.deepEqual(renderArgs(['{{.prevCheckpointPrefix}}'], params({prevCheckpointPrefix: 'file:///p'})), [
      'file:///p',
    ])
  })

  it('is case-insensitive, allows spaces and $ instead of .', () => {
    assert.deepEqual(
      renderArgs(['{{ .Input }}', '{{$OUTPUTPREFIX}}', '{{.InputPrefix}}', '{{ .Namespace }}'], params()),
      ['file:///data/n0/data/inputs.pb', 'file:///data/n0/data/0', 'file:///data/n0/data', 'flytesnacks-development'],
    )
  })

  it('substitutes input values in their command-line spelling', () => {
    assert.deepEqual(
      renderArgs(['echo {{.inputs.x}} "{{.Inputs.name}}" {{ .inputs.ok }} {{.inputs.ratio}} {{.inputs.xs}}'], params()),
      ['echo 3 "a b" true 0.5 [1,2]'],
    )
    const blob = create(LiteralSchema, {
      value: {
        case: 'scalar',
        value: create(ScalarSchema, {value: {case: 'blob', value: create(BlobSchema, {uri: 'file:///f.csv'})}}),
      },
    })
    assert.equal(serializeLiteral(blob), 'file:///f.csv')
  })

  it('spells MessagePack values as their decoded value', () => {
    const bin = (v: unknown) =>
      create(LiteralSchema, {
        value: {
          case: 'scalar',
          value: create(ScalarSchema, {
            value: {case: 'binary', value: create(BinarySchema, {tag: 'msgpack', value: encode(v)})},
          }),
        },
      })
    assert.equal(serializeLiteral(bin(42)), '42')
    assert.equal(serializeLiteral(bin({x: 1})), '{"x":1}')
  })

  it('keeps $ in values literally', () => {
    assert.deepEqual(renderArgs(['{{.outputPrefix}}'], params({outputPrefix: '/tmp/$1$&'})), ['/tmp/$1$&'])
  })

  it('names a missing input', () => {
    assert.throws(
      () => renderArgs(['{{.inputs.nope}}'], params()),
      (e: unknown) => e instanceof TemplateError && /requested input is not found \[nope\]/.test(e.message),
    )
  })

  it('refuses values that have no command-line spelling', () => {
    const m = create(LiteralSchema, {value: {case: 'map', value: map({a: int(1)})}})
    assert.throws(
      () => renderArgs(['{{.inputs.m}}'], params({inputs: map({m})})),
      /failed to bind a value to inputName \[m\]/,
    )
  })
})
