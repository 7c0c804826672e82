/**
 * Auth on the plane (off by default; `demo start --auth`): the OAuth2 authorization server, and the
 * check every call passes when auth is on — gRPC/Connect through an interceptor, REST through the
 * gateway's hook. A call needs a valid access token (in `flyte-authorization` or `authorization`,
 * `Bearer <jwt>`) carrying the `all` scope; the AuthMetadataService, the OAuth2 endpoints and
 * `/healthz` stay open, and blob URLs carry their own signature. The caller is known to the
 * services during the call (`currentPrincipal`).
 */
import {Code, ConnectError, type Interceptor} from '@connectrpc/connect'
import type {PlainRequest, PlainResponse} from '../http-blobs.js'
import type {DescMethod} from '@bufbuild/protobuf'
import {ensureIdentities, IdentityStore, identitiesPath} from './identities.js'
import {loadOrCreateSigningKey, type SigningKey} from './keys.js'
import {AUTHORIZATION_HEADER, SCOPE_ALL} from './metadata.js'
import {OAuthServer} from './oauth-server.js'
import {currentPrincipal, principalStore, type Principal} from './principal.js'
import {TokenError, TokenService} from './tokens.js'
import {targetOf} from './actions.js'
import {AuditLog, auditPath} from './audit.js'
import {OpaDecider} from './opa.js'
import {ExternalIssuer, ExternalRoutes, type OidcOptions} from './oidc.js'
import {decideForExecution, ExecutionTokens} from './exec-tokens.js'
import {setExecutionCredentials, type ExecutionScope} from '../executor/task-env.js'
import {decodeJwt} from 'jose'
import {PolicyFile, policyPath, type Decider, type Decision, type DecisionInput} from './policy.js'

export type {Principal} from './principal.js'
export {currentPrincipal} from './principal.js'

export interface AuthOptions {
  /** Lifetime of access tokens in seconds (default 30 minutes, as FlyteAdmin). */
  accessTokenSeconds?: number
  /** Decide each call with this OPA data-API URL instead of policy.yaml (deny on error or timeout). */
  opaUrl?: string
  opaTimeoutMs?: number
  /** Audit log size at which it is rotated, and rotated files kept (defaults 10 MiB, 5). */
  auditMaxBytes?: number
  auditKeep?: number
  /** Lifetime of the per-execution tokens tasks get (default 15 minutes). */
  executionTokenSeconds?: number
  /** Trust this external OIDC provider instead of running the plane's own OAuth2 server. */
  oidc?: OidcOptions
}

/** Services anyone may call: clients read the auth metadata before they have a token. */
const OPEN_SERVICES = new Set(['flyteidl.service.AuthMetadataService'])

type HeaderGet = (name: string) => string | null | undefined

/** The token a call carries: `Bearer <access token>` or (as FlyteAdmin) `IDToken <id token>`. */
function credential(get: HeaderGet): {scheme: 'bearer' | 'idtoken'; token: string} | undefined {
  for (const name of [AUTHORIZATION_HEADER, 'authorization']) {
    const v = get(name)
    if (!v) continue
    const m = /^(bearer|idtoken)\s+(\S+)\s*$/i.exec(v)
    if (m) return {scheme: m[1]!.toLowerCase() as 'bearer' | 'idtoken', token: m[2]!}
  }
  return undefined
}

/** What answers the plane's HTTP auth routes (its own OAuth2 server, or the external issuer's pointers). */
export interface AuthRoutes {
  handle(url: URL, req: PlainRequest, res: PlainResponse): boolean
}

export class PlaneAuth {
  readonly key: SigningKey
  readonly tokens: TokenService
  /** The plane's own users and clients (undefined with an external issuer). */
  readonly identities?: IdentityStore
  readonly oauth: AuthRoutes
  /** The external OIDC provider trusted instead of the plane's own server (`--oidc-issuer`). */
  readonly external?: ExternalIssuer
  /** True when this start created the identities file (and the initial secrets). */
  readonly createdIdentities: boolean
  readonly decider: Decider
  readonly audit: AuditLog

