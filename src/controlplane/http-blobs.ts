/** `PUT/GET /blobs/<key>`: the signed-URL endpoint of the local blob store (DataProxyService). */
import type {PlaneContext} from './context.js'
import {md5Base64} from './services/dataproxy.js'

/** What the HTTP/1.1 and HTTP/2 compatibility APIs share. */
export interface PlainRequest {
  url?: string
  method?: string
  headers: Record<string, string | string[] | undefined>
  on(event: 'data', fn: (chunk: Buffer) => void): unknown
  on(event: 'end' | 'close', fn: () => void): unknown
  destroy(): void
}

export interface PlainResponse {
  writeHead(status: number, headers?: Record<string, string>): unknown
  end(data?: string | Uint8Array): unknown
  on(event: 'finish', fn: () => void): unknown
}

const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024

function reply(res: PlainResponse, status: number, text: string): void {
  res.writeHead(status, {'content-type': 'text/plain'})
  res.end(`${text}\n`)
}

export function handleBlobRequest(ctx: PlaneContext, url: URL, req: PlainRequest, res: PlainResponse): void {
  let key: string
  try {
    key = url.pathname.slice('/blobs/'.length).split('/').map(decodeURIComponent).join('/')
  } catch {
    reply(res, 400, 'invalid path')
    return
  }
  const expires = Number(url.searchParams.get('expires') ?? '0')
  if (!Number.isFinite(expires) || expires * 1000 < Date.now()) {
    reply(res, 403, 'the signed URL has expired; ask for a new one')
    return
  }
  if (!ctx.blobs.pathOf(key)) {
    reply(res, 400, 'invalid blob key')
    return
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const data = ctx.blobs.read(ctx.blobs.uriOf(key))
    if (!data) {
      reply(res, 404, 'no such blob')
      return
    }
    res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': String(data.length)})
    if (req.method === 'HEAD') res.end()
    else res.end(data)
    return
  }
  if (req.method !== 'PUT') {
    reply(res, 405, 'use PUT to upload or GET to download')
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (c: Buffer) => {
    size += c.length
    if (size > MAX_UPLOAD_BYTES) {
      reply(res, 413, 'upload too large')
      req.destroy()
      return
    }
    chunks.push(c)
  })
  req.on('end', () => {
    if (size > MAX_UPLOAD_BYTES) return
    const body = Buffer.concat(chunks)
    const expected = url.searchParams.get('md5') ?? (req.headers['content-md5'] as string | undefined)
    if (expected && md5Base64(body) !== expected) {
      reply(res, 400, 'content MD5 does not match the signed upload location')
      return
    }
    ctx.blobs.write(key, body)
    res.writeHead(200)
    res.end()
  })
}
