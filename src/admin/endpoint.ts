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
export function parseEndpoint(endpoint: string, insecure: boolean): ParsedEndpoint {
  let raw = endpoint.trim()
  let tls = !insecure
  const scheme = /^(https?):\/\//i.exec(raw)
  if (scheme) {
    tls = scheme[1]!.toLowerCase() === 'https' && !insecure
    raw = raw.slice(scheme[0].length)
  } else {
    raw = raw.replace(/^dns:\/\/[^/]*\//i, '').replace(/^dns:/i, '')
  }
  raw = raw.replace(/\/+$/, '')
  if (raw.includes('/')) {
    throw new CliError('config-invalid', `admin.endpoint ${endpoint} has a path; expected host[:port]`, {
      hint: 'Use dns:///host:port, host:port or https://host[:port].',
    })
  }
  let host: string
  let portText: string | undefined
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(raw)
  if (v6) {
    host = `[${v6[1]}]`
    portText = v6[2]
  } else {
    const m = /^([A-Za-z0-9.-]+)(?::(\d+))?$/.exec(raw)
    if (!m) {
      throw new CliError('config-invalid', `admin.endpoint ${JSON.stringify(endpoint)} is not a valid endpoint`, {
        hint: 'Use dns:///host:port, host:port or https://host[:port].',
      })
    }
    host = m[1]!
    portText = m[2]
  }
  const port = portText === undefined ? (tls ? 443 : 80) : Number(portText)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliError('config-invalid', `admin.endpoint ${endpoint} has an invalid port ${portText}`)
  }
  return {url: `${tls ? 'https' : 'http'}://${host}:${port}`, host, port, tls}
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
