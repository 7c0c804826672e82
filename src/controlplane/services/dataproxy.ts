/**
 * DataProxyService: upload/download locations in the local blob store, served by the control plane's
 * own HTTP endpoint (`PUT/GET <baseUrl>/blobs/<key>`). Native URLs are absolute paths (see BlobStore).
 */
import {create} from '@bufbuild/protobuf'
import {createHash, randomBytes} from 'node:crypto'
import {
  CreateDownloadLinkResponseSchema,
  CreateDownloadLocationResponseSchema,
  CreateUploadLocationResponseSchema,
  PreSignedURLsSchema,
  type CreateDownloadLinkRequest,
  type CreateDownloadLinkResponse,
  type CreateDownloadLocationRequest,
  type CreateDownloadLocationResponse,
  type CreateUploadLocationRequest,
  type CreateUploadLocationResponse,
} from '../../gen/flyteidl/service/dataproxy_pb.js'
import {signBlobUrl} from '../blob-urls.js'
import type {PlaneContext} from '../context.js'
import {invalidArgument, notFound} from '../errors.js'
import {nowMicros, timestampFromMicros} from '../time.js'
import {getNodeExecutionRow} from './events.js'

const MAX_EXPIRY_SECONDS = 3600

function expirySeconds(d: {seconds: bigint} | undefined): number {
  const s = d ? Number(d.seconds) : 0
  if (s > MAX_EXPIRY_SECONDS) {
    throw invalidArgument(`expiresIn [${s}s] cannot exceed max allowed expiration [${MAX_EXPIRY_SECONDS}s]`)
  }
  return s > 0 ? s : MAX_EXPIRY_SECONDS
}

/** RFC 4648 base32 without padding, lower case (FlyteAdmin's spelling of the md5 prefix). */
function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = 0
  let value = 0
  let out = ''
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31]
  return out
}

function segmentOk(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !s.includes('\\')
}

export function createUploadLocation(
  ctx: PlaneContext,
  req: CreateUploadLocationRequest,
): CreateUploadLocationResponse {
  if (req.project === '' || req.domain === '') throw invalidArgument('project and domain are required parameters')
  if (req.contentMd5.length === 0 && req.filenameRoot === '') {
    throw invalidArgument('content_md5 is a required parameter when filename_root is not set')
  }
  const seconds = expirySeconds(req.expiresIn)
  const root = req.filenameRoot !== '' ? req.filenameRoot : base32(req.contentMd5)
  const filename = req.filename !== '' ? req.filename : randomBytes(8).toString('hex')
  const parts = [req.project, req.domain, ...root.split('/'), ...filename.split('/')]
  if (!parts.every(segmentOk)) throw invalidArgument(`invalid upload location ${parts.join('/')}`)
  const key = ['uploads', ...parts].join('/')
  const expiresAt = Math.floor(nowMicros() / 1e6) + seconds
  const url = new URL(ctx.baseUrl())
  url.pathname = `/blobs/${['uploads', ...parts].map(encodeURIComponent).join('/')}`
  const headers: Record<string, string> = {}
  const md5 = req.contentMd5.length > 0 ? Buffer.from(req.contentMd5).toString('base64') : ''
  if (md5 !== '' && req.addContentMd5Metadata) headers['Content-MD5'] = md5
  signBlobUrl(ctx.blobUrlKey, 'PUT', url, expiresAt, md5)
  return create(CreateUploadLocationResponseSchema, {
    signedUrl: url.href,
    nativeUrl: ctx.blobs.dataLocationOf(key),
    expiresAt: timestampFromMicros(expiresAt * 1e6),
    headers,
  })
}

function downloadUrl(ctx: PlaneContext, nativeUrl: string, seconds: number): string {
  const key = ctx.blobs.keyOf(nativeUrl)
  if (!key) throw invalidArgument(`${nativeUrl} is not a location in this control plane's blob store`)
  if (!ctx.blobs.exists(nativeUrl)) throw notFound(`no data at ${nativeUrl}`)
  const url = new URL(`${ctx.baseUrl()}/blobs/${key.split('/').map(encodeURIComponent).join('/')}`)
  signBlobUrl(ctx.blobUrlKey, 'GET', url, Math.floor(nowMicros() / 1e6) + seconds)
  return url.href
}

export function createDownloadLocation(
  ctx: PlaneContext,
  req: CreateDownloadLocationRequest,
): CreateDownloadLocationResponse {
  const seconds = expirySeconds(req.expiresIn)
  return create(CreateDownloadLocationResponseSchema, {
    signedUrl: downloadUrl(ctx, req.nativeUrl, seconds),
    expiresAt: timestampFromMicros((Math.floor(nowMicros() / 1e6) + seconds) * 1e6),
  })
}

/** CreateDownloadLink for a node execution's deck. */
export function createDownloadLink(ctx: PlaneContext, req: CreateDownloadLinkRequest): CreateDownloadLinkResponse {
  const seconds = expirySeconds(req.expiresIn)
  if (req.source.case !== 'nodeExecutionId') throw invalidArgument('source is required')
  const node = getNodeExecutionRow(ctx, req.source.value)
  if (!node)
    throw notFound(`missing entity of type node execution with identifier node_id:"${req.source.value.nodeId}"`)
  const deck = node.closure?.deckUri ?? ''
  if (deck === '') throw notFound(`no deck was recorded for node execution ${req.source.value.nodeId}`)
  const url = downloadUrl(ctx, deck, seconds)
  const expiresAt = timestampFromMicros((Math.floor(nowMicros() / 1e6) + seconds) * 1e6)
  return create(CreateDownloadLinkResponseSchema, {
    signedUrl: [url],
    expiresAt,
    preSignedUrls: create(PreSignedURLsSchema, {signedUrl: [url], expiresAt}),
  })
}

export function md5Base64(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64')
}
