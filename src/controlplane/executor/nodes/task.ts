/**
 * Task nodes: the task runs as a local process, one task execution per attempt (retries, timeout,
 * checkpoints), through the plane-wide process limiter; cacheable tasks go through the local catalog.
 */
import {create} from '@bufbuild/protobuf'
import {durationMs} from '@bufbuild/protobuf/wkt'
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  TaskExecution_Phase,
  TaskLogSchema,
  TaskLog_MessageFormat,
  type ExecutionError,
} from '../../../gen/flyteidl/core/execution_pb.js'
import {CatalogCacheStatus} from '../../../gen/flyteidl/core/catalog_pb.js'
import type {LiteralMap} from '../../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../../gen/flyteidl/core/tasks_pb.js'
import {TaskNodeMetadataSchema} from '../../../gen/flyteidl/event/event_pb.js'
import {cacheKey, isCacheable, LocalCatalog} from '../catalog.js'
import {now, type NodeRef} from '../events.js'
import {systemError, type Outcome} from '../outcome.js'
import {runAttempt, type AttemptResult} from '../process.js'
import {fileUri} from '../storage.js'
import {executionCredentialsEnv} from '../task-env.js'
import type {NodeContext, NodeKind} from './context.js'
import {runDynamic} from './dynamic.js'

export const taskNode: NodeKind = {
  running: () => ({targetMetadata: {case: 'taskNodeMetadata', value: create(TaskNodeMetadataSchema, {})}}),
  async run(ctx, {ref, inputs, inputsPath, signal}) {
    const target = ref.node.target
    if (target.case !== 'taskNode') throw new Error('not a task node')
    const task = ctx.findTask(target.value.reference.case === 'referenceId' ? target.value.reference.value : undefined)
    if (!task)
      return {
        phase: 'failed',
        error: systemError('TaskNotFound', `node [${ref.node.id}]: its task is not in the compiled workflow`),
      }
    return runTask(ctx, ref, task, inputs, inputsPath, signal)
  },
}

async function runTask(
  ctx: NodeContext,
  ref: NodeRef,
  task: TaskTemplate,
  inputs: LiteralMap,
  inputsPath: string,
  signal: AbortSignal,
): Promise<Outcome> {
  if (!isCacheable(task, ref.node)) return runTaskAttempts(ctx, ref, task, inputs, inputsPath, signal)
  const catalog = new LocalCatalog(ctx.job.blobRoot)
  const k = cacheKey(task, ref.node, inputs)
  const hit = await catalog.get(k).catch(() => null)
  if (hit) return {phase: 'succeeded', outputs: hit, cacheStatus: CatalogCacheStatus.CACHE_HIT}
  const outcome = await runTaskAttempts(ctx, ref, task, inputs, inputsPath, signal)
  if (outcome.phase !== 'succeeded') return outcome
  const stored = await catalog.put(k, outcome.outputs).then(
    () => true,
    () => false,
  )
  return {...outcome, cacheStatus: stored ? CatalogCacheStatus.CACHE_POPULATED : CatalogCacheStatus.CACHE_PUT_FAILURE}
}

