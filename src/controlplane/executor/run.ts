/**
 * One execution, walked the way the engine walks it: the workflow goes RUNNING, nodes run as soon
 * as their upstream nodes succeeded (in parallel when independent), each node reports
 * QUEUED → RUNNING → SUCCEEDED/FAILED/ABORTED/SKIPPED, task nodes report one task execution per
 * attempt, and the workflow ends SUCCEEDED (outputs), FAILED (error) or ABORTED.
 */
import {create} from '@bufbuild/protobuf'
import {durationMs, timestampFromDate, type Timestamp} from '@bufbuild/protobuf/wkt'
import {CatalogCacheStatus} from '../../gen/flyteidl/core/catalog_pb.js'
import type {CompiledWorkflowClosure} from '../../gen/flyteidl/core/compiler_pb.js'
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  TaskExecution_Phase,
  TaskLogSchema,
  TaskLog_MessageFormat,
  WorkflowExecution_Phase,
  type ExecutionError,
} from '../../gen/flyteidl/core/execution_pb.js'
import {
  IdentifierSchema,
  NodeExecutionIdentifierSchema,
  ResourceType,
  type Identifier,
  type WorkflowExecutionIdentifier,
} from '../../gen/flyteidl/core/identifier_pb.js'
import {
  BindingDataSchema,
  BindingSchema,
  LiteralCollectionSchema,
  LiteralMapSchema,
  LiteralSchema,
  ScalarSchema,
  type Literal,
  type LiteralMap,
} from '../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import {ErrorSchema, OutputReferenceSchema} from '../../gen/flyteidl/core/types_pb.js'
import {
  ArrayNode_DataMode,
  NodeSchema,
  TaskNodeSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowTemplateSchema,
  type ArrayNode,
  type Node,
  type WorkflowTemplate,
} from '../../gen/flyteidl/core/workflow_pb.js'
import {
  NodeExecutionEventSchema,
  ParentNodeExecutionMetadataSchema,
  TaskExecutionEventSchema,
  TaskExecutionMetadataSchema,
  TaskNodeMetadataSchema,
  WorkflowExecutionEventSchema,
  type NodeExecutionEvent,
} from '../../gen/flyteidl/event/event_pb.js'
import {
  BindingError,
  END_NODE_ID,
  promiseNodeIds,
  resolveBindings,
  START_NODE_ID,
  type BindingScope,
} from './bindings.js'
import {cacheKey, isCacheable, LocalCatalog} from './catalog.js'
import {BranchError, decideBranch} from './conditions.js'
import {runAttempt, type AttemptResult} from './process.js'
import {ExecutionPaths, fileUri, writeLiteralMap} from './storage.js'
import type {ExecutionJob, ExecutionSink} from './types.js'

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

/** A counting semaphore. */
export class Limiter {
  private active = 0
  private readonly waiting: Array<() => void> = []
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/** How a node (or sub-workflow) ended. */
type Outcome =
  | {phase: 'succeeded'; outputs: LiteralMap; cacheStatus?: CatalogCacheStatus}
  | {phase: 'failed'; error: ExecutionError}
  | {phase: 'aborted'}
  | {phase: 'skipped'}

/** Optional fields of a node event. */
type NodeExtra = Partial<
  Pick<NodeExecutionEvent, 'inputValue' | 'outputResult' | 'isParent' | 'isArray' | 'targetEntity' | 'targetMetadata'>
>

/** Where a node sits: its execution id and, inside branches/sub-workflows/arrays, its parent. */
interface NodeRef {
  uniqueId: string
  node: Node
  parentId?: string
  /** Extra environment for this node's task process (array items learn their index this way). */
  env?: Record<string, string>
  /** What to write as the node's inputs.pb when it differs from its resolved inputs (array items). */
  inputFile?: LiteralMap
}

const key = (id: Identifier | undefined) => (id ? `${id.project}/${id.domain}/${id.name}/${id.version}` : '')

export class ExecutionRun {
  private readonly id: WorkflowExecutionIdentifier
  private readonly paths: ExecutionPaths
  private readonly tasks = new Map<string, TaskTemplate>()
  private readonly subWorkflows = new Map<string, WorkflowTemplate>()

