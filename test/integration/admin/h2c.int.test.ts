import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import http2, {constants, type Http2Server, type ServerHttp2Stream, type IncomingHttpHeaders} from 'node:http2'
import {createServer as createNetServer, type AddressInfo, type Server} from 'node:net'
import {describe, it} from 'node:test'
import {H2cConnection} from '../../../src/admin/h2c.js'

type Handler = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer) => void

/** A real node:http2 plaintext server (nghttp2 encodes its headers: Huffman, dynamic table). */
async function serve(handler: Handler, options: http2.ServerOptions = {}) {
  const server: Http2Server = http2.createServer(options)
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', (s) => {
    sessions.add(s)
    s.on('close', () => sessions.delete(s))
  })
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => handler(stream, headers, Buffer.concat(chunks)))
    stream.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    sessions,
    connection: () => new H2cConnection('127.0.0.1', port, `127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sessions) s.destroy()
        server.close(() => r())
      }),
  }
}

const call = (
  c: H2cConnection,
  path = '/svc/Method',
  body: Uint8Array = Buffer.from('req'),
  limit = 1 << 30,
  timeoutMs = 5000,
) =>
  c.request(
    path,
    [
      ['content-type', 'application/grpc+proto'],
      ['te', 'trailers'],
    ],
    body,
    limit,
    timeoutMs,
  )

/** A header value nghttp2 accepts: visible ASCII, space, tab and obs-text, Huffman-friendly or not. */
function randomValue(length: number): string {
  const alphabet = [9, ...Array.from({length: 95}, (_, i) => 32 + i), ...Array.from({length: 128}, (_, i) => 128 + i)]
  const bytes = randomBytes(length)
  let out = ''
  for (const b of bytes) out += String.fromCharCode(alphabet[b % alphabet.length]!)
  // Field values do not start or end with white space.
  return `v${out}v`
}

describe('h2c client against node:http2', () => {
  it('sends the request as written and reads status, headers, trailers and body', async () => {
    let seen: {headers: IncomingHttpHeaders; body: Buffer} | undefined
    const server = await serve((stream, headers, body) => {
      seen = {headers, body}
      stream.respond({':status': 200, 'content-type': 'application/grpc+proto'}, {waitForTrailers: true})
      stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '0', 'grpc-message': 'ok'}))
      stream.end(Buffer.from('answer'))
    })
    const c = server.connection()
    try {
      const body = randomBytes(40_000)
      const answer = await call(c, '/flyteidl.service.AdminService/ListProjects', body)
      assert.ok(answer)
      assert.equal(answer.status, 200)
      assert.deepEqual(
        answer.header.filter(([k]) => k === 'content-type'),
        [['content-type', 'application/grpc+proto']],
      )
      assert.deepEqual(answer.trailer, [
        ['grpc-status', '0'],
        ['grpc-message', 'ok'],
      ])
      assert.equal(answer.body.toString(), 'answer')
      assert.ok(seen)
      assert.equal(seen.headers[':method'], 'POST')
      assert.equal(seen.headers[':path'], '/flyteidl.service.AdminService/ListProjects')
      assert.equal(seen.headers[':authority'], `127.0.0.1:${server.port}`)
      assert.equal(seen.headers[':scheme'], 'http')
      assert.equal(seen.headers.te, 'trailers')
      assert.deepEqual(seen.body, body)
    } finally {
      c.close()
      await server.close()
    }
  })

  it('keeps the header table in step over many answers, with evictions and CONTINUATION frames', async () => {
    const sent = new Map<string, {header: [string, string][]; trailer: [string, string][]}>()
    const server = await serve((stream, headers) => {
      const want = sent.get(String(headers[':path']))!
      stream.respond({':status': 200, ...Object.fromEntries(want.header)}, {waitForTrailers: true})
      stream.on('wantTrailers', () => stream.sendTrailers(Object.fromEntries(want.trailer)))
      stream.end()
    })
    const c = server.connection()
    try {
      for (let i = 0; i < 40; i++) {
        // Repeated names and values (indexed), fresh ones (added, evicting old ones), and now and then
        // a header block larger than one frame.
        const header: [string, string][] = [
          ['content-type', 'application/grpc+proto'],
          ['x-same', 'always the same value'],
          [`x-name-${i % 7}`, randomValue(50 + ((i * 37) % 400))],
          ['x-fresh', randomValue(i % 10 === 9 ? 30_000 : 200)],
        ]
        const trailer: [string, string][] = [
          ['grpc-status', String(i % 17)],
          ['grpc-message', randomValue(i * 20)],
        ]
        sent.set(`/p/${i}`, {header, trailer})
        const answer = await call(c, `/p/${i}`)
        assert.ok(answer, `answer ${i}`)
        const sorted = (pairs: [string, string][]) => [...pairs].sort((a, b) => a[0].localeCompare(b[0]))
        assert.deepEqual(
          sorted(answer.header.filter(([k]) => k.startsWith('x-') || k === 'content-type')),
          sorted(header),
          `headers ${i}`,
        )
        assert.deepEqual(sorted(answer.trailer), sorted(trailer), `trailers ${i}`)
      }
      assert.equal(c.broken, false)
    } finally {
      c.close()
      await server.close()
    }
  })

  it('reads large and padded bodies, and concurrent streams, each to its own answer', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17)
    const server = await serve(
      (stream, headers, body) => {
        const delay = Number(headers['x-delay'] ?? 0)
        setTimeout(() => {
          stream.respond({':status': 200})
          stream.end(headers[':path'] === '/big' ? big : body)
        }, delay)
      },
      {paddingStrategy: constants.PADDING_STRATEGY_MAX},
    )
    const c = server.connection()
    try {
      const answer = await call(c, '/big')
      assert.ok(answer)
      assert.equal(answer.body.byteLength, big.byteLength)
      assert.ok(answer.body.equals(big))
      const echoes = await Promise.all(
        Array.from({length: 20}, (_, i) =>
          c.request('/echo', [['x-delay', String((20 - i) * 5)]], Buffer.from(`body ${i}`), 1 << 20, 5000),
        ),
      )
      assert.deepEqual(
        echoes.map((a) => a?.body.toString()),
        Array.from({length: 20}, (_, i) => `body ${i}`),
      )
    } finally {
      c.close()
      await server.close()
    }
  })

  it('gives up on an answer over the limit and keeps the connection for the next', async () => {
    const server = await serve((stream, headers) => {
      stream.respond({':status': 200})
      stream.end(headers[':path'] === '/big' ? Buffer.alloc(100_000) : Buffer.from('small'))
    })
    const c = server.connection()
    try {
      assert.equal(await call(c, '/big', Buffer.from('x'), 50_000), undefined)
      assert.equal((await call(c, '/small'))?.body.toString(), 'small')
    } finally {
      c.close()
      await server.close()
    }
  })

  it('answers the server’s PING, and gives up on a reset stream only', async () => {
    const server = await serve((stream, headers) => {
      if (headers[':path'] === '/reset') return stream.close(constants.NGHTTP2_INTERNAL_ERROR)
      stream.respond({':status': 200})
      stream.end('fine')
    })
    const c = server.connection()
    try {
      assert.equal((await call(c, '/first'))?.body.toString(), 'fine')
      const [session] = server.sessions
      assert.ok(session)
      const rtt = await new Promise<number>((resolve, reject) =>
        session.ping((err, duration) => (err ? reject(err) : resolve(duration))),
      )
      assert.ok(rtt >= 0)
      assert.equal(await call(c, '/reset'), undefined)
      assert.equal((await call(c, '/after'))?.body.toString(), 'fine')
    } finally {
      c.close()
      await server.close()
    }
  })

  it('after GOAWAY takes no new request (broken) but reads the answers the server still sends', async () => {
    let hold: ServerHttp2Stream | undefined
    const server = await serve((stream) => {
      hold = stream
    })
    const c = server.connection()
    try {
      const pending = call(c, '/held')
      while (!hold) await new Promise((r) => setTimeout(r, 5))
      const [session] = server.sessions
      session!.goaway(constants.NGHTTP2_NO_ERROR, 1)
      while (!c.broken) await new Promise((r) => setTimeout(r, 5))
      assert.equal(await call(c, '/later'), undefined)
      hold.respond({':status': 200})
      hold.end('still answered')
      assert.equal((await pending)?.body.toString(), 'still answered')
    } finally {
      c.close()
      await server.close()
    }
  })

  it('settles at once the streams a GOAWAY says were not processed', async () => {
    // A server that answers the preface with SETTINGS and GOAWAY(last stream 0), and records the
    // frame types the client sends after the preface.
    const types: number[] = []
    const raw: Server = createNetServer((socket) => {
      let buf = Buffer.alloc(0)
      let preface = false
      socket.on('error', () => {})
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk])
        if (!preface && buf.byteLength >= 24) {
          preface = true
          buf = buf.subarray(24)
          const goaway = Buffer.alloc(17)
          goaway.writeUIntBE(8, 0, 3)
          goaway[3] = 7
          socket.write(Buffer.concat([Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]), goaway]))
        }
        while (preface && buf.byteLength >= 9 && buf.byteLength >= 9 + buf.readUIntBE(0, 3)) {
          types.push(buf[3]!)
          buf = buf.subarray(9 + buf.readUIntBE(0, 3))
        }
      })
    })
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r))
    const port = (raw.address() as AddressInfo).port
    const c = new H2cConnection('127.0.0.1', port, `127.0.0.1:${port}`)
    try {
      assert.equal(await call(c, '/x', Buffer.from('x'), 1 << 20, 30_000), undefined)
      assert.equal(c.broken, true)
      // Settled by the GOAWAY, not by the timeout (which would have sent RST_STREAM, type 3).
      assert.ok(types.includes(1), 'the request was sent')
      assert.ok(!types.includes(3), `frames sent: ${types.join(',')}`)
    } finally {
      c.close()
      await new Promise<void>((r) => raw.close(() => r()))
    }
  })

  it('times out, and survives a refused connection and a server that sends garbage', async () => {
    const silent = await serve(() => {})
    const c1 = silent.connection()
    try {
      assert.equal(await call(c1, '/x', Buffer.from('x'), 1 << 20, 200), undefined)
    } finally {
      c1.close()
      await silent.close()
    }

    const refused = new H2cConnection('127.0.0.1', silent.port, `127.0.0.1:${silent.port}`)
    assert.equal(await call(refused), undefined)
    assert.equal(refused.broken, true)

    const junk: Server = createNetServer((socket) => {
      socket.on('data', () => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'.repeat(3))))
      socket.on('error', () => {})
    })
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r))
    const port = (junk.address() as AddressInfo).port
    const c2 = new H2cConnection('127.0.0.1', port, `127.0.0.1:${port}`)
    try {
      assert.equal(await call(c2), undefined)
      assert.equal(c2.broken, true)
    } finally {
      c2.close()
      await new Promise<void>((r) => junk.close(() => r()))
    }
  })
})
