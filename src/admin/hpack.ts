/**
 * HPACK (RFC 7541), as much as a client of one server needs: a decoder for the header blocks it gets
 * (static and dynamic table, Huffman strings, table size updates) and an encoder that writes every
 * field as a literal without indexing and without Huffman coding (always valid, and the request
 * headers of a unary call are a few hundred bytes). Strings are bytes read as Latin-1, as node:http2
 * gives them. Malformed input throws HpackError; the caller drops the connection.
 */

export class HpackError extends Error {}

/** RFC 7541 Appendix A. */
const STATIC: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ...[
    'accept-charset',
    'accept-encoding',
    'accept-language',
    'accept-ranges',
    'accept',
    'access-control-allow-origin',
    'age',
    'allow',
    'authorization',
    'cache-control',
    'content-disposition',
    'content-encoding',
    'content-language',
    'content-length',
    'content-location',
    'content-range',
    'content-type',
    'cookie',
    'date',
    'etag',
    'expect',
    'expires',
    'from',
    'host',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'last-modified',
    'link',
    'location',
    'max-forwards',
    'proxy-authenticate',
    'proxy-authorization',
    'range',
    'referer',
    'refresh',
    'retry-after',
    'server',
    'set-cookie',
    'strict-transport-security',
    'transfer-encoding',
    'user-agent',
    'vary',
    'via',
    'www-authenticate',
  ].map((name): [string, string] => [name, name === 'accept-encoding' ? 'gzip, deflate' : '']),
]

/**
 * The bit length of each symbol's Huffman code (RFC 7541 Appendix B; symbol 256 is EOS). The code is
 * canonical: codes of one length are consecutive in symbol order and follow all shorter ones, so the
 * lengths alone define it.
 */
// prettier-ignore
const CODE_LENGTHS = [
  13,23,28,28,28,28,28,28,28,24,30,28,28,30,28,28,28,28,28,28,28,28,30,28,28,28,28,28,28,28,28,28,
  6,10,10,12,13,6,8,11,10,10,8,11,8,6,6,6,5,5,5,6,6,6,6,6,6,6,7,8,15,6,12,10,
  13,6,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,8,7,8,13,19,13,14,6,
  15,5,6,5,6,5,6,6,6,5,7,7,6,6,6,5,6,7,6,5,5,6,7,7,7,7,7,15,11,14,13,28,
  20,22,20,20,22,22,22,23,22,23,23,23,23,23,24,23,24,24,22,23,24,23,23,23,23,21,22,23,22,23,23,24,
  22,21,20,22,22,23,23,21,23,22,22,24,21,22,23,23,21,21,22,21,23,22,23,23,20,22,22,22,23,22,22,23,
  26,26,20,19,22,23,22,25,26,26,26,27,27,26,24,25,19,21,26,27,27,26,27,24,21,21,26,26,28,27,27,27,
  20,24,20,21,22,21,21,23,22,22,25,25,24,24,26,23,26,27,26,26,27,27,27,27,27,28,27,27,27,27,27,26,
  30,
]
const EOS = 256

interface Canonical {
  /** Per length: the first code of that length, how many codes have it, where its symbols start. */
  first: number[]
  count: number[]
  offset: number[]
  /** Symbols ordered by (length, symbol). */
  symbols: number[]
}
let canonical: Canonical | undefined

function huffmanTable(): Canonical {
  if (canonical) return canonical
  const symbols = CODE_LENGTHS.map((_, s) => s).sort((a, b) => CODE_LENGTHS[a]! - CODE_LENGTHS[b]! || a - b)
  const first: number[] = []
  const count: number[] = []
  const offset: number[] = []
  let code = 0
  let length = CODE_LENGTHS[symbols[0]!]!
  symbols.forEach((s, i) => {
    const len = CODE_LENGTHS[s]!
    if (i > 0) code = (code + 1) * 2 ** (len - length)
    length = len
    if (count[len] === undefined) {
      first[len] = code
      count[len] = 0
      offset[len] = i
    }
    count[len]!++
  })
  canonical = {first, count, offset, symbols}
  return canonical
}

/** Huffman-coded bytes → their string (RFC 7541 section 5.2: padding is < 8 one bits, EOS is an error). */
export function huffmanDecode(bytes: Uint8Array): string {
  const {first, count, offset, symbols} = huffmanTable()
  const out: number[] = []
  let code = 0
  let len = 0
  let ones = true
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1
      code = code * 2 + b
      len++
      ones &&= b === 1
      const n = count[len]
      if (n !== undefined && code - first[len]! < n && code >= first[len]!) {
        const sym = symbols[offset[len]! + code - first[len]!]!
        if (sym === EOS) throw new HpackError('EOS in a Huffman-coded string')
        out.push(sym)
        code = 0
        len = 0
        ones = true
      } else if (len > 30) {
        throw new HpackError('bad Huffman code')
      }
    }
  }
  if (len > 7 || !ones) throw new HpackError('bad Huffman padding')
  return Buffer.from(out).toString('latin1')
}

