/** Map octokit failures to ForgeError kinds, with secrets scrubbed from every message. */
import {ForgeError, type ForgeErrorKind} from './types.js'

const TOKEN_SHAPES = /\b(gh[pousr]_[A-Za-z0-9_]{10,}|github_pat_[A-Za-z0-9_]{10,})\b/g

/** Remove known secrets and anything shaped like a GitHub token. */
export function redact(text: string, secrets: string[] = []): string {
  let out = text
  for (const s of secrets) if (s) out = out.split(s).join('***')
  return out.replace(TOKEN_SHAPES, '***')
}

interface RequestErrorLike {
  status?: number
  message?: string
  request?: {url?: string}
  response?: {headers?: Record<string, string | undefined>; data?: unknown}
  errors?: {type?: string; message?: string}[]
}

function retryAfterSeconds(headers: Record<string, string | undefined>): number | undefined {
  const after = Number(headers['retry-after'])
  if (Number.isFinite(after) && after > 0) return after
  const reset = Number(headers['x-ratelimit-reset'])
  if (Number.isFinite(reset) && reset > 0) return Math.max(Math.ceil(reset - Date.now() / 1000), 0)
  return undefined
}

export function toForgeError(err: unknown, what: string, secrets: string[] = []): ForgeError {
  if (err instanceof ForgeError) return err
  const e = (err ?? {}) as RequestErrorLike
  // octokit reports a request that never got an answer (refused, reset, timed out) as a 500 with no
  // response: say which host could not be reached instead.
  if (!e.response && isNetwork(err)) {
    const host = hostOf(e.request?.url)
    return new ForgeError(
      'unavailable',
      redact(
        `GitHub: cannot ${what}: ${host ? `${host} ` : ''}could not be reached (${firstLine(e.message ?? String(err))})`,
        secrets,
      ),
    )
  }
  const status = typeof e.status === 'number' ? e.status : undefined
  const headers = e.response?.headers ?? {}
  const data = e.response?.data as
    {message?: string; errors?: {message?: string; code?: string; field?: string}[]} | undefined
  let detail = data?.message ?? firstLine(e.message ?? String(err))
  const fieldErrors = (data?.errors ?? [])
    .map((x) => x.message ?? [x.field, x.code].filter(Boolean).join(' '))
    .filter(Boolean)
  if (fieldErrors.length) detail += ` (${fieldErrors.join('; ')})`
  let kind: ForgeErrorKind
  const rateLimited =
    status === 429 ||
    (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail))) ||
    (e.errors ?? []).some((x) => x.type === 'RATE_LIMITED')
  if (rateLimited) {
    kind = 'rate-limited'
    const after = retryAfterSeconds(headers)
    detail = `rate limit reached${after !== undefined ? `; GitHub asks to wait ${after}s` : ''} (${detail})`
  } else if (status === 401 || status === 403) kind = 'auth'
  else if (status === 404) kind = 'not-found'
  else if (status === 409) kind = 'conflict'
  else if (status === 422) kind = /already.?exists/i.test(detail) ? 'conflict' : 'invalid'
  else if (status !== undefined && status >= 500) kind = 'unavailable'
  else if (status === undefined && (e.errors?.length ?? 0) > 0) {
    kind = 'invalid'
    detail = e.errors!.map((x) => x.message).join('; ')
  } else if (status === undefined) kind = isNetwork(err) ? 'unavailable' : 'internal'
  else kind = 'internal'
  const message = redact(`GitHub: cannot ${what}: ${status ? `${status} ` : ''}${detail}`, secrets)
  return new ForgeError(kind, message, {status})
}

function isNetwork(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ''} ${String((err as {cause?: {code?: string}})?.cause?.code ?? '')}`
  return /ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|fetch failed|socket|other side closed/i.test(text)
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).host : ''
  } catch {
    return ''
  }
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim()
}
