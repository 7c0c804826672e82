/**
 * The environment registered tasks run with: an allow-list, not the whole environment of the shell that
 * ran `demo start` (which may hold GITHUB_TOKEN, cloud credentials, ...). Tasks get PATH (as captured at
 * start), HOME and the user's identity, temp dirs, locale and time zone, the Python / virtualenv variables
 * flytekit needs, the plane's own FLYTECTL_DEMO_* settings, plus the FLYTE_* variables the executor sets
 * per attempt. Anything else only when the user names it: `demo start --env NAME` (or `NAME=value`),
 * which the daemon receives in its environment and lists by name in FLYTECTL_DEMO_ENV.
 */

/** Comma-separated names of the variables the user passed with `demo start --env`. */
export const PASSED_ENV = 'FLYTECTL_DEMO_ENV'

const ALLOWED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONUNBUFFERED',
  'PYTHONDONTWRITEBYTECODE',
  'PYTHONIOENCODING',
  'PYTHONUTF8',
  'PYTHONWARNINGS',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
])

/** Names matched by prefix: locale categories (LC_ALL, LC_CTYPE, ...) and the plane's own settings (FLYTECTL_DEMO_*). */
const ALLOWED_PREFIXES = ['LC_', 'FLYTECTL_DEMO_']

/** Whether a variable of the starting shell reaches tasks without being passed explicitly. */
export function isAllowedByDefault(name: string): boolean {
  return ALLOWED.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))
}

/**
 * The environment a task (and the daemon that starts it) gets from `env`: the allow-list, plus the
 * variables named in `passed` (or, when not given, in `env.FLYTECTL_DEMO_ENV`).
 */
export function taskEnvironment(env: NodeJS.ProcessEnv, passed?: string[]): NodeJS.ProcessEnv {
  const extra = new Set(passed ?? (env[PASSED_ENV] ?? '').split(',').filter(Boolean))
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (isAllowedByDefault(k) || extra.has(k))) out[k] = v
  }
  return out
}

/**
 * `--env NAME` (this shell's value) and `--env NAME=value` into variables; a name that is not a valid
 * environment variable name is an error (its text is returned).
 */
export function parseEnvOptions(
  items: string[],
  env: NodeJS.ProcessEnv,
): {vars: Record<string, string>; bad?: string; missing: string[]} {
  const vars: Record<string, string> = {}
  const missing: string[] = []
  for (const item of items) {
    const eq = item.indexOf('=')
    const name = eq < 0 ? item : item.slice(0, eq)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return {vars, bad: item, missing}
    if (eq >= 0) vars[name] = item.slice(eq + 1)
    else if (env[name] !== undefined) vars[name] = env[name]
    else missing.push(name)
  }
  return {vars, missing}
}

/** The execution a task runs for, as the plane's per-execution credentials see it. */
export interface ExecutionScope {
  project: string
  domain: string
  name: string
}

type CredentialsProvider = (scope: ExecutionScope) => Promise<Record<string, string>>

/** Per plane (keyed by data directory): what gives a task the credentials to call its plane back. */
const credentialProviders = new Map<string, CredentialsProvider>()

/**
 * Set by a plane with auth on: tasks of its executions then get variables that let flytekit (FlyteRemote
 * inside a task) authenticate as that execution. Undefined removes it.
 */
export function setExecutionCredentials(dataDir: string, provider: CredentialsProvider | undefined): void {
  if (provider) credentialProviders.set(dataDir, provider)
  else credentialProviders.delete(dataDir)
}

/** The credential variables for a task of this execution (none when its plane has auth off). */
export async function executionCredentialsEnv(job: {
  dataDir: string
  execution: {id?: ExecutionScope}
}): Promise<Record<string, string>> {
  const provider = credentialProviders.get(job.dataDir)
  const id = job.execution.id
  if (!provider || !id) return {}
  return provider({project: id.project, domain: id.domain, name: id.name})
}
