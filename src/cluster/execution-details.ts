/**
 * `get execution <name> --details`: the node tree (node executions, recursively through parent
 * nodes), each leaf's task attempts, and node inputs/outputs decoded to plain values. Loads neither the
 * protobuf runtime nor generated code (the JSON/YAML shape is ./execution-details-json.js).
 */
import type {Timestamp} from '@bufbuild/protobuf/wkt'
import type {AdminClient} from '../admin/client.js'
import {CliError} from '../cli/errors.js'
import type {Execution} from '../gen/flyteidl/admin/execution_pb.js'
import type {NodeExecution} from '../gen/flyteidl/admin/node_execution_pb.js'
import type {TaskExecution} from '../gen/flyteidl/admin/task_execution_pb.js'
import type {Literal, LiteralMap} from '../gen/flyteidl/core/literals_pb.js'
import type {WorkflowExecution_Phase} from '../gen/flyteidl/core/execution_pb.js'
import {valueFromLiteral, valueFromLiteralMap, type LiteralLeafStyle} from '../literals/render.js'
import {nodePhaseName, taskPhaseName, workflowPhaseName, WorkflowExecutionPhase} from './phases.js'

export interface NodeDetail {
  nodeExec: NodeExecution
  children: NodeDetail[]
  taskExecs: TaskExecution[]
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
  /** Set when the plane no longer keeps the node's data (its retention deleted it): the plane's note. */
  dataExpired?: string
}

export interface ExecutionRef {
  project: string
  domain: string
  name: string
}

const PAGE = 100

async function listNodes(admin: AdminClient, exec: ExecutionRef, parent: string): Promise<NodeExecution[]> {
  const all: NodeExecution[] = []
  let token = ''
  do {
    const res = await admin.listNodeExecutions({workflowExecutionId: exec, limit: PAGE, token, uniqueParentId: parent})
    all.push(...res.nodeExecutions)
    token = res.token
  } while (token)
  return all
}

async function listTaskExecs(admin: AdminClient, node: NodeExecution): Promise<TaskExecution[]> {
  const all: TaskExecution[] = []
  let token = ''
  do {
    const res = await admin.listTaskExecutions({nodeExecutionId: node.id!, limit: PAGE, token})
    all.push(...res.taskExecutions)
    token = res.token
  } while (token)
  return all.sort((a, b) => (a.id?.retryAttempt ?? 0) - (b.id?.retryAttempt ?? 0))
}

function ts(t: Timestamp | undefined): number {
  return t ? Number(t.seconds) * 1000 + t.nanos / 1e6 : 0
}

export async function executionDetails(
  admin: AdminClient,
  exec: ExecutionRef,
  opts: {nodeId?: string; withData?: boolean} = {},
): Promise<NodeDetail[]> {
  const withData = opts.withData ?? true
  const build = async (parent: string): Promise<NodeDetail[]> => {
    const nodes = (await listNodes(admin, exec, parent)).sort(
      (a, b) => ts(a.closure?.createdAt) - ts(b.closure?.createdAt),
    )
    return Promise.all(
      nodes.map(async (n): Promise<NodeDetail> => {
        // Array nodes are not parents for flytekit's FlyteRemote, but the embedded plane records each
        // map item as a child node execution of its array node.
        const isParent = n.metadata?.isParentNode === true || n.metadata?.isArray === true
        const [children, taskExecs, data] = await Promise.all([
          isParent ? build(n.metadata?.specNodeId ? uniqueId(n) : n.id!.nodeId) : Promise.resolve([]),
          isParent ? Promise.resolve([]) : listTaskExecs(admin, n),
          withData ? admin.getNodeExecutionData({id: n.id!}).catch(expiredOrNothing) : Promise.resolve(undefined),
        ])
        const expired = typeof data === 'string' ? data : undefined
        const found = typeof data === 'string' ? undefined : data
        return {
          nodeExec: n,
          children,
          taskExecs,
          inputs: literalMapToNative(found?.fullInputs),
          outputs: literalMapToNative(found?.fullOutputs),
          ...(expired ? {dataExpired: expired} : {}),
        }
      }),
    )
  }
  const tree = await build('')
  if (!opts.nodeId) return tree
  const found = findNode(tree, opts.nodeId)
  if (!found)
    throw new CliError('not-found', `node ${opts.nodeId} not found in execution ${exec.name}`, {
      hint: `See the node ids with \`flytectl get execution ${exec.name} --details\`.`,
    })
  return [found]
}

/**
 * A node's data that cannot be read is left out, as before; the embedded plane's answer for data its
 * retention deleted (FAILED_PRECONDITION, "data of execution … expired: …") is kept to be shown.
 */
function expiredOrNothing(err: unknown): string | undefined {
  const e = err as {code?: unknown; rawMessage?: unknown}
  const FAILED_PRECONDITION = 9
  if (
    e?.code === FAILED_PRECONDITION &&
    typeof e.rawMessage === 'string' &&
    /^data of execution \S+ expired: /.test(e.rawMessage)
  )
    return e.rawMessage
  return undefined
}

