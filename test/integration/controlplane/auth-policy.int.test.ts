/**
 * Authorization on the plane: the built-in policy (policy.yaml, roles viewer / launcher / admin per
 * project) decides each call; denials are PermissionDenied (REST 403) naming the action and the
 * project; every decision lands in the audit log; edits to the files apply without a restart; a
 * policy that cannot be read denies.
 */
import assert from 'node:assert/strict'
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {fixtures, registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
const open: AdminClients[] = []

function clientFor(id: string, secret: string): AdminClients {
  const secretFile = join(plane.dataDir, `${id}.secret`)
  writeFileSync(secretFile, secret + '\n', {mode: 0o600})
  const c = createAdminClients(
    {
      endpoint: plane.endpoint,
      insecure: true,
      authType: 'ClientSecret',
      clientId: id,
      clientSecretLocation: secretFile,
    },
    {tokenCache: new TokenCache(join(plane.dataDir, `${id}.tokens.json`)), interactive: false},
  )
  open.push(c)
  return c
}

let admin: AdminClients

before(async () => {
  plane = await startControlPlane({auth: {}})
  const auth = join(plane.dataDir, 'auth')
  const text = readFileSync(join(auth, 'identities.yaml'), 'utf8').replace(
    'users:\n',
    [
      '  - id: launcher-a',
      '    secret: launcher-a-secret',
      '  - id: viewer-bot',
      '    secret: viewer-secret',
      '    groups: [readers]',
      '  - id: stranger',
      '    secret: stranger-secret',
      'users:',
      '',
    ].join('\n'),
  )
  writeFileSync(join(auth, 'identities.yaml'), text)
  appendFileSync(
    join(auth, 'policy.yaml'),
    [
      '  - role: launcher',
      '    clients: [launcher-a]',
      '    projects: [proj-a]',
      '  - role: viewer',
      '    groups: [readers]',
      '    projects: ["*"]',
      '',
    ].join('\n'),
  )
  const secret = readFileSync(join(auth, 'flytepropeller.secret'), 'utf8').trim()
  admin = clientFor('flytepropeller', secret)
  await registerHello(admin.admin, 'proj-a', 'development', {defaultName: 'a'})
  await registerHello(admin.admin, 'proj-b', 'development', {defaultName: 'b'})
})

after(async () => {
  for (const c of open) c.close()
  await plane.stop()
})

async function denied(p: Promise<unknown>, action: string, project: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e))
    assert.equal(e.code, Code.PermissionDenied, e.message)
    assert.match(e.rawMessage, new RegExp(`may not ${action}`))
    if (project) assert.match(e.rawMessage, new RegExp(`in project ${project}\\b`))
    return true
  })
}

const launch = (c: AdminClients, project: string) =>
  c.admin.createExecution({
    project,
    domain: 'development',
    spec: {launchPlan: fixtures.launchPlanId(project, 'development', 'wf.hello', 'v1')},
  })

test('a launcher creates executions in its project only, and cannot register projects or update launch plans', async () => {
  const a = clientFor('launcher-a', 'launcher-a-secret')
  const ok = await launch(a, 'proj-a')
  assert.equal(ok.id?.project, 'proj-a')
  await denied(launch(a, 'proj-b'), 'executions:create', 'proj-b')
  await denied(a.admin.registerProject({project: {id: 'proj-c', name: 'c'}}), 'projects:create', 'proj-c')
  await denied(
    a.admin.updateLaunchPlan({id: fixtures.launchPlanId('proj-a', 'development', 'wf.hello', 'v1'), state: 1}),
    'launchplans:update',
    'proj-a',
  )
  // Reads in its project, and listing projects (no project named), are allowed; the list names only
  // the projects it may read.
  const list = await a.admin.listExecutions({id: {project: 'proj-a', domain: 'development'}, limit: 10})
  assert.ok(list.executions.length >= 1)
  assert.deepEqual(
    (await a.admin.listProjects({})).projects.map((p) => p.id),
    ['proj-a'],
  )
  assert.deepEqual(
    (await a.admin.listProjects({filters: 'eq(identifier,proj-b)'})).projects.map((p) => p.id),
    [],
  )
  const all = (await admin.admin.listProjects({})).projects.map((p) => p.id)
  assert.ok(all.includes('proj-a') && all.includes('proj-b'), all.join())
  await denied(a.admin.listExecutions({id: {project: 'proj-b', domain: 'development'}, limit: 10}), 'read', 'proj-b')
})

