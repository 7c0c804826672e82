/**
 * `get events`: what is recorded as a table (or JSON/YAML), or with --follow one line per event as it
 * happens — aligned columns for a table, one JSON object per line for `-o json`, one YAML document per
 * event for `-o yaml`. Following one execution ends with its end; how it ended is the exit status.
 */
import type {AdminClient, ExecutionEventClient} from '../admin/client.js'
import type {ConnectionInfo} from '../admin/errors.js'
import {CliError} from '../cli/errors.js'
import {renderRows, type Column, type OutputFormat} from '../cli/printer.js'
import {WorkflowExecution_Phase} from '../gen/flyteidl/core/execution_pb.js'
import {eventJson, watchEvents, type EventRecord} from './events.js'
import type {Scope} from './get.js'

export interface ShowEventsOptions {
  name?: string | undefined
  follow: boolean
  format: OutputFormat
  out: (text: string) => void
  note: (text: string) => void
  signal?: AbortSignal
  pollMs?: number
}

export const eventColumns: Column<EventRecord>[] = [
  {header: 'Time', path: 'occurredAt'},
  {header: 'Execution', path: 'execution'},
  {header: 'Kind', path: 'kind'},
  {header: 'Id', path: 'id'},
  {header: 'Phase', path: 'phase'},
  {header: 'Message (Trunc)', path: 'message', truncate: 100},
]

const WIDTHS = [24, 20, 8, 28, 10]

/** One aligned line (the last column runs free), for a table that grows as events come. */
function line(cells: string[]): string {
  return cells
    .map((c, i) => (i < WIDTHS.length ? c.padEnd(WIDTHS[i]!) : c))
    .join('  ')
    .trimEnd()
}

export async function showEvents(
  clients: {admin: AdminClient; events: ExecutionEventClient; connection?: ConnectionInfo},
  scope: Scope,
  o: ShowEventsOptions,
): Promise<unknown> {
  if (o.format === 'dot' || o.format === 'doturl') {
    throw new CliError('usage', 'visualization is only supported on workflows', {hint: 'Use -o table, json or yaml.'})
  }
  if (!o.follow) {
    const records: EventRecord[] = []
    await watchEvents(clients, {
      ...scope,
      name: o.name,
      follow: false,
      onEvent: (r) => records.push(r),
      note: o.note,
      ...(o.pollMs ? {pollMs: o.pollMs} : {}),
    })
    o.out(await renderRows(records, {format: o.format, columns: eventColumns, toJson: eventJson}))
    return records.map(eventJson)
  }
  let printed = 0
  const onEvent = async (r: EventRecord) => {
    // The header comes with the first event, so a refused call prints nothing on stdout.
    if (printed++ === 0 && o.format === 'table') o.out(line(eventColumns.map((c) => c.header.toUpperCase())))
    if (o.format === 'json') o.out(JSON.stringify(eventJson(r)))
    else if (o.format === 'yaml') {
      const {yamlText} = await import('../cli/yaml-text.js')
      o.out(`---\n${yamlText(eventJson(r), {sortMapEntries: true})}`)
    } else {
      const message = r.message.length > 100 ? `${r.message.slice(0, 100)}…` : r.message
      o.out(line([r.occurredAt, r.execution, r.kind, r.id, r.phase, message]))
    }
  }
  // YAML rendering is async: keep the events in order.
  let chain = Promise.resolve()
  const result = await watchEvents(clients, {
    ...scope,
    name: o.name,
    follow: true,
    onEvent: (r) => {
      chain = chain.then(() => onEvent(r))
    },
    note: o.note,
    ...(o.signal ? {signal: o.signal} : {}),
    ...(o.pollMs ? {pollMs: o.pollMs} : {}),
  })
  await chain
  if (o.name && result.phase !== undefined && result.phase !== WorkflowExecution_Phase.SUCCEEDED) {
    // How the run ended is the exit status, as for --watch: 10 FAILED, 11 ABORTED, 12 TIMED_OUT.
    const ref = {...scope, name: o.name}
    const {outcomeError} = await import('./wait-execution.js')
    const failure = await outcomeError(clients.admin, await clients.admin.getExecution({id: ref}), ref)
    if (failure) throw failure
  }
  return {
    events: printed,
    via: result.via,
    ...(result.phase !== undefined ? {phase: WorkflowExecution_Phase[result.phase]} : {}),
  }
}
