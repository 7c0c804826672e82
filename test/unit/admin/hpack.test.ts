import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {HpackDecoder, HpackError, hpackEncode, huffmanDecode} from '../../../src/admin/hpack.js'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('HPACK decoder', () => {
  it('decodes the Huffman-coded request examples of RFC 7541 C.4 on one table', () => {
    const d = new HpackDecoder()
    assert.deepEqual(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')), [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ])
    // Index 62 (0xbe) is the :authority the first block added to the dynamic table.
    assert.deepEqual(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf')), [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ])
    assert.deepEqual(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')), [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ])
  })

  it('decodes what its own encoder writes, byte for byte (Latin-1)', () => {
    const fields: [string, string][] = [
      [':path', '/flyteidl.service.AdminService/ListProjects'],
      ['x-long', 'v'.repeat(300)],
      ['x-bytes', String.fromCharCode(...Array.from({length: 256}, (_, i) => i))],
    ]
    assert.deepEqual(new HpackDecoder().decode(hpackEncode(fields)), fields)
  })

  it('evicts the oldest entries past the table size and honours a size update', () => {
    const d = new HpackDecoder(4096)
    // A literal with incremental indexing and a new name is 0x40 and then the strings the encoder writes.
    const add = (name: string, value: string) => {
      const block = hpackEncode([[name, value]])
      block[0] = 0x40
      return block
    }
    const big = 'x'.repeat(2000)
    d.decode(Buffer.concat([add('a', big), add('b', big)]))
    // Both fit (2 × 2033 ≤ 4096); a third evicts `a`.
    assert.deepEqual(d.decode(Buffer.from([0xbe, 0xbf])), [
      ['b', big],
      ['a', big],
    ])
    d.decode(add('c', big))
    assert.deepEqual(d.decode(Buffer.from([0xbf])), [['b', big]])
    assert.throws(() => d.decode(Buffer.from([0xc0])), HpackError)
    // A size update to 0 empties the table.
    assert.throws(() => d.decode(Buffer.from([0x20, 0xbe])), /not in the table/)
  })

  it('refuses malformed blocks with HpackError', () => {
    const bad: [string, Buffer][] = [
      ['index 0', Buffer.from([0x80])],
      ['an index past the tables', Buffer.from([0xff, 0x00])],
      ['a truncated integer', Buffer.from([0xff])],
      ['an integer past 2^31', hex('ff ff ff ff ff ff 7f')],
      ['a string longer than the block', Buffer.from([0x00, 0x05, 0x61])],
      ['a table size over the limit', hex('3f ff 1f')],
      ['a size update after a field', Buffer.from([0x82, 0x20])],
    ]
    for (const [what, block] of bad) assert.throws(() => new HpackDecoder().decode(block), HpackError, what)
  })

  it('refuses a header list over its limit', () => {
    const block = hpackEncode([['x-big', 'y'.repeat(2000)]])
    assert.throws(() => new HpackDecoder(4096, 1024).decode(block), /header list too large/)
  })
})

describe('Huffman decoding', () => {
  it('reads the RFC 7541 examples', () => {
    assert.equal(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff')), 'www.example.com')
    assert.equal(huffmanDecode(hex('a8eb 1064 9cbf')), 'no-cache')
    assert.equal(huffmanDecode(hex('25a8 49e9 5ba9 7d7f')), 'custom-key')
    assert.equal(huffmanDecode(hex('6402')), '302')
  })

  it('refuses more than 7 bits of padding, padding with a zero bit, and EOS', () => {
    // 'a' is 00011 (5 bits); a full byte of ones after it is 8 bits of padding.
    assert.equal(huffmanDecode(Buffer.from([0b00011111])), 'a')
    assert.throws(() => huffmanDecode(Buffer.from([0b00011111, 0xff])), /padding/)
    assert.throws(() => huffmanDecode(Buffer.from([0b00011110])), /padding/)
    // EOS: thirty one bits.
    assert.throws(() => huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff])), /EOS/)
  })
})
