/**
 * What the plane's authorization server publishes (FlyteAdmin's self-hosted server's fields, plus the
 * device authorization endpoint): pure data, cheap to import where auth is off.
 */
export const SCOPE_ALL = 'all'
export const SCOPE_OFFLINE = 'offline'
export const PUBLIC_CLIENT_ID = 'flytectl'
export const REDIRECT_URIS = [
  'http://localhost:53593/callback',
  'http://127.0.0.1:53593/callback',
  'http://localhost:12345/callback',
]
export const AUTHORIZATION_HEADER = 'flyte-authorization'
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
export const GRANT_TYPES = ['client_credentials', 'refresh_token', 'authorization_code', DEVICE_GRANT]

export function oauth2MetadataDocument(base: string) {
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    jwks_uri: `${base}/oauth2/jwks`,
    response_types_supported: ['code', 'token', 'code token'],
    scopes_supported: [SCOPE_ALL, SCOPE_OFFLINE],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: GRANT_TYPES,
    device_authorization_endpoint: `${base}/oauth2/device_authorization`,
  }
}

/** GetPublicClientConfig: the plane's own public client, or (external issuer) the configured one. */
export function publicClientDocument(
  base: string,
  client: {clientId?: string; scopes?: string[]; audience?: string} = {},
) {
  return {
    client_id: client.clientId ?? PUBLIC_CLIENT_ID,
    redirect_uri: REDIRECT_URIS[0]!,
    scopes: client.scopes ?? [SCOPE_ALL, SCOPE_OFFLINE],
    authorization_metadata_key: AUTHORIZATION_HEADER,
    service_http_endpoint: base,
    audience: client.audience ?? '',
  }
}

/** The public client clients are told about when the plane trusts an external issuer. */
export function externalPublicClient(o: {clientId?: string; scopes?: string[]; audiences?: string[]}): {
  clientId?: string
  scopes?: string[]
  audience?: string
} {
  return {
    ...(o.clientId ? {clientId: o.clientId} : {}),
    ...(o.scopes ? {scopes: o.scopes} : {}),
    ...(o.audiences?.[0] ? {audience: o.audiences[0]} : {}),
  }
}
