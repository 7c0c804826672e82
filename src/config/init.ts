/** `flytectl config init`: the same file Go flytectl writes (pkg/configutil template). */
import {CliError} from '../cli/errors.js'
import {DEFAULT_ENDPOINT} from './load.js'

const ENDPOINT_PREFIXES = ['dns:///', 'http://', 'https://']

export function trimEndpoint(host: string): string {
  let out = host
  for (const prefix of ENDPOINT_PREFIXES) if (out.startsWith(prefix)) out = out.slice(prefix.length)
  return out
}

const DNS_NAME =
  /^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/

/** `localhost`, a DNS name or an IPv4 address, with an optional `:port`. */
export function isValidEndpointName(endpoint: string): boolean {
  if (endpoint === 'localhost') return true
  const parts = endpoint.split(':')
  if (parts.length > 2 || parts[0] === '') return false
  const [host, port] = parts as [string, string | undefined]
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return false
  }
  return DNS_NAME.test(host) || IPV4.test(host)
}

export interface InitOptions {
  host?: string
  insecure?: boolean
  console?: string
}

export function renderInitConfig(opts: InitOptions): string {
  let endpoint = DEFAULT_ENDPOINT
  let insecure = true
  if (opts.host) {
    const host = trimEndpoint(opts.host)
    if (!isValidEndpointName(host))
      throw new CliError('invalid-input', `${host} invalid, please use a valid admin endpoint`, {
        hint: 'Pass --host as host[:port], e.g. --host flyte.example.com or --host localhost:30080.',
      })
    endpoint = `dns:///${host}`
    insecure = opts.insecure ?? false
  }
  let text =
    'admin:\n' +
    '  # For GRPC endpoints you might want to use dns:///flyte.myexample.com\n' +
    `  endpoint: ${endpoint}\n` +
    `  insecure: ${insecure}\n`
  if (opts.console) {
    const consoleHost = trimEndpoint(opts.console)
    if (!isValidEndpointName(consoleHost))
      throw new CliError('invalid-input', `${consoleHost} invalid, please use a valid console endpoint`, {
        hint: 'Pass --console as a URL or host[:port], e.g. --console https://console.example.com.',
      })
    text += `console:\n  endpoint: ${opts.console}\n`
  }
  return text
}
