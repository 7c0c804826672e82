/**
 * Typed CLI errors. Every failure a user can meet is one of these codes; one table maps each code
 * to its exit status and default next step. `flytectl --help` lists the exit codes from EXIT_CODES.
 */

export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  notFound: 4,
  conflict: 5,
  unavailable: 6,
  auth: 7,
  partial: 8,
  aborted: 9,
  runFailed: 10,
  runAborted: 11,
  runTimedOut: 12,
} as const

export type ExitCodeName = keyof typeof EXIT_CODES

/** What each exit code means, for --help and the README. */
export const EXIT_CODE_HELP: Record<ExitCodeName, string> = {
  ok: 'success (also: nothing to do)',
  failure: 'unexpected error (rerun with --verbose for details)',
  usage: 'bad flags, arguments or input files',
  config: 'configuration file missing, unreadable or invalid',
  notFound: 'a named resource does not exist',
  conflict: 'a resource exists with different content, or the local state disagrees with the remote',
  unavailable: 'the control plane or forge could not be reached',
  auth: 'authentication or permission failure',
  partial: 'some planned steps or files did not succeed (see the report)',
  aborted: 'stopped by the user, or a confirmation was needed with no terminal',
  runFailed: 'the execution waited for (--wait, --watch) ended FAILED',
  runAborted: 'the execution waited for ended ABORTED',
  runTimedOut: 'the execution waited for ended TIMED_OUT',
}

export type ErrorCode =
  | 'usage'
  | 'invalid-input'
  | 'config-missing'
  | 'config-invalid'
  | 'not-found'
  | 'already-exists'
  | 'conflict'
  | 'unavailable'
  | 'unauthenticated'
  | 'permission-denied'
  | 'partial-failure'
  | 'aborted'
  | 'needs-confirmation'
  | 'execution-failed'
  | 'execution-aborted'
  | 'execution-timed-out'
  | 'internal'

const CODE_TABLE: Record<ErrorCode, {exit: ExitCodeName; hint?: string}> = {
  usage: {exit: 'usage', hint: 'Run the command with --help to see its flags.'},
  'invalid-input': {exit: 'usage'},
  'config-missing': {exit: 'config', hint: 'Run `flytectl config init` to create one, or pass --config.'},
  'config-invalid': {exit: 'config', hint: 'Fix the file, then run `flytectl config validate`.'},
  'not-found': {exit: 'notFound'},
  'already-exists': {exit: 'conflict'},
  conflict: {exit: 'conflict'},
  unavailable: {
    exit: 'unavailable',
    hint: 'Check admin.endpoint in your config, or start a local control plane with `flytectl demo start`.',
  },
  unauthenticated: {exit: 'auth', hint: 'Check admin.authType and credentials in your config.'},
  'permission-denied': {exit: 'auth'},
  'partial-failure': {exit: 'partial'},
  aborted: {exit: 'aborted'},
  'needs-confirmation': {exit: 'aborted', hint: 'Pass --force to apply without a prompt.'},
  'execution-failed': {exit: 'runFailed'},
  'execution-aborted': {exit: 'runAborted'},
  'execution-timed-out': {exit: 'runTimedOut'},
  internal: {exit: 'failure', hint: 'Rerun with --verbose and report the output if it persists.'},
}

export interface CliErrorOptions {
  /** The next step to show under the message; defaults to the code's own hint. */
  hint?: string
  cause?: unknown
  /** Structured detail for --json output (e.g. a per-step report). */
  details?: unknown
}

export class CliError extends Error {
  readonly code: ErrorCode
  readonly hint?: string
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'CliError'
    this.code = code
    this.hint = options.hint ?? CODE_TABLE[code].hint
    this.details = options.details
  }

  get exitCode(): number {
    return EXIT_CODES[CODE_TABLE[this.code].exit]
  }
}

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[CODE_TABLE[code].exit]
}

export function isCliError(err: unknown): err is CliError {
  return err instanceof CliError
}

/** oclif reports flag/argument parse failures with these names. */
const OCLIF_PARSE_ERRORS = new Set([
  'RequiredArgsError',
  'UnexpectedArgsError',
  'FailedFlagValidationError',
  'NonExistentFlagsError',
  'FlagInvalidOptionError',
  'ArgInvalidOptionError',
  'CLIParseError',
])

/** Normalise anything thrown into a CliError; the original stays reachable as `cause`. */
export function toCliError(err: unknown): CliError {
  if (isCliError(err)) return err
  // Errors that know their user-facing form (e.g. control-plane RPC errors) convert themselves.
  const own = (err as {toCliError?: unknown} | null)?.toCliError
  if (typeof own === 'function') {
    const converted: unknown = own.call(err)
    if (isCliError(converted)) return converted
  }
  if (err instanceof Error) {
    const ctor = err.constructor?.name ?? ''
    // A flag value its parser refused: oclif rewrites the message to "Parsing --flag \n\t<reason>\n…".
    const flagParse = /^Parsing (--[\w.-]+)\s*\n\s*(.+)/.exec(err.message)
    if (flagParse) return new CliError('usage', `${flagParse[1]}: ${flagParse[2]!.trim()}`, {cause: err})
    if (OCLIF_PARSE_ERRORS.has(ctor) || OCLIF_PARSE_ERRORS.has(err.name)) {
      // oclif lists its findings under a header line: the first finding is the message.
      const text = err.message.replace(/^\s*The following errors? occurred:\s*\n/, '')
      return new CliError('usage', firstLine(text), {cause: err})
    }
    return new CliError('internal', firstLine(err.message) || err.name, {cause: err})
  }
  return new CliError('internal', String(err))
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '')
  return (line ?? '').trim()
}

/** Longest message or hint line shown without --verbose; the rest is counted, not printed. */
export const MESSAGE_LIMIT = 500

function capped(text: string, verbose: boolean): string {
  if (verbose || text.length <= MESSAGE_LIMIT) return text
  return `${text.slice(0, MESSAGE_LIMIT)}… (${text.length - MESSAGE_LIMIT} more characters; --verbose shows all)`
}

/** The lines a user sees on stderr for an error: `Error: <message>` and, if any, the next step. */
export function formatError(err: CliError, verbose: boolean): string {
  const lines = [`Error: ${capped(err.message, verbose)}`]
  if (err.hint) lines.push(`Hint: ${capped(err.hint, verbose)}`)
  if (verbose) {
    let cause: unknown = err.cause ?? err
    while (cause instanceof Error) {
      if (cause.stack) lines.push(cause.stack)
      cause = cause.cause
    }
  }
  return lines.join('\n')
}

/** The stable --json envelope for a failure. */
export function errorEnvelope(err: CliError): {ok: false; error: Record<string, unknown>} {
  return {
    ok: false,
    error: {
      code: err.code,
      message: err.message,
      ...(err.hint ? {hint: err.hint} : {}),
      exitCode: err.exitCode,
      ...(err.details === undefined ? {} : {details: err.details}),
    },
  }
}
