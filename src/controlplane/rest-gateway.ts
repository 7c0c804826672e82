/**
 * FlyteAdmin's HTTP/JSON routes (`/api/v1/...`), read from the `google.api.http` annotations of the
 * services and answered by the same implementations as gRPC. JSON uses the proto field names, as
 * FlyteAdmin's gateway does; `Accept`/`Content-Type: application/octet-stream` switches to protobuf binary.
 */
import {
  fromBinary,
  fromJson,
  getOption,
  toBinary,
  toJson,
  type DescField,
  type DescMessage,
  type DescMethod,
} from '@bufbuild/protobuf'
import type {JsonObject, JsonValue} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import {http as httpRule} from '../gen/google/api/annotations_pb.js'
import type {HttpRule} from '../gen/google/api/http_pb.js'
import type {ServiceBinding} from './admin-service.js'
import type {PlainRequest, PlainResponse} from './http-blobs.js'
import type {CallGuard} from './auth/index.js'
import type {PlaneMetrics} from './metrics.js'

interface Route {
  verb: string
  regex: RegExp
  params: string[]
  literals: number
  body: string
  method: DescMethod
  call: (req: never) => unknown
}

const STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.FailedPrecondition]: 400,
  [Code.OutOfRange]: 400,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.Aborted]: 409,
  [Code.PermissionDenied]: 403,
  [Code.Unauthenticated]: 401,
  [Code.ResourceExhausted]: 429,
  [Code.Unimplemented]: 501,
  [Code.Unavailable]: 503,
  [Code.DeadlineExceeded]: 504,
  [Code.Canceled]: 499,
}

function compile(template: string): {regex: RegExp; params: string[]; literals: number} {
  const params: string[] = []
  let literals = 0
  const parts = template.split('/').map((seg) => {
    const m = /^\{([^}=]+)(?:=([^}]*))?\}$/.exec(seg)
    if (!m) {
      literals++
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
    params.push(m[1]!)
    return m[2]?.includes('**') ? '(.+)' : '([^/]+)'
  })
  return {regex: new RegExp(`^${parts.join('/')}$`), params, literals}
}

export function buildRoutes(bindings: ServiceBinding[]): Route[] {
  const routes: Route[] = []
  for (const {service, impl} of bindings) {
    for (const method of service.methods) {
      const call = impl[method.localName]
      if (!call || method.methodKind !== 'unary') continue
      const rule = getOption(method, httpRule)
      for (const r of [rule, ...rule.additionalBindings] as HttpRule[]) {
        if (r.pattern.case === undefined || r.pattern.case === 'custom') continue
        routes.push({verb: r.pattern.case.toUpperCase(), ...compile(r.pattern.value), body: r.body, method, call})
      }
    }
  }
  return routes.sort((a, b) => b.literals - a.literals)
}

function findField(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((f) => f.name === name || f.jsonName === name)
}

/** Sets a dotted field path on a JSON request object, coercing the text to the field's kind. */
function setPath(obj: JsonObject, message: DescMessage, path: string, value: string): void {
  const segs = path.split('.')
  let target = obj
  let desc: DescMessage = message
  for (let i = 0; i < segs.length; i++) {
    const field = findField(desc, segs[i]!)
    if (!field) return
    if (i < segs.length - 1) {
      if (field.fieldKind !== 'message') return
      target[field.name] ??= {}
      target = target[field.name] as JsonObject
      desc = field.message
      continue
    }
    let v: JsonValue = value
    const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind
    if (kind === 'enum' && /^\d+$/.test(value)) v = Number(value)
    else if (kind === 'scalar' && value === 'true') v = true
    else if (kind === 'scalar' && value === 'false') v = false
    if (field.fieldKind === 'list') ((target[field.name] ??= []) as JsonValue[]).push(v)
    else target[field.name] = v
  }
}

/** A REST body over the limit: answered 413, and the rest of it is not read. */
class BodyTooLarge extends Error {}