  constructor(
    private readonly job: ExecutionJob,
    private readonly sink: ExecutionSink,
    private readonly options: RunOptions,
    private readonly signal: AbortSignal,
  ) {
    const id = job.execution.id
    if (!id) throw new Error('execution has no id')
    this.id = id
    this.paths = new ExecutionPaths(job.blobRoot, job.dataDir, id)
  }

  /** Runs to a terminal phase; never throws (failures become events). */
  async run(): Promise<void> {
    let outcome: Outcome
    try {
      await this.workflowEvent(WorkflowExecution_Phase.RUNNING)
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
        await this.workflowEvent(WorkflowExecution_Phase.SUCCEEDED, {
          case: 'outputUri',
          value: fileUri(this.paths.workflowOutputs()),
        })
        break
      case 'failed':
        await this.workflowEvent(WorkflowExecution_Phase.FAILED, {case: 'error', value: outcome.error})
        break
      default:
        await this.workflowEvent(WorkflowExecution_Phase.ABORTED)
        break
    }
  }

  private primaryWorkflow(): WorkflowTemplate {
    const closure: CompiledWorkflowClosure | undefined = this.job.workflowClosure
    for (const t of closure?.tasks ?? []) if (t.template?.id) this.tasks.set(key(t.template.id), t.template)
    for (const w of closure?.subWorkflows ?? [])
      if (w.template?.id) this.subWorkflows.set(key(w.template.id), w.template)
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

  private async runWorkflow(wf: WorkflowTemplate, inputs: LiteralMap, parent: NodeRef | undefined): Promise<Outcome> {
    const prefix = parent ? `${parent.uniqueId}-0-` : ''
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

    await this.startNode(prefix, parent, inputs)

    const failFast = wf.metadata?.onFailure !== WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
    const localAbort = new AbortController()
    const onOuterAbort = () => localAbort.abort()
    if (this.signal.aborted) localAbort.abort()
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
              await this.nodeEvent(
                {uniqueId: prefix + n.id, node: n, parentId: parent?.uniqueId},
                NodeExecution_Phase.SKIPPED,
              )
              continue
            }
            if (!d.every((x) => state.get(x) === 'succeeded')) continue
            state.set(n.id, 'running')
            const ref: NodeRef = {uniqueId: prefix + n.id, node: n, parentId: parent?.uniqueId}
            const p = this.runNode(ref, scope, localAbort.signal).then((o) => {
              state.set(n.id, o.phase)
              if (o.phase === 'succeeded') outputs.set(n.id, o.outputs)
              if (o.phase === 'failed') {
                if (!firstError) {
                  firstError = o.error
                  failedNodeId = n.id
                }
                if (failFast) localAbort.abort()
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
      if (wf.failureNode) await this.runFailureNode(wf.failureNode, scope, prefix, parent, failedNodeId, firstError)
      return {phase: 'failed', error: firstError}
    }
    let wfOutputs: LiteralMap
    try {
      wfOutputs = resolveBindings(wf.outputs, scope)
    } catch (err) {
      return {phase: 'failed', error: userError('OutputBindingFailed', `workflow outputs: ${(err as Error).message}`)}
    }
    await this.endNode(prefix, parent, wfOutputs)
    return {phase: 'succeeded', outputs: wfOutputs}
  }

  /**
   * The workflow's failure node (flytekit's `on_failure`) runs once the workflow has failed, with the
   * workflow's inputs and, when it takes one, the error as `err`. The workflow stays FAILED.
   */
  private async runFailureNode(
    node: Node,
    scope: BindingScope,
    prefix: string,
    parent: NodeRef | undefined,
    failedNodeId: string,
    error: ExecutionError,
  ): Promise<void> {
    if (!parent) await this.workflowEvent(WorkflowExecution_Phase.FAILING)
    let runnable = node
    const task =
      node.target.case === 'taskNode' && node.target.value.reference.case === 'referenceId'
        ? this.findTask(node.target.value.reference.value)
        : undefined
    if (task?.interface?.inputs?.variables.err && !node.inputs.some((b) => b.var === 'err')) {
      const errScalar = create(ScalarSchema, {
        value: {case: 'error', value: create(ErrorSchema, {failedNodeId, message: error.message})},
      })
      runnable = create(NodeSchema, {
        ...node,
        inputs: [
          ...node.inputs,
          create(BindingSchema, {var: 'err', binding: {value: {case: 'scalar', value: errScalar}}}),
        ],
      })
    }
    await this.runNode(
      {uniqueId: prefix + node.id, node: runnable, parentId: parent?.uniqueId},
      scope,
      new AbortController().signal,
    )
  }

  /** The start node "produces" the workflow's inputs; the end node "consumes" its outputs. */
  private async startNode(prefix: string, parent: NodeRef | undefined, inputs: LiteralMap): Promise<void> {
    const ref: NodeRef = {
      uniqueId: prefix + START_NODE_ID,
      node: create(NodeSchema, {id: START_NODE_ID}),
      parentId: parent?.uniqueId,
    }
    const path = `${this.paths.outputPrefix(ref.uniqueId, 0)}/outputs.pb`
    await writeLiteralMap(path, inputs)
    await this.nodeEvent(ref, NodeExecution_Phase.SUCCEEDED, {outputResult: {case: 'outputUri', value: fileUri(path)}})
  }

  private async endNode(prefix: string, parent: NodeRef | undefined, outputs: LiteralMap): Promise<void> {
    const ref: NodeRef = {
      uniqueId: prefix + END_NODE_ID,
      node: create(NodeSchema, {id: END_NODE_ID}),
      parentId: parent?.uniqueId,
    }
    const path = this.paths.nodeInputs(ref.uniqueId)
    await writeLiteralMap(path, outputs)
    await this.nodeEvent(ref, NodeExecution_Phase.SUCCEEDED, {
      inputValue: {case: 'inputUri', value: fileUri(path)},
      outputResult: {case: 'outputUri', value: fileUri(path)},
    })
  }

  // ---------------------------------------------------------------- nodes

  private async runNode(ref: NodeRef, scope: BindingScope, signal: AbortSignal): Promise<Outcome> {
    let inputs: LiteralMap
    try {
      inputs = resolveBindings(ref.node.inputs, scope)
    } catch (err) {
      const msg = err instanceof BindingError ? err.message : String(err)
      const error = userError('BindingResolutionFailure', `node [${ref.node.id}]: ${msg}`)
      await this.nodeEvent(ref, NodeExecution_Phase.FAILED, {outputResult: {case: 'error', value: error}})
      return {phase: 'failed', error}
    }
    const inputsPath = this.paths.nodeInputs(ref.uniqueId)
    await writeLiteralMap(inputsPath, ref.inputFile ?? inputs)
    const inputValue = {case: 'inputUri' as const, value: fileUri(inputsPath)}
    const target = ref.node.target
    const extra: NodeExtra = {inputValue}
    if (target.case === 'workflowNode' || target.case === 'branchNode') extra.isParent = true
    // Array items are recorded as child node executions here, so the array node is their parent.
    if (target.case === 'arrayNode') extra.isArray = extra.isParent = true
    if (target.case === 'workflowNode' && target.value.reference.case === 'subWorkflowRef') {
      extra.targetEntity = target.value.reference.value
    }
    await this.nodeEvent(ref, NodeExecution_Phase.QUEUED, extra)
    if (signal.aborted) {
      await this.nodeEvent(ref, NodeExecution_Phase.ABORTED)
      return {phase: 'aborted'}
    }
    const taskMeta =
      target.case === 'taskNode'
        ? {targetMetadata: {case: 'taskNodeMetadata' as const, value: create(TaskNodeMetadataSchema, {})}}
        : {}
    await this.nodeEvent(ref, NodeExecution_Phase.RUNNING, {...extra, ...taskMeta})

    let outcome: Outcome
    try {
      outcome = await this.runTarget(ref, inputs, scope, inputsPath, signal)
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
      await this.nodeEvent(ref, NodeExecution_Phase.SUCCEEDED, {
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
      await this.nodeEvent(ref, NodeExecution_Phase.FAILED, {outputResult: {case: 'error', value: outcome.error}})
    } else if (outcome.phase === 'aborted') {
      await this.nodeEvent(ref, NodeExecution_Phase.ABORTED)
    }
    return outcome
  }

  private async runTarget(
    ref: NodeRef,
    inputs: LiteralMap,
    scope: BindingScope,
    inputsPath: string,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const {node} = ref
    const target = node.target
    switch (target.case) {
      case 'taskNode': {
        const task = this.findTask(
          target.value.reference.case === 'referenceId' ? target.value.reference.value : undefined,
        )
        if (!task)
          return {
            phase: 'failed',
            error: systemError('TaskNotFound', `node [${node.id}]: its task is not in the compiled workflow`),
          }
        return this.runTask(ref, task, inputs, inputsPath, signal)
      }
      case 'workflowNode': {
        const r = target.value.reference
        if (r.case === 'launchplanRef') {
          return {
            phase: 'failed',
            error: userError(
              'UnsupportedNode',
              `node [${node.id}] launches launch plan [${r.value.name}]; launch plan nodes are not supported by the local executor`,
            ),
          }
        }
        const sub = r.case === 'subWorkflowRef' ? this.subWorkflows.get(key(r.value)) : undefined
        if (!sub)
          return {
            phase: 'failed',
            error: systemError(
              'SubWorkflowNotFound',
              `node [${node.id}]: its sub-workflow is not in the compiled workflow`,
            ),
          }
        return this.runWorkflow(sub, inputs, ref)
      }
      case 'branchNode': {
        let decision
        try {
          decision = decideBranch(target.value.ifElse, inputs)
        } catch (err) {
          if (!(err instanceof BranchError)) throw err
          return {phase: 'failed', error: userError(err.code, `branch node [${node.id}]: ${err.message}`)}
        }
        const childPrefix = `${ref.uniqueId}-0-`
        for (const s of decision.skipped) {
          await this.nodeEvent(
            {uniqueId: childPrefix + s.id, node: s, parentId: ref.uniqueId},
            NodeExecution_Phase.SKIPPED,
          )
        }
        return this.runNode(
          {uniqueId: childPrefix + decision.selected.id, node: decision.selected, parentId: ref.uniqueId},
          scope,
          signal,
        )
      }
      case 'arrayNode':
        return this.runArray(ref, target.value, inputs, signal)
      case 'gateNode': {
        const c = target.value.condition
        if (c.case === 'sleep') {
          const ms = c.value.duration ? durationMs(c.value.duration) : 0
          const slept = await sleep(ms, signal)
          return slept ? {phase: 'succeeded', outputs: create(LiteralMapSchema, {literals: {}})} : {phase: 'aborted'}
        }
        return {
          phase: 'failed',
          error: userError(
            'UnsupportedNode',
            `gate node [${node.id}] waits for ${c.case === 'approve' ? 'an approval' : 'a signal'}; signals are not supported by the local executor`,
          ),
        }
      }
      default:
        return {
          phase: 'failed',
          error: userError('UnsupportedNode', `node [${node.id}] has no target the local executor can run`),
        }
    }
  }

  private findTask(id: Identifier | undefined): TaskTemplate | undefined {
    if (!id) return undefined
    return this.tasks.get(key(id))
  }

  // ---------------------------------------------------------------- arrays (map tasks)

  private async runArray(ref: NodeRef, array: ArrayNode, inputs: LiteralMap, signal: AbortSignal): Promise<Outcome> {
    const sub = array.node
    if (!sub)
      return {phase: 'failed', error: userError('UnsupportedNode', `array node [${ref.node.id}] has no sub-node`)}
    const bound = new Set(array.boundInputs)
    const individual = array.dataMode === ArrayNode_DataMode.INDIVIDUAL_INPUT_FILES
    let size: number | undefined
    for (const [k, lit] of Object.entries(inputs.literals)) {
      if (bound.has(k) || lit.value.case !== 'collection') continue
      const n = lit.value.value.literals.length
      if (size !== undefined && n !== size) {
        return {
          phase: 'failed',
          error: userError(
            'InvalidArrayInputs',
            `array node [${ref.node.id}]: list inputs differ in length (${size} vs ${n})`,
          ),
        }
      }
      size = n
    }
    size ??= 0
    const items: Array<Promise<Outcome>> = []
    const limit =
      array.parallelismOption.case === 'parallelism' && array.parallelismOption.value > 0
        ? array.parallelismOption.value
        : size || 1
    const itemLimiter = new Limiter(limit)
    for (let i = 0; i < size; i++) {
      // Each item's values are its slice of the list inputs (what `{{.inputs.x}}` renders). Its inputs.pb
      // is that slice with INDIVIDUAL_INPUT_FILES; with SINGLE_INPUT_FILE (flytekit's map tasks) it is the
      // whole input map and the item picks its element by the array index in its environment.
      const literals: Record<string, Literal> = {}
      for (const [k, lit] of Object.entries(inputs.literals)) {
        literals[k] = !bound.has(k) && lit.value.case === 'collection' ? lit.value.value.literals[i]! : lit
      }
      const itemInputs = create(LiteralMapSchema, {literals})
      // The sub-node reads its inputs by name from a scope holding this item's values.
      const itemNode = create(NodeSchema, {
        ...sub,
        id: sub.id || 'n0',
        inputs: Object.keys(literals).map((v) =>
          create(BindingSchema, {
            var: v,
            binding: create(BindingDataSchema, {
              value: {case: 'promise', value: create(OutputReferenceSchema, {nodeId: START_NODE_ID, var: v})},
            }),
          }),
        ),
      })
      const itemRef: NodeRef = {
        uniqueId: `${ref.uniqueId}-0-${i}`,
        node: itemNode,
        parentId: ref.uniqueId,
        env: {BATCH_JOB_ARRAY_INDEX_VAR_NAME: 'FLYTE_K8S_ARRAY_INDEX', FLYTE_K8S_ARRAY_INDEX: String(i)},
        ...(individual ? {} : {inputFile: inputs}),
      }
      items.push(itemLimiter.run(() => this.runNode(itemRef, {inputs: itemInputs, outputs: new Map()}, signal)))
    }
    const results = await Promise.all(items)
    if (results.some((r) => r.phase === 'aborted')) return {phase: 'aborted'}
    const succeeded = results.filter((r) => r.phase === 'succeeded').length
    const needed =
      array.successCriteria.case === 'minSuccesses'
        ? array.successCriteria.value
        : array.successCriteria.case === 'minSuccessRatio'
          ? Math.ceil(array.successCriteria.value * size)
          : size
    if (succeeded < needed) {
      const firstFail = results.find((r) => r.phase === 'failed')
      const why = firstFail?.phase === 'failed' ? `: ${firstFail.error.message}` : ''
      return {
        phase: 'failed',
        error: userError(
          'ArrayNodeFailed',
          `array node [${ref.node.id}]: ${succeeded} of ${size} succeeded, ${needed} needed${why}`,
        ),
      }
    }
    const outNames = this.outputNames(sub)
    const none = () =>
      create(LiteralSchema, {
        value: {case: 'scalar', value: create(ScalarSchema, {value: {case: 'noneType', value: {}}})},
      })
    const literals: Record<string, Literal> = {}
    for (const name of outNames) {
      literals[name] = create(LiteralSchema, {
        value: {
          case: 'collection',
          value: create(LiteralCollectionSchema, {
            literals: results.map((r) => (r.phase === 'succeeded' ? (r.outputs.literals[name] ?? none()) : none())),
          }),
        },
      })
    }
    return {phase: 'succeeded', outputs: create(LiteralMapSchema, {literals})}
  }

  private outputNames(node: Node): string[] {
    if (node.target.case === 'taskNode' && node.target.value.reference.case === 'referenceId') {
      return Object.keys(this.findTask(node.target.value.reference.value)?.interface?.outputs?.variables ?? {})
    }
    if (node.target.case === 'workflowNode' && node.target.value.reference.case === 'subWorkflowRef') {
      return Object.keys(
        this.subWorkflows.get(key(node.target.value.reference.value))?.interface?.outputs?.variables ?? {},
      )
    }
    return []
  }

  // ---------------------------------------------------------------- tasks

  private async runTask(
    ref: NodeRef,
    task: TaskTemplate,
    inputs: LiteralMap,
    inputsPath: string,
    signal: AbortSignal,
  ): Promise<Outcome> {
    if (!isCacheable(task, ref.node)) return this.runTaskAttempts(ref, task, inputs, inputsPath, signal)
    const catalog = new LocalCatalog(this.job.blobRoot)
    const k = cacheKey(task, ref.node, inputs)
    const hit = await catalog.get(k).catch(() => null)
    if (hit) return {phase: 'succeeded', outputs: hit, cacheStatus: CatalogCacheStatus.CACHE_HIT}
    const outcome = await this.runTaskAttempts(ref, task, inputs, inputsPath, signal)
    if (outcome.phase !== 'succeeded') return outcome
    const stored = await catalog.put(k, outcome.outputs).then(
      () => true,
      () => false,
    )
    return {...outcome, cacheStatus: stored ? CatalogCacheStatus.CACHE_POPULATED : CatalogCacheStatus.CACHE_PUT_FAILURE}
  }

  private async runTaskAttempts(
    ref: NodeRef,
    task: TaskTemplate,
    inputs: LiteralMap,
    inputsPath: string,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const nodeRetries = ref.node.metadata?.retries
    const retries = nodeRetries ? nodeRetries.retries : (task.metadata?.retries?.retries ?? 0)
    const timeout = ref.node.metadata?.timeout ?? task.metadata?.timeout
    const timeoutMs = timeout ? durationMs(timeout) : undefined
    let prevCheckpoint = ''
    let lastError: ExecutionError | undefined
    let attempts = 0
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (signal.aborted) return {phase: 'aborted'}
      attempts = attempt + 1
      const outputPrefix = this.paths.outputPrefix(ref.uniqueId, attempt)
      const logPath = this.paths.log(ref.uniqueId, attempt)
      const logs = [
        create(TaskLogSchema, {
          uri: fileUri(logPath),
          name: 'Local process log',
          messageFormat: TaskLog_MessageFormat.UNKNOWN,
        }),
      ]
      const generatedName = `${this.id.name}-${ref.uniqueId}-${attempt}`
      const base = {ref, task, attempt, logs, inputsPath, generatedName}
      await this.taskEvent(base, TaskExecution_Phase.QUEUED)
      const result: AttemptResult = await this.options.limiter.run(async () => {
        if (signal.aborted) return {outcome: 'aborted' as const}
        await this.taskEvent(base, TaskExecution_Phase.RUNNING)
        return runAttempt({
          task,
          inputs,
          inputPath: inputsPath,
          outputPrefix,
          rawOutputPrefix: this.paths.rawOutputPrefix(ref.uniqueId, attempt),
          prevCheckpointPrefix: prevCheckpoint,
          logPath,
          perRetryUniqueKey: generatedName.replace(/^[^a-zA-Z_]+/, 'a').replace(/[^a-zA-Z0-9_]+/g, '_'),
          namespace: `${this.id.project}-${this.id.domain}`,
          flyteEnv: {...this.flyteEnv(task, attempt), ...ref.env},
          timeoutMs,
          signal,
          env: this.options.env,
          cwd: this.options.cwd ?? this.paths.workDir(ref.uniqueId, attempt),
        })
      })
      if (result.outcome === 'aborted') {
        await this.taskEvent(base, TaskExecution_Phase.ABORTED)
        return {phase: 'aborted'}
      }
      if (result.outcome === 'succeeded') {
        await this.taskEvent(base, TaskExecution_Phase.SUCCEEDED, {
          case: 'outputUri',
          value: fileUri(result.outputsPath),
        })
        return {phase: 'succeeded', outputs: result.outputs}
      }
      const error = create(ExecutionErrorSchema, {
        code: result.code,
        message: result.message,
        kind: result.kind,
        timestamp: this.now(),
        errorUri: fileUri(`${outputPrefix}/error.pb`),
      })
      lastError = error
      const willRetry = result.retryable && attempt < retries
      await this.taskEvent(base, willRetry ? TaskExecution_Phase.RETRYABLE_FAILED : TaskExecution_Phase.FAILED, {
        case: 'error',
        value: error,
      })
      if (!willRetry) break
      prevCheckpoint = fileUri(`${outputPrefix}/_flytecheckpoints`)
    }
    const message = lastError?.message ?? 'task failed'
    return {
      phase: 'failed',
      error: create(ExecutionErrorSchema, {
        code: lastError?.code ?? 'TaskFailed',
        kind: lastError?.kind ?? ExecutionError_ErrorKind.USER,
        errorUri: lastError?.errorUri ?? '',
        timestamp: lastError?.timestamp,
        message: retries > 0 ? `[${attempts}/${retries + 1}] currentAttempt done. Last Error: ${message}` : message,
      }),
    }
  }

  private flyteEnv(task: TaskTemplate, attempt: number): Record<string, string> {
    const t = task.id
    const lp = this.job.execution.spec?.launchPlan
    return {
      FLYTE_INTERNAL_EXECUTION_ID: this.id.name,
      FLYTE_INTERNAL_EXECUTION_PROJECT: this.id.project,
      FLYTE_INTERNAL_EXECUTION_DOMAIN: this.id.domain,
      FLYTE_INTERNAL_EXECUTION_WORKFLOW: lp ? `${lp.project}:${lp.domain}:${lp.name}` : '',
      FLYTE_INTERNAL_EXECUTION_LAUNCHPLAN: lp?.name ?? '',
      FLYTE_INTERNAL_TASK_PROJECT: t?.project ?? '',
      FLYTE_INTERNAL_TASK_DOMAIN: t?.domain ?? '',
      FLYTE_INTERNAL_TASK_NAME: t?.name ?? '',
      FLYTE_INTERNAL_TASK_VERSION: t?.version ?? '',
      FLYTE_INTERNAL_PROJECT: t?.project ?? '',
      FLYTE_INTERNAL_DOMAIN: t?.domain ?? '',
      FLYTE_INTERNAL_NAME: t?.name ?? '',
      FLYTE_INTERNAL_VERSION: t?.version ?? '',
      FLYTE_ATTEMPT_NUMBER: String(attempt),
    }
  }

  // ---------------------------------------------------------------- events

  private now(): Timestamp {
    return timestampFromDate(new Date())
  }

  private async deliver(what: string, send: () => Promise<void>): Promise<void> {
    try {
      await send()
    } catch (err) {
      this.options.log(`execution ${this.id.name}: ${what} event not recorded: ${(err as Error).message}`)
    }
  }

  private workflowEvent(
    phase: WorkflowExecution_Phase,
    outputResult?: {case: 'outputUri'; value: string} | {case: 'error'; value: ExecutionError},
  ): Promise<void> {
    const now = this.now()
    const e = create(WorkflowExecutionEventSchema, {
      executionId: this.id,
      producerId: this.options.producerId,
      phase,
      occurredAt: now,
      ...(outputResult ? {outputResult} : {}),
    })
    return this.deliver(`workflow ${WorkflowExecution_Phase[phase]}`, () => this.sink.workflowEvent(e))
  }

  private nodeEvent(ref: NodeRef, phase: NodeExecution_Phase, extra: NodeExtra = {}): Promise<void> {
    const now = this.now()
    const e = create(NodeExecutionEventSchema, {
      id: create(NodeExecutionIdentifierSchema, {nodeId: ref.uniqueId, executionId: this.id}),
      producerId: this.options.producerId,
      phase,
      occurredAt: now,
      reportedAt: now,
      specNodeId: ref.node.id,
      nodeName: ref.node.metadata?.name || ref.node.id,
      retryGroup: '0',
      ...(ref.parentId ? {parentNodeMetadata: create(ParentNodeExecutionMetadataSchema, {nodeId: ref.parentId})} : {}),
      ...extra,
    })
    return this.deliver(`node ${ref.uniqueId} ${NodeExecution_Phase[phase]}`, () => this.sink.nodeEvent(e))
  }

  private taskEvent(
    b: {
      ref: NodeRef
      task: TaskTemplate
      attempt: number
      logs: ReturnType<typeof create<typeof TaskLogSchema>>[]
      inputsPath: string
      generatedName: string
    },
    phase: TaskExecution_Phase,
    outputResult?: {case: 'outputUri'; value: string} | {case: 'error'; value: ExecutionError},
  ): Promise<void> {
    const now = this.now()
    const taskId = b.task.id ?? create(IdentifierSchema, {resourceType: ResourceType.TASK})
    const e = create(TaskExecutionEventSchema, {
      taskId,
      parentNodeExecutionId: create(NodeExecutionIdentifierSchema, {nodeId: b.ref.uniqueId, executionId: this.id}),
      retryAttempt: b.attempt,
      phase,
      producerId: this.options.producerId,
      logs: phase === TaskExecution_Phase.QUEUED ? [] : b.logs,
      occurredAt: now,
      reportedAt: now,
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

function userError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, {
    code,
    message,
    kind: ExecutionError_ErrorKind.USER,
    timestamp: timestampFromDate(new Date()),
  })
}

function systemError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, {
    code,
    message,
    kind: ExecutionError_ErrorKind.SYSTEM,
    timestamp: timestampFromDate(new Date()),
  })
}

/** Resolves true after ms, false if aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
