/** `demo start` flag values: sizes (`--maxMessageSize 64MiB`) and variables passed to tasks (`--env NAME`). */
import {CliError} from '../cli/errors.js'
import {parseEnvOptions} from '../controlplane/executor/task-env.js'

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
}

/** Bytes of `text` (a whole number with an optional unit; K, M and G are powers of 1024). */
export function parseByteSize(text: string, flag: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined
  const bytes = m && unit ? Number(m[1]) * unit : NaN
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new CliError('usage', `invalid --${flag} ${JSON.stringify(text)}`, {
      hint: `Give a size such as 64MiB or 2GiB (a number of bytes with an optional K, M or G unit).`,
    })
  }
  return bytes
}

/** `--env NAME` (this shell's value) and `--env NAME=value`, as the variables to pass to tasks. */
export function resolveEnvFlags(items: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const {vars, bad, missing} = parseEnvOptions(items, env)
  if (bad !== undefined) {
    throw new CliError('usage', `invalid --env ${JSON.stringify(bad)}: expected NAME or NAME=value`, {
      hint: 'Example: flytectl demo start --env AWS_PROFILE --env MY_SETTING=1',
    })
  }
  if (missing.length > 0) {
    throw new CliError('usage', `--env ${missing[0]}: it is not set in this shell`, {
      hint: `Set it first, or give the value: --env ${missing[0]}=<value>`,
    })
  }
  return vars
}

/** `--oidc-issuer`: https, or http on this machine (a token check must not trust a key set fetched in the clear). */
export function checkIssuerUrl(text: string): void {
  let u: URL | undefined
  try {
    u = new URL(text)
  } catch {
    u = undefined
  }
  const loopback = u && (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]')
  if (!u || !(u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) || u.username || u.password) {
    throw new CliError(
      'usage',
      `invalid --oidc-issuer ${JSON.stringify(text)}: an https URL is needed (http only on localhost)`,
      {
        hint: 'Give the issuer URL exactly as the provider names it, e.g. --oidc-issuer https://idp.example.com/oauth2/default',
      },
    )
  }
}
