/**
 * Smart-HTTP git remotes: `git http-backend` run as a CGI program behind the simulator's own
 * server, so `git clone/fetch/push http://127.0.0.1:<port>/git/<owner>/<repo>.git` works with any
 * git client (including partial clones: uploadpack.allowFilter is on in every repo).
 */
import {spawn} from 'node:child_process'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {cleanEnv} from './git.js'

export function serveGit(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathInfo: string,
  query: string,
): void {
  const env: Record<string, string> = {
    ...cleanEnv(),
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    PATH_INFO: pathInfo,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: query,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'simulator',
    REMOTE_ADDR: '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
  }
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length']
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol'])
  const child = spawn('git', ['http-backend'], {env})
  req.pipe(child.stdin)
  let headerDone = false
  let buffered = Buffer.alloc(0)
  child.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk)
      return
    }
    buffered = Buffer.concat([buffered, chunk])
    let end = buffered.indexOf('\r\n\r\n')
    let sepLen = 4
    if (end < 0) {
      end = buffered.indexOf('\n\n')
      sepLen = 2
    }
    if (end < 0) return
    headerDone = true
    let status = 200
    for (const line of buffered.subarray(0, end).toString().split(/\r?\n/)) {
      const colon = line.indexOf(':')
      if (colon < 0) continue
      const name = line.slice(0, colon).trim()
      const value = line.slice(colon + 1).trim()
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10)
      else res.setHeader(name, value)
    }
    res.statusCode = status
    res.write(buffered.subarray(end + sepLen))
  })
  child.on('close', () => {
    if (!headerDone) {
      res.statusCode = 500
      res.write(buffered)
    }
    res.end()
  })
  child.on('error', () => {
    res.statusCode = 500
    res.end()
  })
}
