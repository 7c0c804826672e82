/**
 * The fast way for the CLI's read-only calls: one gRPC unary call, the request and the response
 * through the lite codec (src/admin/lite-proto.ts) — over a small HTTP/2 client on plain TCP for
 * plaintext endpoints (src/admin/h2c.ts: no `node:http2`, which loads TLS), over `node:http2` for TLS.
 * It answers only the clean case — HTTP 200, grpc-status 0, one uncompressed message the codec reads.
 * When the server answered otherwise (an error status) the answer is kept as a replay: the full
 * Connect client takes it as its first attempt (src/admin/client-transport.ts), so its retries, auth
 * and errors are exactly the ones a user sees and the server gets no extra call. With no answer at all
 * (no connection, a reset, a timeout) the full client simply makes the call. Only Get and List methods
 * with a lite schema go this way; they are idempotent.
 */
import type {ClientHttp2Session, ClientHttp2Stream, SecureClientSessionOptions} from 'node:http2'
import {H2cConnection, type RawAnswer} from './h2c.js'
import {liteSchema, noteLiteType} from './lazy-service.js'
import {LiteSchema, type LiteMessage} from './lite-proto.js'

export interface FastPathOptions {
  /** Per-call timeout; past it the call goes to the full client. */
  timeoutMs: number
  /** Largest response message accepted (admin.maxMessageSizeBytes); larger goes to the full client. */
  readMaxBytes?: number
  tls?: SecureClientSessionOptions
}

/** A server's answer without a message, for the full client to read as its own first attempt. */
export interface Replay {
  status: number
  header: [string, string][]
  trailer: [string, string][]
}

/** The request header that names a replay (never sent: the replay interceptor removes it). */
export const REPLAY_HEADER = 'x-flytectl-replay'
const replays = new Map<string, Replay>()
let replaySeq = 0

/** The replay a request header names, once. */
export function takeReplay(id: string): Replay | undefined {
  const r = replays.get(id)
  replays.delete(id)
  return r
}

export type FastResult = {message: LiteMessage} | {replay: string} | undefined

/** One unary exchange: the whole answer, or undefined when there was none to read. */
interface Unary {
  readonly broken: boolean
  request(
    path: string,
    headers: [string, string][],
    body: Uint8Array,
    limit: number,
    timeoutMs: number,
  ): Promise<RawAnswer | undefined>
  close(): void
}

const HEADERS: [string, string][] = [
  ['content-type', 'application/grpc+proto'],
  ['user-agent', 'connect-es/2.1.2'],
  ['te', 'trailers'],
]

const value = (pairs: [string, string][], name: string) => pairs.find(([k]) => k === name)?.[1]

export class FastPath {
  private transport?: Unary
  private broken = false

  constructor(
    private readonly url: string,
    private readonly options: FastPathOptions,
  ) {}

  /** The decoded response, a replay of the server's error answer, or undefined: the full client calls. */
  async call(serviceTypeName: string, methodLocalName: string, req: unknown): Promise<FastResult> {
    if (this.broken) return undefined
    const schema = liteSchema(LiteSchema, serviceTypeName, methodLocalName)
    if (!schema) return undefined
    let body: Uint8Array
    try {
      body = schema.encode(schema.method.I, (req ?? {}) as Record<string, unknown>)
    } catch {
      return undefined
    }
    const frame = Buffer.alloc(5 + body.byteLength)
    frame.writeUInt32BE(body.byteLength, 1)
    frame.set(body, 5)
    let transport: Unary
    try {
      transport = await this.connect()
    } catch {
      this.broken = true
      return undefined
    }
    const limit = (this.options.readMaxBytes ?? 0xffffffff) + 5
    const answer = await transport.request(schema.method.path, HEADERS, frame, limit, this.options.timeoutMs)
    if (transport.broken) this.broken = true
    if (!answer) return undefined
    const {status, header, trailer} = answer
    const ok =
      status === 200 &&
      /^application\/grpc(\+proto)?(;|$)/.test(value(header, 'content-type') ?? '') &&
      value(header, 'grpc-status') === undefined &&
      value(trailer, 'grpc-status') === '0' &&
      value(header, 'grpc-encoding') === undefined
    if (!ok) {
      // An answer with no message: the full client reads it as its first attempt.
      if (answer.body.byteLength !== 0) return undefined
      // A server that wants a token: only the full client sends one, so later calls go there directly
      // (else each would be refused once more and cost a token refresh).
      if ([...header, ...trailer].some(([k, v]) => k === 'grpc-status' && v === '16')) this.broken = true
      const id = String(++replaySeq)
      replays.set(id, {status, header, trailer})
      return {replay: id}
    }
    const all = answer.body
    // Exactly one uncompressed message.
    if (all.byteLength < 5 || all[0] !== 0 || all.readUInt32BE(1) !== all.byteLength - 5) return undefined
    try {
      const message = schema.decode(schema.method.O, all.subarray(5))
      noteLiteType(schema.method.O, schema)
      return {message}
    } catch {
      return undefined
    }
  }

