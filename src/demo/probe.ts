/**
 * A minimal gRPC unary call for the demo's health checks. `demo start` must report healthy fast, and
 * loading the full RPC stack costs more than the call itself: one empty request over the small h2c
 * client (src/admin/h2c.ts), read as the gRPC wire format (a 5-byte length-prefixed message, the
 * `grpc-status` trailer).
 */
import {H2cConnection} from '../admin/h2c.js'

/** gRPC status 16: the server answered, but wants a token (a plane with auth on). */
export const UNAUTHENTICATED = 'unauthenticated'

/**
 * The response message bytes of a successful call, `UNAUTHENTICATED` when the server asked for a
 * token, or null (refused, timed out, other non-OK status).
 */
export async function grpcUnaryEmpty(
  port: number,
  path: string,
  timeoutMs: number,
): Promise<Uint8Array | typeof UNAUTHENTICATED | null> {
  const connection = new H2cConnection('127.0.0.1', port, `127.0.0.1:${port}`)
  try {
    const answer = await connection.request(
      path,
      [
        ['content-type', 'application/grpc+proto'],
        ['te', 'trailers'],
      ],
      Buffer.alloc(5),
      16 * 1024 * 1024,
      timeoutMs,
    )
    if (!answer) return null
    const status = [...answer.trailer, ...answer.header].find(([name]) => name === 'grpc-status')?.[1]
    if (status === '16') return UNAUTHENTICATED
    const body = answer.body
    if (status !== '0' || body.length < 5) return null
    return body.subarray(5, 5 + body.readUInt32BE(1))
  } finally {
    connection.close()
  }
}
