/**
 * Waiting for an execution's end (`create execution --wait`) and what its end means for the exit
 * status (also `get execution --watch`): SUCCEEDED is 0, FAILED 10, ABORTED 11, TIMED_OUT 12. A
 * failed run names the attempt that failed and where its log is. Interrupting the wait (Ctrl-C)
 * never touches the execution: it keeps running and the message says how to follow it.
 */
import type {AdminClient, ExecutionEventClient} from '../admin/client.js'
import {CliError, type ErrorCode} from '../cli/errors.js'
import type {Execution} from '../gen/flyteidl/admin/execution_pb.js'
import {TaskExecution_Phase, WorkflowExecution_Phase} from '../gen/flyteidl/core/execution_pb.js'
import {
  executionDetails,
  executionPhaseName,
  isTerminalExecution,
  literalMapToNative,
  type ExecutionRef,
  type NodeDetail,
} from './execution-details.js'

const OUTCOME_CODES: Partial<Record<WorkflowExecution_Phase, ErrorCode>> = {
  [WorkflowExecution_Phase.FAILED]: 'execution-failed',
  [WorkflowExecution_Phase.ABORTED]: 'execution-aborted',
  [WorkflowExecution_Phase.TIMED_OUT]: 'execution-timed-out',
}

const scopeFlags = (ref: ExecutionRef) => `-p ${ref.project} -d ${ref.domain}`

/** The command that follows an execution live. */
export const watchCommand = (ref: ExecutionRef) => `flytectl get execution ${ref.name} ${scopeFlags(ref)} --watch`

export interface FailedAttempt {
  nodeId: string
  attempt: number
  message: string
  log?: string
}

/** The task attempts that ended FAILED (not the ones retried), deepest nodes included, in tree order. */
export function failedAttempts(nodes: NodeDetail[]): FailedAttempt[] {
  const out: FailedAttempt[] = []
  const walk = (list: NodeDetail[]) => {
    for (const n of list) {
      for (const t of n.taskExecs) {
        if (t.closure?.phase !== TaskExecution_Phase.FAILED) continue
        const err = t.closure.outputResult.case === 'error' ? t.closure.outputResult.value : undefined
        out.push({
          nodeId: n.nodeExec.id?.nodeId ?? '',
          attempt: t.id?.retryAttempt ?? 0,
          message: err ? `${err.code ? `[${err.code}] ` : ''}${err.message}` : 'failed',
          ...(t.closure.logs[0]?.uri ? {log: t.closure.logs[0].uri} : {}),
        })
      }
      walk(n.children)
    }
  }
  walk(nodes)
  return out
}

/**
 * null for SUCCEEDED; otherwise the error whose exit code says how the execution ended, its message
 * the execution's own error and its hint the failed attempt with its log and the command to read it.
 */
export async function outcomeError(
  admin: AdminClient,
  execution: Execution,
  ref: ExecutionRef,
): Promise<CliError | null> {
  const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED
  const code = OUTCOME_CODES[phase]
  if (!code) return null
  const result = execution.closure?.outputResult
  const why =
    result?.case === 'error'
      ? `: ${result.value.message.split('\n')[0]}`
      : result?.case === 'abortMetadata' && result.value.cause
        ? `: ${result.value.cause}`
        : ''
  const hints: string[] = []
  let tail = ''
  if (phase === WorkflowExecution_Phase.FAILED) {
    const nodes = await executionDetails(admin, ref, {withData: false}).catch(() => [] as NodeDetail[])
    const failed = failedAttempts(nodes)[0]
    const logShown = failed?.log && why.includes(failed.log)
    if (failed)
      hints.push(
        `Node ${failed.nodeId} attempt ${failed.attempt} failed${failed.log && !logShown ? `; its log: ${failed.log}` : ''}.`,
      )
    hints.push(
      `Read ${failed ? 'its log' : 'the logs'} with \`flytectl logs execution ${ref.name} ${scopeFlags(ref)}${failed ? ` --node ${failed.nodeId}` : ''}\`.`,
    )
    if (failed?.log) tail = await logTail(failed)
  } else {
    hints.push(`See its nodes with \`flytectl get execution ${ref.name} ${scopeFlags(ref)} --details\`.`)
  }
  const error = new CliError(code, `execution ${ref.name} ended ${executionPhaseName(phase)}${why}`, {
    hint: hints.join(' '),
    details: {execution: ref.name, phase: executionPhaseName(phase)},
  })
  return Object.assign(error, {logTail: tail})
}

const TAIL_LINES = 5

/** The last lines of a failed attempt's local log, framed, or '' (remote or unreadable logs). */
async function logTail(failed: FailedAttempt): Promise<string> {
  if (!failed.log?.startsWith('file://')) return ''
  try {
    const [{readFile}, {fileURLToPath}] = await Promise.all([import('node:fs/promises'), import('node:url')])
    const lines = (await readFile(fileURLToPath(failed.log), 'utf8')).trimEnd().split('\n')
    const last = lines.slice(-TAIL_LINES)
    if (last.length === 0 || (last.length === 1 && last[0] === '')) return ''
    const head = `--- node ${failed.nodeId} attempt ${failed.attempt}: ${lines.length > TAIL_LINES ? `last ${TAIL_LINES} lines of its log` : 'its log'} ---`
    return [head, ...last.map((l) => (l.length > 160 ? l.slice(0, 157) + '...' : l))].join('\n')
  } catch {
    return ''
  }
}

