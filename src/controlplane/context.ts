/** What every control-plane service works with: the store, the blob store, domains and the executor. */
import type {PlaneAuth} from './auth/index.js'
import type {BlobStore} from './blobstore.js'
import type {EventFeed} from './event-feed.js'
import type {EventPublisher} from './events/publisher.js'
import type {Executor} from './executor/types.js'
import type {PlaneMetrics} from './metrics.js'
import type {Database} from './store/db.js'

export interface Domain {
  id: string
  name: string
}

export const DEFAULT_DOMAINS: Domain[] = [
  {id: 'development', name: 'development'},
  {id: 'staging', name: 'staging'},
  {id: 'production', name: 'production'},
]

export interface PlaneContext {
  db: Database
  blobs: BlobStore
  dataDir: string
  domains: Domain[]
  executor?: Executor
  /** True once the server is closing: late executor events are dropped instead of hitting a closed store. */
  closing: boolean
  /** Key of the HMAC that signs blob URLs (see blob-urls.ts). */
  blobUrlKey: Buffer
  /** Largest blob upload, in bytes. */
  maxUploadBytes: number
  /** Set when auth is on: the authorization server and the token check. */
  auth?: PlaneAuth
  /** Publishes every accepted execution event (CloudEvents to the NDJSON file, webhook, Kafka). */
  events?: EventPublisher
  /** Hears every event the store records, once it is committed (watch streams, metrics). */
  feed?: EventFeed
  /** The plane's Prometheus registry and its counters (served on /metrics). */
  metrics?: PlaneMetrics
  /** The server's base URL (`http://127.0.0.1:<port>`), known once it listens. */
  baseUrl(): string
}
