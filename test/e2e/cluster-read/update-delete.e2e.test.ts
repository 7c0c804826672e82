/** `update` and `delete` against the embedded control plane, as the built CLI. */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {LaunchPlanState} from '../../../src/gen/flyteidl/admin/launch_plan_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {planeSession} from '../../support/cli-session.js'
import {launch, seed, waitForPhase} from './seed.js'

const session = planeSession(seed, (s) => s.plane.configPath)
const {home, cli} = session
const pd = ['-p', 'flytesnacks', '-d', 'development']

describe('update project', () => {
  it('shows the diff, needs --force without a terminal, then applies', async () => {
    const noTty = await cli('update', 'project', '-p', 'other', '--description', 'changed')
    assert.equal(noTty.code, 9)
    assert.match(noTty.stdout, /^The following changes are to be applied.\n--- before\n\+\+\+ after\n/)
    assert.match(noTty.stdout, /^-description: ""\n\+description: changed$/m)
    assert.match(
      noTty.stderr,
      /^Error: update needs confirmation and there is no terminal to ask on\nHint: Pass --force/,
    )
    assert.equal((await session.server.clients.admin.getProject({id: 'other'})).description, '', 'nothing written')

    const dry = await cli('update', 'project', '-p', 'other', '--description', 'changed', '--dryRun')
    assert.equal(dry.code, 0, dry.stderr)
    assert.equal((await session.server.clients.admin.getProject({id: 'other'})).description, '')

    const ok = await cli(
      'update',
      'project',
      '-p',
      'other',
      '--description',
      'changed',
      '--labels',
      'team=ml',
      '--force',
    )
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /project other updated\n$/)
    const p = await session.server.clients.admin.getProject({id: 'other'})
    assert.deepEqual([p.description, p.labels?.values], ['changed', {team: 'ml'}])

    const again = await cli('update', 'project', '-p', 'other', '--description', 'changed', '--force')
    assert.equal(again.stdout, 'No changes detected. Skipping the update.\n')

    // --description alone keeps the labels (the plane, like FlyteAdmin, replaces labels it is sent).
    const descOnly = await cli('update', 'project', '-p', 'other', '--description', 'changed again', '--force')
    assert.equal(descOnly.code, 0, descOnly.stderr)
    const kept = await session.server.clients.admin.getProject({id: 'other'})
    assert.deepEqual([kept.description, kept.labels?.values], ['changed again', {team: 'ml'}])
  })

  it('archives a project (hidden from the default list) and rejects both state flags', async () => {
    const both = await cli('update', 'project', '-p', 'other', '--archive', '--activate')
    assert.equal(both.code, 2)
    assert.match(both.stderr, /^Error: invalid state passed. Specify either activate or archive/)
    const r = await cli('update', 'project', '-p', 'other', '--archive', '--force')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^-state: ACTIVE\n\+state: ARCHIVED$/m)
    const list = await cli('get', 'project', '-o', 'json')
    assert.equal((JSON.parse(list.stdout) as {id: string}).id, 'flytesnacks')
    const unknown = await cli('update', 'project', '-p', 'nope', '--archive', '--force')
    assert.equal(unknown.code, 4)
    // An archived project is found again and activated.
    const back = await cli('update', 'project', '-p', 'other', '--activate', '--force')
    assert.equal(back.code, 0, back.stderr)
    assert.match(back.stdout, /^-state: ARCHIVED\n\+state: ACTIVE$/m)
    await cli('update', 'project', '-p', 'other', '--archive', '--force')
  })
})

describe('update project --file', () => {
  it('reads the flytectl project file; an unknown key is rejected before any call', async () => {
    const f = join(home, 'project.yaml')
    writeFileSync(
      f,
      'id: flytesnacks\nname: Flyte snacks\ndescription: from a file\nlabels:\n  values:\n    env: dev\n',
    )
    const r = await cli('update', 'project', '--file', f, '--force')
    assert.equal(r.code, 0, r.stderr)
    const p = await session.server.clients.admin.getProject({id: 'flytesnacks'})
    assert.deepEqual([p.description, p.labels?.values], ['from a file', {env: 'dev'}])
    writeFileSync(f, 'id: flytesnacks\ndescrption: typo\n')
    const bad = await cli('update', 'project', '--file', f, '--force')
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^Error: project file .*: unknown key "descrption"\n/)
    const both = await cli('update', 'project', '--id', 'flytesnacks', '-p', 'flytesnacks', '--archive')
    assert.equal(both.code, 2)
    assert.match(both.stderr, /^Error: both project and id are passed/)
  })
})

describe('update launchplan', () => {
  it('activates a version, needs --version, and deactivates it again', async () => {
    const noVersion = await cli('update', 'launchplan', ...pd, 'core.pipeline', '--activate')
    assert.equal(noVersion.code, 2)
    assert.match(noVersion.stderr, /^Error: launch plan version wasn't passed/)
    const on = await cli('update', 'launchplan', ...pd, 'core.pipeline', '--version', 'v1', '--activate', '--force')
    assert.equal(on.code, 0, on.stderr)
    assert.match(on.stdout, /^-state: INACTIVE\n\+state: ACTIVE$/m)
    const id = {
      resourceType: ResourceType.LAUNCH_PLAN,
      project: 'flytesnacks',
      domain: 'development',
      name: 'core.pipeline',
      version: 'v1',
    }
    assert.equal((await session.server.clients.admin.getLaunchPlan({id})).closure?.state, LaunchPlanState.ACTIVE)
    const off = await cli('update', 'launchplan', ...pd, 'core.pipeline', '--version', 'v1', '--deactivate', '--force')
    assert.equal(off.code, 0, off.stderr)
    assert.equal((await session.server.clients.admin.getLaunchPlan({id})).closure?.state, LaunchPlanState.INACTIVE)
    const neither = await cli('update', 'launchplan', ...pd, 'core.pipeline', '--version', 'v1')
    assert.equal(neither.code, 2)
  })
})

describe('update execution and delete execution', () => {
  it('archives an execution', async () => {
    const r = await cli('update', 'execution', ...pd, session.server.succeeded, '--archive', '--force')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^-state: EXECUTION_ACTIVE\n\+state: EXECUTION_ARCHIVED$/m)
  })

  it('terminates several executions, reporting each; an unknown one makes the exit partial', async () => {
    await launch(session.server.clients, 'to-stop-1')
    await launch(session.server.clients, 'to-stop-2')
    const dry = await cli('delete', 'execution', ...pd, 'to-stop-1', '--dryRun')
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /skipping TerminateExecution request for to-stop-1/)
    const r = await cli('delete', 'execution', ...pd, 'to-stop-1', 'nope', 'to-stop-2')
    assert.equal(r.code, 8, r.stderr)
    assert.match(r.stdout, /^(terminated|failed to terminate) execution to-stop-1/m)
    assert.match(r.stdout, /^failed to terminate execution nope: /m)
    assert.match(r.stdout, /^(terminated|failed to terminate) execution to-stop-2/m)
    assert.match(r.stderr, /^Error: \d of 3 executions could not be terminated: .*nope/)
    for (const name of ['to-stop-1', 'to-stop-2'])
      await waitForPhase(session.server.clients, name, [
        WorkflowExecution_Phase.ABORTED,
        WorkflowExecution_Phase.SUCCEEDED,
        WorkflowExecution_Phase.FAILED,
      ])
  })
})
