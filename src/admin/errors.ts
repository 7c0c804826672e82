/**
 * gRPC status → typed CLI error. The error stays a ConnectError (callers may still switch on
 * `code`), and carries the CliError a user sees, with flytectl's connection-info line for
 * transport and auth failures.
 */
import {Code, ConnectError, type Interceptor} from '@connectrpc/connect'
import {CliError, type ErrorCode} from '../cli/errors.js'

export interface ConnectionInfo {
  endpoint: string
  insecure: boolean
  authMode: string
}

const CODE_MAP: Partial<Record<Code, ErrorCode>> = {
  [Code.Unavailable]: 'unavailable',
  [Code.DeadlineExceeded]: 'unavailable',
  [Code.NotFound]: 'not-found',
  [Code.AlreadyExists]: 'already-exists',
  [Code.InvalidArgument]: 'invalid-input',
  [Code.FailedPrecondition]: 'conflict',
  [Code.Unauthenticated]: 'unauthenticated',
  [Code.PermissionDenied]: 'permission-denied',
  [Code.Aborted]: 'aborted',
}

/** Codes that get flytectl's `Connection Info: [...]` suffix. */
const WITH_CONNECTION_INFO = new Set([Code.Unavailable, Code.Unauthenticated, Code.Unknown, Code.DeadlineExceeded])

export function connectionInfoLine(info: ConnectionInfo): string {
  return `Connection Info: [Endpoint: ${info.endpoint}, InsecureConnection?: ${info.insecure}, AuthMode: ${info.authMode}]`
}

export class AdminRpcError extends ConnectError {
  readonly info: ConnectionInfo
  /** Set when the failure happened in the client itself (e.g. an auth flow), already user-facing. */
  readonly cli?: CliError
  constructor(source: ConnectError, info: ConnectionInfo, cli?: CliError) {
    super(source.rawMessage, source.code, source.metadata, undefined, source.cause ?? source)
    this.details = source.details
    // connect recognises its errors by name (ConnectError[Symbol.hasInstance]); keep it.
    this.name = 'ConnectError'
    this.info = info
    if (cli) this.cli = cli
  }

  /** Picked up by toCliError (src/cli/errors.ts). */
  toCliError(): CliError {
    return this.cli ?? rpcErrorToCliError(this, this.info)
  }
}

/** A TLS failure (unknown CA, self-signed, wrong host name) somewhere in the cause chain. */
function tlsFailure(err: unknown): string | undefined {
  for (let e = err, i = 0; e && i < 5; e = (e as {cause?: unknown}).cause, i++) {
    const code = (e as {code?: unknown}).code
    if (typeof code === 'string' && /CERT|TLS|SSL|SIGNATURE|ALTNAME/.test(code)) return code
  }
  return undefined
}

/** Node's HTTP/2 framing failed: the endpoint answered, but not in HTTP/2 (an HTTP/1.1 server, TLS to a plaintext client). */
function notHttp2(err: unknown): boolean {
  for (let e = err, i = 0; e && i < 5; e = (e as {cause?: unknown}).cause, i++) {
    if ((e as {code?: unknown}).code === 'ERR_HTTP2_ERROR') return true
  }
  return false
}

export function rpcErrorToCliError(err: ConnectError, info: ConnectionInfo): CliError {
  if (notHttp2(err)) {
    const message = err.rawMessage.split('\n')[0]!.trim()
    return new CliError(
      'unavailable',
      `${info.endpoint} does not answer gRPC over HTTP/2 (${message}) ${connectionInfoLine(info)}`,
      {
        cause: err,
        hint: `Point admin.endpoint at the control plane's gRPC port (\`flytectl demo start\` listens on 30080), not a web or console port; for a TLS endpoint, set admin.insecure to false.`,
      },
    )
  }
  const tls = tlsFailure(err)
  if (tls) {
    const message = err.rawMessage.split('\n')[0]!.trim()
    return new CliError('unavailable', `TLS: ${message} (${tls}) ${connectionInfoLine(info)}`, {
      cause: err,
      hint: 'Point admin.caCertFilePath at the CA that signed the server certificate, or set admin.insecureSkipVerify (testing only).',
    })
  }
  const code = CODE_MAP[err.code] ?? 'internal'
  const message = err.rawMessage.split('\n')[0]!.trim() || Code[err.code]
  const withInfo = WITH_CONNECTION_INFO.has(err.code)
  const text = withInfo ? `${message} ${connectionInfoLine(info)}` : message
  let hint: string | undefined
  if (err.code === Code.Unavailable || err.code === Code.DeadlineExceeded)
    hint = `Check that the control plane at ${info.endpoint} is running (\`flytectl demo start\` for a local one) and admin.endpoint/admin.insecure in your config.`
  if (err.code === Code.NotFound) hint = 'Check the name, -p/-d and the version.'
  if (err.code === Code.PermissionDenied)
    hint =
      "Ask the control plane's administrator for a role that allows it (a local plane: auth/policy.yaml in its data directory)."
  if (err.code === Code.Unimplemented)
    hint = 'The control plane does not support this call; it may be older than this CLI.'
  return new CliError(code, text, {cause: err, ...(hint ? {hint} : {})})
}

/** Outermost interceptor: every failure leaves the client as an AdminRpcError. */
export function errorInterceptor(info: ConnectionInfo): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req)
    } catch (raw) {
      if (isAdminRpcError(raw)) throw raw
      // Auth-flow failures are already user-facing errors; keep them as they are.
      if (raw instanceof CliError) {
        const code =
          raw.code === 'unauthenticated'
            ? Code.Unauthenticated
            : raw.code === 'unavailable'
              ? Code.Unavailable
              : Code.Unknown
        throw new AdminRpcError(new ConnectError(raw.message, code), info, raw)
      }
      throw new AdminRpcError(ConnectError.from(raw), info)
    }
  }
}

export function isRpcCode(err: unknown, code: Code): boolean {
  return err instanceof ConnectError && err.code === code
}

/** `instanceof` cannot tell (ConnectError's hasInstance accepts any ConnectError). */
export function isAdminRpcError(err: unknown): err is AdminRpcError {
  return err instanceof ConnectError && 'info' in err && typeof (err as AdminRpcError).toCliError === 'function'
}
