/**
 * Event writing: the interpreter reports every phase change through here, shaped as propeller's
 * workflow, node and task execution events. A sink failure is logged, never thrown: an execution's
 * progress does not depend on its events being recorded.
 */
import {create} from '@bufbuild/protobuf'
import {timestampFromDate, type Timestamp} from '@bufbuild/protobuf/wkt'
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
  type ExecutionError,
  type TaskLog,
} from '../../gen/flyteidl/core/execution_pb.js'
import {
  IdentifierSchema,
  NodeExecutionIdentifierSchema,
  ResourceType,
  type WorkflowExecutionIdentifier,
} from '../../gen/flyteidl/core/identifier_pb.js'
import type {LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import type {Node} from '../../gen/flyteidl/core/workflow_pb.js'
import {
  NodeExecutionEventSchema,
  ParentNodeExecutionMetadataSchema,
  TaskExecutionEventSchema,
  TaskExecutionMetadataSchema,
  WorkflowExecutionEventSchema,
  type NodeExecutionEvent,
} from '../../gen/flyteidl/event/event_pb.js'
import {fileUri} from './storage.js'
import type {ExecutionSink} from './types.js'

/** Optional fields of a node event. */
export type NodeExtra = Partial<
  Pick<
    NodeExecutionEvent,
    | 'inputValue'
    | 'outputResult'
    | 'isParent'
    | 'isArray'
    | 'isDynamic'
    | 'isInDynamicChain'
    | 'targetEntity'
    | 'targetMetadata'
  >
>

export type OutputResult = {case: 'outputUri'; value: string} | {case: 'error'; value: ExecutionError}

/** Where a node sits: its execution id and, inside branches/sub-workflows/arrays, its parent. */
export interface NodeRef {
  uniqueId: string
  node: Node
  parentId?: string
  /** The attempt of this node that its children belong to (a dynamic node's task attempt). */
  attempt?: number
  /** Extra environment for this node's task process (array items learn their index this way). */
  env?: Record<string, string>
  /** What to write as the node's inputs.pb when it differs from its resolved inputs (array items). */
  inputFile?: LiteralMap
}

/** One attempt of a task node, as its task events describe it. */
export interface TaskAttemptRef {
  ref: NodeRef
  task: TaskTemplate
  attempt: number
  logs: TaskLog[]
  inputsPath: string
  generatedName: string
}

export function now(): Timestamp {
  return timestampFromDate(new Date())
}

export class EventWriter {
  constructor(
    private readonly id: WorkflowExecutionIdentifier,
    private readonly producerId: string,
    private readonly sink: ExecutionSink,
    private readonly log: (line: string) => void,
  ) {}

  private async deliver(what: string, send: () => Promise<void>): Promise<void> {
    try {
      await send()
    } catch (err) {
      this.log(`execution ${this.id.name}: ${what} event not recorded: ${(err as Error).message}`)
    }
  }

  workflow(phase: WorkflowExecution_Phase, outputResult?: OutputResult): Promise<void> {
    const e = create(WorkflowExecutionEventSchema, {
      executionId: this.id,
      producerId: this.producerId,
      phase,
      occurredAt: now(),
      ...(outputResult ? {outputResult} : {}),
    })
    return this.deliver(`workflow ${WorkflowExecution_Phase[phase]}`, () => this.sink.workflowEvent(e))
  }

  node(ref: NodeRef, phase: NodeExecution_Phase, extra: NodeExtra = {}): Promise<void> {
    const t = now()
    const e = create(NodeExecutionEventSchema, {
      id: create(NodeExecutionIdentifierSchema, {nodeId: ref.uniqueId, executionId: this.id}),
      producerId: this.producerId,
      phase,
      occurredAt: t,
      reportedAt: t,
      specNodeId: ref.node.id,
      nodeName: ref.node.metadata?.name || ref.node.id,
      retryGroup: '0',
      ...(ref.parentId ? {parentNodeMetadata: create(ParentNodeExecutionMetadataSchema, {nodeId: ref.parentId})} : {}),
      ...extra,
    })
    return this.deliver(`node ${ref.uniqueId} ${NodeExecution_Phase[phase]}`, () => this.sink.nodeEvent(e))
  }

  task(b: TaskAttemptRef, phase: TaskExecution_Phase, outputResult?: OutputResult): Promise<void> {
    const t = now()
    const taskId = b.task.id ?? create(IdentifierSchema, {resourceType: ResourceType.TASK})
    const e = create(TaskExecutionEventSchema, {
      taskId,
      parentNodeExecutionId: create(NodeExecutionIdentifierSchema, {nodeId: b.ref.uniqueId, executionId: this.id}),
      retryAttempt: b.attempt,
      phase,
      producerId: this.producerId,
      logs: phase === TaskExecution_Phase.QUEUED ? [] : b.logs,
      occurredAt: t,
      reportedAt: t,
      inputValue: {case: 'inputUri', value: fileUri(b.inputsPath)},
      ...(outputResult ? {outputResult} : {}),
      taskType: b.task.type,
      metadata: create(TaskExecutionMetadataSchema, {
        generatedName: b.generatedName,
        pluginIdentifier: 'local-process',
      }),
    })
    return this.deliver(`task ${b.ref.uniqueId}#${b.attempt} ${TaskExecution_Phase[phase]}`, () =>
      this.sink.taskEvent(e),
    )
  }
}
