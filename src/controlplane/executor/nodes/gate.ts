/**
 * Gate nodes as propeller runs them. A sleep gate succeeds after its duration. An approval gate
 * creates its signal (type boolean) and waits: true passes the node's inputs through as its outputs,
 * false fails it (`ReceivedRejectSignal`). A signal gate (`wait_for_input`) creates its signal with the
 * condition's type and outputs the value under the condition's output name. The node's timeout
 * (flytekit's gate timeout) fails a gate still waiting with `TimeoutExpired`.
 */
import {create} from '@bufbuild/protobuf'
import {durationMs} from '@bufbuild/protobuf/wkt'
import {SignalIdentifierSchema} from '../../../gen/flyteidl/core/identifier_pb.js'
import {LiteralMapSchema, type Literal, type LiteralMap} from '../../../gen/flyteidl/core/literals_pb.js'
import {LiteralTypeSchema, SimpleType, type LiteralType} from '../../../gen/flyteidl/core/types_pb.js'
import {sleep, userError, type Outcome} from '../outcome.js'
import type {NodeContext, NodeKind} from './context.js'

/** How often a waiting gate looks at its signal. */
export const SIGNAL_POLL_MS = 250

export const gateNode: NodeKind = {
  async run(ctx, {ref, inputs, signal}) {
    const {node} = ref
    if (node.target.case !== 'gateNode') throw new Error('not a gate node')
    const c = node.target.value.condition
    const timeoutMs = node.metadata?.timeout ? durationMs(node.metadata.timeout) : undefined
    if (c.case === 'sleep') {
      const ms = c.value.duration ? durationMs(c.value.duration) : 0
      const slept = await sleep(ms, signal)
      return slept ? {phase: 'succeeded', outputs: create(LiteralMapSchema, {literals: {}})} : {phase: 'aborted'}
    }
    if (c.case !== 'approve' && c.case !== 'signal') {
      return {phase: 'failed', error: userError('UnsupportedNode', `gate node [${node.id}] has no condition`)}
    }
    const signalId = c.value.signalId
    const type =
      c.case === 'approve'
        ? create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.BOOLEAN}})
        : (c.value.type ?? create(LiteralTypeSchema))
    const got = await waitForSignal(ctx, signalId, type, timeoutMs, signal)
    if (got === 'aborted') return {phase: 'aborted'}
    if (got === 'timeout') {
      return {
        phase: 'failed',
        error: userError('TimeoutExpired', `task execution timeout [${goDuration(timeoutMs ?? 0)}] expired`),
      }
    }
    if (got === 'unsupported') {
      return {
        phase: 'failed',
        error: userError(
          'UnsupportedNode',
          `gate node [${node.id}] waits for signal [${signalId}], which this executor cannot receive`,
        ),
      }
    }
    if (c.case === 'approve') return approved(node.id, got, inputs)
    return {phase: 'succeeded', outputs: create(LiteralMapSchema, {literals: {[c.value.outputVariableName]: got}})}
  },
}

function approved(nodeId: string, value: Literal, inputs: LiteralMap): Outcome {
  const v =
    value.value.case === 'scalar' &&
    value.value.value.value.case === 'primitive' &&
    value.value.value.value.value.value.case === 'boolean'
      ? value.value.value.value.value.value.value
      : undefined
  if (v === true) return {phase: 'succeeded', outputs: inputs}
  if (v === false) {
    return {
      phase: 'failed',
      error: userError('ReceivedRejectSignal', 'received a reject signal to disapprove the node input values'),
    }
  }
  return {
    phase: 'failed',
    error: userError(
      'InvalidSignal',
      `gate node [${nodeId}]: received a non-boolean approve signal value [${value.value.case}]`,
    ),
  }
}

async function waitForSignal(
  ctx: NodeContext,
  signalId: string,
  type: LiteralType,
  timeoutMs: number | undefined,
  abort: AbortSignal,
): Promise<Literal | 'aborted' | 'timeout' | 'unsupported'> {
  const get = ctx.sink.signal?.bind(ctx.sink)
  if (!get) return 'unsupported'
  const id = create(SignalIdentifierSchema, {signalId, executionId: ctx.id})
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs
  for (;;) {
    if (abort.aborted) return 'aborted'
    const value = await get(id, type)
    if (value) return value
    const left = deadline - Date.now()
    if (left <= 0) return 'timeout'
    if (!(await sleep(Math.min(SIGNAL_POLL_MS, left), abort))) return 'aborted'
  }
}

/** A duration as Go prints it (`1h0m0s`, `10m0s`, `1.5s`), as propeller's timeout message does. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s'
  if (ms < 1000) return `${ms}ms`
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = (ms % 60_000) / 1000
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`
  if (h > 0) return `${h}h${m}m${sec}`
  if (m > 0) return `${m}m${sec}`
  return sec
}
