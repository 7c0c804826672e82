/** protojson as flytectl prints it (camelCase names, enum names, defaults omitted). */
import {toJson, type DescMessage, type Message, type MessageShape} from '@bufbuild/protobuf'
import {loadedSchema} from '../admin/lazy-service.js'

export function protoJson<D extends DescMessage>(schema: D, message: MessageShape<D>): Record<string, unknown> {
  return toJson(schema, message) as Record<string, unknown>
}

/** protojson of a message an admin client returned (its descriptor is the one the client loaded). */
export function messageJson(message: Message): Record<string, unknown> {
  const schema = loadedSchema(message.$typeName)
  if (!schema) throw new Error(`no descriptor loaded for ${message.$typeName}`)
  return toJson(schema, message) as Record<string, unknown>
}
