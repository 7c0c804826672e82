/** Which node kind runs a node. Dynamic nodes are task nodes whose task returns a workflow spec. */
import type {Node} from '../../../gen/flyteidl/core/workflow_pb.js'
import {arrayNode} from './array.js'
import {branchNode} from './branch.js'
import type {NodeKind} from './context.js'
import {gateNode} from './gate.js'
import {launchPlanNode} from './launchplan.js'
import {subWorkflowNode} from './subworkflow.js'
import {taskNode} from './task.js'

export function nodeKindOf(node: Node): NodeKind | undefined {
  switch (node.target.case) {
    case 'taskNode':
      return taskNode
    case 'workflowNode':
      return node.target.value.reference.case === 'launchplanRef' ? launchPlanNode : subWorkflowNode
    case 'branchNode':
      return branchNode
    case 'arrayNode':
      return arrayNode
    case 'gateNode':
      return gateNode
    default:
      return undefined
  }
}