/** The setting that raises the body and message limit, named in the 413 answer. */
export const MESSAGE_LIMIT_SETTING = 'flytectl demo start --maxMessageSize'

function tooLarge(maxBytes: number): BodyTooLarge {
  return new BodyTooLarge(`request body exceeds the limit of ${maxBytes} bytes (${MESSAGE_LIMIT_SETTING})`)
}

function readBody(req: PlainRequest, maxBytes: number): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const declared = Number(header(req, 'content-length') || '0')
    if (declared > maxBytes) {
      fail(tooLarge(maxBytes))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (c: Buffer) => {
      if (done) return
      size += c.length
      if (size > maxBytes) {
        done = true
        chunks.length = 0
        fail(tooLarge(maxBytes))
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      done = true
      ok(Buffer.concat(chunks))
    })
    req.on('close', () => {
      if (!done) fail(new Error('the client closed the request before its body ended'))
    })
  })
}

function header(req: PlainRequest, name: string): string {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(',') : (v ?? '')
}

/** Answers a `/api/v1/...` request; false when no route matches (the caller sends 404). */
export async function handleRest(
  routes: Route[],
  url: URL,
  req: PlainRequest,
  res: PlainResponse,
  maxBodyBytes: number,
  guard?: CallGuard,
  metrics?: PlaneMetrics,
): Promise<boolean> {
  const verb = (req.method ?? 'GET').toUpperCase()
  let route: Route | undefined
  let match: RegExpExecArray | null = null
  for (const r of routes) {
    if (r.verb !== verb) continue
    match = r.regex.exec(url.pathname)
    if (match) {
      route = r
      break
    }
  }
  if (!route || !match) return false
  const binary = header(req, 'accept').includes('application/octet-stream')
  const t0 = performance.now()
  metrics?.callStarted(route.method)
  const observe = (code: Code | undefined) => metrics?.observeCall(route.method, code, (performance.now() - t0) / 1000)
  try {
    const caller = guard ? await guard.caller((n) => header(req, n) || undefined, route.method) : undefined
    const input = route.method.input
    let message
    const raw = route.body !== '' ? await readBody(req, maxBodyBytes) : Buffer.alloc(0)
    if (header(req, 'content-type').includes('application/octet-stream') && route.body === '*') {
      message = fromBinary(input, raw)
    } else {
      let obj: JsonObject = {}
      if (raw.length > 0) {
        const parsed = JSON.parse(raw.toString('utf8')) as JsonValue
        if (route.body === '*') obj = parsed as JsonObject
        else {
          const field = findField(input, route.body)
          if (field) obj[field.name] = parsed
        }
      }
      route.params.forEach((p, i) => setPath(obj, input, p, decodeURIComponent(match![i + 1]!)))
      for (const [k, v] of url.searchParams) setPath(obj, input, k, v)
      message = fromJson(input, obj, {ignoreUnknownFields: true})
    }
    const call = () => Promise.resolve(route.call(message as never))
    const out = guard ? await guard.run(caller, route.method, message, call) : await call()
    const output = route.method.output
    if (binary) {
      const bytes = toBinary(output, out as never)
      res.writeHead(200, {'content-type': 'application/octet-stream'})
      res.end(bytes)
    } else {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify(toJson(output, out as never, {useProtoFieldName: true})))
    }
    observe(undefined)
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      observe(Code.ResourceExhausted)
      // The rest of the body is read and dropped (see the edge), so that the client can read this answer.
      res.writeHead(413, {'content-type': 'application/json'})
      res.end(JSON.stringify({code: Code.ResourceExhausted, message: error.message, details: []}))
      return true
    }
    const e = ConnectError.from(error, error instanceof SyntaxError ? Code.InvalidArgument : Code.Internal)
    observe(e.code)
    res.writeHead(STATUS[e.code] ?? 500, {'content-type': 'application/json'})
    res.end(JSON.stringify({code: e.code, message: e.rawMessage, details: []}))
  }
  return true
}
