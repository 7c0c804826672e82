/** protojson as flytectl prints it (camelCase names, enum names, defaults omitted). */
import {toJson, type DescMessage, type MessageShape} from '@bufbuild/protobuf'

export {messageJson} from './message-json.js'

export function protoJson<D extends DescMessage>(schema: D, message: MessageShape<D>): Record<string, unknown> {
  return toJson(schema, message) as Record<string, unknown>
}
