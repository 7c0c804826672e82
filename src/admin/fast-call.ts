/**
 * The fast way for the CLI's read-only calls: one gRPC unary call over node:http2, the request and
 * the response through the lite codec (src/admin/lite-proto.ts). It answers only the clean case — HTTP
 * 200, grpc-status 0, one uncompressed message the codec reads. When the server answered otherwise
 * (an error status) the answer is kept as a replay: the full Connect client takes it as its first
 * attempt (src/admin/client-transport.ts), so its retries, auth and errors are exactly the ones a
 * user sees and the server gets no extra call. With no answer at all (no connection, a reset, a
 * timeout) the full client simply makes the call. Only Get and List methods with a lite schema go
 * this way; they are idempotent.
 */
import {connect, type ClientHttp2Session, type ClientHttp2Stream, type SecureClientSessionOptions} from 'node:http2'
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

type Answer = {body: Buffer} | {replay: Replay} | undefined

function pairs(headers: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = []
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(':') || v === undefined) continue
    for (const x of Array.isArray(v) ? v : [v]) out.push([k, String(x)])
  }
  return out
}

export class FastPath {
  private session?: ClientHttp2Session
  private broken = false
  private inFlight = 0

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
    const answer = await this.unary(schema.method.path, body)
    if (!answer) return undefined
    if ('replay' in answer) {
      // A server that wants a token: only the full client sends one, so later calls go there directly
      // (else each would be refused once more and cost a token refresh).
      const {header, trailer} = answer.replay
      if ([...header, ...trailer].some(([k, v]) => k === 'grpc-status' && v === '16')) this.broken = true
      const id = String(++replaySeq)
      replays.set(id, answer.replay)
      return {replay: id}
    }
    try {
      const message = schema.decode(schema.method.O, answer.body)
      noteLiteType(schema.method.O, schema)
      return {message}
    } catch {
      return undefined
    }
  }

  private connect(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session
    const session = connect(this.url, this.options.tls ?? {})
    session.on('error', () => {
      this.broken = true
    })
    session.on('goaway', () => {
      this.broken = true
    })
    this.session = session
    return session
  }

  private unary(path: string, body: Uint8Array): Promise<Answer> {
    let session: ClientHttp2Session
    try {
      session = this.connect()
    } catch {
      this.broken = true
      return Promise.resolve(undefined)
    }
    session.ref()
    this.inFlight++
    return new Promise<Answer>((resolve) => {
      let done = false
      let stream: ClientHttp2Stream | undefined
      const finish = (value: Answer) => {
        if (done) return
        done = true
        clearTimeout(timer)
        if (value === undefined && stream && !stream.destroyed) stream.close()
        if (--this.inFlight === 0 && !session.destroyed) session.unref()
        resolve(value)
      }
      const timer = setTimeout(() => finish(undefined), this.options.timeoutMs)
      const frame = Buffer.alloc(5 + body.byteLength)
      frame.writeUInt32BE(body.byteLength, 1)
      frame.set(body, 5)
      try {
        stream = session.request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc+proto',
          'user-agent': 'connect-es/2.1.2',
          te: 'trailers',
        })
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
      const limit = (this.options.readMaxBytes ?? 0xffffffff) + 5
      req.on('response', (headers) => {
        header = headers
        status = Number(headers[':status'])
      })
      req.on('trailers', (trailers) => {
        trailer = trailers
      })
      req.on('data', (chunk: Buffer) => {
        size += chunk.byteLength
        if (size > limit) return finish(undefined)
        chunks.push(chunk)
      })
      req.on('end', () => {
        if (!header) return finish(undefined)
        const type = String(header['content-type'] ?? '')
        const ok =
          status === 200 &&
          /^application\/grpc(\+proto)?(;|$)/.test(type) &&
          header['grpc-status'] === undefined &&
          trailer['grpc-status'] === '0' &&
          header['grpc-encoding'] === undefined
        if (!ok) {
          // An answer with no message: the full client reads it as its first attempt.
          if (size === 0) return finish({replay: {status, header: pairs(header), trailer: pairs(trailer)}})
          return finish(undefined)
        }
        const all = Buffer.concat(chunks)
        // Exactly one uncompressed message.
        if (all.byteLength < 5 || all[0] !== 0 || all.readUInt32BE(1) !== all.byteLength - 5) return finish(undefined)
        finish({body: all.subarray(5)})
      })
      req.on('error', () => finish(undefined))
      req.on('close', () => finish(undefined))
      req.end(frame)
    })
  }

  close(): void {
    const s = this.session
    this.session = undefined
    if (s && !s.destroyed) s.close()
  }
}
