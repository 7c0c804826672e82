/**
 * The control plane's edge: what every connection and request passes before any handler runs.
 *
 * - Sockets: an `error` listener from the first byte (a reset mid-sniff is not an unhandled error), and a
 *   sniff timeout (a connection that never sends the first bytes is closed).
 * - Requests (HTTP/1.1 and HTTP/2 alike): `Host` / `:authority` must name the plane's own address
 *   (`127.0.0.1:P`, `localhost:P`, `[::1]:P`), which defeats DNS rebinding; a browser `Origin` must be
 *   the plane's own origin and `Sec-Fetch-Site` same-origin (or a typed URL), so no web page can reach in;
 *   REST writes must say they carry JSON (or protobuf), so a `text/plain` form post is 415, not a call.
 * - Containment: a handler that throws answers its own request with 500 and a log line; the process
 *   keeps serving.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Http2ServerRequest, Http2ServerResponse} from 'node:http2'
import type {Socket} from 'node:net'

/** A connection that has not sent its first bytes within this long is closed. */
export const SNIFF_TIMEOUT_MS = 5000
/** HTTP/1.1: all request headers must arrive within this long. */
export const HEADERS_TIMEOUT_MS = 10_000
/** HTTP/1.1: a whole request (headers and body) must arrive within this long. */
export const REQUEST_TIMEOUT_MS = 300_000
/** HTTP/1.1 keep-alive and HTTP/2 sessions: closed after this long without traffic. */
export const HTTP1_IDLE_TIMEOUT_MS = 120_000
export const HTTP2_IDLE_TIMEOUT_MS = 300_000

/** Default largest REST body and Connect/gRPC message (pyflyte sends packages as blobs, not messages). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024
/** Default largest blob upload (pyflyte fast-register packages and FlyteFile uploads). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024

/** REST content types the gateway reads for writes: JSON, or protobuf binary. */
const REST_WRITE_TYPES = new Set(['application/json', 'application/octet-stream'])

type AnyRequest = IncomingMessage | Http2ServerRequest
type AnyResponse = ServerResponse | Http2ServerResponse
export type Handler = (req: AnyRequest, res: AnyResponse) => void

export interface Refusal {
  status: number
  message: string
}

/** The `host:port` spellings a request may address the plane by. */
export function allowedAuthorities(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]'])
  names.add(host.includes(':') ? `[${host.toLowerCase()}]` : host.toLowerCase())
  return new Set([...names].map((n) => `${n}:${port}`))
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

/** Why a request is refused before any handler runs, or undefined when it may proceed. */
export function refusal(
  req: {method?: string; url?: string; headers: Record<string, string | string[] | undefined>},
  authorities: Set<string>,
): Refusal | undefined {
  const authority = (one(req.headers[':authority']) ?? one(req.headers.host) ?? '').toLowerCase()
  if (!authorities.has(authority)) {
    return {
      status: 403,
      message: `Host ${JSON.stringify(authority)} is not this control plane's address; use one of ${[...authorities].join(', ')}`,
    }
  }
  const origin = one(req.headers.origin)
  if (origin !== undefined && origin.toLowerCase() !== `http://${authority}`) {
    return {status: 403, message: `cross-origin requests are refused (Origin ${JSON.stringify(origin)})`}
  }
  const site = one(req.headers['sec-fetch-site'])
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return {status: 403, message: `cross-site requests are refused (Sec-Fetch-Site: ${site})`}
  }
  const method = (req.method ?? 'GET').toUpperCase()
  const path = (req.url ?? '/').split('?')[0]!
  if (path.startsWith('/api/v1/') && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
    const type = (one(req.headers['content-type']) ?? '').split(';')[0]!.trim().toLowerCase()
    if (!REST_WRITE_TYPES.has(type)) {
      return {
        status: 415,
        message: `${method} ${path} needs Content-Type: application/json (or application/octet-stream for protobuf), not ${JSON.stringify(type)}`,
      }
    }
  }
  return undefined
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`)
}

function answer(res: AnyResponse, status: number, message: string): void {
  try {
    if (res.headersSent) {
      res.destroy()
      return
    }
    ;(res as ServerResponse).writeHead(status, {'content-type': 'text/plain; charset=utf-8', connection: 'close'})
    res.end(`${message}\n`)
  } catch {
    res.destroy()
  }
}

/** Wraps the plane's request handler with the request checks and error containment. */
export function guardRequests(handler: Handler, authorities: () => Set<string>): Handler {
  return (req, res) => {
    // Errors of a request or response stream (a client that went away) concern only that request.
    req.on('error', () => {})
    res.on('error', () => {})
    // A request answered before its body was read (refused, or over the size limit): discard the rest
    // as it arrives instead of buffering it.
    res.on('finish', () => {
      if (!req.readableEnded) req.resume()
    })
    try {
      const refused = refusal(req, authorities())
      if (refused) {
        answer(res, refused.status, refused.message)
        return
      }
      handler(req, res)
    } catch (err) {
      log(`Error: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`)
      answer(res, 500, 'internal error (see the control plane log)')
    }
  }
}

/** Socket guards for a freshly accepted connection; `routed()` ends the sniff timeout. */
export function guardSocket(socket: Socket): {routed(): void} {
  socket.on('error', () => {})
  const silent = () => socket.destroy()
  socket.setTimeout(SNIFF_TIMEOUT_MS, silent)
  return {
    routed() {
      socket.setTimeout(0)
      socket.off('timeout', silent)
    },
  }
}

/** Logs a failure that escaped every request (a bug): the daemon keeps serving other requests. */
export function logEscapedError(err: unknown): void {
  log(`Error: unhandled: ${(err as Error)?.stack ?? String(err)}`)
}
