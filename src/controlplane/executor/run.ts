/**
 * One execution, walked the way the engine walks it: the workflow goes RUNNING, nodes run as soon
 * as their upstream nodes succeeded (in parallel when independent), each node reports
 * QUEUED → RUNNING → SUCCEEDED/FAILED/ABORTED/SKIPPED, task nodes report one task execution per
 * attempt, and the workflow ends SUCCEEDED (outputs), FAILED (error) or ABORTED.
 *
 * This module is the interpreter loop: it owns the DAG walk, the phases and the events. What a node
 * does is its kind's business (./nodes/: task, branch, sub-workflow, array, gate, failure node).
 */
import {create} from '@bufbuild/protobuf'
import type {CompiledWorkflowClosure} from '../../gen/flyteidl/core/compiler_pb.js'
import {
  NodeExecution_Phase,
  WorkflowExecution_Phase,
  type ExecutionError,
} from '../../gen/flyteidl/core/execution_pb.js'
import type {Identifier, WorkflowExecutionIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {
  BindingDataSchema,
  BindingSchema,
  LiteralMapSchema,
  type LiteralMap,
} from '../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import {OutputReferenceSchema} from '../../gen/flyteidl/core/types_pb.js'
import {
  NodeSchema,
  TaskNodeSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowTemplateSchema,
  type Node,
  type WorkflowTemplate,
} from '../../gen/flyteidl/core/workflow_pb.js'
import {TaskNodeMetadataSchema} from '../../gen/flyteidl/event/event_pb.js'
import {
  BindingError,
  END_NODE_ID,
  promiseNodeIds,
  resolveBindings,
  START_NODE_ID,
  type BindingScope,
} from './bindings.js'
import {EventWriter, type NodeExtra, type NodeRef} from './events.js'
import {childNodeId} from './ids.js'
import type {NodeContext, RunOptions} from './nodes/context.js'
import {runFailureNode} from './nodes/failure.js'
import {nodeKindOf} from './nodes/index.js'
import {systemError, userError, type Outcome} from './outcome.js'
import {ExecutionPaths, fileUri, writeLiteralMap} from './storage.js'
import type {ExecutionJob, ExecutionSink} from './types.js'

import {Limiter} from './limiter.js'

export {Limiter}
export type {RunOptions} from './nodes/context.js'

const key = (id: Identifier | undefined) => (id ? `${id.project}/${id.domain}/${id.name}/${id.version}` : '')

export class ExecutionRun implements NodeContext {
  readonly id: WorkflowExecutionIdentifier
  readonly paths: ExecutionPaths
  readonly events: EventWriter
  /** The execution's max_parallelism: how many of its tasks run at once (none: no limit of its own). */
  readonly parallelism: Limiter | undefined
  private readonly tasks = new Map<string, TaskTemplate>()
  private readonly subWorkflows = new Map<string, WorkflowTemplate>()

  constructor(
    readonly job: ExecutionJob,
    readonly sink: ExecutionSink,
    readonly options: RunOptions,
    private readonly signal: AbortSignal,
  ) {
    const id = job.execution.id
    if (!id) throw new Error('execution has no id')
    this.id = id
    this.paths = new ExecutionPaths(job.blobRoot, job.dataDir, id)
    this.events = new EventWriter(id, options.producerId, sink, options.log)
    const max = job.execution.spec?.maxParallelism ?? 0
    this.parallelism = max > 0 ? new Limiter(max) : undefined
  }

  /** Runs to a terminal phase; never throws (failures become events). */
  async run(): Promise<void> {
    let outcome: Outcome
    try {
      await this.events.workflow(WorkflowExecution_Phase.RUNNING)
      const workflow = this.primaryWorkflow()
      const inputs = this.job.inputs ?? create(LiteralMapSchema, {literals: {}})
      await writeLiteralMap(this.paths.workflowInputs(), inputs)
      outcome = await this.runWorkflow(workflow, inputs, undefined)
      if (outcome.phase === 'succeeded') await writeLiteralMap(this.paths.workflowOutputs(), outcome.outputs)
    } catch (err) {
      outcome = {phase: 'failed', error: systemError('ExecutorError', (err as Error).message)}
      this.options.log(`execution ${this.id.name}: ${(err as Error).stack ?? String(err)}`)
    }
    if (this.signal.aborted) outcome = {phase: 'aborted'}
    switch (outcome.phase) {
      case 'succeeded':
        await this.events.workflow(WorkflowExecution_Phase.SUCCEEDED, {
          case: 'outputUri',
          value: fileUri(this.paths.workflowOutputs()),
        })
        break
      case 'failed':
        await this.events.workflow(WorkflowExecution_Phase.FAILED, {case: 'error', value: outcome.error})
        break
      default:
        await this.events.workflow(WorkflowExecution_Phase.ABORTED)
        break
    }
  }

  findTask(id: Identifier | undefined): TaskTemplate | undefined {
    if (!id) return undefined
    return this.tasks.get(key(id))
  }

  findSubWorkflow(id: Identifier | undefined): WorkflowTemplate | undefined {
    if (!id) return undefined
    return this.subWorkflows.get(key(id))
  }

  addDefinitions(closure: CompiledWorkflowClosure | undefined): void {
    for (const t of closure?.tasks ?? []) if (t.template?.id) this.tasks.set(key(t.template.id), t.template)
    for (const w of closure?.subWorkflows ?? [])
      if (w.template?.id) this.subWorkflows.set(key(w.template.id), w.template)
  }

  private primaryWorkflow(): WorkflowTemplate {
    const closure: CompiledWorkflowClosure | undefined = this.job.workflowClosure
    this.addDefinitions(closure)
    if (closure?.primary?.template) return closure.primary.template
    if (this.job.task) return this.singleTaskWorkflow(this.job.task)
    throw new Error('the execution has neither a compiled workflow nor a task to run')
  }

  /** A single-task execution runs as a one-node workflow, the way the engine wraps it. */
  private singleTaskWorkflow(task: TaskTemplate): WorkflowTemplate {
    this.tasks.set(key(task.id), task)
    const vars = (m: {variables: Record<string, unknown>} | undefined) => Object.keys(m?.variables ?? {})
    const promise = (nodeId: string, v: string) =>
      create(BindingSchema, {
        var: v,
        binding: create(BindingDataSchema, {
          value: {case: 'promise', value: create(OutputReferenceSchema, {nodeId, var: v})},
        }),
      })
    // FlyteAdmin names the node after the task, keeping letters, digits and '-'.
    const nodeId = (task.id?.name ?? '').replace(/[^\p{L}\p{N}-]/gu, '').slice(-63) || 'n0'
    return create(WorkflowTemplateSchema, {
      id: task.id,
      interface: task.interface,
      nodes: [
        create(NodeSchema, {
          id: nodeId,
          metadata: {name: task.id?.name ?? nodeId},
          inputs: vars(task.interface?.inputs).map((v) => promise(START_NODE_ID, v)),
          target: {
            case: 'taskNode',
            value: create(TaskNodeSchema, {reference: {case: 'referenceId', value: task.id!}}),
          },
        }),
      ],
      outputs: vars(task.interface?.outputs).map((v) => promise(nodeId, v)),
    })
  }

  // ---------------------------------------------------------------- workflows (DAG)

  async runWorkflow(wf: WorkflowTemplate, inputs: LiteralMap, parent: NodeRef | undefined): Promise<Outcome> {
    const idOf = (nodeId: string) => (parent ? childNodeId(parent.uniqueId, parent.attempt ?? 0, nodeId) : nodeId)
    const nodes = wf.nodes.filter((n) => n.id !== START_NODE_ID && n.id !== END_NODE_ID)
    const ids = new Set(nodes.map((n) => n.id))
    const deps = new Map<string, string[]>()
    for (const n of nodes) {
      const all = new Set([...n.upstreamNodeIds, ...promiseNodeIds(allBindings(n))])
      deps.set(
        n.id,
        [...all].filter((d) => ids.has(d) && d !== n.id),
      )
    }
    const outputs = new Map<string, LiteralMap>()
    const scope: BindingScope = {inputs, outputs}
    const state = new Map<string, Outcome['phase'] | 'running'>()

    await this.startNode(idOf, parent, inputs)

    const failFast = wf.metadata?.onFailure !== WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
    const localAbort = new AbortController()
    // The reasons propeller gives nodes it aborts (a launch-plan node passes them on to its child).
    const onOuterAbort = () => localAbort.abort(new Error('Workflow aborted.'))
    if (this.signal.aborted) onOuterAbort()
    else this.signal.addEventListener('abort', onOuterAbort, {once: true})
    let firstError: ExecutionError | undefined
    let failedNodeId = ''
    const running = new Map<string, Promise<void>>()
    try {
      for (;;) {
        if (!localAbort.signal.aborted) {
          for (const n of nodes) {
            if (state.has(n.id)) continue
            const d = deps.get(n.id)!
            if (d.some((x) => state.get(x) === 'skipped')) {
              state.set(n.id, 'skipped')
              await this.events.node(
                {uniqueId: idOf(n.id), node: n, parentId: parent?.uniqueId},
                NodeExecution_Phase.SKIPPED,
              )
              continue
            }
            if (!d.every((x) => state.get(x) === 'succeeded')) continue
            state.set(n.id, 'running')
            const ref: NodeRef = {uniqueId: idOf(n.id), node: n, parentId: parent?.uniqueId}
            const p = this.runNode(ref, scope, localAbort.signal).then((o) => {
              state.set(n.id, o.phase)
              if (o.phase === 'succeeded') outputs.set(n.id, o.outputs)
              if (o.phase === 'failed') {
                if (!firstError) {
                  firstError = o.error
                  failedNodeId = n.id
                }
                if (failFast) localAbort.abort(new Error('Some node execution failed, auto-abort.'))
              }
              running.delete(n.id)
            })
            running.set(n.id, p)
          }
        }
        if (running.size === 0) break
        await Promise.race(running.values())
      }
    } finally {
      this.signal.removeEventListener('abort', onOuterAbort)
    }

    if (this.signal.aborted) return {phase: 'aborted'}
    if (firstError) {
      if (wf.failureNode) await runFailureNode(this, wf.failureNode, scope, idOf, parent, failedNodeId, firstError)
      return {phase: 'failed', error: firstError}
    }
    let wfOutputs: LiteralMap
    try {
      wfOutputs = resolveBindings(wf.outputs, scope)
    } catch (err) {
      return {phase: 'failed', error: userError('OutputBindingFailed', `workflow outputs: ${(err as Error).message}`)}
    }
    await this.endNode(idOf, parent, wfOutputs)
    return {phase: 'succeeded', outputs: wfOutputs}
  }

  /** The start node "produces" the workflow's inputs; the end node "consumes" its outputs. */
  private async startNode(
    idOf: (id: string) => string,
    parent: NodeRef | undefined,
    inputs: LiteralMap,
  ): Promise<void> {
    const ref: NodeRef = {
      uniqueId: idOf(START_NODE_ID),
      node: create(NodeSchema, {id: START_NODE_ID}),
      parentId: parent?.uniqueId,
    }
    const path = `${this.paths.outputPrefix(ref.uniqueId, 0)}/outputs.pb`
    await writeLiteralMap(path, inputs)
    await this.events.node(ref, NodeExecution_Phase.SUCCEEDED, {
      outputResult: {case: 'outputUri', value: fileUri(path)},
    })
  }

  private async endNode(idOf: (id: string) => string, parent: NodeRef | undefined, outputs: LiteralMap): Promise<void> {
    const ref: NodeRef = {
      uniqueId: idOf(END_NODE_ID),
      node: create(NodeSchema, {id: END_NODE_ID}),
      parentId: parent?.uniqueId,
    }
    const path = this.paths.nodeInputs(ref.uniqueId)
    await writeLiteralMap(path, outputs)
    await this.events.node(ref, NodeExecution_Phase.SUCCEEDED, {
      inputValue: {case: 'inputUri', value: fileUri(path)},
      outputResult: {case: 'outputUri', value: fileUri(path)},
    })
  }

  // ---------------------------------------------------------------- nodes

  async runNode(ref: NodeRef, scope: BindingScope, signal: AbortSignal): Promise<Outcome> {
    let inputs: LiteralMap
    try {
      inputs = resolveBindings(ref.node.inputs, scope)
    } catch (err) {
      const msg = err instanceof BindingError ? err.message : String(err)
      const error = userError('BindingResolutionFailure', `node [${ref.node.id}]: ${msg}`)
      await this.events.node(ref, NodeExecution_Phase.FAILED, {outputResult: {case: 'error', value: error}})
      return {phase: 'failed', error}
    }
    const inputsPath = this.paths.nodeInputs(ref.uniqueId)
    await writeLiteralMap(inputsPath, ref.inputFile ?? inputs)
    const kind = nodeKindOf(ref.node)
    const extra: NodeExtra = {inputValue: {case: 'inputUri', value: fileUri(inputsPath)}, ...kind?.queued?.(ref.node)}
    await this.events.node(ref, NodeExecution_Phase.QUEUED, extra)
    if (signal.aborted) {
      await this.events.node(ref, NodeExecution_Phase.ABORTED)
      return {phase: 'aborted'}
    }
    await this.events.node(ref, NodeExecution_Phase.RUNNING, {...extra, ...kind?.running?.(ref.node, ref, this)})

    let outcome: Outcome
    try {
      outcome = kind
        ? await kind.run(this, {ref, inputs, scope, inputsPath, signal})
        : {
            phase: 'failed',
            error: userError('UnsupportedNode', `node [${ref.node.id}] has no target the local executor can run`),
          }
    } catch (err) {
      outcome = {
        phase: 'failed',
        error: systemError('ExecutorError', `node [${ref.node.id}]: ${(err as Error).message}`),
      }
    }
    if (outcome.phase === 'succeeded') {
      for (const a of ref.node.outputAliases) {
        const lit = outcome.outputs.literals[a.var]
        if (lit) outcome.outputs.literals[a.alias] = lit
      }
      const outPath = `${this.paths.outputPrefix(ref.uniqueId, 0)}/outputs.pb`
      await writeLiteralMap(outPath, outcome.outputs)
      await this.events.node(ref, NodeExecution_Phase.SUCCEEDED, {
        outputResult: {case: 'outputUri', value: fileUri(outPath)},
        ...(outcome.cacheStatus === undefined
          ? {}
          : {
              targetMetadata: {
                case: 'taskNodeMetadata' as const,
                value: create(TaskNodeMetadataSchema, {cacheStatus: outcome.cacheStatus}),
              },
            }),
      })
    } else if (outcome.phase === 'failed') {
      await this.events.node(ref, NodeExecution_Phase.FAILED, {outputResult: {case: 'error', value: outcome.error}})
    } else if (outcome.phase === 'aborted') {
      await this.events.node(ref, NodeExecution_Phase.ABORTED)
    }
    return outcome
  }
}

function allBindings(n: Node): Node['inputs'] {
  const out = [...n.inputs]
  if (n.target.case === 'branchNode') {
    const ie = n.target.value.ifElse
    const then = [ie?.case?.thenNode, ...(ie?.other ?? []).map((b) => b.thenNode)]
    if (ie?.default.case === 'elseNode') then.push(ie.default.value)
    for (const t of then) if (t) out.push(...allBindings(t))
  }
  return out
}
