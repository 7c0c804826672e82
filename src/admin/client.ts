/**
 * The control-plane client: one gRPC (HTTP/2) transport per endpoint, shared by the typed service
 * clients. Works against the embedded plane (`flytectl demo`) and a real FlyteAdmin.
 * Heavy module: import it lazily (inside run()).
 */
import {createClient, type Client, type Interceptor} from '@connectrpc/connect'
import {createGrpcTransport, Http2SessionManager} from '@connectrpc/connect-node'
import type {AdminConfig} from '../config/schema.js'
import {DEFAULT_ENDPOINT} from '../config/load.js'
import {AdminService} from '../gen/flyteidl/service/admin_pb.js'
import {DataProxyService} from '../gen/flyteidl/service/dataproxy_pb.js'
import {AuthMetadataService} from '../gen/flyteidl/service/auth_pb.js'
import {IdentityService} from '../gen/flyteidl/service/identity_pb.js'

export type AdminClient = Client<typeof AdminService>
export type DataProxyClient = Client<typeof DataProxyService>
export type AuthMetadataClient = Client<typeof AuthMetadataService>
export type IdentityClient = Client<typeof IdentityService>

export interface AdminClients {
  admin: AdminClient
  dataProxy: DataProxyClient
  authMetadata: AuthMetadataClient
  identity: IdentityClient
  /** The endpoint as a URL (`http://127.0.0.1:30080` or `https://host`). */
  endpoint: string
  close(): void
}

export interface AdminClientOptions {
  interceptors?: Interceptor[]
  defaultTimeoutMs?: number
}

/**
 * `dns:///host:port`, `host:port`, `http(s)://host[:port]` → a base URL. TLS unless `insecure`.
 */
export function endpointUrl(endpoint: string | undefined, insecure: boolean | undefined): string {
  let raw = (endpoint ?? DEFAULT_ENDPOINT).trim()
  if (/^https?:\/\//.test(raw)) return raw.replace(/\/+$/, '')
  raw = raw.replace(/^dns:\/\/\//, '').replace(/^dns:/, '')
  return `${insecure ? 'http' : 'https'}://${raw}`
}

export function createAdminClients(config: AdminConfig = {}, options: AdminClientOptions = {}): AdminClients {
  const insecure = config.insecure ?? (config.endpoint === undefined ? true : false)
  const baseUrl = endpointUrl(config.endpoint, insecure)
  const sessionManager = new Http2SessionManager(baseUrl, undefined, {
    rejectUnauthorized: !config.insecureSkipVerify,
  })
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    interceptors: options.interceptors,
    defaultTimeoutMs: options.defaultTimeoutMs,
  })
  return {
    admin: createClient(AdminService, transport),
    dataProxy: createClient(DataProxyService, transport),
    authMetadata: createClient(AuthMetadataService, transport),
    identity: createClient(IdentityService, transport),
    endpoint: baseUrl,
    close: () => sessionManager.abort(),
  }
}
