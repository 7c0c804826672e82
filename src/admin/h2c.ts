/**
 * A small HTTP/2 client over plain TCP (h2c with prior knowledge, RFC 9113 section 3.3) for the CLI's
 * fast unary calls to a plaintext endpoint — the embedded plane, or a FlyteAdmin without TLS. It does
 * what a unary gRPC call needs and no more: one connection, concurrent streams, a request that fits
 * the initial flow-control window, responses of any size (windows kept open), padding, CONTINUATION,
 * PING, SETTINGS, RST_STREAM and GOAWAY. Loading it costs `node:net` only; `node:http2` (which loads
 * TLS) stays for TLS endpoints and for the full Connect client.
 *
 * Nothing here throws at a caller: a request the server does not answer cleanly (reset, refused,
 * timeout, GOAWAY, a protocol error, an answer over the size limit) resolves to undefined, and the
 * caller makes the call the full way.
 */
import {connect, type Socket} from 'node:net'
import {HpackDecoder, hpackEncode} from './hpack.js'

/** A server's whole answer to one request: status, headers and trailers (no pseudo-headers), body. */
export interface RawAnswer {
  status: number
  header: [string, string][]
  trailer: [string, string][]
  body: Buffer
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')
const DATA = 0
const HEADERS = 1
const RST_STREAM = 3
const SETTINGS = 4
const PUSH_PROMISE = 5
const PING = 6
const GOAWAY = 7
const WINDOW_UPDATE = 8
const CONTINUATION = 9
const END_STREAM = 0x1
const ACK = 0x1
const END_HEADERS = 0x4
const PADDED = 0x8
const PRIORITY = 0x20
/** The largest frame this side accepts (the protocol's default; not raised). */
const MAX_FRAME = 16_384
/** Flow-control window this side gives each stream and the connection. */
const WINDOW = 0x7fffffff
/** Replenish a window once this much of it is used. */
const REFILL = 0x40000000
/** Largest header block accepted (across CONTINUATION frames), and decoded header list. */
const MAX_HEADER_BLOCK = 64 * 1024
/** What the server may assume before its SETTINGS arrive (RFC 9113 section 6.5.2). */
const DEFAULT_WINDOW = 65_535

interface Pending {
  status: number
  header?: [string, string][]
  trailer: [string, string][]
  chunks: Buffer[]
  size: number
  limit: number
  unacked: number
  resolve: (answer: RawAnswer | undefined) => void
  timer: NodeJS.Timeout
}

function frame(type: number, flags: number, stream: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(9 + payload.byteLength)
  out.writeUIntBE(payload.byteLength, 0, 3)
  out[3] = type
  out[4] = flags
  out.writeUInt32BE(stream, 5)
  out.set(payload, 9)
  return out
}

function settings(pairs: [number, number][]): Buffer {
  const payload = Buffer.alloc(6 * pairs.length)
  pairs.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, 6 * i)
    payload.writeUInt32BE(value, 6 * i + 2)
  })
  return frame(SETTINGS, 0, 0, payload)
}

function windowUpdate(stream: number, increment: number): Buffer {
  const payload = Buffer.alloc(4)
  payload.writeUInt32BE(increment, 0)
  return frame(WINDOW_UPDATE, 0, stream, payload)
}

class ProtocolError extends Error {}

export class H2cConnection {
  private socket?: Socket
  private dead = false
  private nextStream = 1
  private readonly streams = new Map<number, Pending>()
  private readonly decoder = new HpackDecoder(4096, MAX_HEADER_BLOCK)
  private leftover = Buffer.alloc(0)
  private continuing?: {stream: number; flags: number; parts: Buffer[]; size: number}
  private peerMaxFrame = MAX_FRAME
  private unackedConnection = 0

  constructor(
    private readonly host: string,
    private readonly port: number,
    /** The `:authority` sent (host:port as the URL names it). */
    private readonly authority: string,
  ) {}

  /** True once the connection failed or the server sent GOAWAY: later requests resolve undefined. */
  get broken(): boolean {
    return this.dead
  }