async function runTaskAttempts(
  ctx: NodeContext,
  ref: NodeRef,
  task: TaskTemplate,
  inputs: LiteralMap,
  inputsPath: string,
  signal: AbortSignal,
): Promise<Outcome> {
  const {id, paths, options, events} = ctx
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
    const outputPrefix = paths.outputPrefix(ref.uniqueId, attempt)
    const logPath = paths.log(ref.uniqueId, attempt)
    const logs = [
      create(TaskLogSchema, {
        uri: fileUri(logPath),
        name: 'Local process log',
        messageFormat: TaskLog_MessageFormat.UNKNOWN,
      }),
    ]
    const generatedName = `${id.name}-${ref.uniqueId}-${attempt}`
    const base = {ref, task, attempt, logs, inputsPath, generatedName}
    await events.task(base, TaskExecution_Phase.QUEUED)
    const slot = <T>(fn: () => Promise<T>) => (ctx.parallelism ? ctx.parallelism.run(fn) : fn())
    const result: AttemptResult = await slot(() =>
      options.limiter.run(async () => {
        if (signal.aborted) return {outcome: 'aborted' as const}
        await events.task(base, TaskExecution_Phase.RUNNING)
        return runAttempt({
          task,
          inputs,
          inputPath: inputsPath,
          outputPrefix,
          rawOutputPrefix: paths.rawOutputPrefix(ref.uniqueId, attempt),
          prevCheckpointPrefix: prevCheckpoint,
          logPath,
          perRetryUniqueKey: generatedName.replace(/^[^a-zA-Z_]+/, 'a').replace(/[^a-zA-Z0-9_]+/g, '_'),
          namespace: `${id.project}-${id.domain}`,
          flyteEnv: {
            ...flyteEnv(ctx, task, attempt),
            ...platformEnv(ctx.job.platformEndpoint),
            ...(await executionCredentialsEnv(ctx.job)),
            ...LITERAL_OFFLOADING_ENV,
            ...ref.env,
          },
          timeoutMs,
          signal,
          env: options.env,
          cwd: options.cwd ?? paths.workDir(ref.uniqueId, attempt),
        })
      }),
    )
    if (result.outcome === 'aborted') {
      await events.task(base, TaskExecution_Phase.ABORTED)
      return {phase: 'aborted'}
    }
    if (result.outcome === 'dynamic') {
      await events.task(base, TaskExecution_Phase.SUCCEEDED)
      return runDynamic(ctx, {...ref, attempt}, task, inputs, result.futuresPath, signal)
    }
    if (result.outcome === 'succeeded') {
      await events.task(base, TaskExecution_Phase.SUCCEEDED, {
        case: 'outputUri',
        value: fileUri(result.outputsPath),
      })
      return {phase: 'succeeded', outputs: result.outputs}
    }
    const error = create(ExecutionErrorSchema, {
      code: result.code,
      message: result.message,
      kind: result.kind,
      timestamp: now(),
      errorUri: fileUri(`${outputPrefix}/error.pb`),
    })
    lastError = error
    const willRetry = result.retryable && attempt < retries
    await events.task(base, willRetry ? TaskExecution_Phase.RETRYABLE_FAILED : TaskExecution_Phase.FAILED, {
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

function flyteEnv(ctx: NodeContext, task: TaskTemplate, attempt: number): Record<string, string> {
  const t = task.id
  const id = ctx.id
  const lp = ctx.job.execution.spec?.launchPlan
  return {
    FLYTE_INTERNAL_EXECUTION_ID: id.name,
    FLYTE_INTERNAL_EXECUTION_PROJECT: id.project,
    FLYTE_INTERNAL_EXECUTION_DOMAIN: id.domain,
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

/**
 * Where a task reaches the control plane, as the sandbox's propeller tells its pods: flytekit's
 * FlyteRemote inside a task (eager workflows, `FlytekitPlugin.get_remote`) reads these instead of
 * falling back to `localhost:30080`.
 */
function platformEnv(endpoint: string | undefined): Record<string, string> {
  if (!endpoint) return {}
  return {FLYTE_PLATFORM_URL: endpoint, FLYTE_PLATFORM_INSECURE: 'true'}
}

/**
 * Literal offloading as propeller's literal-offloading-config turns it on: flytekit writes an output
 * literal of 10 MB or more to `<output prefix>/<name>_offloaded_metadata.pb` and returns a reference
 * to it, which downstream tasks and FlyteRemote read back; one of 1000 MB or more fails the task.
 */
const LITERAL_OFFLOADING_ENV = {_F_L_MIN_SIZE_MB: '10', _F_L_MAX_SIZE_MB: '1000'}
