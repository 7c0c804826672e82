import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let clients: AdminClients

before(async () => {
  plane = await startControlPlane()
  clients = createAdminClients({endpoint: plane.endpoint, insecure: true})
})

after(async () => {
  clients.close()
  await plane.stop()
})

test('projects: register, get, list, and a duplicate is AlreadyExists', async () => {
  await clients.admin.registerProject({project: {id: 'flytesnacks', name: 'flytesnacks', description: 'demo'}})
  const p = await clients.admin.getProject({id: 'flytesnacks'})
  assert.equal(p.name, 'flytesnacks')
  assert.deepEqual(
    p.domains.map((d) => d.id),
    ['development', 'staging', 'production'],
  )
  const list = await clients.admin.listProjects({limit: 10})
  assert.deepEqual(
    list.projects.map((x) => x.id),
    ['flytesnacks'],
  )
  await assert.rejects(
    clients.admin.registerProject({project: {id: 'flytesnacks', name: 'again'}}),
    (e: unknown) => e instanceof ConnectError && e.code === Code.AlreadyExists,
  )
})

test('health check and version answer', async () => {
  const res = await fetch(`${plane.url}/healthz`)
  assert.equal(res.status, 200)
  const v = await clients.admin.getVersion({})
  assert.equal(v.controlPlaneVersion?.Version, '0.1.0')
})

test('one port, both protocols: an HTTP/1.1 request arriving in small pieces is still routed', async () => {
  const {connect} = await import('node:net')
  const socket = connect(plane.port, '127.0.0.1')
  await new Promise<void>((ok) => socket.once('connect', () => ok()))
  let reply = ''
  socket.on('data', (d: Buffer) => (reply += d.toString()))
  const done = new Promise<void>((ok) => socket.once('close', () => ok()))
  socket.write('GET /hea')
  await new Promise((r) => setTimeout(r, 50))
  socket.write(`lthz HTTP/1.1\r\nHost: 127.0.0.1:${plane.port}\r\nConnection: close\r\n\r\n`)
  await done
  assert.match(reply, /^HTTP\/1\.1 200/)
  assert.match(reply, /\r\nok\n\r\n/)
})
