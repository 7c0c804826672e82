/** `--statsd host:port`, read by `demo start` and the daemon alike (no StatsD client loaded). */
/** `host:port` (`[v6]:port` for IPv6), or an error message. */
export function parseStatsdTarget(text: string): {host: string; port: number} | string {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]{1,253})):(\d{1,5})$/.exec(text.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || !(port >= 1 && port <= 65535)) {
    return `invalid --statsd ${JSON.stringify(text)}: expected host:port (e.g. 127.0.0.1:8125)`
  }
  return {host: m[1] ?? m[2]!, port}
}
