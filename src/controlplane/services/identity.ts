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

/** The server requires no token: the metadata names it as issuer and advertises no grant types. */
export function oauth2Metadata(ctx: PlaneContext): OAuth2MetadataResponse {
  return create(OAuth2MetadataResponseSchema, {issuer: ctx.baseUrl()})
}

export function publicClientConfig(ctx: PlaneContext): PublicClientAuthConfigResponse {
  return create(PublicClientAuthConfigResponseSchema, {
    clientId: 'flytectl',
    redirectUri: 'http://localhost:53593/callback',
    scopes: [],
    authorizationMetadataKey: 'flyte-authorization',
    serviceHttpEndpoint: ctx.baseUrl(),
  })
}

export function localUserInfo(): UserInfoResponse {
  let name = 'local'
  try {
    name = userInfo().username
  } catch {
    // No passwd entry (some containers): keep the generic name.
  }
  return create(UserInfoResponseSchema, {subject: name, name, preferredUsername: name})
}
