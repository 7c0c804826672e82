/**
 * What maintainer commands share about GitHub: the --token and --github-url flags, building the
 * Forge lazily (octokit loads only when a command runs), and ForgeError → CliError.
 */
import {Flags} from '@oclif/core'
import {CliError, type ErrorCode} from '../cli/errors.js'
import {ForgeError, type Forge, type ForgeOptions} from './types.js'

export const forgeFlags = {
  token: Flags.string({
    description:
      'GitHub token (default: $GITHUB_TOKEN, then $GH_TOKEN; a GitHub App from FLYTECTL_GITHUB_APP_* wins over those)',
    helpGroup: 'GITHUB',
  }),
  'github-url': Flags.string({
    description:
      'GitHub API base URL; GitHub Enterprise: https://HOST/api/v3 (default: $GITHUB_API_URL or https://api.github.com)',
    helpGroup: 'GITHUB',
  }),
}

/** Build the Forge from flags and environment; credential problems become CliErrors. */
export async function forgeFromFlags(
  flags: {token?: string; 'github-url'?: string},
  extra: Partial<ForgeOptions> & {anonymous?: boolean} = {},
): Promise<Forge> {
  const {forgeFromEnv} = await import('./github.js')
  try {
    return forgeFromEnv(flags, process.env, extra)
  } catch (err) {
    throw forgeCliError(err)
  }
}

const KIND: Record<ForgeError['kind'], {code: ErrorCode; hint: string}> = {
  'not-found': {
    code: 'not-found',
    hint: 'Check the repository, branch, tag or number; a private repository also answers 404 to a token without access.',
  },
  conflict: {
    code: 'conflict',
    hint: 'The remote already has something different; inspect it, nothing was moved or overwritten.',
  },
  invalid: {code: 'invalid-input', hint: 'GitHub rejected the request as invalid; check the names and values given.'},
  auth: {
    code: 'unauthenticated',
    hint: 'Pass --token or set GITHUB_TOKEN/GH_TOKEN; the token needs contents, issues and pull-requests write access (and workflow to change .github/workflows).',
  },
  'rate-limited': {
    code: 'unavailable',
    hint: 'GitHub rate limit reached; wait and re-run; completed steps are not repeated.',
  },
  unavailable: {
    code: 'unavailable',
    hint: 'GitHub could not be reached or failed; check --github-url and your network, then re-run.',
  },
  internal: {code: 'internal', hint: 'Rerun with --verbose and report the output if it persists.'},
}

/** A ForgeError as the CLI reports it (other errors pass through unchanged). */
export function forgeCliError(err: unknown): unknown {
  if (!(err instanceof ForgeError)) return err
  const {code, hint} = KIND[err.kind]
  const finalCode: ErrorCode = err.kind === 'auth' && err.status === 403 ? 'permission-denied' : code
  const finalHint =
    err.kind === 'auth' && err.status === 403
      ? 'The token is valid but lacks permission for this repository or action; grant write access to contents, issues and pull requests.'
      : hint
  return new CliError(finalCode, err.message, {hint: finalHint, cause: err})
}
