/** register files with the built CLI against the embedded control plane (real gRPC, real upload). */
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync} from 'node:fs'
import {join} from 'node:path'
import {planeSession, planeWithClients} from '../../support/cli-session.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {pbFiles, taskSpec, trio, writePackage} from '../../fixtures/register/build-package.js'

const session = planeSession(planeWithClients, (s) => s.plane.configPath, setup)
const clients = () => session.server.clients
const run = (args: string[]) => session.cli(...args)
let dir: string

async function setup(): Promise<void> {
  dir = mkdtempSync(join(session.home, 'pkg-'))
  const made = await run(['create', 'project', '--id', 'flytesnacks', '--name', 'flytesnacks', '--labels', 'team=ml'])
  assert.equal(made.code, 0, made.stderr)
  assert.equal(made.stdout, 'project created successfully.\n')
}

const register = (archive: string, ...extra: string[]) =>
  run(['register', 'files', '-p', 'flytesnacks', '-d', 'development', '--archive', archive, ...extra])

/** Table rows as [name, status, info] (skipping borders and the header). */
function rows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(1)
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    )
}

describe('register files against the embedded plane', () => {
  it('registers a pyflyte package with fast-register source: tasks, workflows, launch plans, hydrated', async () => {
    const files = [...pbFiles(trio('core.example')), {name: 'fastv1abc.tar.gz', bytes: new Uint8Array([31, 139, 8, 0])}]
    const archive = await writePackage(dir, 'flyte-package.tgz', files)
    const r = await register(archive, '--version', 'v1', '--destinationDirectory', '/root')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(rows(r.stdout), [
      ['flyte-package.tgz/00_core.example.t_1.pb', 'Success', 'Successfully registered file'],
      ['flyte-package.tgz/01_core.example.wf_2.pb', 'Success', 'Successfully registered file'],
      ['flyte-package.tgz/02_core.example.wf_3.pb', 'Success', 'Successfully registered file'],
    ])
    const id = {
      resourceType: ResourceType.TASK,
      project: 'flytesnacks',
      domain: 'development',
      name: 'core.example.t',
      version: 'v1',
    }
    const task = await clients().admin.getTask({id})
    const target = task.closure?.compiledTask?.template?.target
    assert.ok(target?.case === 'container')
    const remote = target.value.args[2]!
    assert.notEqual(remote, '{{ .remote_package_path }}')
    assert.match(remote, /fastv1abc\.tar\.gz$/)
    const download = await clients().dataProxy.createDownloadLocation({nativeUrl: remote})
    const uploaded = new Uint8Array(await (await fetch(download.signedUrl)).arrayBuffer())
    assert.deepEqual([...uploaded], [31, 139, 8, 0], 'the source archive was uploaded byte for byte')
    assert.equal(target.value.args[4], '/root')
    const lp = await clients().admin.getLaunchPlan({
      id: {...id, resourceType: ResourceType.LAUNCH_PLAN, name: 'core.example.wf'},
    })
    assert.equal(lp.spec?.workflowId?.version, 'v1')
    assert.equal(lp.spec?.workflowId?.project, 'flytesnacks')
  })

  it('re-registering the same package succeeds with AlreadyExists rows', async () => {
    const r = await register(join(dir, 'flyte-package.tgz'), '--version', 'v1', '--destinationDirectory', '/root')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(
      rows(r.stdout).map((x) => x.slice(1)),
      [
        ['Success', 'AlreadyExists'],
        ['Success', 'AlreadyExists'],
        ['Success', 'AlreadyExists'],
      ],
    )
  })

  it('a failing middle file exits 8 and the table says which one (with and without --continueOnError)', async () => {
    const changed = taskSpec('core.example.t')
    assert.ok(changed.template?.target.case === 'container')
    changed.template.target.value.image = 'other-image:2'
    const entities = [...trio('first'), {kind: 'task' as const, spec: changed}, ...trio('last')]
    const archive = await writePackage(dir, 'middle.tgz', pbFiles(entities))
    const r = await register(archive, '--version', 'v1', '--continueOnError')
    assert.equal(r.code, 8, r.stdout + r.stderr)
    const table = rows(r.stdout)
    const failed = table.filter((x) => x[1] === 'Failed')
    assert.equal(failed.length, 1)
    assert.equal(failed[0]![0], 'middle.tgz/3_core.example.t_1.pb'.replace('/3_', '/03_'))
    assert.match(failed[0]![2]!, /^Error registering file due to InvalidArgument: .*different structure/)
    assert.equal(table.filter((x) => x[1] === 'Success').length, 6)
    assert.match(r.stderr, /^Error: 1 of 7 files failed to register/m)

    const stop = await register(
      await writePackage(dir, 'middle2.tgz', pbFiles(entities)),
      '--version',
      'v2x',
      '--force',
    )
    assert.equal(stop.code, 0, 'a new version registers everything: ' + stop.stderr)
  })

  it('stops creating after the first failure without --continueOnError', async () => {
    const changed = taskSpec('core.example.t')
    assert.ok(changed.template?.target.case === 'container')
    changed.template.target.value.image = 'third-image:3'
    const entities = [{kind: 'task' as const, spec: changed}, ...trio('never')]
    const r = await register(await writePackage(dir, 'stop.tgz', pbFiles(entities)), '--version', 'v1')
    assert.equal(r.code, 8)
    const table = rows(r.stdout)
    assert.equal(table[0]![1], 'Failed')
    // Creates of one wave already in flight finish; nothing after the failure starts.
    assert.deepEqual(
      table.slice(2).map((x) => x[1]),
      ['Skipped', 'Skipped'],
    )
    await assert.rejects(
      clients().admin.getWorkflow({
        id: {
          resourceType: ResourceType.WORKFLOW,
          project: 'flytesnacks',
          domain: 'development',
          name: 'never.wf',
          version: 'v1',
        },
      }),
    )
  })

  it('an unknown project is one not-found error (exit 4)', async () => {
    const archive = await writePackage(dir, 'nowhere.tgz', pbFiles(trio('x')))
    const r = await run([
      'register',
      'files',
      '-p',
      'nosuch',
      '-d',
      'development',
      '--archive',
      archive,
      '--version',
      'v1',
    ])
    assert.equal(r.code, 4)
    assert.match(r.stderr, /^Error: project nosuch not found\nHint: Create it with `flytectl create project/)
  })

  it('--enableSchedule activates a scheduled launch plan', async () => {
    const [t, w] = trio('sched')
    const {launchPlan} = await import('../../fixtures/register/build-package.js')
    const lp = {
      kind: 'launchplan' as const,
      spec: launchPlan('sched.hourly', 'sched.wf', {cron: '0 * * * *', defaultX: 1}),
    }
    const r = await register(
      await writePackage(dir, 'sched.tgz', pbFiles([t!, w!, lp])),
      '--version',
      'v1',
      '--enableSchedule',
    )
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Successfully registered file \(schedule activated\)/)
    const got = await clients().admin.getLaunchPlan({
      id: {
        resourceType: ResourceType.LAUNCH_PLAN,
        project: 'flytesnacks',
        domain: 'development',
        name: 'sched.hourly',
        version: 'v1',
      },
    })
    assert.equal(got.closure?.state, 1, 'ACTIVE')
  })
})
