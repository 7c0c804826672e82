/**
 * The local cache for discoverable tasks (`@task(cache=True, cache_version=...)`): outputs keyed by
 * the task's project, domain, name, cache version, interface and input values (minus
 * `cache_ignore_input_vars`). Entries are outputs.pb files under `<blobRoot>/catalog/`.
 */
import {toBinary} from '@bufbuild/protobuf'
import {createHash} from 'node:crypto'
import {join} from 'node:path'
import {LiteralSchema, type Literal, type LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'
import {TypedInterfaceSchema, type TypedInterface} from '../../gen/flyteidl/core/interface_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'
import type {Node} from '../../gen/flyteidl/core/workflow_pb.js'
import {readLiteralMap, readOptional, writeLiteralMap} from './storage.js'

/** Whether this node's task output may come from (and goes to) the cache. */
export function isCacheable(task: TaskTemplate, node: Node): boolean {
  const override = node.metadata?.cacheableValue
  return override?.case === 'cacheable' ? override.value : Boolean(task.metadata?.discoverable)
}

/** A stable digest of literals: sorted names, each literal's bytes (or its own hash when it has one). */
export function inputsDigest(inputs: LiteralMap, ignore: readonly string[] = []): string {
  const h = createHash('sha256')
  for (const name of Object.keys(inputs.literals).sort()) {
    if (ignore.includes(name)) continue
    const lit: Literal = inputs.literals[name]!
    h.update(name).update('\0')
    h.update(lit.hash ? `hash:${lit.hash}` : toBinary(LiteralSchema, lit)).update('\0')
  }
  return h.digest('hex')
}

export function cacheKey(task: TaskTemplate, node: Node, inputs: LiteralMap): string {
  const id = task.id
  const version = node.metadata?.cacheVersionValue.case === 'cacheVersion' ? node.metadata.cacheVersionValue.value : ''
  const iface: TypedInterface | undefined = task.interface
  const h = createHash('sha256')
  h.update([id?.project, id?.domain, id?.name, version || task.metadata?.discoveryVersion || ''].join('\0'))
  h.update('\0').update(iface ? toBinary(TypedInterfaceSchema, iface) : new Uint8Array())
  h.update('\0').update(inputsDigest(inputs, task.metadata?.cacheIgnoreInputVars ?? []))
  return h.digest('hex')
}

export class LocalCatalog {
  constructor(private readonly blobRoot: string) {}

  path(key: string): string {
    return join(this.blobRoot, 'catalog', key.slice(0, 2), key, 'outputs.pb')
  }

  get(key: string): Promise<LiteralMap | null> {
    return readOptional(this.path(key), readLiteralMap)
  }

  put(key: string, outputs: LiteralMap): Promise<void> {
    return writeLiteralMap(this.path(key), outputs)
  }
}