/** The expiry note of the first node that has one. */
export function expiredNote(nodes: NodeDetail[]): string | undefined {
  for (const n of nodes) {
    const note = n.dataExpired ?? expiredNote(n.children)
    if (note) return note
  }
  return undefined
}

/** Child node executions are listed by the parent's node id. */
function uniqueId(n: NodeExecution): string {
  return n.id!.nodeId
}

function findNode(nodes: NodeDetail[], id: string): NodeDetail | undefined {
  for (const n of nodes) {
    if (n.nodeExec.id?.nodeId === id) return n
    const inner = findNode(n.children, id)
    if (inner) return inner
  }
  return undefined
}

/** --details style: millisecond ISO datetimes, durations as fractional seconds. */
const DETAILS_LEAVES: LiteralLeafStyle = {
  datetime: (t) => new Date(ts(t)).toISOString(),
  duration: (d) => `${Number(d.seconds) + d.nanos / 1e9}s`,
  offloaded: (meta) => ({offloaded: meta.uri}),
  error: (err) => ({error: err.message}),
}

export function literalMapToNative(map: LiteralMap | undefined): Record<string, unknown> {
  return valueFromLiteralMap(map, DETAILS_LEAVES)
}

export function literalToNative(lit: Literal): unknown {
  return valueFromLiteral(lit, DETAILS_LEAVES)
}

export function executionPhaseName(p: WorkflowExecution_Phase): string {
  return workflowPhaseName(p) ?? String(p)
}

export function isTerminalExecution(p: WorkflowExecution_Phase): boolean {
  const {SUCCEEDED, FAILED, ABORTED, TIMED_OUT} = WorkflowExecutionPhase
  return ([SUCCEEDED, FAILED, ABORTED, TIMED_OUT] as number[]).includes(p)
}

function durationText(d: {seconds: bigint; nanos: number} | undefined): string {
  if (!d) return ''
  const s = Number(d.seconds) + d.nanos / 1e9
  return `${s.toFixed(s < 10 ? 2 : 1)}s`
}

function short(value: unknown): string {
  const text = JSON.stringify(value)
  return text.length > 120 ? text.slice(0, 117) + '...' : text
}

/** A tree for the terminal: the execution, its nodes, their attempts, inputs and outputs. */
export function renderTree(execution: Execution, nodes: NodeDetail[]): string {
  const lines: string[] = []
  const id = execution.id!
  const c = execution.closure
  lines.push(
    `${id.name} [${executionPhaseName(c?.phase ?? 0)}] ${id.project}/${id.domain}` +
      (c?.duration ? ` ${durationText(c.duration)}` : ''),
  )
  if (c?.outputResult.case === 'error') lines.push(`  error: ${c.outputResult.value.message.split('\n')[0]}`)
  if (c?.outputResult.case === 'abortMetadata') lines.push(`  aborted: ${c.outputResult.value.cause}`)
  const expired = expiredNote(nodes)
  if (expired) lines.push(`  ${expired}`)
  const walk = (list: NodeDetail[], prefix: string) => {
    list.forEach((n, i) => {
      const last = i === list.length - 1
      const branch = last ? '└── ' : '├── '
      const next = prefix + (last ? '    ' : '│   ')
      const nc = n.nodeExec.closure
      const phase = nodePhaseName(nc?.phase ?? 0) ?? ''
      lines.push(
        `${prefix}${branch}${n.nodeExec.id?.nodeId} [${phase}]${nc?.duration ? ' ' + durationText(nc.duration) : ''}`,
      )
      const items: string[] = []
      if (nc?.outputResult.case === 'error') items.push(`error: ${nc.outputResult.value.message.split('\n')[0]}`)
      for (const t of n.taskExecs) {
        const tc = t.closure
        const logs = (tc?.logs ?? []).map((l) => `${l.name || 'log'}: ${l.uri}`)
        items.push(
          `attempt ${t.id?.retryAttempt ?? 0} [${taskPhaseName(tc?.phase ?? 0) ?? ''}]` +
            (tc?.duration ? ` ${durationText(tc.duration)}` : '') +
            (logs.length ? ` ${logs.join(', ')}` : ''),
        )
      }
      if (Object.keys(n.inputs).length) items.push(`inputs: ${short(n.inputs)}`)
      if (Object.keys(n.outputs).length) items.push(`outputs: ${short(n.outputs)}`)
      items.forEach((text, j) => {
        const lastItem = j === items.length - 1 && n.children.length === 0
        lines.push(`${next}${lastItem ? '└── ' : '├── '}${text}`)
      })
      walk(n.children, next)
    })
  }
  walk(nodes, '')
  return lines.join('\n') + '\n'
}
