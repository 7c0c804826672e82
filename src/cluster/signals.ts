/**
 * Gate signals of an execution (SignalService): `get signal` lists them with their type and value;
 * `update signal` sets one (`--approve` / `--reject` for approval gates, `--value` for the others),
 * the value read as the signal's type.
 */
import {create} from '@bufbuild/protobuf'
import {SignalSchema, type Signal} from '../gen/flyteidl/admin/signal_pb.js'
import {SignalIdentifierSchema, WorkflowExecutionIdentifierSchema} from '../gen/flyteidl/core/identifier_pb.js'
import {SimpleType} from '../gen/flyteidl/core/types_pb.js'
import type {SignalClient} from '../admin/client.js'
import {listParams, type FilterFlags} from '../admin/filters.js'
import type {Column} from '../cli/printer.js'
import {CliError} from '../cli/errors.js'
import type {Listing} from './get.js'
import {describeType, literalFromValue, valueFromLiteral} from '../literals/convert.js'
import {protoJson} from './proto-json.js'

type Json = Record<string, unknown>
interface Scope {
  project: string
  domain: string
}

/** The signals an execution's gates created, as rows of `Signal` JSON plus readable type and value. */
export async function getSignals(
  client: SignalClient,
  scope: Scope,
  execution: string,
  filter: FilterFlags,
  signalId?: string,
): Promise<Listing> {
  const p = listParams(filter, {sortBy: 'created_at'})
  const filters = [p.filters, signalId ? `eq(signal_id,${signalId})` : ''].filter(Boolean).join('+')
  const res = await client.listSignals({
    workflowExecutionId: create(WorkflowExecutionIdentifierSchema, {...scope, name: execution}),
    limit: p.limit,
    token: p.token,
    filters,
  })
  if (signalId && res.signals.length === 0) {
    throw new CliError('not-found', `execution ${execution} has no signal ${signalId}`, {
      hint: `List its signals with \`flytectl get signal -p ${scope.project} -d ${scope.domain} --execution ${execution}\`.`,
    })
  }
  return {rows: res.signals.map(signalRow), nextToken: res.token, shape: 'list'}
}

function signalRow(s: Signal): Json {
  return {
    ...protoJson(SignalSchema, s),
    typeText: describeType(s.type),
    valueText: s.value ? JSON.stringify(valueFromLiteral(s.value)) : '',
  }
}

export const signalColumns: Column<Json>[] = [
  {header: 'Signal ID', path: 'id.signalId'},
  {header: 'Type', path: 'typeText'},
  {header: 'Value', path: (row) => (row.valueText === '' ? '(waiting)' : row.valueText)},
]

export interface SetSignalChoice {
  value?: string | undefined
  approve?: boolean | undefined
  reject?: boolean | undefined
}

/** Sets a signal after reading its type; the value is converted as execFile inputs are. */
export async function setSignal(
  client: SignalClient,
  scope: Scope,
  execution: string,
  signalId: string,
  choice: SetSignalChoice,
): Promise<{signal: string; value: unknown}> {
  const given = [choice.value !== undefined, !!choice.approve, !!choice.reject].filter(Boolean).length
  if (given !== 1) {
    throw new CliError('usage', 'pass exactly one of --value, --approve and --reject', {
      hint: '--approve/--reject answer an approval gate; --value answers wait_for_input.',
    })
  }
  const res = await client.listSignals({
    workflowExecutionId: create(WorkflowExecutionIdentifierSchema, {...scope, name: execution}),
    limit: 1,
    filters: `eq(signal_id,${signalId})`,
  })
  const type = res.signals[0]?.type
  if (!type) {
    throw new CliError('not-found', `execution ${execution} has no signal ${signalId} (yet)`, {
      hint: `A gate creates its signal when it starts waiting; list them with \`flytectl get signal -p ${scope.project} -d ${scope.domain} --execution ${execution}\`.`,
    })
  }
  const isBool = type.type.case === 'simple' && type.type.value === SimpleType.BOOLEAN
  if ((choice.approve || choice.reject) && !isBool) {
    throw new CliError('usage', `signal ${signalId} takes a ${describeType(type)}, not an approval`, {
      hint: 'Use --value.',
    })
  }
  const raw: unknown = choice.approve ? true : choice.reject ? false : choice.value
  let literal
  try {
    literal = literalFromValue(raw, type, signalId)
  } catch (err) {
    throw new CliError('invalid-input', (err as Error).message)
  }
  await client.setSignal({
    id: create(SignalIdentifierSchema, {
      signalId,
      executionId: create(WorkflowExecutionIdentifierSchema, {...scope, name: execution}),
    }),
    value: literal,
  })
  return {signal: signalId, value: valueFromLiteral(literal)}
}
