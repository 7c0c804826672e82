/**
 * `PUT/GET /blobs/<key>`: the signed-URL endpoint of the local blob store (DataProxyService). Only URLs
 * signed by this plane (see blob-urls.ts) are served. Uploads stream to a temporary file (never buffered
 * whole), are checked against the signed MD5 and the upload limit, and are renamed into place when whole;
 * downloads stream from disk.
 */
import {createHash, randomBytes} from 'node:crypto'
import {createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync} from 'node:fs'
import {dirname} from 'node:path'
import {blobUrlProblem} from './blob-urls.js'
import type {PlaneContext} from './context.js'

/** What the HTTP/1.1 and HTTP/2 compatibility APIs share. */
export interface PlainRequest {
  url?: string
  method?: string
  headers: Record<string, string | string[] | undefined>
  on(event: 'data', fn: (chunk: Buffer) => void): unknown
  on(event: 'end' | 'close', fn: () => void): unknown
  destroy(): void
}

/** An upload is streamed: the blob endpoint also pauses and resumes the request. */
export interface BlobRequest extends PlainRequest {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown
  on(event: 'end' | 'close', fn: () => void): unknown
  on(event: 'error', fn: (err: Error) => void): unknown
  pause(): unknown
  resume(): unknown
}

export interface PlainResponse {
  writeHead(status: number, headers?: Record<string, string>): unknown
  write(data: Uint8Array): boolean
  end(data?: string | Uint8Array): unknown
  on(event: 'finish' | 'drain' | 'close', fn: () => void): unknown
  once(event: 'drain', fn: () => void): unknown
  headersSent: boolean
}

/** The setting that raises the upload limit, named in the 413 answer. */
export const UPLOAD_LIMIT_SETTING = 'flytectl demo start --maxUploadSize'

function reply(res: PlainResponse, status: number, text: string): void {
  if (res.headersSent) return
  res.writeHead(status, {'content-type': 'text/plain'})
  res.end(`${text}\n`)
}

export function handleBlobRequest(ctx: PlaneContext, url: URL, req: BlobRequest, res: PlainResponse): void {
  let key: string
  try {
    key = url.pathname.slice('/blobs/'.length).split('/').map(decodeURIComponent).join('/')
  } catch {
    reply(res, 400, 'invalid path')
    return
  }
  const method = req.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
    reply(res, 405, 'use PUT to upload or GET to download')
    return
  }
  const problem = blobUrlProblem(ctx.blobUrlKey, method, url, Math.floor(Date.now() / 1000))
  if (problem) {
    reply(res, 403, problem)
    return
  }
  const path = ctx.blobs.pathOf(key)
  if (!path) {
    reply(res, 400, 'invalid blob key')
    return
  }
  if (method === 'PUT') upload(ctx, url, path, req, res)
  else download(path, method, res)
}

function download(path: string, method: string, res: PlainResponse): void {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new Error('not a file')
    size = st.size
  } catch {
    reply(res, 404, 'no such blob')
    return
  }
  res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': String(size)})
  if (method === 'HEAD') {
    res.end()
    return
  }
  const file = createReadStream(path)
  file.on('error', () => res.end())
  res.on('close', () => file.destroy())
  file.on('data', (chunk) => {
    if (!res.write(chunk as Buffer)) {
      file.pause()
      res.once('drain', () => file.resume())
    }
  })
  file.on('end', () => res.end())
}

function upload(ctx: PlaneContext, url: URL, path: string, req: BlobRequest, res: PlainResponse): void {
  const limit = ctx.maxUploadBytes
  const tooLarge = `upload exceeds the limit of ${limit} bytes (${UPLOAD_LIMIT_SETTING})`
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > limit) {
    reply(res, 413, tooLarge)
    return
  }
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const out = createWriteStream(tmp, {mode: 0o600})
  const md5 = createHash('md5')
  let size = 0
  let failed = false
  let done = false
  const fail = (status: number, text: string) => {
    if (failed) return
    failed = true
    out.destroy()
    rmSync(tmp, {force: true})
    // The rest of the body is read and dropped, so that the client can read this answer.
    req.resume()
    reply(res, status, text)
  }
  out.on('error', (err) => fail(500, `cannot store the upload: ${err.message}`))
  out.on('drain', () => req.resume())
  req.on('error', () => fail(400, 'the upload was interrupted'))
  req.on('close', () => {
    if (!done && !failed) fail(400, 'the upload was interrupted')
  })
  req.on('data', (chunk: Buffer) => {
    if (failed) return
    size += chunk.length
    if (size > limit) {
      fail(413, tooLarge)
      return
    }
    md5.update(chunk)
    if (!out.write(chunk)) req.pause()
  })
  req.on('end', () => {
    done = true
    if (failed) return
    const expected = url.searchParams.get('md5') ?? (req.headers['content-md5'] as string | undefined)
    const actual = md5.digest('base64')
    out.end(() => {
      if (failed) return
      if (expected && actual !== expected) {
        fail(400, 'content MD5 does not match the signed upload location')
        return
      }
      try {
        renameSync(tmp, path)
      } catch (err) {
        fail(500, `cannot store the upload: ${(err as Error).message}`)
        return
      }
      res.writeHead(200)
      res.end()
    })
  })
}