/** Prints a failed run's log tail (stderr) before its error. */
export function noteLogTail(err: CliError, note: (text: string) => void): void {
  const tail = (err as CliError & {logTail?: string}).logTail
  if (tail) note(tail)
}

export interface WaitOptions {
  intervalMs?: number
  /** Aborting stops the wait (never the execution); the promise then rejects with exit code 9. */
  signal?: AbortSignal
  /** Called once per phase the execution is seen in. */
  onPhase?: (phase: string) => void
  /** Resolves when it is worth reading the execution again (default: after intervalMs). */
  next?: () => Promise<void>
}

/** Polls until the execution is in a terminal phase and returns it. */
export async function waitForExecution(admin: AdminClient, ref: ExecutionRef, o: WaitOptions = {}): Promise<Execution> {
  const interval = o.intervalMs ?? 500
  let last: WorkflowExecution_Phase | undefined
  for (;;) {
    if (o.signal?.aborted) throw stoppedWaiting(ref)
    const execution = await admin.getExecution({id: ref})
    const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED
    if (phase !== last) o.onPhase?.(executionPhaseName(phase))
    last = phase
    if (isTerminalExecution(phase)) return execution
    if (o.next) {
      await o.next()
      continue
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, interval)
      function done() {
        clearTimeout(timer)
        o.signal?.removeEventListener('abort', done)
        resolve()
      }
      o.signal?.addEventListener('abort', done, {once: true})
    })
  }
}

export function stoppedWaiting(ref: ExecutionRef): CliError {
  return new CliError('aborted', `stopped waiting; execution ${ref.name} keeps running`, {
    hint: `Follow it with \`${watchCommand(ref)}\`, or stop it with \`flytectl delete execution ${ref.name} ${scopeFlags(ref)}\`.`,
  })
}

/** The execution's outputs as plain values (empty when it has none or they cannot be read). */
export async function executionOutputs(admin: AdminClient, ref: ExecutionRef): Promise<Record<string, unknown>> {
  const data = await admin.getExecutionData({id: ref}).catch(() => undefined)
  return literalMapToNative(data?.fullOutputs)
}

export interface AwaitOutcomeOptions {
  out: (text: string) => void
  note: (text: string) => void
  json?: boolean
  intervalMs?: number
  /** The plane's event stream: read the execution again when it records an event (else poll). */
  events?: ExecutionEventClient
}

/**
 * `create execution --wait`: waits (Ctrl-C stops waiting, exit 9), prints the phase and duration and,
 * for SUCCEEDED, the outputs; any other end throws the outcome error (exit 10/11/12).
 */
export async function awaitOutcome(
  admin: AdminClient,
  ref: ExecutionRef,
  o: AwaitOutcomeOptions,
): Promise<{project: string; domain: string; execution: string; phase: string; outputs: Record<string, unknown>}> {
  const stop = new AbortController()
  const interval = o.intervalMs ?? 500
  const {executionChanges} = await import('./events.js')
  const changes = o.events ? executionChanges(o.events, ref, {note: o.note, fallbackMs: interval}) : undefined
  const onInterrupt = () => {
    stop.abort()
    changes?.close()
  }
  process.once('SIGINT', onInterrupt)
  process.once('SIGTERM', onInterrupt)
  let execution: Execution
  try {
    o.note(`Waiting for execution ${ref.name} to end (Ctrl-C stops waiting; the execution keeps running)...`)
    execution = await waitForExecution(admin, ref, {
      signal: stop.signal,
      intervalMs: interval,
      ...(changes ? {next: () => changes.wait()} : {}),
      onPhase: (p) => {
        if (!['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'].includes(p)) o.note(`execution ${ref.name} ${p}`)
      },
    })
  } finally {
    changes?.close()
    process.removeListener('SIGINT', onInterrupt)
    process.removeListener('SIGTERM', onInterrupt)
  }
  const failure = await outcomeError(admin, execution, ref)
  if (failure) {
    if (!o.json) noteLogTail(failure, o.note)
    throw failure
  }
  const outputs = await executionOutputs(admin, ref)
  const d = execution.closure?.duration
  const took = d ? ` in ${(Number(d.seconds) + d.nanos / 1e9).toFixed(2)}s` : ''
  if (!o.json) {
    o.out(`execution ${ref.name} SUCCEEDED${took}`)
    if (Object.keys(outputs).length) {
      const {renderRows} = await import('../cli/printer.js')
      o.out((await renderRows([{outputs}], {format: 'yaml', columns: []})).trimEnd())
    }
  }
  return {project: ref.project, domain: ref.domain, execution: ref.name, phase: 'SUCCEEDED', outputs}
}
