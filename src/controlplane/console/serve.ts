/**
 * The web console, served by the plane at FlyteConsole's paths (`/console/...`): one HTML shell for
 * every page route, the bundled assets shipped in the package (`/console/assets/...`), a server-sent
 * event stream of changes (`/console/api/events`), task log tails (`/console/api/logs`) and the
 * launch form's endpoint (`/console/api/launch`). The pages read everything else from the plane's own
 * REST API (`/api/v1/...`). Nothing is loaded from another origin: the Content-Security-Policy says so.
 */
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {DescMethod} from '@bufbuild/protobuf'
import {ConnectError} from '@connectrpc/connect'
import {AdminService} from '../../gen/flyteidl/service/admin_pb.js'
import type {Principal} from '../auth/principal.js'
import type {PlaneContext} from '../context.js'
import type {PlainRequest} from '../http-blobs.js'
import {ChangeStreams} from './events.js'
import {handleLaunch} from './launch.js'
import {handleLogs, logFile, logScope} from './logs.js'
import {adoptSessionCookie, handleSession} from './session.js'

/** What the console's handlers write to: the part of Node's HTTP/1.1 and HTTP/2 responses they use. */
export interface ConsoleResponse {
  writeHead(status: number, headers?: Record<string, string>): unknown
  write(chunk: string): unknown
  end(data?: string | Uint8Array): unknown
  on(event: 'close', fn: () => void): unknown
}

export interface ConsoleRequest extends PlainRequest {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown
  on(event: 'end', fn: () => void): unknown
  on(event: 'close', fn: () => void): unknown
}

/** Everything a page may load or call: its own origin, nothing else, and no inline script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

/**
 * The directory the build writes the bundle to (`dist/src/console-web/`), whether this module runs
 * from `dist/src/controlplane/console/` or from a chunk of the CLI bundle in `dist/bundle/`.
 */
