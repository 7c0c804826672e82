/**
 * The real daemon process against a hostile network: half-open and silent connections, garbage after
 * the HTTP/2 preface, foreign Origin and Host headers, text/plain form posts to every REST write route
 * and oversized bodies. After each, the daemon still answers and nothing was registered or run.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {connect as h2connect} from 'node:http2'
import {connect, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, test} from 'node:test'
import {Code} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {serviceBindings} from '../../../src/controlplane/admin-service.js'
import {loadBlobUrlKey, signBlobUrl} from '../../../src/controlplane/blob-urls.js'
import type {PlaneContext} from '../../../src/controlplane/context.js'
import {buildRoutes} from '../../../src/controlplane/rest-gateway.js'
import {DAEMON_PATH} from '../../../src/demo/service.js'

let child: ChildProcess
let dataDir: string
let port: number
let base: string
let c: AdminClients
let stderr = ''
const UPLOAD_LIMIT = 4 * 1024 * 1024

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flytectl-hostile-'))
  const args = ['--port', '0', '--data-dir', dataDir, '--max-upload-size', String(UPLOAD_LIMIT), '--no-examples']
  child = spawn(process.execPath, [DAEMON_PATH, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const pidFile = join(dataDir, 'demo.pid')
  const deadline = Date.now() + 15_000
  while (!existsSync(pidFile)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`daemon did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  port = (JSON.parse(readFileSync(pidFile, 'utf8')) as {port: number}).port
  base = `http://127.0.0.1:${port}`
  c = createAdminClients({endpoint: `dns:///127.0.0.1:${port}`, insecure: true})
})

after(() => {
  c?.close()
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(dataDir, {recursive: true, force: true})
})

/** The daemon is alive and answers, and nothing but the seeded project was ever registered or run. */
async function stillServingNothingDone(): Promise<void> {
  assert.equal(child.exitCode, null, `the daemon exited: ${stderr}`)
  const health = await fetch(`${base}/healthz`)
  assert.equal(health.status, 200)
  const projects = await c.admin.listProjects({limit: 100})
  assert.deepEqual(
    projects.projects.map((p) => p.id),
    ['flytesnacks'],
  )
  const tasks = await c.admin.listTaskIds({project: 'flytesnacks', domain: 'development', limit: 100})
  assert.equal(tasks.entities.length, 0)
  const runs = await c.admin.listExecutions({id: {project: 'flytesnacks', domain: 'development'}, limit: 100})
  assert.equal(runs.executions.length, 0)
}

function closedByServer(socket: Socket): Promise<void> {
  return new Promise((r) => {
    socket.resume()
    if (socket.destroyed) r()
    socket.once('close', () => r())
  })
}

function rawRequest(head: string, body = ''): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1')
    let out = ''
    s.on('data', (d: Buffer) => (out += d.toString()))
    s.on('close', () => ok(out))
    s.on('error', fail)
    s.end(`${head}\r\n\r\n${body}`)
  })
}

test('resets after 0, 3, 5 and 13 bytes (HTTP/1.1 and HTTP/2 prefixes) do not kill the daemon', async () => {
  for (const prefix of ['GET / HTTP/1.1', 'PRI * HTTP/2.0']) {
    for (const n of [0, 3, 5, 13]) {
      const s = connect(port, '127.0.0.1')
      s.on('error', () => {})
      await new Promise<void>((r) => s.once('connect', () => r()))
      if (n > 0) await new Promise<void>((r) => s.write(prefix.slice(0, n), () => r()))
      s.resetAndDestroy()
      await closedByServer(s)
    }
  }
  await stillServingNothingDone()
})

test('a silent connection and an idle keep-alive connection are closed by the daemon', async () => {
  const silent = connect(port, '127.0.0.1')
  silent.on('error', () => {})
  const idle = connect(port, '127.0.0.1')
  idle.on('error', () => {})
  let answered = ''
  idle.on('data', (d: Buffer) => (answered += d.toString()))
  idle.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  await Promise.all([closedByServer(silent), closedByServer(idle)])
  assert.match(answered, /^HTTP\/1\.1 200/)
  await stillServingNothingDone()
})

test('garbage after the HTTP/2 preface ends that connection only', async () => {
  const s = connect(port, '127.0.0.1')
  s.on('error', () => {})
  s.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.alloc(64, 0xff)]))
  await closedByServer(s)
  await stillServingNothingDone()
})

