/** Sub-workflow nodes: the sub-workflow's DAG runs with the node as the parent of its nodes. */
import {systemError} from '../outcome.js'
import type {NodeKind} from './context.js'

export const subWorkflowNode: NodeKind = {
  queued(node) {
    const t = node.target
    return t.case === 'workflowNode' && t.value.reference.case === 'subWorkflowRef'
      ? {isParent: true, targetEntity: t.value.reference.value}
      : {isParent: true}
  },
  async run(ctx, {ref, inputs}) {
    const {node} = ref
    if (node.target.case !== 'workflowNode') throw new Error('not a workflow node')
    const r = node.target.value.reference
    const sub = r.case === 'subWorkflowRef' ? ctx.findSubWorkflow(r.value) : undefined
    if (!sub)
      return {
        phase: 'failed',
        error: systemError(
          'SubWorkflowNotFound',
          `node [${node.id}]: its sub-workflow is not in the compiled workflow`,
        ),
      }
    return ctx.runWorkflow(sub, inputs, ref)
  },
}
