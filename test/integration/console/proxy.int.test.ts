/**
 * `flytectl console --endpoint`: the console served locally for another FlyteAdmin (here the embedded
 * plane, reached only through its HTTP gateway): pages in proxy mode, API calls forwarded, the launch
 * form's endpoint creating the execution through REST, and requests for another host or origin refused.
 */
import assert from 'node:assert/strict'
import {request} from 'node:http'
import {after, before, describe, it} from 'node:test'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {startConsoleProxy, type RunningConsoleProxy} from '../../../src/console-proxy/serve.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {DOMAIN, PROJECT, VERSION, seedTicker} from './seed.js'

function call(
  url: string,
  opts: {method?: string; headers?: Record<string, string>; body?: string} = {},
): Promise<{status: number; body: string; headers: Record<string, unknown>}> {
  return new Promise((ok, fail) => {
    const req = request(url, {method: opts.method ?? 'GET', headers: opts.headers}, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => ok({status: res.statusCode ?? 0, body, headers: res.headers}))
    })
    req.on('error', fail)
    req.end(opts.body)
  })
}

describe('console proxy for a remote FlyteAdmin', () => {
  let plane: TestControlPlane
  let c: AdminClients
  let proxy: RunningConsoleProxy

  before(async () => {
    plane = await startControlPlane()
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await seedTicker(c.admin, ['console.tick'])
    proxy = await startConsoleProxy({endpoint: plane.url, port: 0})
  })
  after(async () => {
    await proxy.close()
    c.close()
    await plane.stop()
  })

  it('serves the pages in proxy mode and forwards API reads', async () => {
    const page = await call(`${proxy.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions`)
    assert.equal(page.status, 200)
    assert.match(page.body, /name="flyte-console-mode" content="proxy"/)
    assert.match(String(page.headers['content-security-policy']), /connect-src 'self'/)
    const projects = await call(`${proxy.url}/api/v1/projects?limit=10`)
    assert.equal(projects.status, 200)
    assert.ok((JSON.parse(projects.body) as {projects: {id: string}[]}).projects.some((p) => p.id === PROJECT))
    const missing = await call(`${proxy.url}/api/v1/executions/${PROJECT}/${DOMAIN}/nope`)
    assert.equal(missing.status, 404, 'the endpoint status passes through')
    assert.equal((await call(`${proxy.url}/console/api/events?project=${PROJECT}&domain=${DOMAIN}`)).status, 404)
  })

  it('launches through the endpoint REST API with create execution rules', async () => {
    const body = (inputs: Record<string, unknown>) =>
      JSON.stringify({
        kind: 'launch_plan',
        project: PROJECT,
        domain: DOMAIN,
        name: 'console.tick',
        version: VERSION,
        inputs,
      })
    const bad = await call(`${proxy.url}/console/api/launch`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: body({n: 'x'}),
    })
    assert.equal(bad.status, 400)
    assert.match(bad.body, /input \[n\]/)
    const ok = await call(`${proxy.url}/console/api/launch`, {
      method: 'POST',
      headers: {'content-type': 'application/json', origin: proxy.url},
      body: body({n: 4}),
    })
    assert.equal(ok.status, 200, ok.body)
    const {name} = JSON.parse(ok.body) as {name: string}
    const data = await c.admin.getExecutionData({id: {project: PROJECT, domain: DOMAIN, name}})
    const n = data.fullInputs?.literals.n
    assert.ok(n?.value.case === 'scalar' && n.value.value.value.case === 'primitive')
    assert.equal(n.value.value.value.value.value.value, 4n)
  })

  it('refuses another Host (DNS rebinding), another Origin, and non-JSON writes', async () => {
    const port = new URL(proxy.url).port
    const rebound = await call(`${proxy.url}/api/v1/projects?limit=1`, {headers: {host: `evil.example:${port}`}})
    assert.equal(rebound.status, 421)
    const foreign = await call(`${proxy.url}/api/v1/executions`, {
      method: 'POST',
      headers: {'content-type': 'application/json', origin: 'http://evil.example'},
      body: '{}',
    })
    assert.equal(foreign.status, 403)
    const form = await call(`${proxy.url}/api/v1/executions`, {
      method: 'POST',
      headers: {'content-type': 'text/plain'},
      body: '{}',
    })
    assert.equal(form.status, 415)
    const list = await c.admin.listExecutions({id: {project: PROJECT, domain: DOMAIN}, limit: 10})
    assert.equal(list.executions.length, 1, 'only the launch above')
  })
})
