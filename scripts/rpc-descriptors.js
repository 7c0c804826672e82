// Writes one small descriptor set per client RPC method to dist/rpc/<service>/<method>.json: only
// the messages and enums that method's request and response reach, so a command reads a few
// kilobytes of descriptors instead of all of flyteidl (src/admin/lazy-service.ts reads them). The
// files are the FileDescriptorProto messages as JSON objects (not protobuf binary): reading them
// needs no descriptor.proto bootstrap, only JSON.parse. Option extensions are dropped (a client
// needs none of them).
// Run after tsc (`npm run build` does); reads the generated code in dist/src/gen.
import {clone, createFileRegistry} from '@bufbuild/protobuf'
import {FileDescriptorProtoSchema} from '@bufbuild/protobuf/wkt'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const gen = join(root, 'dist', 'src', 'gen', 'flyteidl', 'service')
const services = [
  ...Object.values(await import(join(gen, 'admin_pb.js'))),
  ...Object.values(await import(join(gen, 'dataproxy_pb.js'))),
  ...Object.values(await import(join(gen, 'auth_pb.js'))),
  ...Object.values(await import(join(gen, 'identity_pb.js'))),
  ...Object.values(await import(join(gen, 'signal_pb.js'))),
  ...Object.values(await import(join(root, 'dist', 'src', 'gen', 'flytectl', 'plane', 'v1', 'events_pb.js'))),
].filter((x) => x?.kind === 'service')

/** Every message and enum a message reaches through its fields, by full name → descriptor. */
function closure(messages) {
  const seen = new Map()
  const visit = (desc) => {
    if (!desc || seen.has(desc.typeName)) return
    seen.set(desc.typeName, desc)
    if (desc.kind !== 'message') return
    for (const f of desc.fields) {
      visit(f.message)
      visit(f.enum)
    }
  }
  for (const m of messages) visit(m)
  return seen
}

/** A copy of a file with only the wanted types (containers of wanted nested types keep no fields). */
function prune(file, wanted, serviceName, methodName) {
  const proto = clone(FileDescriptorProtoSchema, file.proto)
  const pkg = proto.package ? proto.package + '.' : ''
  const keepMessage = (m, prefix) => {
    const name = prefix + m.name
    const own = wanted.has(name)
    m.nestedType = m.nestedType.filter((n) => (own && n.options?.mapEntry) || keepMessage(n, name + '.'))
    m.enumType = m.enumType.filter((e) => wanted.has(name + '.' + e.name))
    if (!own) {
      m.field = []
      m.oneofDecl = []
    }
    m.extension = []
    return own || m.nestedType.length > 0 || m.enumType.length > 0
  }
  proto.messageType = proto.messageType.filter((m) => keepMessage(m, pkg))
  proto.enumType = proto.enumType.filter((e) => wanted.has(pkg + e.name))
  proto.service = proto.service
    .filter((s) => pkg + s.name === serviceName)
    .map((s) => ({...s, method: s.method.filter((m) => m.name === methodName)}))
  proto.extension = []
  proto.publicDependency = []
  proto.weakDependency = []
  return proto
}

/** The registry reads files in order: each after the files it imports. */
function dependenciesFirst(protos) {
  const byName = new Map(protos.map((p) => [p.name, p]))
  const out = []
  const done = new Set()
  const visit = (p) => {
    if (done.has(p.name)) return
    done.add(p.name)
    for (const d of p.dependency) visit(byName.get(d))
    out.push(p)
  }
  protos.forEach(visit)
  return out
}

/**
 * The compact schema src/admin/lite-proto.ts reads (dist/rpc/<service>/<method>.lite.json) for the
 * read-only unary calls (Get*, List*) whose types it covers: proto3 files, open enums, no FieldMask. Field by field it says what protobuf-es would
 * do: local name, number, JSON name, kind, scalar type, presence, oneof, packed, and the local
 * representation of wrapper and Struct fields. Undefined when the method is not eligible.
 */
