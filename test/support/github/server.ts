/**
 * The HTTP side of the simulator: routing by the OpenAPI path templates, request and response
 * validation, counters, faults and the git smart-HTTP mount.
 */
import http from 'node:http'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {describeErrors, loadSpec, type Operation, type SpecIndex} from './openapi.js'
import {serveGit} from './http-backend.js'
import type {SimState} from './state.js'
import type {Urls} from './shapes.js'

export interface Violation {
  /** "GET /repos/{owner}/{repo}" or "graphql" */
  operation: string
  where: 'request' | 'response' | 'graphql' | 'route'
  message: string
}

export interface FaultSpec {
  /** How many matching API requests fail (default 1). */
  times?: number
  /** Plain failure status (default 500); ignored for the rate-limit kinds and reset. */
  status?: number
  kind?: 'status' | 'rate-limit' | 'secondary-rate-limit' | 'reset'
  /** Seconds for Retry-After (and x-ratelimit-reset for 'rate-limit'); default 1. */
  retryAfter?: number
  /** Only requests whose "METHOD /path" matches (substring or RegExp). */
  match?: string | RegExp
}

export interface Counters {
  reads: number
  writes: number
}

export interface RequestRecord {
  method: string
  path: string
  status: number
  operation?: string
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export interface HandlerContext {
  state: SimState
  urls: Urls
  params: Record<string, string>
  query: Record<string, string>
  body: Record<string, unknown>
  /** Login of the authenticated caller ("simulator" when none). */
  caller: string
}

export interface HandlerResult {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (ctx: HandlerContext) => Promise<HandlerResult> | HandlerResult

export type GraphqlHandler = (
  body: {query?: string; variables?: Record<string, unknown>; operationName?: string},
  ctx: {state: SimState; urls: Urls; record(v: Omit<Violation, 'operation'>): void},
) => Promise<{body: unknown; isMutation: boolean}>

interface Route {
  key: string
  method: string
  segments: string[]
  handler: Handler
}

export interface ServerOptions {
  state: SimState
  gitRoot: string
  routes: Record<string, Handler>
  graphql: GraphqlHandler
  strict: boolean
  /** Test hook: rewrite a response before validation (a deliberately broken handler). */
  tamper?: (operation: string, body: unknown) => unknown
}

export class SimServer {
  readonly violations: Violation[] = []
  readonly counters: Counters = {reads: 0, writes: 0}
  readonly log: RequestRecord[] = []
  private faults: (FaultSpec & {left: number})[] = []
  private readonly server: http.Server
  private readonly sockets = new Set<Socket>()
  private readonly routes: Route[]
  private specLoading?: Promise<SpecIndex>
  url = ''
  urls!: Urls
  tamper?: (operation: string, body: unknown) => unknown
  strict: boolean

