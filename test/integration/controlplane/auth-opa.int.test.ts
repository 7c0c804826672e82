/**
 * Decisions by OPA (`--opa-url`): a real OPA server (scripts/setup-opa.sh builds it with `go install`)
 * runs a Rego policy in which a launcher may create executions only in its own project; the plane
 * obeys both its allow and its deny, and denies when OPA is down, gives no decision, or is too slow.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {REPO_ROOT} from '../../support/cli.js'
import {fixtures, registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {findOpa, OPA_MISSING, opaSkipReason, startOpa, type OpaServer} from '../../support/opa.js'

const OPA = findOpa()
const REGO = join(REPO_ROOT, 'test', 'fixtures', 'opa', 'launchers.rego')

function clientFor(plane: TestControlPlane, id: string, secret: string, open: AdminClients[]): AdminClients {
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

function addClient(plane: TestControlPlane, id: string, secret: string): void {
  const path = join(plane.dataDir, 'auth', 'identities.yaml')
  writeFileSync(path, readFileSync(path, 'utf8').replace('users:\n', `  - id: ${id}\n    secret: ${secret}\nusers:\n`))
}

const launch = (c: AdminClients, project: string) =>
  c.admin.createExecution({
    project,
    domain: 'development',
    spec: {launchPlan: fixtures.launchPlanId(project, 'development', 'wf.hello', 'v1')},
  })

async function deniedBy(p: Promise<unknown>, rule: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e))
    assert.equal(e.code, Code.PermissionDenied, e.message)
    assert.match(e.rawMessage, rule)
    return true
  })
}

describe('OPA decides (real opa server)', {skip: opaSkipReason()}, () => {
  let opa: OpaServer
  let plane: TestControlPlane
  const open: AdminClients[] = []

  before(async () => {
    assert.ok(OPA, OPA_MISSING)
    opa = await startOpa(OPA, [REGO])
    plane = await startControlPlane({auth: {opaUrl: `${opa.url}/v1/data/flyte/authz/allow`}})
    addClient(plane, 'launcher-a', 'launcher-a-secret')
    const admin = clientFor(
      plane,
      'flytepropeller',
      readFileSync(join(plane.dataDir, 'auth', 'flytepropeller.secret'), 'utf8').trim(),
      open,
    )
    await registerHello(admin.admin, 'proj-a', 'development', {defaultName: 'a'})
    await registerHello(admin.admin, 'proj-b', 'development', {defaultName: 'b'})
  })

  after(async () => {
    for (const c of open) c.close()
    await plane?.stop()
    await opa?.stop()
  })

  test('the launcher creates executions in its project (allow) and not in another (deny)', async () => {
    const a = clientFor(plane, 'launcher-a', 'launcher-a-secret', open)
    assert.equal((await launch(a, 'proj-a')).id?.project, 'proj-a')
    await deniedBy(
      launch(a, 'proj-b'),
      /may not executions:create in project proj-b, domain development \(opa: denied\)/,
    )
    await deniedBy(
      a.admin.registerProject({project: {id: 'proj-c', name: 'c'}}),
      /may not projects:create in project proj-c/,
    )
    assert.ok((await a.admin.listProjects({})).projects.length >= 2, 'read is allowed by the Rego policy')
    const audit = readFileSync(join(plane.dataDir, 'auth', 'audit.log'), 'utf8')
    assert.match(
      audit,
      /"principal":"launcher-a".*"action":"executions:create","project":"proj-a".*"decision":"allow".*"via":"opa"/,
    )
    assert.match(
      audit,
      /"principal":"launcher-a".*"action":"executions:create","project":"proj-b".*"decision":"deny".*"via":"opa"/,
    )
  })

  test('a rule path OPA does not define gives no decision, which denies', async () => {
    const other = await startControlPlane({auth: {opaUrl: `${opa.url}/v1/data/flyte/nosuchrule`}})
    const c = clientFor(
      other,
      'flytepropeller',
      readFileSync(join(other.dataDir, 'auth', 'flytepropeller.secret'), 'utf8').trim(),
      open,
    )
    try {
      await deniedBy(c.admin.listProjects({}), /undefined result/)
    } finally {
      await other.stop()
    }
  })
})

describe('OPA unreachable or slow: deny (no opa binary needed)', () => {
  let hang: Server
  let hangPort: number
  const open: AdminClients[] = []

  before(async () => {
    // Accepts connections and never answers.
    hang = createServer(() => {})
    await new Promise<void>((ok) => hang.listen(0, '127.0.0.1', () => ok()))
    hangPort = (hang.address() as {port: number}).port
  })

  after(async () => {
    for (const c of open) c.close()
    hang.close()
  })

  test('no answer within the timeout denies, saying so; a closed port denies too', async () => {
    for (const [url, why] of [
      [`http://127.0.0.1:${hangPort}/v1/data/flyte/authz/allow`, /no answer within 300 ms/],
      ['http://127.0.0.1:9/v1/data/flyte/authz/allow', /the OPA server failed/],
    ] as const) {
      const plane = await startControlPlane({auth: {opaUrl: url, opaTimeoutMs: 300}})
      try {
        const c = clientFor(
          plane,
          'flytepropeller',
          readFileSync(join(plane.dataDir, 'auth', 'flytepropeller.secret'), 'utf8').trim(),
          open,
        )
        await deniedBy(c.admin.listProjects({}), why)
      } finally {
        await plane.stop()
      }
    }
  })
})
