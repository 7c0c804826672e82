/**
 * Binding resolution: turns a node's (or a workflow's output) bindings into literals, given the
 * workflow's inputs and the outputs of the nodes that already finished. Pure; no I/O.
 */
import {create, type JsonValue} from '@bufbuild/protobuf'
import {decode as msgpackDecode, encode as msgpackEncode} from '@msgpack/msgpack'
import type {Binary, Binding, BindingData, Literal, LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import {
  BinarySchema,
  LiteralCollectionSchema,
  LiteralMapSchema,
  LiteralSchema,
  PrimitiveSchema,
  ScalarSchema,
  UnionSchema,
} from '../../gen/flyteidl/core/literals_pb.js'
import type {OutputReference, PromiseAttribute} from '../../gen/flyteidl/core/types_pb.js'

/** The id Flyte gives the virtual node whose outputs are the workflow's inputs. */
export const START_NODE_ID = 'start-node'

/** flytekit writes workflow-input promises with an empty node id; the compiler reads that as the start node. */
export const isStartNode = (nodeId: string) => nodeId === START_NODE_ID || nodeId === ''
/** The id of the virtual node whose inputs are the workflow's outputs. */
export const END_NODE_ID = 'end-node'

export class BindingError extends Error {
  override name = 'BindingError'
}

/** What bindings can refer to: the enclosing workflow's inputs and finished nodes' outputs. */
export interface BindingScope {
  inputs: LiteralMap
  outputs: ReadonlyMap<string, LiteralMap>
}

export function resolveBindings(bindings: readonly Binding[], scope: BindingScope): LiteralMap {
  const literals: Record<string, Literal> = {}
  for (const b of bindings) {
    if (!b.binding) throw new BindingError(`binding for input [${b.var}] has no value`)
    literals[b.var] = resolveBindingData(b.binding, scope, b.var)
  }
  return create(LiteralMapSchema, {literals})
}

export function resolveBindingData(data: BindingData, scope: BindingScope, varName = ''): Literal {
  const literal = resolveValue(data, scope, varName)
  // A binding into a union-typed input carries the variant type: wrap like the engine does.
  if (data.union?.targetType) {
    return create(LiteralSchema, {
      value: {
        case: 'scalar',
        value: create(ScalarSchema, {
          value: {case: 'union', value: create(UnionSchema, {value: literal, type: data.union.targetType})},
        }),
      },
    })
  }
  return literal
}

function resolveValue(data: BindingData, scope: BindingScope, varName: string): Literal {
  switch (data.value.case) {
    case 'scalar':
      return create(LiteralSchema, {value: {case: 'scalar', value: data.value.value}})
    case 'collection':
      return create(LiteralSchema, {
        value: {
          case: 'collection',
          value: create(LiteralCollectionSchema, {
            literals: data.value.value.bindings.map((b) => resolveBindingData(b, scope, varName)),
          }),
        },
      })
    case 'map': {
      const literals: Record<string, Literal> = {}
      for (const [k, b] of Object.entries(data.value.value.bindings))
        literals[k] = resolveBindingData(b, scope, varName)
      return create(LiteralSchema, {value: {case: 'map', value: create(LiteralMapSchema, {literals})}})
    }
    case 'promise':
      return resolvePromise(data.value.value, scope)
    case 'offloadedMetadata':
      return create(LiteralSchema, {value: {case: 'offloadedMetadata', value: data.value.value}})
    default:
      throw new BindingError(`binding for input [${varName}] is empty`)
  }
}

/** Upstream node ids a set of bindings reads from (promises), excluding the start node. */
export function promiseNodeIds(bindings: readonly Binding[]): string[] {
  const ids = new Set<string>()
  const visit = (d: BindingData | undefined): void => {
    if (!d) return
    switch (d.value.case) {
      case 'promise':
        if (!isStartNode(d.value.value.nodeId)) ids.add(d.value.value.nodeId)
        break
      case 'collection':
        d.value.value.bindings.forEach(visit)
        break
      case 'map':
        Object.values(d.value.value.bindings).forEach(visit)
        break
      default:
        break
    }
  }
  for (const b of bindings) visit(b.binding)
  return [...ids]
}

function resolvePromise(ref: OutputReference, scope: BindingScope): Literal {
  const source = isStartNode(ref.nodeId) ? scope.inputs : scope.outputs.get(ref.nodeId)
  if (!source) throw new BindingError(`node [${ref.nodeId}] has not produced outputs (needed for [${ref.var}])`)
  const literal = source.literals[ref.var]
  if (!literal) {
    const what = isStartNode(ref.nodeId) ? 'workflow input' : `output of node [${ref.nodeId}]`
    throw new BindingError(`${what} [${ref.var}] not found`)
  }
  return ref.attrPath.length === 0 ? literal : resolveAttrPath(literal, ref.attrPath, `${ref.nodeId}.${ref.var}`)
}

/** Follows `x["key"][0].field` style attribute paths into maps, lists and generic (Struct) values. */
export function resolveAttrPath(literal: Literal, path: readonly PromiseAttribute[], label = ''): Literal {
  let current: Literal = literal
  for (let i = 0; i < path.length; i++) {
    const attr = path[i]!
    const key = attr.value.case === 'stringValue' ? attr.value.value : attr.value.value
    if (current.value.case === 'map' && typeof key === 'string') {
      const next = current.value.value.literals[key]
      if (!next) throw new BindingError(`key [${key}] not found in map [${label}]`)
      current = next
    } else if (current.value.case === 'collection' && typeof key === 'number') {
      const next = current.value.value.literals[key]
      if (!next) throw new BindingError(`index [${key}] out of range for list [${label}]`)
      current = next
    } else if (current.value.case === 'scalar' && current.value.value.value.case === 'generic') {
      return jsonToLiteral(walkJson(current.value.value.value.value, path.slice(i), label))
    } else if (current.value.case === 'scalar' && current.value.value.value.case === 'binary') {
      return binaryAttr(current.value.value.value.value, path.slice(i), label)
    } else {
      throw new BindingError(`cannot access [${String(key)}] on [${label}] (${describeLiteral(current)})`)
    }
  }
  return current
}

/**
 * flytekit serialises dataclasses and Pydantic models as MessagePack (`tag: msgpack`): the engine
 * decodes, follows the path and hands the part on as MessagePack again.
 */
function binaryAttr(bin: Binary, path: readonly PromiseAttribute[], label: string): Literal {
  if (bin.tag !== 'msgpack')
    throw new BindingError(`cannot access attributes of a binary value tagged [${bin.tag}] (${label})`)
  let value: unknown
  try {
    value = msgpackDecode(bin.value)
  } catch (err) {
    throw new BindingError(`[${label}] is not valid MessagePack: ${(err as Error).message}`)
  }
  const part = walkJson(value as JsonValue, path, label)
  return create(LiteralSchema, {
    value: {
      case: 'scalar',
      value: create(ScalarSchema, {
        value: {case: 'binary', value: create(BinarySchema, {value: msgpackEncode(part), tag: 'msgpack'})},
      }),
    },
  })
}

function walkJson(value: JsonValue, path: readonly PromiseAttribute[], label: string): JsonValue {
  let current = value
  for (const attr of path) {
    const key = attr.value.value
    if (Array.isArray(current) && typeof key === 'number') {
      if (key >= current.length) throw new BindingError(`index [${key}] out of range in [${label}]`)
      current = current[key]!
    } else if (current !== null && typeof current === 'object' && !Array.isArray(current) && typeof key === 'string') {
      if (!(key in current)) throw new BindingError(`key [${key}] not found in [${label}]`)
      current = current[key]!
    } else {
      throw new BindingError(`cannot access [${String(key)}] in [${label}]`)
    }
  }
  return current
}

/** A JSON value taken out of a Struct becomes a primitive, or stays generic for objects and lists. */
function jsonToLiteral(value: JsonValue): Literal {
  const scalar = (v: Parameters<typeof create<typeof ScalarSchema>>[1]) =>
    create(LiteralSchema, {value: {case: 'scalar', value: create(ScalarSchema, v)}})
  if (value === null) return scalar({value: {case: 'noneType', value: {}}})
  if (typeof value === 'string')
    return scalar({value: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'stringValue', value}})}})
  if (typeof value === 'boolean')
    return scalar({value: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'boolean', value}})}})
  if (typeof value === 'number') {
    const prim = Number.isInteger(value)
      ? create(PrimitiveSchema, {value: {case: 'integer', value: BigInt(value)}})
      : create(PrimitiveSchema, {value: {case: 'floatValue', value}})
    return scalar({value: {case: 'primitive', value: prim}})
  }
  if (Array.isArray(value)) {
    return create(LiteralSchema, {
      value: {case: 'collection', value: create(LiteralCollectionSchema, {literals: value.map(jsonToLiteral)})},
    })
  }
  return scalar({value: {case: 'generic', value}})
}

export function describeLiteral(l: Literal): string {
  if (l.value.case === 'scalar') return `scalar ${l.value.value.value.case ?? 'empty'}`
  return l.value.case ?? 'empty literal'
}
