/**
 * The contract between the embedded control plane and the engine that runs executions.
 *
 * The control plane stores an execution already in phase QUEUED and hands it to the executor with
 * `start`; the executor's first workflow event is therefore RUNNING. The executor reports progress
 * through the `ExecutionSink`, which records events exactly as FlyteAdmin's CreateWorkflowEvent /
 * CreateNodeEvent / CreateTaskEvent RPCs do; a duplicate phase or a change after a terminal phase
 * (e.g. the execution was terminated meanwhile) is dropped silently, as propeller drops such events.
 * A node event must precede its task events (a task event for an unknown node is rejected).
 *
 * `workflowClosure` is compiled as FlyteAdmin stores it: `primary.template.nodes` starts with
 * `start-node` and ends with `end-node` (whose inputs are the workflow's output bindings), and
 * `primary.connections.upstream/downstream` hold each node's dependencies.
 */
import type {Execution} from '../../gen/flyteidl/admin/execution_pb.js'
import type {CompiledWorkflowClosure} from '../../gen/flyteidl/core/compiler_pb.js'
import type {Identifier, SignalIdentifier, WorkflowExecutionIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import type {Literal, LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import type {LiteralType} from '../../gen/flyteidl/core/types_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import type {NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent} from '../../gen/flyteidl/event/event_pb.js'

export interface ExecutionJob {
  /** The admin Execution as stored, including its spec. */
  execution: Execution
  /** The execution's inputs (launch plan defaults and fixed inputs merged with the user's). */
  inputs: LiteralMap
  /** The compiled workflow of the launch plan's workflow; undefined for single-task executions. */
  workflowClosure: CompiledWorkflowClosure | undefined
  /** The task template, for single-task executions. */
  task?: TaskTemplate
  /** The control plane's data directory. */
  dataDir: string
  /** Root directory of the local blob store (`file://` URIs and data paths point below it). */
  blobRoot: string
  /** `host:port` of the control plane's gRPC endpoint, given to tasks that call it back (eager workflows). */
  platformEndpoint?: string
}

export interface ExecutionSink {
  workflowEvent(e: WorkflowExecutionEvent): Promise<void>
  nodeEvent(e: NodeExecutionEvent): Promise<void>
  taskEvent(e: TaskExecutionEvent): Promise<void>
  /**
   * GetOrCreateSignal for a gate node: creates the signal on first call and resolves to its value once
   * one was set (undefined until then). Without it, approval and signal gates cannot run.
   */
  signal?(id: SignalIdentifier, type: LiteralType): Promise<Literal | undefined>
  /**
   * Starts the child execution of a launch-plan node (CreateExecution with the parent node execution in
   * its metadata); an existing child of that name is adopted. Without it, launch-plan nodes cannot run.
   */
  launchChild?(child: ChildExecution): Promise<WorkflowExecutionIdentifier>
  /** The execution as stored now (GetExecution); undefined when it does not exist. */
  execution?(id: WorkflowExecutionIdentifier): Promise<Execution | undefined>
  /** TerminateExecution; an execution already terminal or missing is left alone. */
  terminate?(id: WorkflowExecutionIdentifier, cause: string): Promise<void>
  /** The outputs of a SUCCEEDED execution (GetExecutionData's full_outputs). */
  outputs?(id: WorkflowExecutionIdentifier): Promise<LiteralMap | undefined>
}

export interface ChildExecution {
  parent: WorkflowExecutionIdentifier
  /** Unique id of the launch-plan node in the parent. */
  nodeId: string
  name: string
  launchPlan: Identifier
  inputs: LiteralMap
}

/** What the executor reports about its work right now. */
export interface ExecutorStats {
  /** Task processes running now. */
  processes: number
  /** Tasks waiting for a process slot. */
  waiting: number
  /** Executions the executor is running. */
  executions: number
}

export interface Executor {
  start(job: ExecutionJob, sink: ExecutionSink): void
  terminate(executionId: WorkflowExecutionIdentifier, cause: string): Promise<void>
  close(): Promise<void>
  /** Running task processes, tasks waiting for a slot and running executions (for /metrics). */
  stats?(): ExecutorStats
  /** Whether this execution is still running here (retention never touches one that is). */
  isRunning?(executionId: WorkflowExecutionIdentifier): boolean
}