test('a foreign Host (DNS rebinding) is refused on HTTP/1.1 and HTTP/2; own names are accepted', async () => {
  const rebound = await rawRequest(`GET /api/v1/projects HTTP/1.1\r\nHost: attacker.example:${port}`)
  assert.match(rebound, /^HTTP\/1\.1 403/)
  assert.match(rebound, /is not this control plane's address/)
  const noHost = await rawRequest('GET /healthz HTTP/1.0')
  assert.match(noHost, /^HTTP\/1\.1 403/)
  for (const name of ['localhost', '127.0.0.1', '[::1]']) {
    assert.match(
      await rawRequest(`GET /healthz HTTP/1.1\r\nHost: ${name}:${port}\r\nConnection: close`),
      /^HTTP\/1\.1 200/,
    )
  }

  const session = h2connect(base)
  try {
    const status = await new Promise<number>((ok, fail) => {
      const req = session.request({
        ':method': 'POST',
        ':path': '/flyteidl.service.AdminService/RegisterProject',
        ':authority': `attacker.example:${port}`,
        'content-type': 'application/grpc',
        te: 'trailers',
      })
      req.on('response', (h) => ok(Number(h[':status'])))
      req.on('error', fail)
      req.end(Buffer.from([0, 0, 0, 0, 0]))
    })
    assert.equal(status, 403)
  } finally {
    session.close()
  }
  await stillServingNothingDone()
})

test('a foreign Origin or a cross-site fetch is refused before any handler; the own origin passes', async () => {
  const body = JSON.stringify({project: {id: 'fromweb', name: 'fromweb'}})
  for (const headers of [
    {origin: 'http://attacker.example', 'content-type': 'application/json'},
    {origin: 'null', 'content-type': 'application/json'},
    {origin: `http://localhost:${port + 1}`, 'content-type': 'application/json'},
    {'sec-fetch-site': 'cross-site', 'content-type': 'application/json'},
    {'sec-fetch-site': 'same-site', 'content-type': 'application/json'},
  ]) {
    const res = await fetch(`${base}/api/v1/projects`, {method: 'POST', headers, body})
    assert.equal(res.status, 403, JSON.stringify(headers))
  }
  const connect = await fetch(`${base}/flyteidl.service.AdminService/RegisterProject`, {
    method: 'POST',
    headers: {origin: 'http://attacker.example', 'content-type': 'application/json'},
    body,
  })
  assert.equal(connect.status, 403)
  await stillServingNothingDone()

  const same = await fetch(`${base}/api/v1/projects?limit=5`, {
    headers: {origin: base, 'sec-fetch-site': 'same-origin'},
  })
  assert.equal(same.status, 200)
})

test('text/plain (and missing) content types are 415 on every REST write route', async () => {
  const ctx = {} as PlaneContext
  const writes = buildRoutes(serviceBindings(ctx)).filter((r) => r.verb !== 'GET')
  assert.ok(writes.length >= 10, `only ${writes.length} write routes`)
  for (const route of writes) {
    const path = route.regex.source
      .replace(/^\^|\$$/g, '')
      .replace(/\(\.\+\)|\(\[\^\/\]\+\)/g, 'x')
      .replace(/\\(.)/g, '$1')
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const res = await fetch(`${base}${path}`, {
        method: route.verb,
        headers: type ? {'content-type': type} : {},
        body: type ? JSON.stringify({project: {id: 'formpost', name: 'formpost'}}) : undefined,
      })
      assert.equal(res.status, 415, `${route.verb} ${path} ${type}`)
      assert.match(await res.text(), /needs Content-Type: application\/json/)
    }
  }
  await stillServingNothingDone()
})

