/**
 * Per-execution tokens for tasks (auth on): the variables a task gets name a 0600 file, never the
 * token; the token authenticates as the execution, may do the launcher's actions in the execution's
 * project and domain only, is audited as such, and is refused once the execution ended (its file gone).
 */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {PlaneAuth} from '../../../src/controlplane/auth/index.js'
import {executionCredentialsEnv} from '../../../src/controlplane/executor/task-env.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'

const PLANE = 'http://127.0.0.1:30080'
const scope = {project: 'proj-a', domain: 'development', name: 'exec1'}
const job = {dataDir: '', execution: {id: scope}}
let dir: string
let auth: PlaneAuth
const running = new Set<string>(['proj-a/development/exec1'])

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flytectl-exectok-'))
  job.dataDir = dir
  auth = new PlaneAuth(
    dir,
    () => PLANE,
    {},
    () => {},
  )
  auth.enableExecutionTokens((s) => running.has(`${s.project}/${s.domain}/${s.name}`))
})

after(async () => {
  await auth.close()
  rmSync(dir, {recursive: true, force: true})
})

const header = (token: string) => (name: string) => (name === 'authorization' ? `Bearer ${token}` : undefined)

async function tokenFromEnv(): Promise<{env: Record<string, string>; token: string; file: string}> {
  const env = await executionCredentialsEnv(job)
  assert.equal(env.FLYTE_CREDENTIALS_AUTH_MODE, 'ExternalCommand')
  // flytekit splits the command on commas and runs it: the token is what it prints.
  const [cmd, ...args] = env.FLYTE_CREDENTIALS_COMMAND!.split(',')
  const token = execFileSync(cmd!, args, {encoding: 'utf8'}).trim()
  return {env, token, file: args[0]!}
}

describe('per-execution tokens', () => {
  test('tasks get flytekit ExternalCommand settings naming a private file, not the token', async () => {
    const {env, token, file} = await tokenFromEnv()
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
    for (const v of Object.values(env)) assert.ok(!v.includes(token), 'the token is not in the environment')
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(statSync(dirname(file)).mode & 0o777, 0o700)
    // A second task of the same execution gets the same file.
    assert.deepEqual(await executionCredentialsEnv(job), env)
    // A plane without auth (another data dir) gives tasks nothing.
    assert.deepEqual(await executionCredentialsEnv({dataDir: join(dir, 'other'), execution: {id: scope}}), {})
  })

  test('the token acts as the execution: launcher actions in its project and domain only', async () => {
    const {token} = await tokenFromEnv()
    const who = await auth.authenticate(header(token))
    assert.equal(who.kind, 'execution')
    assert.equal(who.name, 'execution:proj-a/development/exec1')
    const call = (method: keyof typeof AdminService.method, message: unknown) =>
      auth.run(who, AdminService.method[method], message, async () => 'ran')
    const id = {project: 'proj-a', domain: 'development', name: 'sum_lp', version: 'v1', resourceType: 3}
    assert.equal(await call('getLaunchPlan', {id}), 'ran')
    assert.equal(await call('createExecution', {project: 'proj-a', domain: 'development', name: 'x'}), 'ran')
    assert.equal(await call('listProjects', {}), 'ran')
    const denied: Array<[keyof typeof AdminService.method, unknown, RegExp]> = [
      ['createExecution', {project: 'proj-b', domain: 'development'}, /may not executions:create in project proj-b/],
      ['createExecution', {project: 'proj-a', domain: 'production'}, /domain production/],
      ['registerProject', {project: {id: 'new'}}, /may not projects:create/],
      ['getLaunchPlan', {id: {...id, project: 'proj-b'}}, /may not read in project proj-b/],
      ['updateProjectDomainAttributes', {attributes: {project: 'proj-a', domain: 'development'}}, /attributes:update/],
    ]
    for (const [method, message, re] of denied) {
      await assert.rejects(call(method, message), (e: unknown) => {
        assert.ok(e instanceof ConnectError && e.code === Code.PermissionDenied, `${method}: ${String(e)}`)
        assert.match(e.rawMessage, re)
        assert.match(e.rawMessage, /execution token of proj-a\/development\/exec1/)
        return true
      })
    }
  })

  test('audited as the execution; refused once it ended, and its file is removed', async () => {
    const {token, file} = await tokenFromEnv()
    const who = await auth.authenticate(header(token))
    await auth.run(who, AdminService.method.getExecution, {id: scope}, async () => 'ok')
    running.delete('proj-a/development/exec1')
    await auth.executions!.sweep()
    assert.equal(existsSync(file), false)
    await assert.rejects(auth.authenticate(header(token)), /execution proj-a\/development\/exec1 is no longer running/)
    await auth.close()
    const audit = readFileSync(join(dir, 'auth', 'audit.log'), 'utf8')
    assert.match(
      audit,
      /"principal":"execution:proj-a\/development\/exec1","kind":"execution","action":"read".*"via":"execution token"/,
    )
    auth = new PlaneAuth(
      dir,
      () => PLANE,
      {},
      () => {},
    )
  })

  test('a token of a plane that restarted is refused (tokens live only as long as the plane that issued them)', async () => {
    running.add('proj-a/development/exec2')
    auth.enableExecutionTokens((s) => running.has(`${s.project}/${s.domain}/${s.name}`))
    const env = await executionCredentialsEnv({dataDir: dir, execution: {id: {...scope, name: 'exec2'}}})
    const token = readFileSync(env.FLYTE_CREDENTIALS_COMMAND!.split(',')[1]!, 'utf8').trim()
    await auth.close()
    auth = new PlaneAuth(
      dir,
      () => PLANE,
      {},
      () => {},
    )
    auth.enableExecutionTokens(() => true)
    await assert.rejects(auth.authenticate(header(token)), /no longer running/)
  })
})
