/**
 * WHATWG `Headers` for the bundled RPC client. Node's global `Headers` is a lazy getter that loads
 * all of undici (60+ ms) on first use, and the Connect client builds one per call, so the bundle
 * (scripts/bundle.js) gives Connect's modules this class instead. Same semantics where Connect can
 * tell: case-insensitive names, `get` joins repeated values with ", ", iteration in name order,
 * `set-cookie` kept apart, invalid names and values rejected.
 */
type Init = Iterable<readonly [string, string]> | Record<string, string | readonly string[]> | undefined | null

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Leading/trailing HTTP whitespace (tab, space, CR, LF) is trimmed.
const EDGE_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g

function headerName(name: string): string {
  const n = String(name)
  if (!TOKEN.test(n)) throw new TypeError(`Headers: invalid header name "${n}"`)
  return n.toLowerCase()
}

function headerValue(value: string): string {
  const v = String(value).replace(EDGE_WS, '')
  if (/[\0\r\n]/.test(v)) throw new TypeError('Headers: invalid header value')
  return v
}

export class Headers {
  readonly #values = new Map<string, string[]>()

  constructor(init?: Init) {
    if (init === undefined || init === null) return
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<readonly [string, string]>) {
        if (pair.length !== 2) throw new TypeError('Headers: each init pair needs a name and a value')
        this.append(pair[0], pair[1])
      }
      return
    }
    for (const [name, value] of Object.entries(init as Record<string, string | readonly string[]>)) {
      if (Array.isArray(value)) for (const v of value) this.append(name, v)
      else this.append(name, value as string)
    }
  }

  append(name: string, value: string): void {
    const key = headerName(name)
    const list = this.#values.get(key)
    if (list) list.push(headerValue(value))
    else this.#values.set(key, [headerValue(value)])
  }

  set(name: string, value: string): void {
    this.#values.set(headerName(name), [headerValue(value)])
  }

  get(name: string): string | null {
    const list = this.#values.get(headerName(name))
    return list ? list.join(', ') : null
  }

  getSetCookie(): string[] {
    return [...(this.#values.get('set-cookie') ?? [])]
  }

  has(name: string): boolean {
    return this.#values.has(headerName(name))
  }

  delete(name: string): void {
    this.#values.delete(headerName(name))
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this)
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.#values.keys()].sort()) {
      const list = this.#values.get(name)!
      if (name === 'set-cookie') for (const v of list) yield [name, v]
      else yield [name, list.join(', ')]
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'Headers'
  }
}
