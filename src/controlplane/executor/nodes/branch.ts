/** Branch nodes: the first case whose condition holds runs as the branch's child; the others are SKIPPED. */
import {NodeExecution_Phase} from '../../../gen/flyteidl/core/execution_pb.js'
import {BranchError, decideBranch} from '../conditions.js'
import {childNodeId} from '../ids.js'
import {userError} from '../outcome.js'
import type {NodeKind} from './context.js'

export const branchNode: NodeKind = {
  queued: () => ({isParent: true}),
  async run(ctx, {ref, inputs, scope, signal}) {
    const target = ref.node.target
    if (target.case !== 'branchNode') throw new Error('not a branch node')
    let decision
    try {
      decision = decideBranch(target.value.ifElse, inputs)
    } catch (err) {
      if (!(err instanceof BranchError)) throw err
      return {phase: 'failed', error: userError(err.code, `branch node [${ref.node.id}]: ${err.message}`)}
    }
    const idOf = (nodeId: string) => childNodeId(ref.uniqueId, 0, nodeId)
    for (const s of decision.skipped) {
      await ctx.events.node({uniqueId: idOf(s.id), node: s, parentId: ref.uniqueId}, NodeExecution_Phase.SKIPPED)
    }
    return ctx.runNode(
      {uniqueId: idOf(decision.selected.id), node: decision.selected, parentId: ref.uniqueId},
      scope,
      signal,
    )
  },
}