export const ASSET_DIR =
  ['../../console-web/', '../src/console-web/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((dir) => existsSync(`${dir}app.js`)) ?? fileURLToPath(new URL('../../console-web/', import.meta.url))

interface Asset {
  body: Buffer
  type: string
  etag: string
}

const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

/** The bundle, read once; a missing file is reported on the page instead of failing the plane. */
export function loadAssets(dir: string = ASSET_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const [name, type] of Object.entries(ASSET_TYPES)) {
    const path = `${dir}${name}`
    if (!existsSync(path)) continue
    const body = readFileSync(path)
    assets.set(name, {body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`})
  }
  return assets
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The one HTML page every console route answers with; the script reads the path and draws the page. */
export function shellHtml(assets: Map<string, Asset>, mode: 'plane' | 'proxy' = 'plane', auth = false): string {
  const js = assets.get('app.js')
  const css = assets.get('app.css')
  const missing = !js || !css
  const v = (a: Asset | undefined) => escapeHtml(a?.etag.replaceAll('"', '') ?? '')
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="flyte-console-mode" content="${mode}">`,
    auth ? '<meta name="flyte-console-auth" content="login">' : '',
    '<title>Flyte console</title>',
    '<link rel="icon" href="data:,">',
    css ? `<link rel="stylesheet" href="/console/assets/app.css?v=${v(css)}">` : '',
    js ? `<script type="module" src="/console/assets/app.js?v=${v(js)}"></script>` : '',
    '</head>',
    '<body>',
    missing
      ? '<main id="app"><h1>Console assets are missing</h1><p>This build has no console bundle. Run <code>npm run build</code> and restart the plane.</p></main>'
      : '<div id="app"><main><p>Loading…</p><noscript>The console needs JavaScript.</noscript></main></div>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** Answers `/console/assets/<file>`, and every other GET/HEAD `/console...` path with the shell. */
export function serveStatic(
  assets: Map<string, Asset>,
  url: URL,
  req: PlainRequest,
  res: ConsoleResponse,
  mode: 'plane' | 'proxy' = 'plane',
  auth = false,
): void {
  const method = (req.method ?? 'GET').toUpperCase()
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, {...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain'})
    res.end('method not allowed\n')
    return
  }
  if (url.pathname.startsWith('/console/assets/')) {
    const asset = assets.get(url.pathname.slice('/console/assets/'.length))
    if (!asset) {
      res.writeHead(404, {...SECURITY_HEADERS, 'content-type': 'text/plain'})
      res.end('not found\n')
      return
    }
    const headers = {...SECURITY_HEADERS, 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache'}
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    res.writeHead(200, {...headers, 'content-length': String(asset.body.length)})
    res.end(method === 'HEAD' ? undefined : asset.body)
    return
  }
  const body = shellHtml(assets, mode, auth)
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
  })
  res.end(method === 'HEAD' ? undefined : body)
}

export interface ConsoleSite {
  /** True when the path is the console's (`/console`, `/console/...`) and the request was answered. */
  handle(url: URL, req: PlainRequest, res: unknown): boolean
  /** Ends open event streams; called when the plane closes. */
  close(): void
}

export function isConsolePath(pathname: string): boolean {
  return pathname === '/console' || pathname.startsWith('/console/')
}

/** The console as the plane serves it: static pages plus the plane-backed endpoints. */
export function createConsole(ctx: PlaneContext, assetDir: string = ASSET_DIR): ConsoleSite {
  const assets = loadAssets(assetDir)
  const streams = new ChangeStreams(ctx)
  return {
    handle(url, req, rawRes) {
      const res = rawRes as ConsoleResponse
      adoptSessionCookie(ctx, url, req)
      if (handleSession(ctx, url, req, res)) return true
      if (!isConsolePath(url.pathname)) return false
      const request = req as ConsoleRequest
      if (url.pathname.startsWith('/console/api/') && ctx.auth) {
        guarded(ctx, request, res, (caller) => route(url, request, res, caller)).catch((err: unknown) =>
          failed(res, err),
        )
        return true
      }
      route(url, request, res).catch((err: unknown) => failed(res, err))
      return true
    },
    close() {
      streams.closeAll()
    },
  }

  async function route(url: URL, request: ConsoleRequest, res: ConsoleResponse, caller?: Principal): Promise<void> {
    if (url.pathname === '/console/api/events') {
      const scope = {id: {project: url.searchParams.get('project') ?? '', domain: url.searchParams.get('domain') ?? ''}}
      if (await allowed(ctx, caller, AdminService.method.listExecutions, scope, res)) streams.open(url, request, res)
    } else if (url.pathname === '/console/api/logs') {
      const path = caller ? await logFile(ctx, url.searchParams.get('uri') ?? '') : undefined
      const scope = path ? await logScope(ctx, path) : undefined
      if (!caller || (await allowed(ctx, caller, AdminService.method.listTaskExecutions, scope ?? {}, res)))
        await handleLogs(ctx, url, request, res)
    } else if (url.pathname === '/console/api/launch') await handleLaunch(ctx, request, res, caller)
    else if (url.pathname.startsWith('/console/api/')) {
      res.writeHead(404, {...SECURITY_HEADERS, 'content-type': 'application/json'})
      res.end(JSON.stringify({message: `no console endpoint ${url.pathname}`}))
    } else serveStatic(assets, url, request, res, 'plane', Boolean(ctx.auth))
  }
}

/** A handler that threw: 500 when nothing was sent yet, else the response is cut. */
function failed(res: ConsoleResponse, err: unknown): void {
  process.stderr.write(`${new Date().toISOString()} console: ${(err as Error)?.message ?? String(err)}\n`)
  try {
    res.writeHead(500, {...SECURITY_HEADERS, 'content-type': 'text/plain'})
    res.end('internal error\n')
  } catch {
    res.end()
  }
}

/**
 * With auth on, a console endpoint is decided by the plane's policy as the RPC it stands for
 * (`method`, on the project and domain in `message`); a denial is answered with 403 here.
 */
async function allowed(
  ctx: PlaneContext,
  caller: Principal | undefined,
  method: DescMethod,
  message: unknown,
  res: ConsoleResponse,
): Promise<boolean> {
  if (!ctx.auth || !caller) return true
  try {
    return await ctx.auth.run(caller, method, message, () => Promise.resolve(true))
  } catch (err) {
    res.writeHead(403, {...SECURITY_HEADERS, 'content-type': 'application/json'})
    res.end(JSON.stringify({message: ConnectError.from(err).rawMessage}))
    return false
  }
}

/** With auth on, the console's endpoints take the same access token (or sign-in cookie) as every call. */
async function guarded(
  ctx: PlaneContext,
  req: ConsoleRequest,
  res: ConsoleResponse,
  fn: (caller: Principal) => Promise<void>,
): Promise<void> {
  let caller: Principal
  try {
    caller = await ctx.auth!.authenticate((name) => {
      const v = req.headers[name]
      return Array.isArray(v) ? v.join(',') : v
    })
  } catch (err) {
    res.writeHead(401, {...SECURITY_HEADERS, 'content-type': 'application/json'})
    res.end(JSON.stringify({message: (err as Error).message}))
    return
  }
  await fn(caller)
}