  private async connect(): Promise<Unary> {
    if (this.transport) return this.transport
    const url = new URL(this.url)
    if (url.protocol === 'http:') {
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
      this.transport = new H2cConnection(host, Number(url.port || 80), url.host)
    } else {
      this.transport = new Http2Unary(this.url, this.options.tls ?? {}, await import('node:http2'))
    }
    return this.transport
  }

  close(): void {
    this.transport?.close()
  }
}

function pairs(headers: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = []
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(':') || v === undefined) continue
    for (const x of Array.isArray(v) ? v : [v]) out.push([k, String(x)])
  }
  return out
}

/** Unary calls over node:http2 (TLS endpoints). */
class Http2Unary implements Unary {
  private session?: ClientHttp2Session
  broken = false
  private inFlight = 0

  constructor(
    private readonly url: string,
    private readonly tls: SecureClientSessionOptions,
    private readonly http2: typeof import('node:http2'),
  ) {}

  private session_(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session
    const session = this.http2.connect(this.url, this.tls)
    session.on('error', () => {
      this.broken = true
    })
    session.on('goaway', () => {
      this.broken = true
    })
    this.session = session
    return session
  }

  request(
    path: string,
    headers: [string, string][],
    body: Uint8Array,
    limit: number,
    timeoutMs: number,
  ): Promise<RawAnswer | undefined> {
    if (this.broken) return Promise.resolve(undefined)
    let session: ClientHttp2Session
    try {
      session = this.session_()
    } catch {
      this.broken = true
      return Promise.resolve(undefined)
    }
    session.ref()
    this.inFlight++
    return new Promise<RawAnswer | undefined>((resolve) => {
      let done = false
      let stream: ClientHttp2Stream | undefined
      const finish = (value: RawAnswer | undefined) => {
        if (done) return
        done = true
        clearTimeout(timer)
        if (value === undefined && stream && !stream.destroyed) stream.close()
        if (--this.inFlight === 0 && !session.destroyed) session.unref()
        resolve(value)
      }
      const timer = setTimeout(() => finish(undefined), timeoutMs)
      try {
        stream = session.request({':method': 'POST', ':path': path, ...Object.fromEntries(headers)})
      } catch {
        this.broken = true
        return finish(undefined)
      }
      const req = stream
      let status = 0
      let header: Record<string, unknown> | undefined
      let trailer: Record<string, unknown> = {}
      const chunks: Buffer[] = []
      let size = 0
      req.on('response', (h) => {
        header = h
        status = Number(h[':status'])
      })
      req.on('trailers', (t) => {
        trailer = t
      })
      req.on('data', (chunk: Buffer) => {
        size += chunk.byteLength
        if (size > limit) return finish(undefined)
        chunks.push(chunk)
      })
      req.on('end', () => {
        if (!header) return finish(undefined)
        finish({status, header: pairs(header), trailer: pairs(trailer), body: Buffer.concat(chunks)})
      })
      req.on('error', () => finish(undefined))
      req.on('close', () => finish(undefined))
      req.end(body)
    })
  }

  close(): void {
    const s = this.session
    this.session = undefined
    if (s && !s.destroyed) s.close()
  }
}
