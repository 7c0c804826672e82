/** `get execution`: list, one execution, its node tree (--details/--nodeID), or follow it (--watch). */
import type {AdminClient, ExecutionEventClient} from '../admin/client.js'
import type {FilterFlags} from '../admin/filters.js'
import {CliError} from '../cli/errors.js'
import {renderRows, type OutputFormat} from '../cli/printer.js'
import type {Execution} from '../gen/flyteidl/admin/execution_pb.js'
import type {NodeDetail} from './execution-details.js'
import {nodePhaseName} from './phases.js'
import {getExecutions, type Scope} from './get.js'
import {printListing} from './output.js'
import {executionColumns} from './tables.js'

export interface ShowExecutionOptions {
  name?: string | undefined
  format: OutputFormat
  filter: FilterFlags
  details?: boolean
  nodeId?: string | undefined
  watch?: boolean
  out: (text: string) => void
  note: (text: string) => void
  json?: boolean
  /** -o/--output was on the command line (the default format is not a request for a table). */
  outputGiven?: boolean
  /** Poll interval for --watch against a control plane without the event stream. */
  intervalMs?: number
  /** The plane's event stream: --watch reads the execution again when it records an event. */
  events?: ExecutionEventClient
  isTTY?: boolean
  /** Raw terminal output for the live tree (default: process.stdout). */
  write?: (text: string) => void
}

export async function showExecution(admin: AdminClient, scope: Scope, o: ShowExecutionOptions): Promise<unknown> {
  if (!o.name) {
    if (o.details || o.nodeId || o.watch)
      throw new CliError('usage', '--details, --nodeID and --watch need an execution name', {
        hint: 'flytectl get execution <name> --details -p <project> -d <domain>',
      })
    const listing = await getExecutions(admin, scope, o.filter)
    return printListing(listing, o.format, executionColumns, o)
  }
  const ref = {...scope, name: o.name}
  if (o.watch) return watchExecution(admin, ref, o)
  if (!o.details && !o.nodeId) {
    const listing = await getExecutions(admin, scope, o.filter, o.name)
    o.out(await renderRows(listing.rows, {format: o.format, columns: executionColumns}))
    return listing.rows[0]
  }
  // The node tree needs the literal printers: loaded for it only.
  const {executionDetails, renderTree} = await import('./execution-details.js')
  const [execution, nodes] = await Promise.all([
    admin.getExecution({id: ref}),
    executionDetails(admin, ref, o.nodeId ? {nodeId: o.nodeId} : {}),
  ])
  // The JSON/YAML shape needs the generated schemas and the protobuf runtime: only for -o json/yaml and --json.
  const printsJson = o.format === 'json' || o.format === 'yaml'
  const json = printsJson || o.json ? (await import('./execution-details-json.js')).detailsJson(nodes) : undefined
  if (printsJson) {
    o.out(await renderRows(json!, {format: o.format, columns: []}))
  } else {
    if (o.format !== 'table') throw new CliError('usage', 'visualization is only supported on workflows')
    // Only when -o table was asked for: the tree is simply the default view.
    if (o.outputGiven)
      o.note('TABLE format is not supported on detailed view and defaults to tree view. Choose either json/yaml')
    o.out(renderTree(execution, nodes))
  }
  return json
}

function phaseLines(nodes: NodeDetail[], prefix = ''): Map<string, string> {
  const m = new Map<string, string>()
  for (const n of nodes) {
    const id = prefix + (n.nodeExec.id?.nodeId ?? '')
    m.set(id, nodePhaseName(n.nodeExec.closure?.phase ?? 0) ?? '')
    for (const [k, v] of phaseLines(n.children, id + '/')) m.set(k, v)
  }
  return m
}

/** Re-renders the tree in place on a terminal; elsewhere prints one line per phase change. */
export async function watchExecution(
  admin: AdminClient,
  ref: {project: string; domain: string; name: string},
  o: ShowExecutionOptions,
): Promise<unknown> {
  const tty = o.isTTY ?? Boolean(process.stdout.isTTY)
  const interval = o.intervalMs ?? 1000
  const {executionChanges} = await import('./events.js')
  // The stream says when something changed; without it (or once it dropped), poll every interval.
  const changes = o.events ? executionChanges(o.events, ref, {note: o.note, fallbackMs: interval}) : undefined
  try {
    return await watchLoop(admin, ref, o, tty, () =>
      changes ? changes.wait() : new Promise((r) => setTimeout(r, interval)),
    )
  } finally {
    changes?.close()
  }
}

async function watchLoop(
  admin: AdminClient,
  ref: {project: string; domain: string; name: string},
  o: ShowExecutionOptions,
  tty: boolean,
  next: () => Promise<void>,
): Promise<unknown> {
  const [{executionDetails, executionPhaseName, isTerminalExecution, renderTree}, {detailsJson}] = await Promise.all([
    import('./execution-details.js'),
    import('./execution-details-json.js'),
  ])
  let previousLines = 0
  const seen = new Map<string, string>()
  let lastPhase = ''
  for (;;) {
    const execution: Execution = await admin.getExecution({id: ref})
    const terminal = isTerminalExecution(execution.closure?.phase ?? 0)
    const nodes = await executionDetails(admin, ref, {withData: terminal})
    const phase = executionPhaseName(execution.closure?.phase ?? 0)
    if (tty && !o.json) {
      const tree = renderTree(execution, nodes)
      const write = o.write ?? ((t: string) => void process.stdout.write(t))
      write((previousLines ? `\x1b[${previousLines}A\x1b[0J` : '') + tree)
      previousLines = tree.split('\n').length - 1
    } else {
      for (const [id, p] of phaseLines(nodes)) {
        if (seen.get(id) !== p) o.out(`node ${id} ${p}`)
        seen.set(id, p)
      }
      if (phase !== lastPhase) o.out(`execution ${ref.name} ${phase}`)
    }
    lastPhase = phase
    if (terminal) {
      // A run that did not succeed is the command's failure too: exit 10 FAILED, 11 ABORTED, 12 TIMED_OUT.
      const {noteLogTail, outcomeError} = await import('./wait-execution.js')
      const failure = await outcomeError(admin, execution, ref)
      if (failure) {
        if (!o.json) noteLogTail(failure, o.note)
        throw failure
      }
      return {execution: ref.name, phase, nodes: detailsJson(nodes)}
    }
    await next()
  }
}
