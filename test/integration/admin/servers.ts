/** Small local servers for client tests: an h2c gRPC server with chosen handlers, and a token endpoint. */
import {connectNodeAdapter} from '@connectrpc/connect-node'
import type {ConnectRouter} from '@connectrpc/connect'
import {createServer as createHttp2Server} from 'node:http2'
import {createServer as createHttpServer, type IncomingMessage} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface LocalServer {
  url: string
  port: number
  close(): Promise<void>
}

export async function startGrpcServer(routes: (router: ConnectRouter) => void): Promise<LocalServer> {
  const server = createHttp2Server(connectNodeAdapter({routes}))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Drop idle client sessions so close() completes.
        setTimeout(() => resolve(), 200).unref()
      }),
  }
}

export interface TokenRequest {
  form: URLSearchParams
  authorization?: string
  path: string
}

export async function startTokenServer(
  handle: (req: TokenRequest) => {status: number; body: Record<string, unknown>},
): Promise<LocalServer & {requests: TokenRequest[]}> {
  const requests: TokenRequest[] = []
  const server = createHttpServer(async (req: IncomingMessage, res) => {
    let body = ''
    for await (const chunk of req) body += String(chunk)
    const tr: TokenRequest = {
      form: new URLSearchParams(body),
      ...(req.headers.authorization ? {authorization: req.headers.authorization} : {}),
      path: req.url ?? '/',
    }
    requests.push(tr)
    const out = handle(tr)
    res.writeHead(out.status, {'content-type': 'application/json'}).end(JSON.stringify(out.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
