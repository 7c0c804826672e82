import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {CompiledTaskSchema} from '../../../src/gen/flyteidl/core/compiler_pb.js'
import {TaskTemplateSchema, type TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {
  goCamelCase,
  goValue,
  sameStructure,
  structureDiff,
  structureDigest,
} from '../../../src/controlplane/structure-diff.js'

function task(over: {
  image?: string
  retries?: number
  discovery?: string
  args?: string[]
  config?: [string, string][]
}) {
  const template: TaskTemplate = create(TaskTemplateSchema, {
    id: {resourceType: 1, project: 'p', domain: 'd', name: 't1', version: 'v1'},
    type: 'python-task',
    metadata: {
      retries: {retries: over.retries ?? 1},
      discoveryVersion: over.discovery ?? '',
      runtime: {type: 1, version: '1.16.31', flavor: 'python'},
    },
    config: Object.fromEntries(over.config ?? []),
    target: {case: 'container', value: {image: over.image ?? 'img:a', args: over.args ?? ['pyflyte-execute']}},
  })
  return create(CompiledTaskSchema, {template})
}

describe('structure identity (FlyteAdmin digests)', () => {
  it('is the same for map entries sent in another order, and survives a binary round trip', () => {
    const a = task({
      config: [
        ['x', '1'],
        ['y', '2'],
      ],
    })
    const b = task({
      config: [
        ['y', '2'],
        ['x', '1'],
      ],
    })
    assert.notDeepEqual(toBinary(CompiledTaskSchema, a), toBinary(CompiledTaskSchema, b))
    assert.equal(structureDigest(CompiledTaskSchema, a), structureDigest(CompiledTaskSchema, b))
    assert.ok(sameStructure(CompiledTaskSchema, a, fromBinary(CompiledTaskSchema, toBinary(CompiledTaskSchema, b))))
    assert.notEqual(structureDigest(CompiledTaskSchema, a), structureDigest(CompiledTaskSchema, task({retries: 2})))
  })

  it('reads unboxed well-known types (a Struct in custom) in any key order, and diffs inside them', () => {
    const withCustom = (custom: Record<string, unknown>) => {
      const t = task({})
      t.template!.custom = custom as never
      return t
    }
    const a = withCustom({image: 'x', opts: {b: 1, a: [true, null]}})
    const b = withCustom({opts: {a: [true, null], b: 1}, image: 'x'})
    assert.equal(structureDigest(CompiledTaskSchema, a), structureDigest(CompiledTaskSchema, b))
    assert.equal(
      structureDiff(CompiledTaskSchema, a, withCustom({image: 'y', opts: {b: 1, a: [true, null]}})),
      '/template/custom/fields/image/Kind/StringValue:\n\t- x \n\t+ y',
    )
  })

  it('names the differing paths in FlyteAdmin’s format (retries, image, a removed field; an appended arg is left out)', () => {
    const before = task({retries: 1, image: 'img:a', discovery: '1', args: ['pyflyte-execute']})
    const after = task({retries: 3, image: 'img:b', args: ['pyflyte-execute', '--extra']})
    assert.equal(
      structureDiff(CompiledTaskSchema, before, after),
      '/template/Target/Container/image:\n\t- img:a \n\t+ img:b\n' +
        '/template/metadata/discovery_version:\n\t- 1 \n\t+ <nil>\n' +
        '/template/metadata/retries/retries:\n\t- 1 \n\t+ 3',
    )
    assert.equal(structureDiff(CompiledTaskSchema, before, before), '')
  })

  it('spells Go names and values', () => {
    assert.equal(goCamelCase('k8s_pod'), 'K8SPod')
    assert.equal(goCamelCase('container'), 'Container')
    assert.equal(goValue(undefined), '<nil>')
    assert.equal(goValue(1000000), '1e+06')
    assert.equal(goValue(123456), '123456')
    assert.equal(goValue(0.5), '0.5')
    assert.equal(goValue({b: 2, a: 'x'}), 'map[a:x b:2]')
    assert.equal(goValue(['a', 1]), '[a 1]')
  })
})
