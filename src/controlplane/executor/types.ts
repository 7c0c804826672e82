/**
 * The contract between the control plane and whatever runs its executions. The server calls
 * `executor.start` after CreateExecution has stored the execution; the executor reports progress
 * through the sink, which records the events exactly as the CreateWorkflowEvent / CreateNodeEvent /
 * CreateTaskEvent RPCs would.
 */
import type {Execution} from '../../gen/flyteidl/admin/execution_pb.js'
import type {CompiledWorkflowClosure} from '../../gen/flyteidl/core/compiler_pb.js'
import type {WorkflowExecutionIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import type {LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import type {NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent} from '../../gen/flyteidl/event/event_pb.js'

export interface ExecutionJob {
  /** The admin Execution, including its spec. */
  execution: Execution
  inputs: LiteralMap
  /** From the launch plan's workflow. */
  workflowClosure: CompiledWorkflowClosure | undefined
  /** Single-task executions. */
  task?: TaskTemplate
  dataDir: string
  blobRoot: string
}

export interface ExecutionSink {
  workflowEvent(e: WorkflowExecutionEvent): Promise<void>
  nodeEvent(e: NodeExecutionEvent): Promise<void>
  taskEvent(e: TaskExecutionEvent): Promise<void>
}

export interface Executor {
  start(job: ExecutionJob, sink: ExecutionSink): void
  terminate(executionId: WorkflowExecutionIdentifier, cause: string): Promise<void>
  close(): Promise<void>
}
