/** protojson of a message an admin client returned, without loading the protobuf runtime itself. */
import {messageToJson} from '../admin/lazy-service.js'

/**
 * protojson as flytectl prints it (camelCase names, enum names, defaults omitted) of a message an
 * admin client returned: the descriptor is the one that client loaded, full or lite.
 */
export function messageJson(message: {$typeName: string}): Record<string, unknown> {
  return messageToJson(message) as Record<string, unknown>
}