  /**
   * One request: `headers` are regular (lower-case) fields, sent after the pseudo-headers of a POST to
   * `path`. Resolves to the whole answer, or undefined (see the module comment).
   */
  request(
    path: string,
    headers: readonly (readonly [string, string])[],
    body: Uint8Array,
    limit: number,
    timeoutMs: number,
  ): Promise<RawAnswer | undefined> {
    if (this.dead || this.nextStream > 0x7fffffff || body.byteLength > DEFAULT_WINDOW) return Promise.resolve(undefined)
    const socket = this.open()
    if (!socket) return Promise.resolve(undefined)
    const block = hpackEncode([
      [':method', 'POST'],
      [':scheme', 'http'],
      [':authority', this.authority],
      [':path', path],
      ...headers,
    ])
    if (block.byteLength > this.peerMaxFrame) return Promise.resolve(undefined)
    const id = this.nextStream
    this.nextStream += 2
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.streams.has(id)) return
        this.write(frame(RST_STREAM, 0, id, Buffer.from([0, 0, 0, 8])))
        this.settle(id, undefined)
      }, timeoutMs)
      this.streams.set(id, {status: 0, trailer: [], chunks: [], size: 0, limit, unacked: 0, resolve, timer})
      socket.ref()
      const out = [frame(HEADERS, END_HEADERS, id, block)]
      for (let at = 0; at < body.byteLength || at === 0; at += this.peerMaxFrame) {
        const end = Math.min(at + this.peerMaxFrame, body.byteLength)
        out.push(frame(DATA, end === body.byteLength ? END_STREAM : 0, id, body.subarray(at, end)))
        if (end === body.byteLength) break
      }
      this.write(Buffer.concat(out))
    })
  }

  /** Closes the connection; pending requests resolve undefined. */
  close(): void {
    const socket = this.socket
    const open = socket && !socket.destroyed && !this.dead
    this.dead = true
    for (const id of [...this.streams.keys()]) this.settle(id, undefined)
    if (open) {
      socket.end(frame(GOAWAY, 0, 0, Buffer.alloc(8)))
      socket.unref()
    }
  }

  private open(): Socket | undefined {
    if (this.socket) return this.socket
    let socket: Socket
    try {
      socket = connect({host: this.host, port: this.port})
    } catch {
      this.dead = true
      return undefined
    }
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      try {
        this.read(chunk)
      } catch {
        this.fail()
      }
    })
    socket.on('error', () => this.fail())
    socket.on('close', () => this.fail())
    socket.write(
      Buffer.concat([
        PREFACE,
        // ENABLE_PUSH 0, INITIAL_WINDOW_SIZE, MAX_HEADER_LIST_SIZE.
        settings([
          [2, 0],
          [4, WINDOW],
          [6, MAX_HEADER_BLOCK],
        ]),
        windowUpdate(0, WINDOW - DEFAULT_WINDOW),
      ]),
    )
    this.socket = socket
    return socket
  }

  private write(bytes: Buffer): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(bytes)
  }

  private settle(id: number, answer: RawAnswer | undefined): void {
    const s = this.streams.get(id)
    if (!s) return
    this.streams.delete(id)
    clearTimeout(s.timer)
    if (this.streams.size === 0) this.socket?.unref()
    s.resolve(answer)
  }

  private fail(): void {
    this.dead = true
    for (const id of [...this.streams.keys()]) this.settle(id, undefined)
    if (this.socket && !this.socket.destroyed) this.socket.destroy()
  }

  private read(chunk: Buffer): void {
    let buf = this.leftover.byteLength ? Buffer.concat([this.leftover, chunk]) : chunk
    while (buf.byteLength >= 9) {
      const length = buf.readUIntBE(0, 3)
      if (length > MAX_FRAME) throw new ProtocolError('frame too large')
      if (buf.byteLength < 9 + length) break
      const type = buf[3]!
      const flags = buf[4]!
      const stream = buf.readUInt32BE(5) & 0x7fffffff
      const payload = buf.subarray(9, 9 + length)
      buf = buf.subarray(9 + length)
      this.onFrame(type, flags, stream, payload)
    }
    this.leftover = Buffer.from(buf)
  }

  private onFrame(type: number, flags: number, stream: number, payload: Buffer): void {
    if (this.continuing && type !== CONTINUATION) throw new ProtocolError('expected CONTINUATION')
    switch (type) {
      case DATA:
        return this.onData(flags, stream, payload)
      case HEADERS: {
        if (stream === 0) throw new ProtocolError('HEADERS on stream 0')
        let fragment = unpad(flags, payload)
        if (flags & PRIORITY) fragment = fragment.subarray(5)
        return this.onHeaderFragment(stream, flags, fragment)
      }
      case CONTINUATION:
        if (!this.continuing || this.continuing.stream !== stream) throw new ProtocolError('unexpected CONTINUATION')
        return this.onHeaderFragment(stream, this.continuing.flags | (flags & END_HEADERS), payload)
      case RST_STREAM:
        return this.settle(stream, undefined)
      case SETTINGS:
        if (flags & ACK) return
        if (payload.byteLength % 6 !== 0) throw new ProtocolError('bad SETTINGS')
        for (let at = 0; at < payload.byteLength; at += 6) {
          if (payload.readUInt16BE(at) === 5) this.peerMaxFrame = payload.readUInt32BE(at + 2)
        }
        return this.write(frame(SETTINGS, ACK, 0))
      case PING:
        if (!(flags & ACK)) this.write(frame(PING, ACK, 0, payload))
        return
      case GOAWAY: {
        this.dead = true
        const last = payload.byteLength >= 4 ? payload.readUInt32BE(0) & 0x7fffffff : 0
        for (const id of [...this.streams.keys()]) if (id > last) this.settle(id, undefined)
        if (this.streams.size === 0) this.fail()
        return
      }
      case PUSH_PROMISE:
        throw new ProtocolError('PUSH_PROMISE with push disabled')
      case WINDOW_UPDATE:
      default:
        // Request bodies fit the initial window; unknown frame types are ignored (section 5.5).
        return
    }
  }

  private onData(flags: number, stream: number, payload: Buffer): void {
    // Flow control counts the whole payload, padding included.
    this.unackedConnection += payload.byteLength
    if (this.unackedConnection >= REFILL) {
      this.write(windowUpdate(0, this.unackedConnection))
      this.unackedConnection = 0
    }
    const s = this.streams.get(stream)
    if (!s) return
    s.unacked += payload.byteLength
    if (s.unacked >= REFILL) {
      this.write(windowUpdate(stream, s.unacked))
      s.unacked = 0
    }
    const data = unpad(flags, payload)
    s.size += data.byteLength
    if (s.size > s.limit || !s.header) {
      this.write(frame(RST_STREAM, 0, stream, Buffer.from([0, 0, 0, 8])))
      return this.settle(stream, undefined)
    }
    s.chunks.push(Buffer.from(data))
    if (flags & END_STREAM) this.finish(stream, s)
  }

  private onHeaderFragment(stream: number, flags: number, fragment: Buffer): void {
    const parts = this.continuing ? [...this.continuing.parts, fragment] : [fragment]
    const size = (this.continuing?.size ?? 0) + fragment.byteLength
    if (size > MAX_HEADER_BLOCK) throw new ProtocolError('header block too large')
    if (!(flags & END_HEADERS)) {
      this.continuing = {stream, flags, parts, size}
      return
    }
    this.continuing = undefined
    // Every block goes through the decoder, for any stream: its table is the connection's.
    const fields = this.decoder.decode(parts.length === 1 ? parts[0]! : Buffer.concat(parts))
    const s = this.streams.get(stream)
    if (!s) return
    const regular = fields.filter(([name]) => !name.startsWith(':'))
    if (!s.header) {
      const status = Number(fields.find(([name]) => name === ':status')?.[1])
      if (!Number.isInteger(status)) return this.settle(stream, undefined)
      // 1xx answers are followed by the real one.
      if (status >= 100 && status < 200 && !(flags & END_STREAM)) return
      s.status = status
      s.header = regular
    } else {
      s.trailer = regular
    }
    if (flags & END_STREAM) this.finish(stream, s)
  }

  private finish(stream: number, s: Pending): void {
    this.settle(stream, {status: s.status, header: s.header ?? [], trailer: s.trailer, body: Buffer.concat(s.chunks)})
  }
}

function unpad(flags: number, payload: Buffer): Buffer {
  if (!(flags & PADDED)) return payload
  if (payload.byteLength < 1) throw new ProtocolError('bad padding')
  const pad = payload[0]!
  if (pad >= payload.byteLength) throw new ProtocolError('bad padding')
  return payload.subarray(1, payload.byteLength - pad)
}
