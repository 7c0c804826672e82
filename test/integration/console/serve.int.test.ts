/**
 * The console as the plane serves it, over real HTTP: the page shell at FlyteConsole's paths with a
 * strict Content-Security-Policy, the bundled assets, the change stream, task logs confined to the
 * plane's log directory, and the launch endpoint (JSON only, same origin only, create execution's rules).
 */
import assert from 'node:assert/strict'
import {request} from 'node:http'
import {appendFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {after, before, describe, it} from 'node:test'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {DOMAIN, PROJECT, VERSION, seedTicker} from './seed.js'
import {safeRedirect} from '../../../src/controlplane/console/session.js'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function call(
  url: string,
  opts: {method?: string; headers?: Record<string, string>; body?: string} = {},
): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request(url, {method: opts.method ?? 'GET', headers: opts.headers}, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => ok({status: res.statusCode ?? 0, headers: res.headers, body}))
    })
    req.on('error', fail)
    req.end(opts.body)
  })
}

describe('console served by the plane', () => {
  let plane: TestControlPlane
  let c: AdminClients

  before(async () => {
    plane = await startControlPlane()
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await seedTicker(c.admin, ['console.tick'])
  })
  after(async () => {
    c.close()
    await plane.stop()
  })

  it('answers every FlyteConsole page path with the shell and a same-origin-only policy', async () => {
    for (const path of [
      '/console',
      '/console/select-project',
      `/console/projects/${PROJECT}/domains/${DOMAIN}/executions`,
      `/console/projects/${PROJECT}/domains/${DOMAIN}/executions/abc123`,
      `/console/projects/${PROJECT}/domains/${DOMAIN}/launchPlans/console.tick`,
      `/console/projects/${PROJECT}/domains/${DOMAIN}/launch_plan/console.tick/version/${VERSION}`,
    ]) {
      const r = await call(plane.url + path)
      assert.equal(r.status, 200, path)
      assert.match(String(r.headers['content-type']), /^text\/html/)
      const csp = String(r.headers['content-security-policy'])
      assert.match(csp, /default-src 'none'/)
      assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote script')
      assert.match(csp, /connect-src 'self'/)
      assert.match(csp, /frame-ancestors 'none'/)
      assert.match(r.body, /<script type="module" src="\/console\/assets\/app\.js\?v=[0-9a-f]+"><\/script>/)
      assert.doesNotMatch(r.body, /https?:\/\//, 'the page names no other origin')
    }
  })

  it('serves the bundle with its type and an etag, and 404 for anything else under assets', async () => {
    const js = await call(`${plane.url}/console/assets/app.js`)
    assert.equal(js.status, 200)
    assert.match(String(js.headers['content-type']), /^text\/javascript/)
    assert.ok(js.body.length > 1000)
    assert.doesNotMatch(js.body, /\b(?:fetch|EventSource)\(\s*["'`]https?:/, 'the bundle calls no other origin')
    const again = await call(`${plane.url}/console/assets/app.js`, {
      headers: {'if-none-match': String(js.headers.etag)},
    })
    assert.equal(again.status, 304)
    assert.equal((await call(`${plane.url}/console/assets/app.css`)).status, 200)
    for (const path of ['/console/assets/../../package.json', '/console/assets/..%2f..%2fpackage.json']) {
      const r = await call(plane.url + path)
      assert.doesNotMatch(r.body, /"name": "flytectl"/, path)
    }
    assert.equal((await call(`${plane.url}/console/assets/secret.txt`)).status, 404)
    assert.equal((await call(`${plane.url}/console/api/nothing`)).status, 404)
    assert.equal((await call(`${plane.url}/console`, {method: 'POST', body: 'x'})).status, 405)
  })

  const launchUrl = () => `${plane.url}/console/api/launch`
  const body = (inputs: Record<string, unknown>) =>
    JSON.stringify({
      kind: 'launch_plan',
      project: PROJECT,
      domain: DOMAIN,
      name: 'console.tick',
      version: VERSION,
      inputs,
    })

  it('refuses launches from another origin, without JSON, or too large', async () => {
    const foreign = await call(launchUrl(), {
      method: 'POST',
      headers: {'content-type': 'application/json', origin: 'http://evil.example'},
      body: body({n: 1}),
    })
    assert.equal(foreign.status, 403, foreign.body)
    const crossSite = await call(launchUrl(), {
      method: 'POST',
      headers: {'content-type': 'application/json', 'sec-fetch-site': 'cross-site'},
      body: body({n: 1}),
    })
    assert.equal(crossSite.status, 403, 'a page on another site cannot launch, even without an Origin')
    const rebound = await call(launchUrl(), {
      method: 'POST',
      headers: {'content-type': 'application/json', host: `rebound.example:${plane.port}`},
      body: body({n: 1}),
    })
    assert.equal(rebound.status, 403, 'a DNS-rebound name is not this plane')
    const form = await call(launchUrl(), {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'n=1',
    })
    assert.equal(form.status, 415, form.body)
    const big = await call(launchUrl(), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({pad: 'x'.repeat(2 * 1024 * 1024)}),
    }).catch(() => ({status: 413, body: '', headers: {}}))
    assert.equal(big.status, 413)
    assert.equal(
      (await c.admin.listExecutions({id: {project: PROJECT, domain: DOMAIN}, limit: 10})).executions.length,
      0,
    )
  })

  it('checks inputs with create execution rules and launches from the same origin', async () => {
    const headers = {'content-type': 'application/json', origin: plane.url}
    const bad = await call(launchUrl(), {method: 'POST', headers, body: body({n: 'three'})})
    assert.equal(bad.status, 400)
    const err = JSON.parse(bad.body) as {message: string; input: string; advice: string}
    assert.equal(err.input, 'n')
    assert.match(err.message, /input \[n\]/)
    assert.match(err.advice, /integer/)
    const unknown = await call(launchUrl(), {method: 'POST', headers, body: body({m: 1})})
    assert.equal(unknown.status, 400)
    assert.match(unknown.body, /no matching type for \[m\]/)
    const ok = await call(launchUrl(), {method: 'POST', headers, body: body({n: 1})})
    assert.equal(ok.status, 200, ok.body)
    const {name} = JSON.parse(ok.body) as {name: string}
    const ex = await c.admin.getExecution({id: {project: PROJECT, domain: DOMAIN, name}})
    const n = ex.spec?.inputs?.literals.n ?? (await c.admin.getExecutionData({id: ex.id})).fullInputs?.literals.n
    assert.ok(n?.value.case === 'scalar')
  })

  it('streams a change event when a run is created', async () => {
    const events: string[] = []
    const done = new Promise<void>((ok, fail) => {
      const req = request(`${plane.url}/console/api/events?project=${PROJECT}&domain=${DOMAIN}`, (res) => {
        assert.equal(res.statusCode, 200)
        assert.match(String(res.headers['content-type']), /^text\/event-stream/)
        res.on('data', (chunk: Buffer) => {
          for (const m of chunk.toString().matchAll(/^event: (\w+)$/gm)) events.push(m[1]!)
          if (events.includes('ready') && events.length === 1) {
            void call(launchUrl(), {
              method: 'POST',
              headers: {'content-type': 'application/json'},
              body: body({n: 2}),
            }).catch(fail)
          }
          if (events.includes('change')) {
            req.destroy()
            ok()
          }
        })
      })
      req.on('error', (e) => (events.includes('change') ? ok() : fail(e)))
      req.end()
    })
    await done
    assert.deepEqual(events.slice(0, 2), ['ready', 'change'])
    assert.equal((await call(`${plane.url}/console/api/events?project=a b&domain=x`)).status, 400)
  })

  it('serves task logs only from the plane log directory', async () => {
    const logs = join(plane.dataDir, 'logs', PROJECT, DOMAIN, 'x', 'n0')
    mkdirSync(logs, {recursive: true})
    writeFileSync(join(logs, '0.log'), 'hello from the task\n')
    const inside = pathToFileURL(join(logs, '0.log')).href
    const r = await call(`${plane.url}/console/api/logs?uri=${encodeURIComponent(inside)}`)
    assert.equal(r.status, 200)
    assert.equal(r.body, 'hello from the task\n')
    writeFileSync(join(plane.dataDir, 'outside.log'), 'secret\n')
    for (const uri of [
      pathToFileURL(join(plane.dataDir, 'outside.log')).href,
      `${pathToFileURL(logs).href}/../../../../../outside.log`,
      pathToFileURL(join(plane.dataDir, 'flyteadmin.db')).href,
      'http://example.com/x.log',
    ]) {
      const denied = await call(`${plane.url}/console/api/logs?uri=${encodeURIComponent(uri)}`)
      assert.equal(denied.status, 404, uri)
      assert.doesNotMatch(denied.body, /secret/)
    }
  })
})

describe('console on a plane with auth on', () => {
  let plane: TestControlPlane

  before(async () => {
    plane = await startControlPlane({auth: {}})
  })
  after(async () => {
    await plane.stop()
  })

  it('serves the page shell but refuses the data endpoints without an access token', async () => {
    assert.equal((await call(`${plane.url}/console`)).status, 200)
    const launch = await call(`${plane.url}/console/api/launch`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({kind: 'launch_plan', project: PROJECT, domain: DOMAIN, name: 'x', version: 'v1'}),
    })
    assert.equal(launch.status, 401)
    assert.match(launch.body, /authentication required/)
    const events = await call(`${plane.url}/console/api/events?project=${PROJECT}&domain=${DOMAIN}`)
    assert.equal(events.status, 401)
    const logs = await call(`${plane.url}/console/api/logs?uri=file:///x.log`)
    assert.equal(logs.status, 401)
    assert.match((await call(`${plane.url}/console`)).body, /name="flyte-console-auth" content="login"/)
  })

  /** An access token for a client of the plane (client credentials), as a sign-in cookie would hold. */
  async function token(id: string, secret: string): Promise<string> {
    const r = await call(`${plane.url}/oauth2/token`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({grant_type: 'client_credentials', client_id: id, client_secret: secret}).toString(),
    })
    assert.equal(r.status, 200, r.body)
    return (JSON.parse(r.body) as {access_token: string}).access_token
  }

  it('starts a PKCE sign-in at /login, refuses a callback it did not start, clears cookies at /logout', async () => {
    const login = await call(
      `${plane.url}/login?redirect_url=${encodeURIComponent('/console/projects/p/domains/d/executions')}`,
    )
    assert.equal(login.status, 302)
    const to = new URL(String(login.headers.location), plane.url)
    assert.equal(to.pathname, '/oauth2/authorize')
    assert.equal(to.searchParams.get('redirect_uri'), `${plane.url}/callback`)
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256')
    const pending = String(login.headers['set-cookie'])
    assert.match(pending, /^flyte_login=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Strict/)
    // the plane's login page accepts its own callback
    assert.equal((await call(to.toString())).status, 200)
    // a callback whose state is not this browser's pending sign-in
    const forged = await call(`${plane.url}/callback?code=abc&state=other`, {
      headers: {cookie: pending.split(';')[0]!},
    })
    assert.equal(forged.status, 400)
    assert.match(forged.body, /expired or was started elsewhere/)
    assert.equal((await call(`${plane.url}/callback?code=abc&state=x`)).status, 400)
    const out = await call(`${plane.url}/logout`)
    assert.equal(out.status, 302)
    assert.equal(out.headers.location, '/console')
    assert.ok((out.headers['set-cookie'] as string[]).every((c) => /Max-Age=0/.test(c)))
  })

  it('takes the access cookie as the token for REST and console calls, decided by the policy', async () => {
    const auth = join(plane.dataDir, 'auth')
    const ids = join(auth, 'identities.yaml')
    writeFileSync(
      ids,
      readFileSync(ids, 'utf8').replace('users:\n', '  - id: reader\n    secret: reader-secret\nusers:\n'),
    )
    appendFileSync(join(auth, 'policy.yaml'), '  - role: viewer\n    clients: [reader]\n    projects: [only-this]\n')
    const cookie = `flyte_at=${await token('reader', 'reader-secret')}`
    assert.equal((await call(`${plane.url}/api/v1/projects`)).status, 401)
    assert.equal((await call(`${plane.url}/api/v1/projects`, {headers: {cookie}})).status, 200)
    const me = await call(`${plane.url}/me`, {headers: {cookie}})
    assert.equal((JSON.parse(me.body) as {subject: string}).subject, 'reader')
    const elsewhere = await call(`${plane.url}/console/api/events?project=${PROJECT}&domain=${DOMAIN}`, {
      headers: {cookie},
    })
    assert.equal(elsewhere.status, 403)
    assert.match(elsewhere.body, /client reader may not read in project flytesnacks/)
    const launch = await call(`${plane.url}/console/api/launch`, {
      method: 'POST',
      headers: {cookie, 'content-type': 'application/json'},
      body: JSON.stringify({
        kind: 'launch_plan',
        project: PROJECT,
        domain: DOMAIN,
        name: 'x',
        version: 'v1',
        inputs: {},
      }),
    })
    assert.equal(launch.status, 403, launch.body)
    assert.match(launch.body, /client reader may not read in project flytesnacks/)
  })
})

describe('console sign-in redirects', () => {
  it('return only to console paths of this plane', () => {
    assert.equal(
      safeRedirect('/console/projects/p/domains/d/executions?x=1'),
      '/console/projects/p/domains/d/executions?x=1',
    )
    for (const bad of [
      null,
      '',
      '//evil.example/console',
      'https://evil.example/console',
      '/api/v1/projects',
      '/consolex',
      '/\\evil',
      'javascript:alert(1)',
    ])
      assert.equal(safeRedirect(bad), '/console', String(bad))
  })
})
