/**
 * `flytectl console --endpoint URL`: the same console, served on this machine for a FlyteAdmin
 * elsewhere. Pages and assets come from the package; `/api/v1/...` is forwarded to the endpoint's
 * HTTP gateway; the launch form's endpoint converts inputs here (create execution's rules) and
 * creates the execution through the REST API. There is no change stream or log tail (the pages
 * poll, and show log links); the proxy answers only requests addressed to its own host.
 */
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {fromJson, toJson, type JsonValue} from '@bufbuild/protobuf'
import {ExecutionCreateRequestSchema, ExecutionCreateResponseSchema} from '../gen/flyteidl/admin/execution_pb.js'
import {LaunchPlanSchema} from '../gen/flyteidl/admin/launch_plan_pb.js'
import {TaskSchema} from '../gen/flyteidl/admin/task_pb.js'
import {handleLaunchWith, type LaunchBackend} from '../controlplane/console/launch.js'
import {
  isConsolePath,
  loadAssets,
  SECURITY_HEADERS,
  serveStatic,
  type ConsoleRequest,
  type ConsoleResponse,
} from '../controlplane/console/serve.js'

export interface ConsoleProxyOptions {
  /** The FlyteAdmin HTTP base, e.g. `https://flyte.example.com` or `http://127.0.0.1:30080`. */
  endpoint: string
  port: number
  host?: string
  /** Sent as `authorization: Bearer …` to the endpoint, when its API needs a token. */
  token?: string
  fetch?: typeof fetch
}

export interface RunningConsoleProxy {
  url: string
  port: number
  close(): Promise<void>
}

/** Bodies forwarded to the endpoint are JSON and small. */
const MAX_BODY = 4 * 1024 * 1024
const enc = encodeURIComponent

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((ok) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        ok(undefined)
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => ok(Buffer.concat(chunks)))
  })
}

function fail(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {...SECURITY_HEADERS, 'content-type': 'application/json'})
  res.end(JSON.stringify({message}))
}

/** The endpoint's REST API as the launch form's backend. */
export function restLaunchBackend(base: string, headers: Record<string, string>, f: typeof fetch): LaunchBackend {
  const get = async (path: string) => {
    const r = await f(base + path, {headers: {accept: 'application/json', ...headers}})
    const body = (await r.json().catch(() => ({}))) as JsonValue & {message?: string}
    if (!r.ok) throw new Error(body?.message ?? `${r.status} from ${path}`)
    return body
  }
  const idPath = (id: {project: string; domain: string; name: string; version: string}) =>
    `${enc(id.project)}/${enc(id.domain)}/${enc(id.name)}/${enc(id.version)}`
  return {
    getLaunchPlan: async (id) =>
      fromJson(LaunchPlanSchema, await get(`/api/v1/launch_plans/${idPath(id)}`), {ignoreUnknownFields: true}),
    getTask: async (id) => fromJson(TaskSchema, await get(`/api/v1/tasks/${idPath(id)}`), {ignoreUnknownFields: true}),
    createExecution: async (req) => {
      const r = await f(`${base}/api/v1/executions`, {
        method: 'POST',
        headers: {'content-type': 'application/json', accept: 'application/json', ...headers},
        body: JSON.stringify(toJson(ExecutionCreateRequestSchema, req, {useProtoFieldName: true})),
      })
      const body = (await r.json().catch(() => ({}))) as JsonValue & {message?: string}
      if (!r.ok) throw new Error(body?.message ?? `${r.status} from the endpoint`)
      return fromJson(ExecutionCreateResponseSchema, body, {ignoreUnknownFields: true})
    },
  }
}

export async function startConsoleProxy(opts: ConsoleProxyOptions): Promise<RunningConsoleProxy> {
  const base = opts.endpoint.replace(/\/+$/, '')
  const f = opts.fetch ?? fetch
  const assets = loadAssets()
  const upstreamHeaders: Record<string, string> = opts.token ? {authorization: `Bearer ${opts.token}`} : {}
  const backend = restLaunchBackend(base, upstreamHeaders, f)
  let self = ''
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    // Only this proxy's own address (no DNS rebinding) and, for writes, its own pages.
    const host = req.headers.host ?? ''
    if (host !== self && host !== self.replace('127.0.0.1', 'localhost')) {
      return fail(res, 421, `this console proxy answers requests for ${self} only`)
    }
    const origin = req.headers.origin
    if (origin && origin !== `http://${host}`) return fail(res, 403, 'requests from another origin are refused')
    if (url.pathname === '/') {
      res.writeHead(302, {location: '/console'})
      res.end()
      return
    }
    if (url.pathname === '/console/api/launch') {
      void handleLaunchWith(backend, req as unknown as ConsoleRequest, res as unknown as ConsoleResponse)
      return
    }
    if (url.pathname.startsWith('/console/api/')) return fail(res, 404, 'not available through the console proxy')
    if (isConsolePath(url.pathname)) {
      serveStatic(assets, url, req as unknown as ConsoleRequest, res as unknown as ConsoleResponse, 'proxy')
      return
    }
    if (!url.pathname.startsWith('/api/v1/')) return fail(res, 404, `not found: ${url.pathname}`)
    void forward(req, res, url)
  })

  async function forward(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    let body: Buffer | undefined
    if (method !== 'GET' && method !== 'HEAD') {
      if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) {
        return fail(res, 415, 'writes through the console proxy must be application/json')
      }
      body = await readBody(req)
      if (!body) return fail(res, 413, `request larger than ${MAX_BODY} bytes`)
    }
    try {
      const r = await f(base + url.pathname + url.search, {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? {'content-type': 'application/json'} : {}),
          ...upstreamHeaders,
        },
        ...(body ? {body} : {}),
        redirect: 'manual',
      })
      const bytes = Buffer.from(await r.arrayBuffer())
      res.writeHead(r.status, {
        ...SECURITY_HEADERS,
        'content-type': r.headers.get('content-type') ?? 'application/json',
        'cache-control': 'no-store',
      })
      res.end(bytes)
    } catch (err) {
      fail(res, 502, `cannot reach ${base}: ${(err as Error).message}`)
    }
  }

  await new Promise<void>((ok, bad) => {
    server.once('error', bad)
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok())
  })
  const port = (server.address() as AddressInfo).port
  self = `${opts.host ?? '127.0.0.1'}:${port}`
  return {
    url: `http://${self}`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      }),
  }
}