/** An HPACK decoder: one per connection, fed every header block in the order they arrive. */
export class HpackDecoder {
  /** Newest first, as HPACK indexes it. */
  private dynamic: [string, string][] = []
  private size = 0
  private limit: number

  /** `maxTableSize`: the SETTINGS_HEADER_TABLE_SIZE this side announced (default 4096). */
  constructor(
    private readonly maxTableSize = 4096,
    /** Largest decoded header list (names + values + 32 per field), as SETTINGS_MAX_HEADER_LIST_SIZE. */
    private readonly maxListSize = 64 * 1024,
  ) {
    this.limit = maxTableSize
  }

  decode(block: Uint8Array): [string, string][] {
    const fields: [string, string][] = []
    let listSize = 0
    let pos = 0
    const int = (prefixBits: number): number => {
      const max = (1 << prefixBits) - 1
      let value = block[pos++]! & max
      if (value < max) return value
      let shift = 0
      for (;;) {
        if (pos >= block.length) throw new HpackError('truncated integer')
        const b = block[pos++]!
        value += (b & 0x7f) * 2 ** shift
        shift += 7
        if (value > 0x7fffffff) throw new HpackError('integer too large')
        if ((b & 0x80) === 0) return value
      }
    }
    const str = (): string => {
      if (pos >= block.length) throw new HpackError('truncated string')
      const huffman = (block[pos]! & 0x80) !== 0
      const length = int(7)
      if (pos + length > block.length) throw new HpackError('truncated string')
      const bytes = block.subarray(pos, pos + length)
      pos += length
      return huffman ? huffmanDecode(bytes) : Buffer.from(bytes).toString('latin1')
    }
    const entry = (index: number): readonly [string, string] => {
      if (index === 0) throw new HpackError('index 0')
      if (index <= STATIC.length) return STATIC[index - 1]!
      const e = this.dynamic[index - STATIC.length - 1]
      if (!e) throw new HpackError(`index ${index} is not in the table`)
      return e
    }
    const emit = (name: string, value: string) => {
      listSize += name.length + value.length + 32
      if (listSize > this.maxListSize) throw new HpackError('header list too large')
      fields.push([name, value])
    }
    let fieldSeen = false
    while (pos < block.length) {
      const b = block[pos]!
      if (b & 0x80) {
        const [name, value] = entry(int(7))
        emit(name, value)
        fieldSeen = true
      } else if ((b & 0xe0) === 0x20) {
        // A dynamic table size update: only at the start of a block (section 4.2).
        if (fieldSeen) throw new HpackError('table size update after a field')
        const size = int(5)
        if (size > this.maxTableSize) throw new HpackError('table size over the announced limit')
        this.limit = size
        this.evict(0)
      } else {
        const indexing = (b & 0xc0) === 0x40
        const nameIndex = int(indexing ? 6 : 4)
        const name = nameIndex === 0 ? str() : entry(nameIndex)[0]
        const value = str()
        emit(name, value)
        fieldSeen = true
        if (indexing) this.add(name, value)
      }
    }
    return fields
  }

  private add(name: string, value: string): void {
    const size = name.length + value.length + 32
    this.evict(size)
    if (size <= this.limit) {
      this.dynamic.unshift([name, value])
      this.size += size
    }
  }

  /** Drops the oldest entries until `room` more octets fit (all of them if it cannot). */
  private evict(room: number): void {
    while (this.dynamic.length && this.size + room > this.limit) {
      const [n, v] = this.dynamic.pop()!
      this.size -= n.length + v.length + 32
    }
  }
}

function writeInt(out: number[], value: number, prefixBits: number, flags: number): void {
  const max = (1 << prefixBits) - 1
  if (value < max) {
    out.push(flags | value)
    return
  }
  out.push(flags | max)
  value -= max
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  out.push(value)
}

/** Header fields → a header block of literals without indexing (names must be lower case). */
export function hpackEncode(fields: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = []
  for (const [name, value] of fields) {
    out.push(0)
    for (const s of [name, value]) {
      const bytes = Buffer.from(s, 'latin1')
      writeInt(out, bytes.length, 7, 0)
      for (const x of bytes) out.push(x)
    }
  }
  return Buffer.from(out)
}
