/**
 * Signed blob URLs: DataProxy hands out `/blobs/<key>?expires=<unix s>[&md5=<base64>]&signature=<hex>`,
 * where the signature is HMAC-SHA256 over the method, the path, the expiry and (for uploads) the MD5,
 * keyed by a per-data-dir secret `<dataDir>/blob-url.key` (32 random bytes, 0600, created at first start).
 * The blob endpoint answers only URLs it signed, before they expire.
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import {openSync, readFileSync, writeSync, closeSync} from 'node:fs'
import {join} from 'node:path'

export const BLOB_URL_KEY_FILE = 'blob-url.key'

/** The data dir's URL key, created on first use (two starts racing read the one that won). */
export function loadBlobUrlKey(dataDir: string): Buffer {
  const file = join(dataDir, BLOB_URL_KEY_FILE)
  try {
    const fd = openSync(file, 'wx', 0o600)
    try {
      writeSync(fd, randomBytes(32).toString('hex'))
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  if (key.length < 32) throw new Error(`${file} is not a blob URL key (64 hex digits); delete it to make a new one`)
  return key
}

/** The method a URL is signed for: uploads PUT, downloads GET (which also allows HEAD). */
export type SignedMethod = 'PUT' | 'GET'

function mac(key: Buffer, method: SignedMethod, path: string, expires: string, md5: string): Buffer {
  return createHmac('sha256', key).update(`${method}\n${path}\n${expires}\n${md5}`).digest()
}

/** Adds `expires`, `md5` (uploads) and `signature` to a blob URL. */
export function signBlobUrl(key: Buffer, method: SignedMethod, url: URL, expiresAt: number, md5 = ''): void {
  url.searchParams.set('expires', String(expiresAt))
  if (md5 !== '') url.searchParams.set('md5', md5)
  url.searchParams.set('signature', mac(key, method, url.pathname, String(expiresAt), md5).toString('hex'))
}

/** Why a blob request's URL is not acceptable (a 403 message), or undefined when it is signed and current. */
export function blobUrlProblem(key: Buffer, method: string, url: URL, nowSeconds: number): string | undefined {
  const signed: SignedMethod = method === 'PUT' ? 'PUT' : 'GET'
  const expires = url.searchParams.get('expires') ?? ''
  const signature = url.searchParams.get('signature') ?? ''
  if (signature === '') return 'the blob URL is not signed; ask DataProxy for an upload or download location'
  const want = mac(key, signed, url.pathname, expires, url.searchParams.get('md5') ?? '')
  const got = Buffer.from(signature, 'hex')
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    return 'the blob URL signature does not match; ask DataProxy for a new location'
  }
  if (!/^\d+$/.test(expires) || Number(expires) < nowSeconds) {
    return 'the signed URL has expired; ask for a new one'
  }
  return undefined
}