test('a viewer (by group) reads everywhere and changes nothing', async () => {
  const v = clientFor('viewer-bot', 'viewer-secret')
  const list = await v.admin.listExecutions({id: {project: 'proj-b', domain: 'development'}, limit: 10})
  assert.ok(Array.isArray(list.executions))
  const projects = (await v.admin.listProjects({})).projects.map((p) => p.id)
  assert.ok(projects.includes('proj-a') && projects.includes('proj-b'), projects.join())
  await denied(launch(v, 'proj-b'), 'executions:create', 'proj-b')
  const [e] = (await v.admin.listExecutions({id: {project: 'proj-a', domain: 'development'}, limit: 1})).executions
  await denied(v.admin.terminateExecution({id: e!.id!, cause: 'no'}), 'executions:terminate', 'proj-a')
})

test('a client no binding names is denied everything, saying so; REST denials are 403', async () => {
  const s = clientFor('stranger', 'stranger-secret')
  await assert.rejects(s.admin.listProjects({}), (e: unknown) => {
    assert.ok(e instanceof ConnectError)
    assert.equal(e.code, Code.PermissionDenied)
    assert.match(e.rawMessage, /no binding names client stranger/)
    return true
  })
  const token = await (
    await fetch(`${plane.url}/oauth2/token`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'stranger',
        client_secret: 'stranger-secret',
      }),
    })
  ).json()
  const res = await fetch(`${plane.url}/api/v1/projects`, {
    headers: {authorization: `Bearer ${(token as {access_token: string}).access_token}`},
  })
  assert.equal(res.status, 403)
  assert.match(((await res.json()) as {message: string}).message, /may not read/)
})

test('every decision is in the audit log with who, what, the outcome and the rule', () => {
  const lines = readFileSync(join(plane.dataDir, 'auth', 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>)
  const allow = lines.find(
    (l) => l.principal === 'launcher-a' && l.action === 'executions:create' && l.project === 'proj-a',
  )
  assert.equal(allow?.decision, 'allow')
  assert.match(allow!.rule, /^bindings\[1\] \(role launcher, client launcher-a\)$/)
  const deny = lines.find(
    (l) => l.principal === 'launcher-a' && l.action === 'executions:create' && l.project === 'proj-b',
  )
  assert.equal(deny?.decision, 'deny')
  assert.equal(deny?.domain, 'development')
  assert.equal(deny?.via, 'policy.yaml')
  assert.match(deny!.rule, /no binding gives client launcher-a executions:create in project proj-b/)
})

test('policy edits apply without a restart; an unreadable policy denies and says why', async () => {
  const path = join(plane.dataDir, 'auth', 'policy.yaml')
  const before = readFileSync(path, 'utf8')
  const a = clientFor('launcher-a', 'launcher-a-secret')
  try {
    writeFileSync(path, before.replace('projects: [proj-a]', 'projects: [proj-a, proj-b]'))
    const ok = await launch(a, 'proj-b')
    assert.equal(ok.id?.project, 'proj-b')
    writeFileSync(path, before + '  - role: nosuchrole\n    projects: ["*"]\n')
    await assert.rejects(launch(a, 'proj-a'), (e: unknown) => {
      assert.ok(e instanceof ConnectError)
      assert.equal(e.code, Code.PermissionDenied)
      assert.match(e.rawMessage, /policy\.yaml failed: .*unknown role "nosuchrole"/)
      return true
    })
  } finally {
    writeFileSync(path, before)
  }
  assert.equal((await launch(a, 'proj-a')).id?.project, 'proj-a')
})

test('the event stream is decided on the project it names, like every read', async () => {
  const a = clientFor('launcher-a', 'launcher-a-secret')
  const drain = async (project: string) => {
    const got = []
    for await (const r of a.events.watchExecutionEvents({project, domain: 'development', follow: false})) got.push(r)
    return got
  }
  await launch(a, 'proj-a')
  assert.ok((await drain('proj-a')).length >= 1, 'its own project streams')
  await denied(drain('proj-b'), 'read', 'proj-b')
})
