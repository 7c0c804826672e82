/**
 * A minimal gRPC unary call over node:http2 for the demo's health checks. `demo start` must report
 * healthy fast, and loading the full RPC stack costs more than the call itself; this speaks the gRPC
 * wire format (5-byte length-prefixed frames, `grpc-status` trailer) for one empty request.
 */
import {connect} from 'node:http2'

/** gRPC status 16: the server answered, but wants a token (a plane with auth on). */
export const UNAUTHENTICATED = 'unauthenticated'

/**
 * The response message bytes of a successful call, `UNAUTHENTICATED` when the server asked for a
 * token, or null (refused, timed out, other non-OK status).
 */
export function grpcUnaryEmpty(
  port: number,
  path: string,
  timeoutMs: number,
): Promise<Uint8Array | typeof UNAUTHENTICATED | null> {
  return new Promise((resolve) => {
    let done = false
    const session = connect(`http://127.0.0.1:${port}`)
    const finish = (value: Uint8Array | typeof UNAUTHENTICATED | null) => {
      if (done) return
      done = true
      clearTimeout(timer)
      session.destroy()
      resolve(value)
    }
    const timer = setTimeout(() => finish(null), timeoutMs)
    session.on('error', () => finish(null))
    const req = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc+proto',
      te: 'trailers',
    })
    const chunks: Buffer[] = []
    let status: string | undefined
    req.on('response', (headers) => {
      const s = headers['grpc-status']
      if (s !== undefined) status = String(s)
    })
    req.on('trailers', (trailers) => {
      const s = trailers['grpc-status']
      if (s !== undefined) status = String(s)
    })
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => finish(null))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (status === '16') return finish(UNAUTHENTICATED)
      if (status !== '0' || body.length < 5) return finish(null)
      finish(body.subarray(5, 5 + body.readUInt32BE(1)))
    })
    req.end(Buffer.alloc(5))
  })
}
