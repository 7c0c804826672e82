/**
 * Ids as the engine makes them. A node inside a sub-workflow, branch or dynamic workflow is known by
 * a unique id built from its parent's unique id, the parent's attempt and its own id, joined with `-`;
 * when that is longer than 20 characters it becomes `f` + the unpadded base32 (alphabet
 * `a-z1-6`) of its FNV-1a hash (32-bit: 8 characters; 64-bit: 14). Launch-plan nodes name their child
 * execution the same way from the parent execution's name, the node's unique id and its attempt,
 * with the 64-bit hash.
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz123456'
const MAX_UNIQUE_ID = 20

function fnv1a32(bytes: Uint8Array): Uint8Array {
  let h = 0x811c9dc5
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, h)
  return out
}

function fnv1a64(bytes: Uint8Array): Uint8Array {
  let h = 0xcbf29ce484222325n
  const mask = (1n << 64n) - 1n
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & mask
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, h)
  return out
}

/** RFC 4648 base32 bit grouping, without padding, in the engine's alphabet. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** The parts joined with `-` (empty leading parts add no dash), hashed when longer than `max`. */
export function fixedLengthUniqueId(parts: string[], max = MAX_UNIQUE_ID, hash: 32 | 64 = 32): string {
  let joined = ''
  for (const [i, p] of parts.entries()) {
    if (i > 0 && joined.length > 0) joined += '-'
    joined += p
  }
  if (joined.length <= max) return joined
  const bytes = new TextEncoder().encode(joined)
  return 'f' + base32(hash === 64 ? fnv1a64(bytes) : fnv1a32(bytes))
}

/** The unique id of node `nodeId` whose parent node has `parentUniqueId` and runs attempt `attempt`. */
export function childNodeId(parentUniqueId: string, attempt: number, nodeId: string): string {
  return fixedLengthUniqueId([parentUniqueId, String(attempt), nodeId])
}

/** The name of the execution a launch-plan node starts. */
export function childExecutionName(parentExecution: string, nodeUniqueId: string, attempt: number): string {
  return fixedLengthUniqueId([parentExecution, nodeUniqueId, String(attempt)], MAX_UNIQUE_ID, 64)
}
