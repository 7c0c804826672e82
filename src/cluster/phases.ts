/**
 * The execution phase enums of flyteidl.core (WorkflowExecution.Phase, NodeExecution.Phase,
 * TaskExecution.Phase) as plain constants: the node-tree views name phases without loading the
 * generated code and the protobuf runtime. test/unit/cluster-read/phases.test.ts holds them to the
 * generated enums.
 */
import type {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from '../gen/flyteidl/core/execution_pb.js'

export const WorkflowExecutionPhase = {
  UNDEFINED: 0,
  QUEUED: 1,
  RUNNING: 2,
  SUCCEEDING: 3,
  SUCCEEDED: 4,
  FAILING: 5,
  FAILED: 6,
  ABORTED: 7,
  TIMED_OUT: 8,
  ABORTING: 9,
} as const

export const NodeExecutionPhase = {
  UNDEFINED: 0,
  QUEUED: 1,
  RUNNING: 2,
  SUCCEEDED: 3,
  FAILING: 4,
  FAILED: 5,
  ABORTED: 6,
  SKIPPED: 7,
  TIMED_OUT: 8,
  DYNAMIC_RUNNING: 9,
  RECOVERED: 10,
} as const

export const TaskExecutionPhase = {
  UNDEFINED: 0,
  QUEUED: 1,
  RUNNING: 2,
  SUCCEEDED: 3,
  ABORTED: 4,
  FAILED: 5,
  INITIALIZING: 6,
  WAITING_FOR_RESOURCES: 7,
  RETRYABLE_FAILED: 8,
} as const

const byNumber = (phases: Record<string, number>): Map<number, string> =>
  new Map(Object.entries(phases).map(([name, n]) => [n, name]))
const workflowNames = byNumber(WorkflowExecutionPhase)
const nodeNames = byNumber(NodeExecutionPhase)
const taskNames = byNumber(TaskExecutionPhase)

/** The phase's name, as the generated enum's reverse mapping gives it (undefined for an unknown number). */
export function workflowPhaseName(p: WorkflowExecution_Phase): string | undefined {
  return workflowNames.get(p)
}

export function nodePhaseName(p: NodeExecution_Phase): string | undefined {
  return nodeNames.get(p)
}

export function taskPhaseName(p: TaskExecution_Phase): string | undefined {
  return taskNames.get(p)
}
