/**
 * REST validation against GitHub's published OpenAPI description (`@octokit/openapi`,
 * api.github.com). The spec is loaded once per process, its OpenAPI 3.0 dialect is turned into
 * JSON Schema (`nullable`, `discriminator`, `example`), and one ajv validator is compiled lazily
 * per operation part and cached.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {ValidateFunction} from 'ajv'

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
type JsonObject = {[key: string]: Json}

export interface Operation {
  /** "GET /repos/{owner}/{repo}" */
  key: string
  method: string
  template: string
  operationId: string
  segments: string[]
  /** Path parameter names that may span several segments (x-multi-segment, or the last one). */
  multiSegment: Set<string>
  parameters: JsonObject[]
  requestSchema?: JsonObject
  responses: Record<string, JsonObject | null>
}

export interface SpecIndex {
  operations: Map<string, Operation>
  /** Compiled validators are cached under a key like "GET /x#response:200". */
  validator(op: Operation, part: string, schema: JsonObject): ValidateFunction
}

let loaded: SpecIndex | undefined

function specPath(): string {
  const index = import.meta.resolve('@octokit/openapi')
  return fileURLToPath(new URL('./generated/api.github.com.json', index))
}

/**
 * OpenAPI 3.0 schema dialect → JSON Schema draft-07 as ajv understands it: `nullable` becomes a
 * null type (or an anyOf with null), `example`/`discriminator` go, `oneOf` is read as `anyOf`.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (node === null || typeof node !== 'object') return node
  const out: JsonObject = {}
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'examples' || k === 'discriminator' || k === 'nullable') continue
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      out[k] = 'github-openapi' + v
      continue
    }
    // `properties`/`patternProperties` hold names, not keywords: keep names like "example" intact.
    if ((k === 'properties' || k === 'patternProperties') && v && typeof v === 'object' && !Array.isArray(v)) {
      const props: JsonObject = {}
      for (const [name, schema] of Object.entries(v)) props[name] = toJsonSchema(schema)
      out[k] = props
      continue
    }
    // GitHub's oneOf alternatives often overlap (basic-error vs. repository-rule-violation-error both
    // accept {message}), so real responses match several; validate as anyOf (at least one).
    out[k === 'oneOf' ? 'anyOf' : k] = toJsonSchema(v)
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null']
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
      return out
    }
    return {anyOf: [{type: 'null'}, out]}
  }
  return out
}

const REF = '#/components/schemas/'

/** Every component schema `schema` reaches through $ref. */
function refClosure(schema: Json, components: JsonObject, into: Set<string>): Set<string> {
  const walk = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(walk)
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) {
          const name = v.slice(REF.length)
          if (!into.has(name)) {
            into.add(name)
            walk(components[name] ?? null)
          }
        } else if (k !== 'example' && k !== 'examples') walk(v)
      }
    }
  }
  walk(schema)
  return into
}

export async function loadSpec(): Promise<SpecIndex> {
  if (loaded) return loaded
  const raw = JSON.parse(readFileSync(specPath(), 'utf8')) as JsonObject
  const rawComponents = raw.components as JsonObject
  const schemas = rawComponents.schemas as JsonObject
  // Both packages are CommonJS; under nodenext `default` is module.exports, whose `default` is the export.
  const Ajv = (await import('ajv')).default.default
  const addFormats = (await import('ajv-formats')).default.default
  const ajv = new Ajv({strict: false, allErrors: false, logger: false, validateFormats: true})
  addFormats(ajv)
  for (const f of ['uri-template', 'repo.nwo', 'ssh-key', 'ssh-key fingerprint', 'binary', 'int64', 'int32', 'float']) {
    ajv.addFormat(f, true)
  }
  // Component schemas are added to ajv on first use (each compiled once, shared by operations).
  const added = new Set<string>()
  const prepare = (schema: JsonObject): JsonObject => {
    for (const name of refClosure(schema, schemas, new Set())) {
      if (added.has(name)) continue
      added.add(name)
      ajv.addSchema({
        ...(toJsonSchema(schemas[name] ?? {}) as JsonObject),
        $id: `github-openapi#/components/schemas/${name}`,
      } as object)
    }
    return toJsonSchema(schema) as JsonObject
  }
  const deref = (section: string, value: JsonObject): JsonObject => {
    if (typeof value.$ref !== 'string') return value
    const name = value.$ref.split('/').pop() as string
    return (rawComponents[section] as JsonObject)[name] as JsonObject
  }

  const operations = new Map<string, Operation>()
  for (const [template, item] of Object.entries(raw.paths as JsonObject)) {
    for (const [method, opRaw] of Object.entries(item as JsonObject)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const op = opRaw as JsonObject
      const parameters = ((op.parameters as Json[]) ?? []).map((p) => deref('parameters', p as JsonObject))
      const multi = new Set<string>()
      for (const p of parameters) if (p['x-multi-segment'] === true) multi.add(p.name as string)
      const responses: Record<string, JsonObject | null> = {}
      for (const [status, resp] of Object.entries(op.responses as JsonObject)) {
        const r = deref('responses', resp as JsonObject)
        const content = r.content as JsonObject | undefined
        const json = content?.['application/json'] as JsonObject | undefined
        responses[status] = (json?.schema as JsonObject) ?? null
      }
      const body = (op.requestBody as JsonObject | undefined)?.content as JsonObject | undefined
      const requestSchema = (body?.['application/json'] as JsonObject | undefined)?.schema as JsonObject | undefined
      const upper = method.toUpperCase()
      operations.set(`${upper} ${template}`, {
        key: `${upper} ${template}`,
        method: upper,
        template,
        operationId: op.operationId as string,
        segments: template.split('/').slice(1),
        multiSegment: multi,
        parameters,
        requestSchema,
        responses,
      })
    }
  }
  const cache = new Map<string, ValidateFunction>()
  const index: SpecIndex = {
    operations,
    validator(op, part, schema) {
      const key = `${op.key}#${part}`
      const cached = cache.get(key)
      if (cached) return cached
      const fn = ajv.compile(prepare(schema) as object)
      cache.set(key, fn)
      return fn
    },
  }
  loaded = index
  return index
}

/** Short, readable ajv errors: "/head/sha must be string". */
export function describeErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
    .join('; ')
}
