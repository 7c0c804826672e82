/**
 * `GET /console/api/logs?uri=file:///…/<attempt>.log[&stream=1]`: a task attempt's log, read from
 * the plane's own log directory (`<dataDir>/logs/`) and nowhere else. Plain: the text (its last
 * 4 MiB). `stream=1`: Server-Sent Events, one `log` event per chunk of new text as the task writes it,
 * until the page closes the stream.
 */
import {open, realpath, stat} from 'node:fs/promises'
import {join, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {PlaneContext} from '../context.js'
import type {ConsoleRequest, ConsoleResponse} from './serve.js'
import {SECURITY_HEADERS} from './serve.js'

const MAX_BYTES = 4 * 1024 * 1024
const POLL_MS = 300
/** Log tails one plane serves at once. */
export const MAX_LOG_STREAMS = 32
let openStreams = 0

function fail(res: ConsoleResponse, status: number, message: string): void {
  res.writeHead(status, {...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8'})
  res.end(`${message}\n`)
}

/** The log file a `file://` URI names, when it is a `.log` file inside the plane's log directory. */
export async function logFile(ctx: PlaneContext, uri: string): Promise<string | undefined> {
  if (!uri.startsWith('file://') || !uri.endsWith('.log')) return undefined
  let path: string
  try {
    path = await realpath(fileURLToPath(uri))
  } catch {
    return undefined
  }
  let root: string
  try {
    root = await realpath(join(ctx.dataDir, 'logs'))
  } catch {
    return undefined
  }
  if (!path.startsWith(root + sep)) return undefined
  const info = await stat(path).catch(() => undefined)
  return info?.isFile() ? path : undefined
}

/** The run a log file belongs to: `<dataDir>/logs/<project>/<domain>/<execution>/…` (for the policy). */
export async function logScope(
  ctx: PlaneContext,
  path: string,
): Promise<{project: string; domain: string; name: string} | undefined> {
  const root = await realpath(join(ctx.dataDir, 'logs')).catch(() => undefined)
  if (!root || !path.startsWith(root + sep)) return undefined
  const [project, domain, name] = path.slice(root.length + 1).split(sep)
  return project && domain && name ? {project, domain, name} : undefined
}

async function readFrom(path: string, offset: number, max: number): Promise<{text: string; size: number}> {
  const fh = await open(path, 'r')
  try {
    const {size} = await fh.stat()
    const start = Math.max(offset, size - max)
    if (size <= start) return {text: '', size}
    const buf = Buffer.alloc(size - start)
    await fh.read(buf, 0, buf.length, start)
    return {text: buf.toString('utf8'), size}
  } finally {
    await fh.close()
  }
}

export async function handleLogs(
  ctx: PlaneContext,
  url: URL,
  req: ConsoleRequest,
  res: ConsoleResponse,
): Promise<void> {
  if ((req.method ?? 'GET').toUpperCase() !== 'GET') return fail(res, 405, 'logs are read with GET')
  const path = await logFile(ctx, url.searchParams.get('uri') ?? '')
  if (!path) return fail(res, 404, 'no such log: give the file:// URI of a task attempt log of this plane')
  if (url.searchParams.get('stream') !== '1') {
    const {text} = await readFrom(path, 0, MAX_BYTES)
    res.writeHead(200, {...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache'})
    res.end(text)
    return
  }
  if (openStreams >= MAX_LOG_STREAMS || ctx.closing) return fail(res, 503, 'too many open log streams')
  openStreams++
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  })
  res.write('retry: 2000\n\n')
  let offset = 0
  let busy = false
  let closed = false
  const push = async () => {
    if (busy || closed) return
    busy = true
    try {
      const {text, size} = await readFrom(path, offset, MAX_BYTES)
      offset = size
      if (text && !closed) res.write(`event: log\ndata: ${JSON.stringify(text)}\n\n`)
    } catch {
      // the file went away (data directory cleaned); the page keeps what it has
    } finally {
      busy = false
    }
  }
  const timer = setInterval(() => {
    if (ctx.closing) return end()
    void push()
  }, POLL_MS)
  timer.unref()
  const end = () => {
    if (closed) return
    closed = true
    openStreams--
    clearInterval(timer)
    res.end()
  }
  req.on('close', end)
  res.on('close', end)
  await push()
}
