/**
 * Access and refresh tokens: RS256 JWTs signed with the plane's key, shaped as FlyteAdmin's own
 * authorization server issues them (audience = issuer = the plane's URL, `client_id`, `scp`,
 * `user_info`), plus `groups` for the policy. Verification accepts RS256 only (so `alg: none` and
 * HMAC tricks fail), checks issuer, audience, expiry and the token kind (a refresh token is not an
 * access token), and says which check failed.
 */
import {randomUUID} from 'node:crypto'
import {errors, jwtVerify, SignJWT, type JWTPayload} from 'jose'
import type {SigningKey} from './keys.js'
import type {Principal} from './principal.js'

export const ACCESS_TOKEN_TYPE = 'at+jwt'
export const REFRESH_TOKEN_TYPE = 'rt+jwt'
export const ACCESS_TOKEN_SECONDS = 30 * 60
export const REFRESH_TOKEN_SECONDS = 60 * 60

export class TokenError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenError'
  }
}

export interface TokenSettings {
  issuer: () => string
  accessSeconds?: number
  refreshSeconds?: number
}

export class TokenService {
  constructor(
    private readonly key: SigningKey,
    private readonly settings: TokenSettings,
  ) {}

  get issuer(): string {
    return this.settings.issuer()
  }

  private async sign(type: string, p: Principal, seconds: number): Promise<string> {
    return new SignJWT({
      client_id: p.clientId,
      scp: p.scopes,
      groups: p.groups,
      kind: p.kind,
      user_info: {subject: p.name, preferredUsername: p.name, name: p.name},
      ...(p.execution ? {exec: p.execution} : {}),
    })
      .setProtectedHeader({alg: 'RS256', kid: this.key.kid, typ: type})
      .setIssuer(this.issuer)
      .setAudience(this.issuer)
      .setSubject(p.name)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${seconds}s`)
      .sign(this.key.privateKey)
  }

  async issue(p: Principal, withRefresh: boolean) {
    const expiresIn = this.settings.accessSeconds ?? ACCESS_TOKEN_SECONDS
    const accessToken = await this.sign(ACCESS_TOKEN_TYPE, p, expiresIn)
    const refreshToken = withRefresh
      ? await this.sign(REFRESH_TOKEN_TYPE, p, this.settings.refreshSeconds ?? REFRESH_TOKEN_SECONDS)
      : undefined
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: expiresIn,
      scope: p.scopes.join(' '),
      ...(refreshToken ? {refresh_token: refreshToken} : {}),
    }
  }

  /** An access token for the tasks of one execution (kind `execution`, bound to its project and domain). */
  issueExecution(execution: {project: string; domain: string; name: string}, seconds: number): Promise<string> {
    const p: Principal = {
      kind: 'execution',
      name: `execution:${execution.project}/${execution.domain}/${execution.name}`,
      clientId: '',
      groups: [],
      scopes: ['all'],
      execution,
    }
    return this.sign(ACCESS_TOKEN_TYPE, p, seconds)
  }

  verifyAccess(token: string): Promise<Principal> {
    return this.verify(token, ACCESS_TOKEN_TYPE)
  }

  verifyRefresh(token: string): Promise<Principal> {
    return this.verify(token, REFRESH_TOKEN_TYPE)
  }

  private async verify(token: string, type: string): Promise<Principal> {
    let payload: JWTPayload
    try {
      ;({payload} = await jwtVerify(token, this.key.publicKey, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: this.issuer,
        typ: type,
        requiredClaims: ['exp', 'sub'],
      }))
    } catch (err) {
      throw new TokenError(describeJoseError(err, type))
    }
    const scopes = Array.isArray(payload.scp) ? payload.scp.filter((s): s is string => typeof s === 'string') : []
    const groups = Array.isArray(payload.groups) ? payload.groups.filter((s): s is string => typeof s === 'string') : []
    const exec = payload.exec as Record<string, unknown> | undefined
    if (payload.kind === 'execution') {
      if (
        typeof exec !== 'object' ||
        exec === null ||
        typeof exec.project !== 'string' ||
        typeof exec.domain !== 'string' ||
        typeof exec.name !== 'string'
      )
        throw new TokenError('the execution token names no execution')
      return {
        kind: 'execution',
        name: payload.sub!,
        clientId: '',
        groups: [],
        scopes,
        execution: {project: exec.project, domain: exec.domain, name: exec.name},
      }
    }
    return {
      kind: payload.kind === 'user' ? 'user' : 'client',
      name: payload.sub!,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : '',
      groups,
      scopes,
    }
  }
}

function describeJoseError(err: unknown, type: string): string {
  const what = type === ACCESS_TOKEN_TYPE ? 'access token' : 'refresh token'
  if (err instanceof errors.JWTExpired) return `the ${what} has expired`
  if (err instanceof errors.JWSSignatureVerificationFailed) return `the ${what} signature does not verify`
  if (err instanceof errors.JOSEAlgNotAllowed) return `the ${what} is not signed with RS256`
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `the ${what} is for another audience`
    if (err.claim === 'iss') return `the ${what} was issued by another server`
    if (err.claim === 'typ') return `not an ${what}`
    return `the ${what} has an invalid "${err.claim}" claim`
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported)
    return `the ${what} is malformed`
  return `the ${what} is invalid`
}
