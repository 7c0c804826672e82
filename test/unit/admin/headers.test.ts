/** The bundle's Headers against Node's own (the WHATWG one) on the same operations. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Headers as LiteHeaders} from '../../../src/admin/headers.js'

type AnyHeaders = {
  append(n: string, v: string): void
  set(n: string, v: string): void
  delete(n: string): void
  get(n: string): string | null
  has(n: string): boolean
  entries(): IterableIterator<[string, string]>
  getSetCookie(): string[]
}

function script(h: AnyHeaders) {
  h.append('Content-Type', 'application/grpc')
  h.append('grpc-status', ' 0 ')
  h.append('X-Multi', 'a')
  h.append('x-multi', 'b')
  h.append('Set-Cookie', 'a=1')
  h.append('set-cookie', 'b=2')
  h.set('Authorization', 'Bearer t')
  h.delete('grpc-status')
  return {
    entries: [...h.entries()],
    multi: h.get('X-MULTI'),
    missing: h.get('nope'),
    has: [h.has('authorization'), h.has('grpc-status')],
    cookies: h.getSetCookie(),
  }
}

describe('Headers (bundled)', () => {
  it('behaves like the WHATWG Headers for what the RPC client does', () => {
    assert.deepEqual(script(new LiteHeaders()), script(new Headers()))
  })

  it('takes the same init forms', () => {
    const inits = [
      {'A-B': 'x', c: 'y'},
      [
        ['k', 'v'],
        ['K', 'w'],
      ] as [string, string][],
    ]
    for (const init of inits) {
      assert.deepEqual([...new LiteHeaders(init)], [...new Headers(init)])
    }
    assert.deepEqual([...new LiteHeaders(new Headers({a: '1'}))], [['a', '1']])
  })

  it('rejects what the WHATWG Headers rejects', () => {
    assert.throws(() => new Headers().append('bad name', 'v'), TypeError)
    assert.throws(() => new LiteHeaders().append('bad name', 'v'), TypeError)
    assert.throws(() => new Headers().append('n', 'a\nb'), TypeError)
    assert.throws(() => new LiteHeaders().append('n', 'a\nb'), TypeError)
  })
})
