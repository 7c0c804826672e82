/** `flytectl console`: where the console's API calls go, and serving until interrupted. */
import {parseEndpoint} from '../admin/endpoint.js'
import {CliError} from '../cli/errors.js'
import type {LoadedConfig} from '../config/load.js'

/** --endpoint as given (an http(s) URL), else the config's admin endpoint as one. */
export async function resolveConsoleEndpoint(
  flag: string | undefined,
  load: () => Promise<LoadedConfig>,
): Promise<string> {
  if (flag) {
    if (!/^https?:\/\/[^/]+\/?$/i.test(flag)) {
      throw new CliError('invalid-input', `--endpoint ${flag} is not an http(s) URL of a host`, {
        hint: 'Give the FlyteAdmin base URL, e.g. --endpoint https://flyte.example.com',
      })
    }
    return flag.replace(/\/+$/, '')
  }
  const {config} = await load()
  const admin = config.admin ?? {}
  const parsed = parseEndpoint(admin.endpoint ?? 'localhost:30080', Boolean(admin.insecure))
  return parsed.url
}

export async function runConsoleProxy(
  opts: {endpoint: string; port: number; token?: string | undefined},
  out: (line: string) => void,
): Promise<{url: string; endpoint: string}> {
  const {startConsoleProxy} = await import('./serve.js')
  let proxy
  try {
    proxy = await startConsoleProxy({
      endpoint: opts.endpoint,
      port: opts.port,
      ...(opts.token ? {token: opts.token} : {}),
    })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError('unavailable', `port ${opts.port} is in use`, {hint: 'Pick another with --port.'})
    }
    throw err
  }
  out(`Console for ${opts.endpoint}: ${proxy.url}/console  (Ctrl-C stops it)`)
  await new Promise<void>((ok) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void proxy.close().then(ok)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return {url: proxy.url, endpoint: opts.endpoint}
}
