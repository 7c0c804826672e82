/** The forge for triage and docs commands; loads octokit, so import this module lazily. */
import type {Forge} from '../forge/types.js'

/**
 * The GitHub forge from --token/--github-url and the environment (see src/forge/cli.ts).
 * FLYTECTL_GITHUB_WRITE_INTERVAL_MS sets the spacing between writes (GitHub asks for about a second
 * on github.com; a GitHub Enterprise instance or a local test server may allow less). `readOnly`
 * commands work without credentials on public repositories.
 */
export async function openForge(
  flags: {token?: string; 'github-url'?: string},
  opts: {readOnly?: boolean} = {},
): Promise<Forge> {
  const {forgeFromFlags} = await import('../forge/cli.js')
  const interval = process.env.FLYTECTL_GITHUB_WRITE_INTERVAL_MS
  return forgeFromFlags(flags, {
    ...(interval && /^\d+$/.test(interval) ? {minWriteIntervalMs: Number(interval)} : {}),
    // Reads only: public repositories answer without a token.
    ...(opts.readOnly ? {anonymous: true} : {}),
  })
}
