/**
 * The workflow's failure node (flytekit's `on_failure`) runs once the workflow has failed, with the
 * workflow's inputs and, when it takes one, the error as `err`. The workflow stays FAILED.
 */
import {create} from '@bufbuild/protobuf'
import {WorkflowExecution_Phase, type ExecutionError} from '../../../gen/flyteidl/core/execution_pb.js'
import {BindingSchema, ScalarSchema} from '../../../gen/flyteidl/core/literals_pb.js'
import {ErrorSchema} from '../../../gen/flyteidl/core/types_pb.js'
import {NodeSchema, type Node} from '../../../gen/flyteidl/core/workflow_pb.js'
import type {BindingScope} from '../bindings.js'
import type {NodeRef} from '../events.js'
import type {NodeContext} from './context.js'

export async function runFailureNode(
  ctx: NodeContext,
  node: Node,
  scope: BindingScope,
  prefix: string,
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
  if (task?.interface?.inputs?.variables.err && !node.inputs.some((b) => b.var === 'err')) {
    const errScalar = create(ScalarSchema, {
      value: {case: 'error', value: create(ErrorSchema, {failedNodeId, message: error.message})},
    })
    runnable = create(NodeSchema, {
      ...node,
      inputs: [
        ...node.inputs,
        create(BindingSchema, {var: 'err', binding: {value: {case: 'scalar', value: errScalar}}}),
      ],
    })
  }
  await ctx.runNode(
    {uniqueId: prefix + node.id, node: runnable, parentId: parent?.uniqueId},
    scope,
    new AbortController().signal,
  )
}
