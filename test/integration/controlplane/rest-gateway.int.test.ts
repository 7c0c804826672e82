/** FlyteAdmin's HTTP/JSON routes, from the proto annotations, answered by the same implementations. */
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {fromBinary} from '@bufbuild/protobuf'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {ProjectsSchema} from '../../../src/gen/flyteidl/admin/project_pb.js'
import {registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let c: AdminClients

before(async () => {
  plane = await startControlPlane()
  c = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await registerHello(c.admin, 'rest', 'development', {defaultName: 'x'})
})

after(async () => {
  c.close()
  await plane.stop()
})

async function json(path: string, init?: RequestInit): Promise<{status: number; body: Record<string, unknown>}> {
  const res = await fetch(`${plane.url}${path}`, init)
  return {status: res.status, body: (await res.json()) as Record<string, unknown>}
}

test('GET routes with path and query parameters; proto field names in JSON', async () => {
  const version = await json('/api/v1/version')
  assert.equal(version.status, 200)
  assert.equal((version.body.control_plane_version as {Version: string}).Version, '0.1.0')

  const task = await json('/api/v1/tasks/rest/development/wf.say_hello/v1')
  assert.equal(task.status, 200)
  const closure = task.body.closure as {compiled_task: {template: {type: string}}}
  assert.equal(closure.compiled_task.template.type, 'python-task')

  const byName = await json('/api/v1/named_entities/WORKFLOW/rest/development?limit=5')
  const byNumber = await json('/api/v1/named_entities/2/rest/development?limit=5')
  assert.deepEqual(byName.body, byNumber.body)
  assert.deepEqual(
    (byName.body.entities as {id: {name: string}}[]).map((e) => e.id.name),
    ['wf.hello'],
  )

  const lps = await json(
    '/api/v1/launch_plans/rest/development?limit=5&sort_by.key=created_at&sort_by.direction=ASCENDING',
  )
  assert.equal((lps.body.launch_plans as unknown[]).length, 1)
})

test('POST with a JSON body, then list; errors carry the gRPC code and message', async () => {
  const created = await json('/api/v1/projects', {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({project: {id: 'viarest', name: 'Via REST'}}),
  })
  assert.equal(created.status, 200)
  const projects = await json('/api/v1/projects?limit=10')
  assert.deepEqual(
    (projects.body.projects as {id: string}[]).map((p) => p.id),
    ['rest', 'viarest'],
  )
  const missing = await json('/api/v1/projects/ghost')
  assert.equal(missing.status, 404)
  assert.deepEqual(missing.body, {code: 5, message: 'project [ghost] not found', details: []})
  const bad = await json('/api/v1/executions/rest/development?limit=5&filters=eq(bogus,1)')
  assert.equal(bad.status, 400)
  assert.equal(bad.body.message, "'e.bogus' is invalid filter")
  const none = await json('/api/v1/nothing-here')
  assert.equal(none.status, 404)
})

test('protobuf binary when the client asks for application/octet-stream', async () => {
  const res = await fetch(`${plane.url}/api/v1/projects?limit=10`, {headers: {accept: 'application/octet-stream'}})
  assert.equal(res.headers.get('content-type'), 'application/octet-stream')
  const projects = fromBinary(ProjectsSchema, new Uint8Array(await res.arrayBuffer()))
  assert.ok(projects.projects.some((p) => p.id === 'rest'))
})
