/**
 * `logs execution`: the TaskLog links of an execution's task attempts. `file://` logs (the embedded
 * plane) are read directly, http(s) links are fetched when they serve plain text and printed
 * otherwise. `--follow` keeps reading new bytes until the execution reaches a terminal phase.
 */
import {open} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import type {AdminClient} from '../admin/client.js'
import {CliError} from '../cli/errors.js'
import {executionDetails, isTerminalExecution, type NodeDetail} from './execution-details.js'
import {taskPhaseName, TaskExecutionPhase} from './phases.js'
import type {Scope} from './get.js'

export interface LogSource {
  nodeId: string
  attempt: number
  name: string
  uri: string
  /** The attempt's error, once it ended FAILED or RETRYABLE_FAILED. */
  error?: string
}

function attemptError(t: NodeDetail['taskExecs'][number]): string | undefined {
  const phase = t.closure?.phase
  if (phase !== TaskExecutionPhase.FAILED && phase !== TaskExecutionPhase.RETRYABLE_FAILED) return undefined
  const r = t.closure?.outputResult
  const message =
    r?.case === 'error' ? `${r.value.code ? `[${r.value.code}] ` : ''}${r.value.message}` : 'no error recorded'
  return `${taskPhaseName(phase)}: ${message}`
}

export function logSources(nodes: NodeDetail[], nodeId?: string): LogSource[] {
  const out: LogSource[] = []
  const walk = (list: NodeDetail[], inside: boolean) => {
    for (const n of list) {
      const id = n.nodeExec.id?.nodeId ?? ''
      const match = inside || !nodeId || id === nodeId
      if (match)
        for (const t of n.taskExecs) {
          const error = attemptError(t)
          for (const l of t.closure?.logs ?? [])
            out.push({
              nodeId: id,
              attempt: t.id?.retryAttempt ?? 0,
              name: l.name || 'log',
              uri: l.uri,
              ...(error ? {error} : {}),
            })
        }
      walk(n.children, match && Boolean(nodeId))
    }
  }
  walk(nodes, false)
  return out
}

export interface LogsOptions {
  nodeId?: string | undefined
  follow?: boolean
  intervalMs?: number
  write: (text: string) => void
}

async function readFrom(path: string, offset: number): Promise<{text: string; size: number}> {
  const fh = await open(path, 'r')
  try {
    const {size} = await fh.stat()
    if (size <= offset) return {text: '', size}
    const buf = Buffer.alloc(size - offset)
    await fh.read(buf, 0, buf.length, offset)
    return {text: buf.toString('utf8'), size}
  } finally {
    await fh.close()
  }
}

export async function showLogs(admin: AdminClient, scope: Scope, name: string, o: LogsOptions): Promise<LogSource[]> {
  const ref = {...scope, name}
  const offsets = new Map<string, number>()
  const printedLinks = new Set<string>()
  const printedErrors = new Set<string>()
  let sources: LogSource[]
  for (;;) {
    const execution = await admin.getExecution({id: ref})
    const terminal = isTerminalExecution(execution.closure?.phase ?? 0)
    const nodes = await executionDetails(admin, ref, {withData: false})
    if (o.nodeId && !hasNode(nodes, o.nodeId))
      throw new CliError('not-found', `node ${o.nodeId} not found in execution ${name}`, {
        hint: `See the node ids with \`flytectl get execution ${name} --details\`.`,
      })
    sources = logSources(nodes, o.nodeId)
    for (const s of sources) {
      const key = `${s.nodeId}/${s.attempt}/${s.uri}`
      const header = `==> ${s.nodeId} attempt ${s.attempt} (${s.name}) <==\n`
      if (s.uri.startsWith('file://')) {
        const before = offsets.get(key)
        const {text, size} = await readFrom(fileURLToPath(s.uri), before ?? 0).catch(() => ({
          text: '',
          size: before ?? 0,
        }))
        if (before === undefined) o.write(header)
        if (text) o.write(text.endsWith('\n') || !terminal ? text : text + '\n')
        offsets.set(key, size)
      } else if (!printedLinks.has(key)) {
        printedLinks.add(key)
        o.write(header + (await fetchPlain(s.uri)))
      }
      // After the log, what ended the attempt (once, when it is known).
      if (s.error && !printedErrors.has(key)) {
        printedErrors.add(key)
        o.write(`--- ${s.nodeId} attempt ${s.attempt} ${s.error}\n`)
      }
    }
    if (!o.follow || terminal) break
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 1000))
  }
  if (sources.length === 0 && !o.follow)
    o.write(`no task logs recorded for execution ${name}${o.nodeId ? ` node ${o.nodeId}` : ''}\n`)
  return sources
}

function hasNode(nodes: NodeDetail[], id: string): boolean {
  return nodes.some((n) => n.nodeExec.id?.nodeId === id || hasNode(n.children, id))
}

/** A plain-text log body, or the link itself when it is a web page (or unreachable). */
export async function fetchPlain(uri: string): Promise<string> {
  if (!/^https?:\/\//.test(uri)) return uri + '\n'
  try {
    const res = await fetch(uri, {signal: AbortSignal.timeout(10_000)})
    const type = res.headers.get('content-type') ?? ''
    if (res.ok && type.startsWith('text/plain')) {
      const body = await res.text()
      return body.endsWith('\n') ? body : body + '\n'
    }
  } catch {
    // Fall through to printing the link.
  }
  return uri + '\n'
}
