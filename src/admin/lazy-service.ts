/**
 * Clients whose methods load their descriptors on first use. The build writes one small descriptor
 * set per method (scripts/rpc-descriptors.js → dist/rpc/<service>/<method>.json) holding only the
 * types that method's request and response reach, so `get project` reads a few KiB of descriptors
 * instead of decoding all of flyteidl. The messages are the same as the generated code's (same type names,
 * fields and JSON names); the types come from the generated services (type-only imports).
 */
import {createFileRegistry, type DescMessage, type DescService, type FileRegistry} from '@bufbuild/protobuf'
import type {FileDescriptorSet} from '@bufbuild/protobuf/wkt'
import {createClient, type Client, type Transport} from '@connectrpc/connect'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {PACKAGE_ROOT} from '../package-root.js'

const registries: FileRegistry[] = []

/** A service with one method, from its build-time descriptor set. */
export function methodService(serviceTypeName: string, methodLocalName: string): DescService {
  let text: string
  try {
    text = readFileSync(join(PACKAGE_ROOT, 'dist', 'rpc', serviceTypeName, `${methodLocalName}.json`), 'utf8')
  } catch {
    throw new Error(`${serviceTypeName} has no method ${methodLocalName} (or the build did not write dist/rpc)`)
  }
  const registry = createFileRegistry(JSON.parse(text) as FileDescriptorSet)
  registries.push(registry)
  return registry.getService(serviceTypeName)!
}

/** A client for `S` whose methods are built on first call. */
export function lazyClient<S extends DescService>(serviceTypeName: string, transport: Transport): Client<S> {
  const methods = new Map<string, unknown>()
  return new Proxy({} as Client<S>, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined
      let fn = methods.get(prop)
      if (!fn) {
        const client = createClient(methodService(serviceTypeName, prop), transport) as Record<string, unknown>
        fn = client[prop]
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
