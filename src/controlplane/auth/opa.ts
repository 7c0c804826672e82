/**
 * Decisions from an OPA server (`--opa-url`): the same input document the built-in policy decides on
 * is POSTed to the URL of a rule in OPA's data API (e.g. `http://127.0.0.1:8181/v1/data/flyte/authz`),
 * as `{"input": …}`. The result is obeyed when it is `true`/`false` or `{"allow": bool, "rule"?: str}`;
 * anything else — no result (undefined rule), an error status, a timeout, an unreachable server — is a
 * deny that says why.
 */
import type {Decider, Decision, DecisionInput} from './policy.js'

export const OPA_TIMEOUT_MS = 2000

export class OpaDecider implements Decider {
  readonly name = 'opa'

  constructor(
    readonly url: string,
    readonly timeoutMs = OPA_TIMEOUT_MS,
  ) {
    const u = new URL(url)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--opa-url must be http(s): ${url}`)
  }

  async decide(input: DecisionInput): Promise<Decision> {
    let res: Response
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {'content-type': 'application/json'},
        body: JSON.stringify({input}),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (err) {
      const e = err as Error
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : e.message
      return {allow: false, rule: `opa: denied because the OPA server failed (${why})`}
    }
    if (!res.ok) return {allow: false, rule: `opa: denied because the OPA server answered HTTP ${res.status}`}
    let body: {result?: unknown}
    try {
      body = (await res.json()) as {result?: unknown}
    } catch {
      return {allow: false, rule: 'opa: denied because the OPA answer is not JSON'}
    }
    const r = body.result
    if (typeof r === 'boolean') return {allow: r, rule: `opa: ${r ? 'allowed' : 'denied'}`}
    if (r && typeof r === 'object' && typeof (r as {allow?: unknown}).allow === 'boolean') {
      const {allow, rule} = r as {allow: boolean; rule?: unknown}
      return {allow, rule: `opa: ${typeof rule === 'string' && rule ? rule : allow ? 'allowed' : 'denied'}`}
    }
    return {allow: false, rule: 'opa: denied because the rule gave no decision (undefined result)'}
  }
}
