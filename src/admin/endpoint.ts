/**
 * Endpoint parsing for the admin client: `dns:///host:port`, `dns:host:port`, `host:port`, `host`,
 * `http://host[:port]` and `https://host[:port]`, as flytectl and flytekit accept them.
 */
import {CliError} from '../cli/errors.js'

export interface ParsedEndpoint {
  /** Base URL for the gRPC transport, e.g. `https://flyte.example.com:443`. */
  url: string
  host: string
  port: number
  tls: boolean
}

/**
 * TLS unless `insecure` (or an explicit `http://` scheme). A port defaults to 443 with TLS and 80
 * without, as gRPC does for a bare `dns:///host`.
 */
export function parseEndpoint(endpoint: string, insecure: boolean, key = 'admin.endpoint'): ParsedEndpoint {
  const shown = showEndpoint(endpoint)
  const bad = (problem: string) =>
    new CliError('config-invalid', `${key} ${shown} ${problem}`, {
      hint: 'Use dns:///host:port, host:port or https://host[:port].',
    })
  if (endpoint.length > 2048) throw bad('is too long; a host name has at most 253 characters')
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(endpoint)
  if (control) throw bad(`contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')})`)
  let raw = endpoint.trim()
  if (raw === '') throw bad('is empty')
  if (/\s/.test(raw)) throw bad('contains a space')
  let tls = !insecure
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw)
  if (scheme && !/^(https?|dns)$/i.test(scheme[1]!)) throw bad(`has an unknown scheme ${scheme[1]}://`)
  if (scheme && /^https?$/i.test(scheme[1]!)) {
    tls = scheme[1]!.toLowerCase() === 'https' && !insecure
    raw = raw.slice(scheme[0].length)
  } else {
    raw = raw.replace(/^dns:\/\/[^/]*\//i, '').replace(/^dns:/i, '')
  }
  raw = raw.replace(/\/+$/, '')
  if (raw.includes('/')) throw bad('has a path; expected host[:port]')
  if (raw.includes('@')) throw bad('has user information (user@); expected host[:port]')
  let host: string
  let portText: string | undefined
  if (raw.startsWith('[') || raw.includes(']')) {
    const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d*))?$/.exec(raw)
    if (!v6 || !v6[1]!.includes(':')) throw bad('has a malformed IPv6 address; expected [address]:port')
    host = `[${v6[1]}]`
    portText = v6[2]
  } else {
    const m = /^([^:]*)(?::(.*))?$/.exec(raw)!
    host = m[1]!
    portText = m[2]
    if (host === '') throw bad('has no host')
    if (host.length > 253) throw bad(`has a host name of ${host.length} characters; the limit is 253`)
    if (!/^[A-Za-z0-9.-]+$/.test(host))
      throw bad('has a host name with characters other than letters, digits, "." and "-"')
    if (host.split('.').some((label) => label.length > 63)) throw bad('has a host name label longer than 63 characters')
  }
  if (portText !== undefined && !/^\d{1,5}$/.test(portText))
    throw bad(`has an invalid port "${portText.slice(0, 20)}"; expected 1 to 65535`)
  const port = portText === undefined ? (tls ? 443 : 80) : Number(portText)
  if (port < 1 || port > 65535) throw bad(`has an invalid port ${port}; expected 1 to 65535`)
  return {url: `${tls ? 'https' : 'http'}://${host}:${port}`, host, port, tls}
}

/** The endpoint as an error message shows it: quoted, escaped, at most 80 characters. */
function showEndpoint(endpoint: string): string {
  const quoted = JSON.stringify(endpoint.length > 80 ? endpoint.slice(0, 80) : endpoint)
  return endpoint.length > 80 ? `${quoted.slice(0, -1)}…" (${endpoint.length} characters)` : quoted
}

/** Go duration text (`15s`, `1m30s`, `500ms`) → milliseconds. */
export function durationMs(text: string | undefined, fallbackMs: number): number {
  if (text === undefined || text === '') return fallbackMs
  const units: Record<string, number> = {ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000}
  if (text === '0') return 0
  let total = 0
  let matched = ''
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]!]!
    matched += m[0]
  }
  if (matched !== text) throw new CliError('config-invalid', `invalid duration ${JSON.stringify(text)}`)
  return total
}