test('oversized REST, Connect and gRPC bodies are refused with the limit named', async () => {
  const big = 'x'.repeat(17 * 1024 * 1024)
  const rest = await fetch(`${base}/api/v1/projects`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({project: {id: 'huge', name: 'huge', description: big}}),
  })
  assert.equal(rest.status, 413)
  assert.match(((await rest.json()) as {message: string}).message, /limit of 16777216 bytes \(.*--maxMessageSize\)/)

  const chunked = await fetch(`${base}/api/v1/projects`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 17; i++) controller.enqueue(new TextEncoder().encode(big.slice(0, 1024 * 1024)))
        controller.close()
      },
    }),
    duplex: 'half',
  } as RequestInit)
  assert.equal(chunked.status, 413)

  const viaConnect = await fetch(`${base}/flyteidl.service.AdminService/RegisterProject`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({project: {id: 'huge', name: 'huge', description: big}}),
  })
  assert.notEqual(viaConnect.status, 200)
  assert.equal(((await viaConnect.json()) as {code: string}).code, 'resource_exhausted')

  // gRPC as a stock client frames it: a length prefix over the limit is answered RESOURCE_EXHAUSTED at once.
  const session = h2connect(base)
  try {
    const trailers = await new Promise<Record<string, unknown>>((ok, fail) => {
      const req = session.request({
        ':method': 'POST',
        ':path': '/flyteidl.service.AdminService/RegisterProject',
        'content-type': 'application/grpc',
        te: 'trailers',
      })
      req.on('trailers', (t) => ok(t))
      req.on('error', fail)
      req.resume()
      const prefix = Buffer.alloc(5)
      prefix.writeUInt32BE(17 * 1024 * 1024, 1)
      req.write(Buffer.concat([prefix, Buffer.alloc(1024 * 1024)]))
    })
    assert.equal(trailers['grpc-status'], String(Code.ResourceExhausted))
    assert.match(decodeURIComponent(String(trailers['grpc-message'])), /readMaxBytes 16777216/)
  } finally {
    session.destroy()
  }
  await stillServingNothingDone()
})

test('blob URLs: unsigned, forged, tampered, expired and wrong-method URLs are 403; oversized uploads 413', async () => {
  const loc = await c.dataProxy.createUploadLocation({
    project: 'flytesnacks',
    domain: 'development',
    filenameRoot: 'hostile',
    filename: 'f.bin',
  })
  const signed = new URL(loc.signedUrl)
  const variant = (edit: (u: URL) => void) => {
    const u = new URL(signed)
    edit(u)
    return u.href
  }
  const refused: Record<string, string> = {
    unsigned: variant((u) => u.searchParams.delete('signature')),
    'other path': variant((u) => (u.pathname = u.pathname.replace('f.bin', 'g.bin'))),
    'later expiry': variant((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 1))),
    'added md5': variant((u) => u.searchParams.set('md5', 'AAAAAAAAAAAAAAAAAAAAAA==')),
    'flipped signature': variant((u) =>
      u.searchParams.set(
        'signature',
        u.searchParams.get('signature')!.replace(/^./, (ch) => (ch === '0' ? '1' : '0')),
      ),
    ),
    'foreign key': variant((u) => signBlobUrl(Buffer.alloc(32, 7), 'PUT', u, Math.floor(Date.now() / 1000) + 60)),
    expired: variant((u) => signBlobUrl(loadBlobUrlKey(dataDir), 'PUT', u, Math.floor(Date.now() / 1000) - 1)),
  }
  for (const [what, url] of Object.entries(refused)) {
    const res = await fetch(url, {method: 'PUT', body: 'x'})
    assert.equal(res.status, 403, what)
  }
  assert.match(await (await fetch(refused.expired!, {method: 'PUT', body: 'x'})).text(), /expired/)

  // The upload URL is for PUT only: it does not read the blob back.
  assert.equal((await fetch(signed, {method: 'PUT', body: 'hello'})).status, 200)
  assert.equal((await fetch(signed)).status, 403)
  const down = await c.dataProxy.createDownloadLocation({nativeUrl: loc.nativeUrl})
  assert.equal(await (await fetch(down.signedUrl)).text(), 'hello')
  assert.equal((await fetch(down.signedUrl, {method: 'PUT', body: 'overwrite'})).status, 403)

  const big = await c.dataProxy.createUploadLocation({
    project: 'flytesnacks',
    domain: 'development',
    filenameRoot: 'hostile',
    filename: 'big.bin',
  })
  const over = await fetch(big.signedUrl, {method: 'PUT', body: Buffer.alloc(UPLOAD_LIMIT + 1)})
  assert.equal(over.status, 413)
  assert.match(await over.text(), new RegExp(`limit of ${UPLOAD_LIMIT} bytes .*--maxUploadSize`))
  const streamed = await fetch(big.signedUrl, {
    method: 'PUT',
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1024 * 1024))
        controller.close()
      },
    }),
    duplex: 'half',
  } as RequestInit)
  assert.equal(streamed.status, 413)
  // Nothing of the refused uploads is left in the store, not even a partial temporary file.
  assert.deepEqual(readdirSync(join(dataDir, 'blobs/uploads/flytesnacks/development/hostile')), ['f.bin'])
  await stillServingNothingDone()
})