function liteSchema(service, method, wanted) {
  if (method.methodKind !== 'unary' || !/^(Get|List)/.test(method.name) || /^GetOrCreate/.test(method.name)) {
    return undefined
  }
  const types = {}
  for (const desc of wanted.values()) {
    if (desc.file.edition !== 999) return undefined // EDITION_PROTO3
    if (desc.typeName === 'google.protobuf.FieldMask') return undefined
    if (desc.kind === 'enum') {
      if (!desc.open) return undefined
      types[desc.typeName] = {
        e: Object.fromEntries(desc.values.map((v) => [v.number, v.name])),
        z: desc.values[0].number,
      }
      continue
    }
    const field = (f) => {
      if (f.delimitedEncoding) throw new Error('delimited')
      const out = {n: f.localName, no: f.number, j: f.jsonName, k: f.fieldKind}
      if (f.name !== f.jsonName) out.pn = f.name
      if (f.scalar !== undefined) out.s = f.scalar
      if (f.longAsString) out.ls = 1
      if (f.message) out.t = f.message.typeName
      if (f.enum) out.t = f.enum.typeName
      if (f.fieldKind === 'list') out.lk = f.listKind
      if (f.fieldKind === 'list' && f.packed) out.pk = 1
      if (f.fieldKind === 'map') {
        out.mk = f.mapKey
        out.vk = f.mapKind
      }
      if (f.oneof) out.o = f.oneof.localName
      if (f.presence !== 2 && f.fieldKind !== 'list' && f.fieldKind !== 'map') out.p = 1 // not IMPLICIT
      if (f.message?.typeName === 'google.protobuf.Struct' && desc.typeName !== 'google.protobuf.Value') out.x = 'json'
      else if (f.fieldKind === 'message' && !f.oneof && isWrapper(f.message)) out.x = 'wrap'
      return out
    }
    try {
      types[desc.typeName] = {
        m: desc.members.map((m) => (m.kind === 'oneof' ? {n: m.localName, oneof: m.fields.map(field)} : field(m))),
      }
    } catch {
      return undefined
    }
  }
  return {
    path: `/${service.typeName}/${method.name}`,
    I: method.input.typeName,
    O: method.output.typeName,
    idempotent: true,
    types,
  }
}

function isWrapper(desc) {
  return (
    desc.typeName.startsWith('google.protobuf.') &&
    /^google\.protobuf\.(Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value$/.test(desc.typeName)
  )
}

let liteCount = 0
const outDir = join(root, 'dist', 'rpc')
rmSync(outDir, {recursive: true, force: true})
let count = 0
let bytes = 0
for (const service of services) {
  mkdirSync(join(outDir, service.typeName), {recursive: true})
  for (const method of service.methods) {
    const wanted = closure([method.input, method.output])
    const files = new Map()
    for (const desc of wanted.values()) files.set(desc.file.name, desc.file)
    files.set(service.file.name, service.file)
    const protos = [...files.values()].map((f) => prune(f, wanted, service.typeName, method.name))
    const names = new Set(protos.map((p) => p.name))
    for (const p of protos) p.dependency = p.dependency.filter((d) => names.has(d))
    const text = JSON.stringify(
      {$typeName: 'google.protobuf.FileDescriptorSet', file: dependenciesFirst(protos)},
      (k, v) => (k === '$unknown' ? undefined : v),
    )
    // Check the set stands on its own, read back exactly as lazy-service.ts reads it.
    const registry = createFileRegistry(JSON.parse(text))
    const svc = registry.getService(service.typeName)
    if (svc?.methods.length !== 1 || svc.methods[0].input.typeName !== method.input.typeName) {
      throw new Error(`descriptor set for ${service.typeName}.${method.name} is incomplete`)
    }
    writeFileSync(join(outDir, service.typeName, `${method.localName}.json`), text)
    const lite = liteSchema(service, method, wanted)
    if (lite) {
      writeFileSync(join(outDir, service.typeName, `${method.localName}.lite.json`), JSON.stringify(lite))
      liteCount++
    }
    count++
    bytes += text.length
  }
}
console.log(
  `wrote ${count} method descriptor sets (${Math.round(bytes / 1024)} KiB) to ${outDir}, ${liteCount} with a lite schema`,
)