  /**
   * Auth for a plane: with `opts.oidc`, the external provider's discovery document is read first
   * (the start fails with a one-line error when it cannot be).
   */
  static async create(
    dataDir: string,
    baseUrl: () => string,
    opts: AuthOptions = {},
    log?: (line: string) => void,
  ): Promise<PlaneAuth> {
    const external = opts.oidc ? await ExternalIssuer.start(opts.oidc) : undefined
    return new PlaneAuth(dataDir, baseUrl, opts, log, external)
  }

  constructor(
    readonly dataDir: string,
    readonly baseUrl: () => string,
    opts: AuthOptions = {},
    log: (line: string) => void = (l) => process.stderr.write(`${new Date().toISOString()} ${l}\n`),
    external?: ExternalIssuer,
  ) {
    this.key = loadOrCreateSigningKey(dataDir)
    this.tokens = new TokenService(this.key, {
      issuer: baseUrl,
      ...(opts.accessTokenSeconds ? {accessSeconds: opts.accessTokenSeconds} : {}),
    })
    if (external) {
      this.external = external
      this.createdIdentities = false
      this.oauth = new ExternalRoutes(external, baseUrl)
    } else {
      this.createdIdentities = ensureIdentities(dataDir).created
      const identities = new IdentityStore(identitiesPath(dataDir))
      identities.get()
      this.identities = identities
      this.oauth = new OAuthServer({baseUrl, key: this.key, tokens: this.tokens, identities, log})
    }
    const policy = new PolicyFile(policyPath(dataDir))
    this.decider = opts.opaUrl ? new OpaDecider(opts.opaUrl, opts.opaTimeoutMs) : policy
    this.audit = new AuditLog(auditPath(dataDir), {
      ...(opts.auditMaxBytes ? {maxBytes: opts.auditMaxBytes} : {}),
      ...(opts.auditKeep ? {keep: opts.auditKeep} : {}),
    })
    this.log = log
  }

  private readonly log: (line: string) => void

  /** The decision on one call; a policy that cannot be read denies (and says so). */
  async decide(input: DecisionInput): Promise<Decision> {
    try {
      return await this.decider.decide(input)
    } catch (err) {
      this.log(`auth: ${this.decider.name} failed: ${(err as Error).message}`)
      return {allow: false, rule: `${this.decider.name} failed: ${(err as Error).message}`}
    }
  }

  /** Where clients get tokens: the plane's own endpoint, or the external provider's. */
  tokenEndpoint(): string {
    if (this.external) return this.external.metadata.token_endpoint ?? `the OIDC issuer ${this.external.issuer}`
    return `${this.baseUrl()}/oauth2/token`
  }

  /**
   * Of these projects, the ones the current caller may `read` (undefined: no caller known, no filter).
   * Decided as calls are, but not audited one by one (the listing call itself is).
   */
  async readableProjects(ids: string[]): Promise<string[] | undefined> {
    const caller = currentPrincipal()
    if (!caller) return undefined
    const allowed = await Promise.all(
      ids.map(async (project) => {
        const target = {action: 'read', project, domain: '', resource: ''}
        if (caller.execution) return decideForExecution(caller.execution, target).allow
        const d = await this.decide({
          principal: {name: caller.name, kind: caller.kind, groups: caller.groups},
          ...target,
        })
        return d.allow
      }),
    )
    return ids.filter((_, i) => allowed[i])
  }

  /** Per-execution tokens for tasks (see exec-tokens.ts), once the plane can tell which executions run. */
  executions?: ExecutionTokens

  enableExecutionTokens(isRunning: (scope: ExecutionScope) => boolean, seconds?: number): void {
    const tokens = new ExecutionTokens(this.dataDir, this.tokens, isRunning, seconds)
    this.executions = tokens
    setExecutionCredentials(this.dataDir, (scope) => tokens.env(scope))
  }

