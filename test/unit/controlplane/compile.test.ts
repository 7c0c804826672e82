import assert from 'node:assert/strict'
import {create} from '@bufbuild/protobuf'
import {test} from 'node:test'
import {compileTemplate, referencedTaskIds} from '../../../src/controlplane/compile.js'
import {WorkflowTemplateSchema} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {dns1123LabelErrors, labelValueErrors, qualifiedNameErrors} from '../../../src/controlplane/validation.js'

const promise = (nodeId: string) => ({value: {case: 'promise' as const, value: {nodeId, var: 'o0'}}})
const taskNode = (name: string) => ({
  case: 'taskNode' as const,
  value: {
    reference: {case: 'referenceId' as const, value: {resourceType: 1, project: 'p', domain: 'd', name, version: 'v'}},
  },
})

test('connections follow data dependencies and explicit upstream ids; leaves feed end-node', () => {
  const tpl = create(WorkflowTemplateSchema, {
    nodes: [
      {id: 'a', inputs: [{var: 'x', binding: promise('start-node')}], target: taskNode('t1')},
      {id: 'b', inputs: [{var: 'x', binding: promise('a')}], target: taskNode('t2')},
      {id: 'c', upstreamNodeIds: ['a'], target: taskNode('t1')},
    ],
    outputs: [{var: 'o', binding: promise('b')}],
  })
  const compiled = compileTemplate(tpl)
  const up = (id: string) => compiled.connections?.upstream[id]?.ids
  assert.deepEqual(
    compiled.template?.nodes.map((n) => n.id),
    ['start-node', 'a', 'b', 'c', 'end-node'],
  )
  assert.deepEqual(up('a'), ['start-node'])
  assert.deepEqual(up('b'), ['a'])
  assert.deepEqual(up('c'), ['a'])
  assert.deepEqual(up('end-node'), ['b', 'c'])
  assert.deepEqual(compiled.connections?.downstream['a']?.ids, ['b', 'c'])
  assert.equal(compiled.template?.nodes.at(-1)?.inputs[0]?.var, 'o')
})

test('task references are collected through branch nodes, once each', () => {
  const tpl = create(WorkflowTemplateSchema, {
    nodes: [
      {id: 'a', target: taskNode('t1')},
      {
        id: 'br',
        target: {
          case: 'branchNode',
          value: {
            ifElse: {
              case: {thenNode: {id: 'br-n0', target: taskNode('t2')}},
              other: [{thenNode: {id: 'br-n1', target: taskNode('t1')}}],
              default: {case: 'elseNode', value: {id: 'br-n2', target: taskNode('t3')}},
            },
          },
        },
      },
    ],
  })
  assert.deepEqual(
    referencedTaskIds([tpl])
      .map((id) => id.name)
      .sort(),
    ['t1', 't2', 't3'],
  )
})

test('Kubernetes name rules behind project ids and labels', () => {
  assert.deepEqual(dns1123LabelErrors('flytesnacks'), [])
  assert.equal(dns1123LabelErrors('-x').length, 1)
  assert.deepEqual(qualifiedNameErrors('example.com/team'), [])
  assert.match(qualifiedNameErrors('/team')[0]!, /prefix part must be non-empty/)
  assert.match(qualifiedNameErrors('a/b/c')[0]!, /with an optional DNS subdomain prefix/)
  assert.deepEqual(labelValueErrors(''), [])
  assert.match(labelValueErrors('x'.repeat(64))[0]!, /must be no more than 63 characters/)
})
