import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {cacheKey, inputsDigest, isCacheable} from '../../../src/controlplane/executor/catalog.js'
import {TaskMetadataSchema, TaskTemplateSchema} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {NodeMetadataSchema, NodeSchema} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {int, map, str} from './helpers.js'

const task = (version: string, ignore: string[] = []) =>
  create(TaskTemplateSchema, {
    id: {project: 'p', domain: 'd', name: 't', version: 'v1'},
    metadata: create(TaskMetadataSchema, {discoverable: true, discoveryVersion: version, cacheIgnoreInputVars: ignore}),
  })
const node = create(NodeSchema, {id: 'n0'})

describe('local task cache keys', () => {
  it('do not depend on the order inputs arrive in', () => {
    const a = map({x: int(1), y: str('a')})
    const b = map({y: str('a'), x: int(1)})
    assert.equal(inputsDigest(a), inputsDigest(b))
    assert.notEqual(inputsDigest(a), inputsDigest(map({x: int(2), y: str('a')})))
  })

  it('ignore the inputs the task says to ignore', () => {
    const t = task('1', ['y'])
    assert.equal(cacheKey(t, node, map({x: int(1), y: str('a')})), cacheKey(t, node, map({x: int(1), y: str('b')})))
    assert.notEqual(
      cacheKey(task('1'), node, map({x: int(1), y: str('a')})),
      cacheKey(task('1'), node, map({x: int(1), y: str('b')})),
    )
  })

  it('change with the cache version', () => {
    const inputs = map({x: int(1)})
    assert.notEqual(cacheKey(task('1'), node, inputs), cacheKey(task('2'), node, inputs))
  })

  it('follow the task, unless the node overrides cacheability', () => {
    assert.equal(isCacheable(task('1'), node), true)
    const off = create(NodeSchema, {
      id: 'n0',
      metadata: create(NodeMetadataSchema, {cacheableValue: {case: 'cacheable', value: false}}),
    })
    assert.equal(isCacheable(task('1'), off), false)
  })
})
