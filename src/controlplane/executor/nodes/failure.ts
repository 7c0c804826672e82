/**
 * The workflow's failure node (flytekit's `on_failure`) runs once the workflow has failed, with the
 * workflow's inputs and, when it takes one, the error as `err`. The workflow stays FAILED.
 */
import {create} from '@bufbuild/protobuf'
import {WorkflowExecution_Phase, type ExecutionError} from '../../../gen/flyteidl/core/execution_pb.js'
import {
  BindingSchema,
  LiteralSchema,
  ScalarSchema,
  UnionSchema,
  type Scalar,
} from '../../../gen/flyteidl/core/literals_pb.js'
import {ErrorSchema, LiteralTypeSchema, SimpleType, TypeStructureSchema} from '../../../gen/flyteidl/core/types_pb.js'
import {NodeSchema, type Node} from '../../../gen/flyteidl/core/workflow_pb.js'
import type {BindingScope} from '../bindings.js'
import type {NodeRef} from '../events.js'
import type {NodeContext} from './context.js'

function errorScalar(failedNodeId: string, message: string, asUnion: boolean): Scalar {
  const error = create(ScalarSchema, {
    value: {case: 'error', value: create(ErrorSchema, {failedNodeId, message})},
  })
  if (!asUnion) return error
  return create(ScalarSchema, {
    value: {
      case: 'union',
      value: create(UnionSchema, {
        value: create(LiteralSchema, {value: {case: 'scalar', value: error}}),
        type: create(LiteralTypeSchema, {
          type: {case: 'simple', value: SimpleType.ERROR},
          structure: create(TypeStructureSchema, {tag: 'FlyteError'}),
        }),
      }),
    },
  })
}

export async function runFailureNode(
  ctx: NodeContext,
  node: Node,
  scope: BindingScope,
  idOf: (nodeId: string) => string,
  parent: NodeRef | undefined,
  failedNodeId: string,
  error: ExecutionError,
): Promise<void> {
  if (!parent) await ctx.events.workflow(WorkflowExecution_Phase.FAILING)
  let runnable = node
  const task =
    node.target.case === 'taskNode' && node.target.value.reference.case === 'referenceId'
      ? ctx.findTask(node.target.value.reference.value)
      : undefined
  const errVar = task?.interface?.inputs?.variables.err
  if (errVar) {
    // As propeller does: `err` always gets the error, replacing whatever it was bound to (flytekit binds
    // `err: Optional[FlyteError] = None` to a None default). A union-typed input gets it as the union's
    // FlyteError variant. failed_node_id names the node that failed (propeller puts the failure node's
    // own id there).
    const errScalar = errorScalar(failedNodeId, error.message, errVar.type?.type.case === 'unionType')
    runnable = create(NodeSchema, {
      ...node,
      inputs: [
        ...node.inputs.filter((b) => b.var !== 'err'),
        create(BindingSchema, {var: 'err', binding: {value: {case: 'scalar', value: errScalar}}}),
      ],
    })
  }
  await ctx.runNode(
    {uniqueId: idOf(node.id), node: runnable, parentId: parent?.uniqueId},
    scope,
    new AbortController().signal,
  )
}