  close(): Promise<void> {
    if (this.executions) {
      setExecutionCredentials(this.dataDir, undefined)
      this.executions.close()
    }
    return this.audit.close()
  }

  /** Who sent this call; throws Unauthenticated (no token, bad token, missing `all` scope). */
  async authenticate(get: HeaderGet): Promise<Principal> {
    const cred = credential(get)
    if (!cred)
      throw new ConnectError(
        `authentication required: send an access token as "${AUTHORIZATION_HEADER}: Bearer <token>" (token endpoint ${this.tokenEndpoint()})`,
        Code.Unauthenticated,
      )
    let p: Principal
    try {
      if (this.external) {
        if (cred.scheme === 'idtoken') p = await this.external.verifyIdToken(cred.token)
        else if (this.isOwnToken(cred.token)) {
          // The plane signs only its executions' tokens when it trusts an external issuer.
          p = await this.tokens.verifyAccess(cred.token)
          if (!p.execution) throw new TokenError('the plane issues only execution tokens when it trusts an OIDC issuer')
        } else p = await this.external.verifyAccess(cred.token, this.baseUrl())
      } else if (cred.scheme === 'idtoken') {
        throw new TokenError('ID tokens are accepted only when the plane trusts an OIDC issuer (--oidc-issuer)')
      } else {
        p = await this.tokens.verifyAccess(cred.token)
      }
    } catch (err) {
      if (err instanceof TokenError) throw new ConnectError(`token refused: ${err.message}`, Code.Unauthenticated)
      throw err
    }
    if (p.execution && !this.executions?.accepts(p.execution))
      throw new ConnectError(
        `token refused: execution ${p.execution.project}/${p.execution.domain}/${p.execution.name} is no longer running`,
        Code.Unauthenticated,
      )
    if (!p.scopes.includes(SCOPE_ALL))
      throw new ConnectError(`token refused: it lacks the "${SCOPE_ALL}" scope`, Code.Unauthenticated)
    return p
  }

  private isOwnToken(token: string): boolean {
    try {
      return decodeJwt(token).iss === this.baseUrl()
    } catch {
      return false
    }
  }

  /** The caller of a call to `method`: undefined for open services, else authenticated (or throws). */
  async caller(get: HeaderGet, method: DescMethod): Promise<Principal | undefined> {
    if (OPEN_SERVICES.has(method.parent.typeName)) return undefined
    return this.authenticate(get)
  }

  /**
   * Decides the call (action, project, domain, resource from the method and message), records the
   * decision in the audit log, and runs it with its caller known — or throws PermissionDenied
   * naming the action and the project.
   */
  async run<T>(caller: Principal | undefined, method: DescMethod, message: unknown, fn: () => Promise<T>): Promise<T> {
    if (!caller) return fn()
    const target = targetOf(method, message)
    const input: DecisionInput = {
      principal: {name: caller.name, kind: caller.kind, groups: caller.groups},
      ...target,
    }
    const decision = caller.execution ? decideForExecution(caller.execution, target) : await this.decide(input)
    this.audit.record(input, decision, caller.execution ? 'execution token' : this.decider.name)
    if (!decision.allow) {
      const where = target.project
        ? ` in project ${target.project}${target.domain ? `, domain ${target.domain}` : ''}`
        : ''
      throw new ConnectError(
        `permission denied: ${caller.kind} ${caller.name} may not ${target.action}${where} (${decision.rule})`,
        Code.PermissionDenied,
      )
    }
    return principalStore.run(caller, fn)
  }

  interceptor(): Interceptor {
    return (next) => async (req) => {
      const who = await this.caller((n) => req.header.get(n), req.method)
      return this.run(who, req.method, req.stream ? undefined : req.message, () => next(req))
    }
  }
}

/** What the REST gateway asks: who calls (before reading the body), then may they (with the message). */
export interface CallGuard {
  caller(get: HeaderGet, method: DescMethod): Promise<Principal | undefined>
  run<T>(caller: Principal | undefined, method: DescMethod, message: unknown, fn: () => Promise<T>): Promise<T>
}
