/** AuthMetadataService and IdentityService answers for an open (auth-less) local server. */
import {create} from '@bufbuild/protobuf'
import {userInfo} from 'node:os'
import {
  OAuth2MetadataResponseSchema,
  PublicClientAuthConfigResponseSchema,
  type OAuth2MetadataResponse,
  type PublicClientAuthConfigResponse,
} from '../../gen/flyteidl/service/auth_pb.js'
import {UserInfoResponseSchema, type UserInfoResponse} from '../../gen/flyteidl/service/identity_pb.js'
import type {PlaneContext} from '../context.js'
import {currentPrincipal} from '../auth/principal.js'
import {externalPublicClient, oauth2MetadataDocument, publicClientDocument} from '../auth/metadata.js'

/**
 * With auth on, the plane's own authorization server (as FlyteAdmin's self-hosted one answers).
 * Without, the server requires no token: the metadata names it as issuer and advertises no grant types.
 */
export function oauth2Metadata(ctx: PlaneContext): OAuth2MetadataResponse {
  const ext = ctx.auth?.external?.metadata
  if (ext) {
    // As FlyteAdmin with an external authorization server: the provider's own metadata.
    return create(OAuth2MetadataResponseSchema, {
      issuer: ext.issuer,
      authorizationEndpoint: ext.authorization_endpoint ?? '',
      tokenEndpoint: ext.token_endpoint ?? '',
      jwksUri: ext.jwks_uri,
      responseTypesSupported: ext.response_types_supported ?? [],
      scopesSupported: ext.scopes_supported ?? [],
      tokenEndpointAuthMethodsSupported: ext.token_endpoint_auth_methods_supported ?? [],
      codeChallengeMethodsSupported: ext.code_challenge_methods_supported ?? [],
      grantTypesSupported: ext.grant_types_supported ?? [],
      deviceAuthorizationEndpoint: ext.device_authorization_endpoint ?? '',
    })
  }
  if (ctx.auth) {
    const d = oauth2MetadataDocument(ctx.baseUrl())
    return create(OAuth2MetadataResponseSchema, {
      issuer: d.issuer,
      authorizationEndpoint: d.authorization_endpoint,
      tokenEndpoint: d.token_endpoint,
      jwksUri: d.jwks_uri,
      responseTypesSupported: d.response_types_supported,
      scopesSupported: d.scopes_supported,
      tokenEndpointAuthMethodsSupported: d.token_endpoint_auth_methods_supported,
      codeChallengeMethodsSupported: d.code_challenge_methods_supported,
      grantTypesSupported: d.grant_types_supported,
      deviceAuthorizationEndpoint: d.device_authorization_endpoint,
    })
  }
  return create(OAuth2MetadataResponseSchema, {issuer: ctx.baseUrl()})
}

export function publicClientConfig(ctx: PlaneContext): PublicClientAuthConfigResponse {
  if (ctx.auth) {
    const d = publicClientDocument(
      ctx.baseUrl(),
      ctx.auth.external ? externalPublicClient(ctx.auth.external.options) : {},
    )
    return create(PublicClientAuthConfigResponseSchema, {
      clientId: d.client_id,
      redirectUri: d.redirect_uri,
      scopes: d.scopes,
      authorizationMetadataKey: d.authorization_metadata_key,
      serviceHttpEndpoint: d.service_http_endpoint,
      audience: d.audience,
    })
  }
  return create(PublicClientAuthConfigResponseSchema, {
    clientId: 'flytectl',
    redirectUri: 'http://localhost:53593/callback',
    scopes: [],
    authorizationMetadataKey: 'flyte-authorization',
    serviceHttpEndpoint: ctx.baseUrl(),
  })
}

/** The caller (auth on), else the user the plane runs as. */
export function localUserInfo(): UserInfoResponse {
  const caller = currentPrincipal()
  if (caller) {
    return create(UserInfoResponseSchema, {
      subject: caller.name,
      name: caller.name,
      preferredUsername: caller.name,
    })
  }
  let name = 'local'
  try {
    name = userInfo().username
  } catch {
    // No passwd entry (some containers): keep the generic name.
  }
  return create(UserInfoResponseSchema, {subject: name, name, preferredUsername: name})
}
