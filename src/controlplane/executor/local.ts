/**
 * The local executor: runs each execution in this process (task containers as subprocesses) and
 * reports through the control plane's sink. `terminate` aborts a running execution: its processes
 * get SIGTERM (then SIGKILL), its running nodes and tasks report ABORTED.
 */
import {availableParallelism} from 'node:os'
import type {WorkflowExecutionIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {ExecutionRun, Limiter} from './run.js'
import type {ExecutionJob, ExecutionSink, Executor, ExecutorStats} from './types.js'

export interface LocalExecutorOptions {
  /** Concurrent task processes across all executions (default: the machine's parallelism, at least 2). */
  maxProcesses?: number
  /** Base environment for task processes (default: this process's environment). */
  env?: NodeJS.ProcessEnv
  /** Working directory of every task process (default: a fresh one per attempt under the data dir). */
  cwd?: string
  /** Recorded as the events' producer id. */
  producerId?: string
  /** Problems that cannot be reported as events (default: stderr). */
  log?: (line: string) => void
}

const idKey = (id: WorkflowExecutionIdentifier) => `${id.org}/${id.project}/${id.domain}/${id.name}`

export class LocalExecutor implements Executor {
  private readonly running = new Map<string, {abort: AbortController; done: Promise<void>}>()
  private readonly limiter: Limiter
  private closed = false

  constructor(private readonly options: LocalExecutorOptions = {}) {
    this.limiter = new Limiter(options.maxProcesses ?? Math.max(2, availableParallelism()))
  }

  start(job: ExecutionJob, sink: ExecutionSink): void {
    const id = job.execution.id
    if (!id) throw new Error('cannot start an execution without an id')
    if (this.closed) throw new Error('the executor is closed')
    const k = idKey(id)
    if (this.running.has(k)) return
    const abort = new AbortController()
    const log = this.options.log ?? ((line: string) => process.stderr.write(line + '\n'))
    const run = new ExecutionRun(
      job,
      sink,
      {
        producerId: this.options.producerId ?? 'flytectl-demo',
        env: this.options.env,
        cwd: this.options.cwd,
        limiter: this.limiter,
        log,
      },
      abort.signal,
    )
    const done = run
      .run()
      .catch((err: unknown) => log(`execution ${id.name}: ${(err as Error).stack ?? String(err)}`))
      .finally(() => this.running.delete(k))
    this.running.set(k, {abort, done})
  }

  /** Aborts a running execution and waits until it has reported ABORTED; unknown ids are a no-op. */
  async terminate(executionId: WorkflowExecutionIdentifier, cause: string): Promise<void> {
    const entry = this.running.get(idKey(executionId))
    if (!entry) return
    entry.abort.abort(new Error(cause))
    await entry.done
  }

  isRunning(executionId: WorkflowExecutionIdentifier): boolean {
    return this.running.has(idKey(executionId))
  }

  /** The most task processes that ran at once (bounded by maxProcesses). */
  get peakProcesses(): number {
    return this.limiter.peak
  }

  stats(): ExecutorStats {
    return {processes: this.limiter.active, waiting: this.limiter.queued, executions: this.running.size}
  }

  /** The ids of executions still running. */
  get active(): number {
    return this.running.size
  }

  /** Waits for one execution to finish (for callers that started it). */
  async wait(executionId: WorkflowExecutionIdentifier): Promise<void> {
    await this.running.get(idKey(executionId))?.done
  }

  /** Aborts everything still running and waits for it to settle. */
  async close(): Promise<void> {
    this.closed = true
    const all = [...this.running.values()]
    for (const e of all) e.abort.abort(new Error('control plane shutting down'))
    await Promise.all(all.map((e) => e.done))
  }
}
