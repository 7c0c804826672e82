/**
 * Clients whose methods load their descriptors on first use. The build writes one small descriptor
 * set per method (scripts/rpc-descriptors.js → dist/rpc/<service>/<method>.json) holding only the
 * types that method's request and response reach, so `get project` reads a few KiB of descriptors
 * instead of decoding all of flyteidl. The messages are the same as the generated code's (same type names,
 * fields and JSON names); the types come from the generated services (type-only imports).
 *
 * A read-only call (Get*, List*) first goes the fast way when the client has one (src/admin/fast-call.ts:
 * node:http2 and the lite codec, no protobuf runtime, no Connect); anything but a clean answer there
 * goes to the full Connect client, which owns retries, auth and the error a user sees: an error
 * status the server sent is replayed to it as its first attempt, and without an answer (no
 * connection, a reset, a message the codec does not take) it makes the call. This module itself
 * loads neither protobuf-es nor Connect until a call needs them.
 */
import type {DescMessage, DescService, FileRegistry} from '@bufbuild/protobuf'
import type {Client, Transport} from '@connectrpc/connect'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {PACKAGE_ROOT} from '../package-root.js'
import {REPLAY_HEADER, type FastPath} from './fast-call.js'
import type {LiteMessage, LiteSchema} from './lite-proto.js'

const registries: FileRegistry[] = []
let protobuf: typeof import('@bufbuild/protobuf') | undefined

function descriptorFile(serviceTypeName: string, methodLocalName: string, suffix = '.json'): string {
  return join(PACKAGE_ROOT, 'dist', 'rpc', serviceTypeName, `${methodLocalName}${suffix}`)
}

function readDescriptorSet(serviceTypeName: string, methodLocalName: string): unknown {
  let text: string
  try {
    text = readFileSync(descriptorFile(serviceTypeName, methodLocalName), 'utf8')
  } catch {
    throw new Error(`${serviceTypeName} has no method ${methodLocalName} (or the build did not write dist/rpc)`)
  }
  return JSON.parse(text)
}

/** A service with one method, from its build-time descriptor set. */
export async function methodService(serviceTypeName: string, methodLocalName: string): Promise<DescService> {
  const set = readDescriptorSet(serviceTypeName, methodLocalName)
  protobuf ??= await import('@bufbuild/protobuf')
  const registry = protobuf.createFileRegistry(set as Parameters<typeof protobuf.createFileRegistry>[0])
  registries.push(registry)
  return registry.getService(serviceTypeName)!
}

const liteSchemas = new Map<string, LiteSchema | null>()

/** The lite schema of a read-only method, or null when it has none (see scripts/rpc-descriptors.js). */
export function liteSchema(
  LiteSchemaClass: typeof LiteSchema,
  serviceTypeName: string,
  methodLocalName: string,
): LiteSchema | null {
  const key = `${serviceTypeName}/${methodLocalName}`
  let s = liteSchemas.get(key)
  if (s === undefined) {
    try {
      s = new LiteSchemaClass(
        JSON.parse(readFileSync(descriptorFile(serviceTypeName, methodLocalName, '.lite.json'), 'utf8')),
      )
    } catch {
      s = null
    }
    liteSchemas.set(key, s)
  }
  return s
}

/** Does the method stream (server or client side)? Read from its descriptor set. */
function streams(serviceTypeName: string, methodLocalName: string): boolean {
  const set = readDescriptorSet(serviceTypeName, methodLocalName) as {
    file: {service?: {method?: {name: string; serverStreaming?: boolean; clientStreaming?: boolean}[]}[]}[]
  }
  for (const f of set.file) {
    for (const s of f.service ?? [])
      for (const m of s.method ?? []) if (m.serverStreaming || m.clientStreaming) return true
  }
  return false
}

/**
 * A client for `S` whose methods are built on first call. `transport` gives the Connect transport
 * (made on first need); `fast`, when given, serves the read-only unary calls it can.
 */
export function lazyClient<S extends DescService>(
  serviceTypeName: string,
  transport: () => Promise<Transport>,
  fast?: FastPath,
): Client<S> {
  const full = new Map<string, Promise<(...args: unknown[]) => unknown>>()
  const fullMethod = (prop: string) => {
    let fn = full.get(prop)
    if (!fn) {
      fn = (async () => {
        const [service, t, {createClient}] = await Promise.all([
          methodService(serviceTypeName, prop),
          transport(),
          import('@connectrpc/connect'),
        ])
        const client = createClient(service, t) as unknown as Record<string, (...args: unknown[]) => unknown>
        return client[prop]!
      })()
      full.set(prop, fn)
    }
    return fn
  }
  const methods = new Map<string, unknown>()
  return new Proxy({} as Client<S>, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined
      let fn = methods.get(prop)
      if (!fn) {
        if (!fast && streams(serviceTypeName, prop)) {
          fn = async function* (...args: unknown[]) {
            yield* (await fullMethod(prop))(...args) as AsyncIterable<unknown>
          }
        } else {
          fn = async (req: unknown, options?: unknown) => {
            if (fast && options === undefined) {
              const res = await fast.call(serviceTypeName, prop, req)
              if (res && 'message' in res) return res.message
              if (res) return (await fullMethod(prop))(req, {headers: {[REPLAY_HEADER]: res.replay}})
            }
            return (await fullMethod(prop))(req, options)
          }
        }
        methods.set(prop, fn)
      }
      return fn
    },
  })
}

/** The descriptor of a message type some lazy client has loaded (for JSON output of its results). */
export function loadedSchema(typeName: string): DescMessage | undefined {
  for (const r of registries) {
    const m = r.getMessage(typeName)
    if (m) return m
  }
  return undefined
}

/** Lite schemas of the messages the fast path returned (for JSON output of its results). */
const liteDecoded = new Map<string, LiteSchema>()

export function noteLiteType(typeName: string, schema: LiteSchema): void {
  if (!liteDecoded.has(typeName)) liteDecoded.set(typeName, schema)
}

/**
 * protojson of a message an admin client returned, as protobuf-es's `toJson(schema, message)` writes
 * it: with the full runtime when the message came from the Connect client, else the lite codec.
 */
export function messageToJson(message: {$typeName: string}): unknown {
  const schema = loadedSchema(message.$typeName)
  if (schema && protobuf) return protobuf.toJson(schema, message as never)
  for (const lite of liteDecoded.values()) {
    if (lite.has(message.$typeName)) return lite.toJson(message as LiteMessage)
  }
  throw new Error(`no descriptor loaded for ${message.$typeName}`)
}
