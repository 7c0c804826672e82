/**
 * Added latency per call with auth on (goal: < 0.5 ms p50 with the built-in policy; OPA's reported):
 * the same sequential unary gRPC call (GetProject) against three in-process planes — auth off, auth
 * on with policy.yaml, auth on deciding with a real OPA server (when the opa binary is there, see
 * scripts/setup-opa.sh) — measured in one run, interleaved in rounds so machine load hits all alike.
 * Also the check alone (token verification + decision, no network) per call.
 *
 *   npm run bench:auth
 *   npm run bench:auth -- 5000      # calls per plane (default 2000)
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createClient, type Interceptor} from '@connectrpc/connect'
import {createGrpcTransport} from '@connectrpc/connect-node'
import {AdminService} from '../src/gen/flyteidl/service/admin_pb.js'
import {startServer} from '../src/controlplane/server.js'
import type {AuthOptions} from '../src/controlplane/auth/index.js'
import {findOpa, startOpa} from '../test/support/opa.js'

const CALLS = Number(process.argv[2] ?? 2000)
const ROUNDS = 10

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

interface Plane {
  name: string
  call: () => Promise<unknown>
  samples: number[]
  close: () => Promise<void>
}

async function plane(name: string, auth?: AuthOptions): Promise<Plane> {
  const dir = mkdtempSync(join(tmpdir(), 'flytectl-bench-auth-'))
  const server = await startServer({port: 0, dataDir: dir, seedProjects: ['flytesnacks'], ...(auth ? {auth} : {})})
  let token = ''
  if (auth) {
    const secret = readFileSync(join(dir, 'auth', 'flytepropeller.secret'), 'utf8').trim()
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({grant_type: 'client_credentials', client_id: 'flytepropeller', client_secret: secret}),
    })
    token = ((await res.json()) as {access_token: string}).access_token
  }
  const withToken: Interceptor = (next) => (req) => {
    if (token) req.header.set('flyte-authorization', `Bearer ${token}`)
    return next(req)
  }
  const admin = createClient(AdminService, createGrpcTransport({baseUrl: server.url, interceptors: [withToken]}))
  return {
    name,
    call: () => admin.getProject({id: 'flytesnacks'}),
    samples: [],
    async close() {
      await server.close()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

async function main(): Promise<void> {
  const opaBin = findOpa()
  const opa = opaBin
    ? await startOpa(opaBin, [
        join(new URL('../../', import.meta.url).pathname, 'test', 'fixtures', 'opa', 'launchers.rego'),
      ])
    : undefined
  const planes = [
    await plane('auth off'),
    await plane('auth on, policy.yaml', {}),
    ...(opa ? [await plane('auth on, OPA', {opaUrl: `${opa.url}/v1/data/flyte/authz/allow`})] : []),
  ]
  for (const p of planes) for (let i = 0; i < 200; i++) await p.call()
  const per = Math.ceil(CALLS / ROUNDS)
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of planes) {
      for (let i = 0; i < per; i++) {
        const t = performance.now()
        await p.call()
        p.samples.push(performance.now() - t)
      }
    }
  }
  const base = [...planes[0]!.samples].sort((a, b) => a - b)
  console.log(`GetProject, ${per * ROUNDS} sequential calls per plane, ${ROUNDS} interleaved rounds`)
  for (const p of planes) {
    const s = [...p.samples].sort((a, b) => a - b)
    const added = pct(s, 50) - pct(base, 50)
    console.log(
      `${p.name.padEnd(22)} p50 ${pct(s, 50).toFixed(3)} ms  p95 ${pct(s, 95).toFixed(3)} ms` +
        (p === planes[0] ? '' : `  added p50 ${added.toFixed(3)} ms`),
    )
  }
  if (!opa) console.log('OPA: skipped (no opa binary; scripts/setup-opa.sh builds one with Go)')

  // The check alone: verify the token and decide, in-process.
  const {PlaneAuth} = await import('../src/controlplane/auth/index.js')
  const {AdminService: svc} = await import('../src/gen/flyteidl/service/admin_pb.js')
  const dir = mkdtempSync(join(tmpdir(), 'flytectl-bench-auth-'))
  const auth = new PlaneAuth(
    dir,
    () => 'http://127.0.0.1:1',
    {},
    () => {},
  )
  const issued = await auth.tokens.issue(
    {kind: 'client', name: 'flytepropeller', clientId: 'flytepropeller', groups: ['admins'], scopes: ['all']},
    false,
  )
  const header = `Bearer ${issued.access_token}`
  const get = (n: string) => (n === 'authorization' ? header : undefined)
  const method = svc.method.getProject
  const samples: number[] = []
  for (let i = 0; i < CALLS + 200; i++) {
    const t = performance.now()
    const who = await auth.caller(get, method)
    await auth.run(who, method, {id: 'flytesnacks'}, async () => undefined)
    if (i >= 200) samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  console.log(
    `check alone (verify RS256 + policy.yaml + audit line): p50 ${pct(samples, 50).toFixed(3)} ms  p95 ${pct(samples, 95).toFixed(3)} ms`,
  )
  await auth.close()
  rmSync(dir, {recursive: true, force: true})
  for (const p of planes) await p.close()
  await opa?.stop()
}

await main()
