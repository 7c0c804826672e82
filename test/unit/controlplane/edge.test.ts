/** The edge checks as a pure function, and one request's failure staying inside that request. */
import assert from 'node:assert/strict'
import {createServer, type AddressInfo} from 'node:net'
import {createServer as createHttpServer} from 'node:http'
import {test} from 'node:test'
import {allowedAuthorities, guardRequests, refusal, type Handler} from '../../../src/controlplane/edge.js'

const own = allowedAuthorities('127.0.0.1', 30080)

test('Host / :authority must be one of the plane’s own names and port', () => {
  assert.deepEqual([...own].sort(), ['127.0.0.1:30080', '[::1]:30080', 'localhost:30080'])
  assert.equal(refusal({headers: {host: 'localhost:30080'}}, own), undefined)
  assert.equal(refusal({headers: {':authority': '127.0.0.1:30080'}}, own), undefined)
  assert.equal(refusal({headers: {host: 'LOCALHOST:30080'}}, own), undefined)
  for (const host of ['attacker.example:30080', 'localhost:30081', 'localhost', '127.0.0.2:30080', '']) {
    assert.equal(refusal({headers: {host}}, own)?.status, 403, host)
  }
  assert.equal(refusal({headers: {}}, own)?.status, 403)
  assert.deepEqual([...allowedAuthorities('::1', 5)].sort(), ['127.0.0.1:5', '[::1]:5', 'localhost:5'])
})

test('Origin must be the plane’s own origin; Sec-Fetch-Site same-origin or none', () => {
  const h = (extra: Record<string, string>) => ({headers: {host: 'localhost:30080', ...extra}})
  assert.equal(refusal(h({origin: 'http://localhost:30080'}), own), undefined)
  assert.equal(refusal(h({'sec-fetch-site': 'same-origin'}), own), undefined)
  assert.equal(refusal(h({'sec-fetch-site': 'none'}), own), undefined)
  // The origin must match the name the request used, as a browser's same-origin page does.
  assert.equal(refusal(h({origin: 'http://127.0.0.1:30080'}), own)?.status, 403)
  assert.equal(refusal(h({origin: 'https://localhost:30080'}), own)?.status, 403)
  assert.equal(refusal(h({origin: 'null'}), own)?.status, 403)
  assert.equal(refusal(h({'sec-fetch-site': 'same-site'}), own)?.status, 403)
})

test('REST writes need a JSON or protobuf content type; reads and RPC paths do not', () => {
  const w = (method: string, url: string, type?: string) =>
    refusal({method, url, headers: {host: 'localhost:30080', ...(type ? {'content-type': type} : {})}}, own)
  assert.equal(w('POST', '/api/v1/projects', 'application/json; charset=utf-8'), undefined)
  assert.equal(w('PUT', '/api/v1/projects/x', 'application/octet-stream'), undefined)
  assert.equal(w('GET', '/api/v1/projects?x=1'), undefined)
  assert.equal(w('POST', '/api/v1/projects', 'text/plain')?.status, 415)
  assert.equal(w('DELETE', '/api/v1/project_attributes/p')?.status, 415)
  assert.equal(w('POST', '/api/v1/projects', 'multipart/form-data; boundary=x')?.status, 415)
  assert.equal(w('POST', '/flyteidl.service.AdminService/RegisterProject', 'application/grpc'), undefined)
})

test('a handler that throws answers its request with 500 and the server keeps serving', async () => {
  let calls = 0
  const handler: Handler = (_req, res) => {
    calls++
    if (calls === 1) throw new Error('boom')
    res.end('fine')
  }
  const free = createServer()
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r))
  const {port} = free.address() as AddressInfo
  await new Promise<void>((r) => free.close(() => r()))
  const server = createHttpServer(guardRequests(handler, () => allowedAuthorities('127.0.0.1', port)) as never)
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  const stderrWrite = process.stderr.write.bind(process.stderr)
  const logged: string[] = []
  process.stderr.write = ((s: string) => (logged.push(String(s)), true)) as typeof process.stderr.write
  try {
    const first = await fetch(`http://127.0.0.1:${port}/x`)
    assert.equal(first.status, 500)
    const second = await fetch(`http://127.0.0.1:${port}/x`)
    assert.equal(await second.text(), 'fine')
  } finally {
    process.stderr.write = stderrWrite
    server.close()
  }
  assert.match(logged.join(''), /Error: GET \/x: Error: boom/)
})
