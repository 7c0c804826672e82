/**
 * Array nodes (map tasks): one child node execution per item, at most `parallelism` at once; the
 * node succeeds when enough items did (success criteria) and its outputs are the items' outputs
 * gathered into lists (none for an item that failed).
 */
import {create} from '@bufbuild/protobuf'
import {
  BindingDataSchema,
  BindingSchema,
  LiteralCollectionSchema,
  LiteralMapSchema,
  LiteralSchema,
  ScalarSchema,
  type Literal,
} from '../../../gen/flyteidl/core/literals_pb.js'
import {OutputReferenceSchema} from '../../../gen/flyteidl/core/types_pb.js'
import {ArrayNode_DataMode, NodeSchema, type Node} from '../../../gen/flyteidl/core/workflow_pb.js'
import {START_NODE_ID} from '../bindings.js'
import type {NodeRef} from '../events.js'
import {Limiter} from '../limiter.js'
import {userError, type Outcome} from '../outcome.js'
import type {NodeContext, NodeKind} from './context.js'

export const arrayNode: NodeKind = {
  // Array items are recorded as child node executions (listed by unique_parent_id), but the array node
  // is reported as propeller's default array event version does: is_array without is_parent, which
  // is what flytekit 1.16's FlyteRemote sync expects (an array marked parent is "undeterminable").
  queued: () => ({isArray: true}),
  async run(ctx, {ref, inputs, signal}) {
    if (ref.node.target.case !== 'arrayNode') throw new Error('not an array node')
    const array = ref.node.target.value
    const sub = array.node
    if (!sub)
      return {phase: 'failed', error: userError('UnsupportedNode', `array node [${ref.node.id}] has no sub-node`)}
    const bound = new Set(array.boundInputs)
    const individual = array.dataMode === ArrayNode_DataMode.INDIVIDUAL_INPUT_FILES
    let size: number | undefined
    for (const [k, lit] of Object.entries(inputs.literals)) {
      if (bound.has(k) || lit.value.case !== 'collection') continue
      const n = lit.value.value.literals.length
      if (size !== undefined && n !== size) {
        return {
          phase: 'failed',
          error: userError(
            'InvalidArrayInputs',
            `array node [${ref.node.id}]: list inputs differ in length (${size} vs ${n})`,
          ),
        }
      }
      size = n
    }
    size ??= 0
    const items: Array<Promise<Outcome>> = []
    const limit =
      array.parallelismOption.case === 'parallelism' && array.parallelismOption.value > 0
        ? array.parallelismOption.value
        : size || 1
    const itemLimiter = new Limiter(limit)
    for (let i = 0; i < size; i++) {
      // Each item's values are its slice of the list inputs (what `{{.inputs.x}}` renders). Its inputs.pb
      // is that slice with INDIVIDUAL_INPUT_FILES; with SINGLE_INPUT_FILE (flytekit's map tasks) it is the
      // whole input map and the item picks its element by the array index in its environment.
      const literals: Record<string, Literal> = {}
      for (const [k, lit] of Object.entries(inputs.literals)) {
        literals[k] = !bound.has(k) && lit.value.case === 'collection' ? lit.value.value.literals[i]! : lit
      }
      const itemInputs = create(LiteralMapSchema, {literals})
      // The sub-node reads its inputs by name from a scope holding this item's values.
      const itemNode = create(NodeSchema, {
        ...sub,
        id: sub.id || 'n0',
        inputs: Object.keys(literals).map((v) =>
          create(BindingSchema, {
            var: v,
            binding: create(BindingDataSchema, {
              value: {case: 'promise', value: create(OutputReferenceSchema, {nodeId: START_NODE_ID, var: v})},
            }),
          }),
        ),
      })
      const itemRef: NodeRef = {
        uniqueId: `${ref.uniqueId}-0-${i}`,
        node: itemNode,
        parentId: ref.uniqueId,
        env: {BATCH_JOB_ARRAY_INDEX_VAR_NAME: 'FLYTE_K8S_ARRAY_INDEX', FLYTE_K8S_ARRAY_INDEX: String(i)},
        ...(individual ? {} : {inputFile: inputs}),
      }
      items.push(itemLimiter.run(() => ctx.runNode(itemRef, {inputs: itemInputs, outputs: new Map()}, signal)))
    }
    const results = await Promise.all(items)
    if (results.some((r) => r.phase === 'aborted')) return {phase: 'aborted'}
    const succeeded = results.filter((r) => r.phase === 'succeeded').length
    const needed =
      array.successCriteria.case === 'minSuccesses'
        ? array.successCriteria.value
        : array.successCriteria.case === 'minSuccessRatio'
          ? Math.ceil(array.successCriteria.value * size)
          : size
    if (succeeded < needed) {
      const firstFail = results.find((r) => r.phase === 'failed')
      const why = firstFail?.phase === 'failed' ? `: ${firstFail.error.message}` : ''
      return {
        phase: 'failed',
        error: userError(
          'ArrayNodeFailed',
          `array node [${ref.node.id}]: ${succeeded} of ${size} succeeded, ${needed} needed${why}`,
        ),
      }
    }
    const outNames = outputNames(ctx, sub)
    const none = () =>
      create(LiteralSchema, {
        value: {case: 'scalar', value: create(ScalarSchema, {value: {case: 'noneType', value: {}}})},
      })
    const literals: Record<string, Literal> = {}
    for (const name of outNames) {
      literals[name] = create(LiteralSchema, {
        value: {
          case: 'collection',
          value: create(LiteralCollectionSchema, {
            literals: results.map((r) => (r.phase === 'succeeded' ? (r.outputs.literals[name] ?? none()) : none())),
          }),
        },
      })
    }
    return {phase: 'succeeded', outputs: create(LiteralMapSchema, {literals})}
  },
}

/** The output names of a node's target (task or sub-workflow interface). */
export function outputNames(ctx: NodeContext, node: Node): string[] {
  if (node.target.case === 'taskNode' && node.target.value.reference.case === 'referenceId') {
    return Object.keys(ctx.findTask(node.target.value.reference.value)?.interface?.outputs?.variables ?? {})
  }
  if (node.target.case === 'workflowNode' && node.target.value.reference.case === 'subWorkflowRef') {
    return Object.keys(ctx.findSubWorkflow(node.target.value.reference.value)?.interface?.outputs?.variables ?? {})
  }
  return []
}
