/**
 * What maintainer commands share about GitHub: the --token and --github-url flags and building the
 * Forge lazily (octokit loads only when a command runs). Forge failures are ForgeErrors, which are
 * CliErrors: left to escape, they exit with the right code and a next step.
 */
import {Flags} from '@oclif/core'
import type {Forge, ForgeOptions} from './types.js'

export const forgeFlags = {
  token: Flags.string({
    description:
      'GitHub token (default: a GitHub App from FLYTECTL_GITHUB_APP_ID/_PRIVATE_KEY/_INSTALLATION_ID, then $GITHUB_TOKEN, then $GH_TOKEN)',
    helpGroup: 'GITHUB',
  }),
  'github-url': Flags.string({
    description:
      'GitHub API base URL; GitHub Enterprise: https://HOST/api/v3 (default: $GITHUB_API_URL, then https://api.github.com)',
    helpGroup: 'GITHUB',
  }),
}

/**
 * The Forge from --token/--github-url and the environment; no credentials is an auth error (exit 7)
 * unless `anonymous` (read-only commands): then public repositories are read unauthenticated, with a
 * note on stderr saying so.
 */
export async function forgeFromFlags(
  flags: {token?: string; 'github-url'?: string},
  extra: Partial<ForgeOptions> & {anonymous?: boolean} = {},
): Promise<Forge> {
  const {createGitHubForge, forgeOptionsFromEnv} = await import('./github.js')
  const {anonymous, ...rest} = extra
  const options = forgeOptionsFromEnv(flags, process.env, {anonymous})
  if (anonymous && !options.token && !options.app) {
    process.stderr.write(
      'note: no GitHub token: reading public repositories unauthenticated (GitHub allows 60 requests an hour; --token or GITHUB_TOKEN lifts that)\n',
    )
  }
  return createGitHubForge({...options, ...rest})
}

/**
 * The CliError for a forge failure. ForgeErrors already are CliErrors, so they pass through; anything
 * else is left for the command's error handling.
 */
export function forgeCliError(err: unknown): unknown {
  return err
}
