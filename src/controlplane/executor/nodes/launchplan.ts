/**
 * Launch-plan nodes: the node starts a child execution of the launch plan (named from the parent
 * execution, the node's unique id and attempt, as propeller names it), reports RUNNING with the
 * child's id (`workflow_node_metadata`), waits for it and takes its outputs. A failed child fails the
 * node with the child's error; an aborted one with `RemoteChildWorkflowExecutionFailed`; aborting the
 * parent terminates the child (`cascading abort ...`).
 */
import {create} from '@bufbuild/protobuf'
import {WorkflowExecution_Phase} from '../../../gen/flyteidl/core/execution_pb.js'
import {WorkflowExecutionIdentifierSchema} from '../../../gen/flyteidl/core/identifier_pb.js'
import {LiteralMapSchema} from '../../../gen/flyteidl/core/literals_pb.js'
import {WorkflowNodeMetadataSchema} from '../../../gen/flyteidl/event/event_pb.js'
import type {NodeRef} from '../events.js'
import {childExecutionName} from '../ids.js'
import {sleep, systemError, userError} from '../outcome.js'
import type {NodeContext, NodeKind} from './context.js'

/** How often a waiting launch-plan node looks at its child. */
export const CHILD_POLL_MS = 250

const TERMINAL = new Set([
  WorkflowExecution_Phase.SUCCEEDED,
  WorkflowExecution_Phase.FAILED,
  WorkflowExecution_Phase.ABORTED,
  WorkflowExecution_Phase.TIMED_OUT,
])

function childId(ctx: NodeContext, ref: NodeRef) {
  return create(WorkflowExecutionIdentifierSchema, {
    project: ctx.id.project,
    domain: ctx.id.domain,
    name: childExecutionName(ctx.id.name, ref.uniqueId, 0),
  })
}

export const launchPlanNode: NodeKind = {
  running: (_node, ref, ctx) => ({
    targetMetadata: {
      case: 'workflowNodeMetadata',
      value: create(WorkflowNodeMetadataSchema, {executionId: childId(ctx, ref)}),
    },
  }),
  async run(ctx, {ref, inputs, signal}) {
    const {node} = ref
    if (node.target.case !== 'workflowNode' || node.target.value.reference.case !== 'launchplanRef') {
      throw new Error('not a launch plan node')
    }
    const lp = node.target.value.reference.value
    const sink = ctx.sink
    if (!sink.launchChild || !sink.execution) {
      return {
        phase: 'failed',
        error: userError(
          'UnsupportedNode',
          `node [${node.id}] launches launch plan [${lp.name}], which needs the control plane`,
        ),
      }
    }
    const id = childId(ctx, ref)
    try {
      await sink.launchChild({parent: ctx.id, nodeId: ref.uniqueId, name: id.name, launchPlan: lp, inputs})
    } catch (err) {
      return {
        phase: 'failed',
        error: userError(
          'LaunchPlanExecutionFailed',
          `launch plan [${lp.name}] could not start: ${(err as Error).message}`,
        ),
      }
    }
    for (;;) {
      if (signal.aborted) {
        const reason = signal.reason instanceof Error ? signal.reason.message : 'Workflow aborted.'
        await sink
          .terminate?.(id, `cascading abort as parent execution id [${ctx.id.name}] aborted, reason [${reason}]`)
          .catch((err: unknown) =>
            ctx.options.log(`execution ${ctx.id.name}: child ${id.name} not terminated: ${String(err)}`),
          )
        return {phase: 'aborted'}
      }
      const child = await sink.execution(id)
      if (!child) return {phase: 'failed', error: systemError('LaunchPlanNotFound', `launch-plan not found`)}
      const c = child.closure
      if (c && TERMINAL.has(c.phase)) {
        switch (c.phase) {
          case WorkflowExecution_Phase.SUCCEEDED: {
            const outputs = (await sink.outputs?.(id)) ?? create(LiteralMapSchema, {literals: {}})
            return {phase: 'succeeded', outputs}
          }
          case WorkflowExecution_Phase.ABORTED:
            return {
              phase: 'failed',
              error: userError('RemoteChildWorkflowExecutionFailed', `launchplan [${lp.name}] aborted`),
            }
          default:
            return {
              phase: 'failed',
              error:
                c.outputResult.case === 'error'
                  ? c.outputResult.value
                  : userError(
                      'LaunchPlanExecutionFailed',
                      `launch plan [${lp.name}] ended ${WorkflowExecution_Phase[c.phase]}`,
                    ),
            }
        }
      }
      await sleep(CHILD_POLL_MS, signal)
    }
  },
}