  constructor(private readonly options: ServerOptions) {
    this.routes = Object.entries(options.routes).map(([key, handler]) => {
      const [method, template] = key.split(' ') as [string, string]
      return {key, method, segments: template.split('/').slice(1), handler}
    })
    this.strict = options.strict
    this.tamper = options.tamper
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendJson(res, 500, {message: `simulator error: ${(err as Error).message}`})
        else res.end()
      })
    })
    this.server.keepAliveTimeout = 1000
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const address = this.server.address() as {port: number}
    this.url = `http://127.0.0.1:${address.port}`
    this.urls = {api: this.url, web: this.url, gitUrl: (slug) => `${this.url}/git/${slug}.git`}
    return this.url
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  fault(spec: FaultSpec): void {
    this.faults.push({...spec, left: spec.times ?? 1})
  }

  clearFaults(): void {
    this.faults = []
  }

  private takeFault(method: string, path: string): FaultSpec | undefined {
    const line = `${method} ${path}`
    for (const f of this.faults) {
      if (f.left <= 0) continue
      if (f.match instanceof RegExp ? !f.match.test(line) : f.match && !line.includes(f.match)) continue
      f.left--
      return f
    }
    return undefined
  }

  private record(v: Violation): void {
    this.violations.push(v)
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body)
    res.writeHead(status, {
      ...(body === undefined ? {} : {'content-type': 'application/json; charset=utf-8'}),
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...headers,
    })
    res.end(text)
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  private match(method: string, segments: string[]): {route: Route; params: Record<string, string>} | undefined {
    // Exact segment counts first; then routes whose last parameter spans several segments.
    for (const greedy of [false, true]) {
      for (const route of this.routes) {
        if (route.method !== method) continue
        const params = matchSegments(route.segments, segments, greedy)
        if (params) return {route, params}
      }
    }
    return undefined
  }

  private authorize(req: IncomingMessage, pathname: string): {ok: boolean; caller: string; message?: string} {
    const header = req.headers.authorization ?? ''
    const token = header.replace(/^(token|bearer)\s+/i, '')
    const tokens = this.options.state.tokens
    if (tokens.size === 0) return {ok: true, caller: this.options.state.defaultCaller}
    // As GitHub: with no credentials at all, REST reads of (public) repositories answer; GraphQL, the
    // authenticated user and every write need a token.
    if (!header) {
      const method = req.method ?? 'GET'
      if (pathname === '/graphql')
        return {ok: false, caller: '', message: 'This endpoint requires you to be authenticated.'}
      if ((method === 'GET' || method === 'HEAD') && !pathname.startsWith('/user')) return {ok: true, caller: ''}
      return {ok: false, caller: '', message: 'Requires authentication'}
    }
    const login = tokens.get(token)
    if (login) return {ok: true, caller: login}
    // GitHub App endpoints take the App's JWT (header.payload.signature), which the simulator does not verify.
    if (pathname.startsWith('/app/') && /^bearer\s+[\w-]+\.[\w-]+\.[\w-]+$/i.test(header)) {
      return {ok: true, caller: 'flytectl-app[bot]'}
    }
    return {ok: false, caller: ''}
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const requestPath = url.pathname
    let pathname = requestPath
    if (pathname.startsWith('/git/')) {
      serveGit(this.options.gitRoot, req, res, pathname.slice('/git'.length), url.search.slice(1))
      return
    }
    // GitHub Enterprise Server layout: REST under /api/v3, GraphQL at /api/graphql.
    if (pathname.startsWith('/api/v3/')) pathname = pathname.slice('/api/v3'.length)
    else if (pathname === '/api/graphql') pathname = '/graphql'
    const method = req.method ?? 'GET'
    const raw = await this.readBody(req)

    const isGraphql = pathname === '/graphql' && method === 'POST'
    const fault = this.takeFault(method, pathname)
    if (!isGraphql) {
      if (method === 'GET' || method === 'HEAD') this.counters.reads++
      else this.counters.writes++
    }
    if (fault) {
      if (isGraphql) this.counters.reads++
      this.applyFault(fault, req, res, method, pathname)
      return
    }
    const auth = this.authorize(req, pathname)
    if (!auth.ok) {
      if (isGraphql) this.counters.reads++
      this.log.push({method, path: pathname, status: 401})
      this.sendJson(res, 401, {
        message: auth.message ?? 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      })
      return
    }
    if (isGraphql) {
      await this.handleGraphql(raw, res, requestPath)
      return
    }

    const segments = pathname.split('/').slice(1)
    const found = this.match(method, segments)
    if (!found) {
      this.record({
        operation: `${method} ${pathname}`,
        where: 'route',
        message: 'no simulated operation for this request',
      })
      this.log.push({method, path: pathname, status: 404})
      this.sendJson(res, 404, {message: 'Not Found', documentation_url: 'https://docs.github.com/rest'})
      return
    }
    // The OpenAPI description loads on the first REST request, so starting stays cheap.
    this.specLoading ??= loadSpec()
    const spec = await this.specLoading
    const op = spec.operations.get(found.route.key)
    if (!op) throw new Error(`route ${found.route.key} is not in GitHub's OpenAPI description`)

    const query: Record<string, string> = {}
    for (const [k, v] of url.searchParams) query[k] = v
    let body: Record<string, unknown> = {}
    if (raw.trim()) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>
      } catch {
        this.sendJson(res, 400, {message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest'})
        return
      }
    }
    const requestProblems = this.validateRequest(spec, op, found.params, query, raw.trim() ? body : undefined)
    if (requestProblems.length) {
      for (const message of requestProblems) this.record({operation: op.key, where: 'request', message})
      if (this.strict) {
        this.log.push({method, path: pathname, status: 422, operation: op.key})
        this.sendJson(res, 422, {
          message: `Simulator: invalid request: ${requestProblems.join('; ')}`,
          documentation_url: 'https://docs.github.com/rest',
        })
        return
      }
    }

    let result: HandlerResult
    try {
      result = await found.route.handler({
        state: this.options.state,
        urls: this.urls,
        params: found.params,
        query,
        body,
        caller: auth.caller,
      })
    } catch (err) {
      if (!(err instanceof HttpError)) throw err
      result = {
        status: err.status,
        body: {message: err.message, documentation_url: 'https://docs.github.com/rest', ...err.extra},
      }
    }
    let out = result.body
    if (this.tamper && out !== undefined) out = this.tamper(op.key, out)
    const problem = this.validateResponse(spec, op, result.status, out)
    if (problem) {
      this.record({operation: op.key, where: 'response', message: problem})
      if (this.strict) {
        this.log.push({method, path: pathname, status: 500, operation: op.key})
        this.sendJson(res, 500, {message: `Simulator: response violates GitHub's schema: ${problem}`})
        return
      }
    }
    this.log.push({method, path: pathname, status: result.status, operation: op.key})
    this.sendJson(res, result.status, out, {...result.headers})
  }

  private validateRequest(
    spec: SpecIndex,
    op: Operation,
    params: Record<string, string>,
    query: Record<string, string>,
    body: Record<string, unknown> | undefined,
  ): string[] {
    const problems: string[] = []
    const known = new Set<string>()
    for (const p of op.parameters) {
      const name = p.name as string
      const where = p.in as string
      const schema = (p.schema ?? {}) as Record<string, unknown>
      let value: string | undefined
      if (where === 'path') value = params[name]
      else if (where === 'query') {
        known.add(name)
        value = query[name]
      } else continue
      if (value === undefined) {
        if (p.required === true) problems.push(`missing ${where} parameter ${name}`)
        continue
      }
      const fn = spec.validator(op, `${where}:${name}`, schema as never)
      if (!fn(coerce(value, schema)))
        problems.push(`${where} parameter ${name}=${JSON.stringify(value)}: ${describeErrors(fn)}`)
    }
    for (const name of Object.keys(query)) if (!known.has(name)) problems.push(`unknown query parameter ${name}`)
    if (body !== undefined) {
      if (!op.requestSchema) problems.push('a body was sent to an operation that takes none')
      else {
        const fn = spec.validator(op, 'body', op.requestSchema)
        if (!fn(body)) problems.push(`body: ${describeErrors(fn)}`)
      }
    }
    return problems
  }

  private validateResponse(spec: SpecIndex, op: Operation, status: number, body: unknown): string | undefined {
    const key = String(status)
    if (!(key in op.responses)) {
      if (status >= 400 && status !== 422 && typeof (body as {message?: unknown})?.message === 'string')
        return undefined
      if (status === 422 && typeof (body as {message?: unknown})?.message === 'string') return undefined
      return `status ${status} is not documented for ${op.operationId}`
    }
    const schema = op.responses[key]
    if (!schema)
      return body === undefined || status >= 400 ? undefined : `status ${status} has no body in the description`
    const fn = spec.validator(op, `response:${key}`, schema)
    if (!fn(body)) return `status ${status}: ${describeErrors(fn)}`
    return undefined
  }

  private async handleGraphql(raw: string, res: ServerResponse, pathname: string): Promise<void> {
    let body: {query?: string; variables?: Record<string, unknown>}
    try {
      body = JSON.parse(raw) as typeof body
    } catch {
      this.counters.reads++
      this.sendJson(res, 400, {message: 'Problems parsing JSON'})
      return
    }
    const out = await this.options.graphql(body, {
      state: this.options.state,
      urls: this.urls,
      record: (v) => this.record({...v, operation: 'graphql'}),
    })
    if (out.isMutation) this.counters.writes++
    else this.counters.reads++
    this.log.push({method: 'POST', path: pathname, status: 200, operation: 'graphql'})
    this.sendJson(res, 200, out.body)
  }

  private applyFault(f: FaultSpec, req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    const kind = f.kind ?? 'status'
    const retryAfter = f.retryAfter ?? 1
    this.log.push({method, path, status: kind === 'reset' ? 0 : (f.status ?? (kind === 'status' ? 500 : 403))})
    if (kind === 'reset') {
      req.socket.destroy()
      return
    }
    if (kind === 'rate-limit' && path.endsWith('/graphql')) {
      // GraphQL reports its primary limit in a 200 body, with the rate-limit headers.
      this.log[this.log.length - 1]!.status = 200
      const reset = Math.floor(Date.now() / 1000) + retryAfter
      this.sendJson(
        res,
        200,
        {
          data: null,
          errors: [{type: 'RATE_LIMITED', message: 'API rate limit already exceeded for installation ID 1.'}],
        },
        {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset)},
      )
      return
    }
    if (kind === 'rate-limit') {
      const reset = Math.floor(Date.now() / 1000) + retryAfter
      this.sendJson(
        res,
        f.status ?? 403,
        {
          message: 'API rate limit exceeded for installation.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
        {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'retry-after': String(retryAfter)},
      )
      return
    }
    if (kind === 'secondary-rate-limit') {
      this.sendJson(
        res,
        f.status ?? 403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
        {'retry-after': String(retryAfter)},
      )
      return
    }
    const status = f.status ?? 500
    this.sendJson(res, status, status === 502 ? {message: 'Server Error'} : {message: 'Internal Server Error'})
  }
}

/** Path parameters that may contain slashes when a client sends them unencoded (refs, file paths, tags). */
const MULTI_SEGMENT = new Set(['ref', 'path', 'basehead', 'tag'])

function matchSegments(template: string[], actual: string[], greedy: boolean): Record<string, string> | undefined {
  if (!greedy && template.length !== actual.length) return undefined
  if (greedy && actual.length <= template.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!
    const isLast = i === template.length - 1
    if (t.startsWith('{') && t.endsWith('}')) {
      if (greedy && isLast && !MULTI_SEGMENT.has(t.slice(1, -1))) return undefined
      const value = greedy && isLast ? actual.slice(i).join('/') : actual[i]
      if (value === undefined || value === '') return undefined
      try {
        params[t.slice(1, -1)] = decodeURIComponent(value)
      } catch {
        return undefined
      }
    } else if (t !== actual[i]) return undefined
  }
  return params
}

function coerce(value: string, schema: Record<string, unknown>): unknown {
  const type = schema.type
  const types = Array.isArray(type) ? type : [type]
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value)
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true'
  if (schema.anyOf || schema.oneOf) {
    if (/^-?\d+$/.test(value)) return Number(value)
  }
  return value
}
