/** The registration loop with a small in-memory fake of the admin client (pure logic: order, pool, outcomes). */
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {Code, ConnectError} from '@connectrpc/connect'
import {registerFiles, type RegisterClients} from '../../../src/cluster/register/service.js'
import {CliError} from '../../../src/cli/errors.js'
import {launchPlan, pbFiles, trio, type PackageEntity} from '../../fixtures/register/build-package.js'

interface Call {
  rpc: string
  name: string
  version: string
}

function fakeAdmin(behaviour: (rpc: string, name: string) => Code | undefined = () => undefined) {
  const calls: Call[] = []
  let inFlight = 0
  let maxInFlight = 0
  const handler =
    (rpc: string) =>
    async (req: {id?: {name: string; version: string}}): Promise<object> => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise((r) => setTimeout(r, 2))
      inFlight--
      calls.push({rpc, name: req.id!.name, version: req.id!.version})
      const code = behaviour(rpc, req.id!.name)
      if (code !== undefined) throw new ConnectError(`${rpc} ${req.id!.name} refused`, code)
      return {}
    }
  const admin = {
    createTask: handler('createTask'),
    createWorkflow: handler('createWorkflow'),
    createLaunchPlan: handler('createLaunchPlan'),
    updateLaunchPlan: handler('updateLaunchPlan'),
    getProject: async () => ({}),
  }
  return {
    clients: {admin, dataProxy: {}} as unknown as RegisterClients,
    calls,
    maxInFlight: () => maxInFlight,
  }
}

const opts = {project: 'p', domain: 'development', version: 'v1'}
const inputsOf = (entities: PackageEntity[]) => ({entities: pbFiles(entities)})

describe('registerFiles', () => {
  it('registers tasks, then workflows, then launch plans, whatever the file order', async () => {
    const [t, w, l] = trio('a')
    const fake = fakeAdmin()
    const files = pbFiles([l!, w!, t!])
    const result = await registerFiles(fake.clients, {entities: files}, opts)
    assert.deepEqual(
      fake.calls.map((c) => c.rpc),
      ['createTask', 'createWorkflow', 'createLaunchPlan'],
    )
    assert.ok(fake.calls.every((c) => c.version === 'v1'))
    assert.deepEqual(
      result.rows.map((r) => [r.name, r.status, r.additionalInfo]),
      [
        ['02_a.t_1.pb', 'Success', 'Successfully registered file'],
        ['01_a.wf_2.pb', 'Success', 'Successfully registered file'],
        ['00_a.wf_3.pb', 'Success', 'Successfully registered file'],
      ],
    )
  })

  it('runs creates concurrently, at most the pool size at once', async () => {
    const entities = Array.from({length: 30}, (_, i) => trio(`e${i}`)).flat()
    const fake = fakeAdmin()
    const result = await registerFiles(fake.clients, inputsOf(entities), {...opts, concurrency: 4})
    assert.equal(result.succeeded, 90)
    assert.equal(fake.maxInFlight(), 4)
  })

  it('AlreadyExists counts as success', async () => {
    const fake = fakeAdmin((rpc) => (rpc === 'createWorkflow' ? Code.AlreadyExists : undefined))
    const result = await registerFiles(fake.clients, inputsOf(trio('a')), opts)
    assert.equal(result.failed, 0)
    assert.equal(result.rows[1]!.additionalInfo, 'AlreadyExists')
  })

  it('a failure in the middle stops new creates; the table shows which failed and which were not tried', async () => {
    const entities = [...trio('a'), ...trio('b')]
    const fake = fakeAdmin((_rpc, name) => (name === 'b.t' ? Code.InvalidArgument : undefined))
    const result = await registerFiles(fake.clients, inputsOf(entities), {...opts, concurrency: 1})
    const byName = Object.fromEntries(result.rows.map((r) => [r.name, r]))
    assert.equal(byName['03_b.t_1.pb']!.status, 'Failed')
    assert.match(
      byName['03_b.t_1.pb']!.additionalInfo,
      /^Error registering file due to InvalidArgument: createTask b.t refused/,
    )
    assert.equal(byName['05_b.wf_3.pb']!.status, 'Skipped')
    assert.equal(result.failed, 1)
    assert.ok(result.skipped >= 2)
  })

  it('--continueOnError registers everything else and reports every failure', async () => {
    const entities = [...trio('a'), ...trio('b')]
    const fake = fakeAdmin((_rpc, name) => (name === 'a.t' || name === 'b.wf' ? Code.InvalidArgument : undefined))
    const result = await registerFiles(fake.clients, inputsOf(entities), {...opts, continueOnError: true})
    assert.equal(result.skipped, 0)
    assert.equal(result.failed, 3, 'task a.t, workflow b.wf, launch plan b.wf')
    assert.equal(result.succeeded, 3)
  })

  it('an undecodable file fails before any create unless --continueOnError', async () => {
    const files = [...pbFiles(trio('a')), {name: '03_bad_1.pb', bytes: new TextEncoder().encode('garbage bytes')}]
    const fake = fakeAdmin()
    const result = await registerFiles(fake.clients, {entities: files}, opts)
    assert.equal(fake.calls.length, 0)
    assert.equal(result.rows.find((r) => r.name === '03_bad_1.pb')!.status, 'Failed')
    assert.match(result.rows.find((r) => r.name === '03_bad_1.pb')!.additionalInfo, /^Error unmarshalling file/)
    const again = await registerFiles(fake.clients, {entities: files}, {...opts, continueOnError: true})
    assert.equal(again.succeeded, 3)
  })

  it('missing version is one usage error before any create', async () => {
    const fake = fakeAdmin()
    await assert.rejects(
      registerFiles(fake.clients, inputsOf(trio('a')), {...opts, version: ''}),
      (err: unknown) => err instanceof CliError && err.code === 'usage' && /version is required/.test(err.message),
    )
    assert.equal(fake.calls.length, 0)
  })

  it('--enableSchedule activates scheduled launch plans; a scheduled plan with a required input fails', async () => {
    const [t, w] = trio('s')
    const ok = {kind: 'launchplan' as const, spec: launchPlan('s.hourly', 's.wf', {cron: '0 * * * *', defaultX: 1})}
    const bad = {kind: 'launchplan' as const, spec: launchPlan('s.bad', 's.wf', {cron: '0 * * * *'})}
    const fake = fakeAdmin()
    const result = await registerFiles(fake.clients, inputsOf([t!, w!, ok, bad]), {
      ...opts,
      enableSchedule: true,
      continueOnError: true,
    })
    assert.deepEqual(
      fake.calls.filter((c) => c.rpc === 'updateLaunchPlan').map((c) => c.name),
      ['s.hourly'],
    )
    const badRow = result.rows.find((r) => r.name.includes('s.bad'))!
    assert.equal(badRow.status, 'Failed')
    assert.match(badRow.additionalInfo, /param values are missing on scheduled workflow for the following params \[x\]/)
  })

  it('--dryRun calls nothing and needs no client', async () => {
    const result = await registerFiles(undefined, inputsOf(trio('a')), {...opts, dryRun: true})
    assert.equal(result.succeeded, 3)
    assert.match(result.rows[0]!.additionalInfo, /^Dry run: would register task p\/development\/a.t@v1/)
  })

  it('every create unreachable → one unavailable error', async () => {
    const fake = fakeAdmin(() => Code.Unavailable)
    await assert.rejects(
      registerFiles(fake.clients, inputsOf(trio('a')), opts),
      (err: unknown) => err instanceof CliError && err.code === 'unavailable',
    )
  })
})
