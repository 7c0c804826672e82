/**
 * What a node kind sees of the interpreter. The loop (../run.ts) owns phases and events: it resolves a
 * node's inputs, writes inputs.pb, reports QUEUED/RUNNING, calls the node kind, then reports the
 * outcome. A node kind owns what running the node means and may run child nodes or workflows
 * through `runNode`/`runWorkflow`, which report their own events.
 */
import type {CompiledWorkflowClosure} from '../../../gen/flyteidl/core/compiler_pb.js'
import type {WorkflowExecutionIdentifier, Identifier} from '../../../gen/flyteidl/core/identifier_pb.js'
import type {LiteralMap} from '../../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../../gen/flyteidl/core/tasks_pb.js'
import type {Node, WorkflowTemplate} from '../../../gen/flyteidl/core/workflow_pb.js'
import type {BindingScope} from '../bindings.js'
import type {EventWriter, NodeExtra, NodeRef} from '../events.js'
import type {Limiter} from '../limiter.js'
import type {Outcome} from '../outcome.js'
import type {ExecutionPaths} from '../storage.js'
import type {ExecutionJob, ExecutionSink} from '../types.js'

export interface RunOptions {
  producerId: string
  /** Base environment for task processes (defaults to this process's). */
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Caps concurrently running task processes across all executions. */
  limiter: Limiter
  /** Where problems that cannot be reported as events go (sink failures). */
  log: (line: string) => void
}

export interface NodeContext {
  readonly id: WorkflowExecutionIdentifier
  readonly job: ExecutionJob
  readonly paths: ExecutionPaths
  readonly options: RunOptions
  readonly events: EventWriter
  /** max_parallelism of the execution: each task attempt holds a slot while it runs. */
  readonly parallelism: Limiter | undefined
  /** The control plane behind the events (signals for gates). */
  readonly sink: ExecutionSink
  findTask(id: Identifier | undefined): TaskTemplate | undefined
  findSubWorkflow(id: Identifier | undefined): WorkflowTemplate | undefined
  /** Makes a compiled closure's tasks and sub-workflows known (a dynamic workflow brings its own). */
  addDefinitions(closure: CompiledWorkflowClosure): void
  /** Runs one node with its full event lifecycle (inputs resolved from `scope`). */
  runNode(ref: NodeRef, scope: BindingScope, signal: AbortSignal): Promise<Outcome>
  /** Runs a workflow's DAG; with a parent, its nodes are that parent's children. */
  runWorkflow(wf: WorkflowTemplate, inputs: LiteralMap, parent: NodeRef | undefined): Promise<Outcome>
}

/** One call of a node kind: the node, its resolved inputs and where they were written. */
export interface NodeCall {
  ref: NodeRef
  inputs: LiteralMap
  scope: BindingScope
  inputsPath: string
  signal: AbortSignal
}

export interface NodeKind {
  /** Fields of the node's QUEUED event (and RUNNING, which repeats them). */
  queued?(node: Node): NodeExtra
  /** Fields only the RUNNING event carries. */
  running?(node: Node, ref: NodeRef, ctx: NodeContext): NodeExtra
  run(ctx: NodeContext, call: NodeCall): Promise<Outcome>
}
