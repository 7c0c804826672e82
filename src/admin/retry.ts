/**
 * Retries with exponential backoff as a connect interceptor: Unavailable, ResourceExhausted and
 * per-attempt timeouts are retried (flytectl's grpc retry interceptor: `maxRetries` attempts in all,
 * each bounded by `perRetryTimeout`, backoff capped by `maxBackoffDelay`).
 */
import {Code, ConnectError, type Interceptor} from '@connectrpc/connect'

export interface RetryOptions {
  /** Attempts in all, as flytectl counts them (at least 1). */
  maxAttempts: number
  /** Bound on each attempt; 0 = none. */
  perAttemptTimeoutMs: number
  /** First backoff; doubles per attempt. */
  baseDelayMs: number
  maxDelayMs: number
  /** Called before each retry (for --verbose notes and tests). */
  onRetry?: (info: {attempt: number; delayMs: number; error: ConnectError}) => void
}

const RETRYABLE = new Set([Code.Unavailable, Code.ResourceExhausted])

export function backoffDelay(attempt: number, base: number, max: number, random = Math.random): number {
  const exp = Math.min(max, base * 2 ** (attempt - 1))
  // Full jitter in the upper half keeps clients apart without collapsing to zero.
  return Math.round(exp / 2 + (random() * exp) / 2)
}

export function retryInterceptor(opts: RetryOptions): Interceptor {
  const attempts = Math.max(1, opts.maxAttempts)
  return (next) => async (req) => {
    if (req.stream) return next(req)
    for (let attempt = 1; ; attempt++) {
      const timeout = opts.perAttemptTimeoutMs > 0 ? new AbortController() : undefined
      const timer = timeout
        ? setTimeout(
            () =>
              timeout.abort(
                new ConnectError(`no response within ${opts.perAttemptTimeoutMs}ms`, Code.DeadlineExceeded),
              ),
            opts.perAttemptTimeoutMs,
          )
        : undefined
      const signal = timeout ? AbortSignal.any([req.signal, timeout.signal]) : req.signal
      try {
        return await next({...req, signal})
      } catch (raw) {
        const err = ConnectError.from(raw)
        const timedOut = timeout?.signal.aborted === true && !req.signal.aborted
        const retryable = RETRYABLE.has(err.code) || timedOut
        if (!retryable || attempt >= attempts || req.signal.aborted) {
          if (timedOut)
            throw new ConnectError(`no response within ${opts.perAttemptTimeoutMs}ms`, Code.DeadlineExceeded)
          throw raw
        }
        const delayMs = backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs)
        opts.onRetry?.({attempt, delayMs, error: err})
        await sleep(delayMs, req.signal)
      } finally {
        if (timer) clearTimeout(timer)
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
