/**
 * The NDJSON file sink (on by default): a workflow with a map, a branch and a failure leaves exactly
 * its CloudEvents, in order, under the data dir, enriched as FlyteAdmin's v2 publisher enriches them.
 */
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {dirname} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {
  expectedFlow,
  launchFlow,
  newDataDir,
  readNdjson,
  registerFlow,
  startEventsPlane,
  summary,
  waitFor,
  waitTerminal,
  type EventsPlane,
} from './scenario.js'

describe('event publisher: NDJSON file', () => {
  let plane: EventsPlane
  const dataDir = newDataDir()
  before(async () => {
    plane = await startEventsPlane(dataDir)
  })
  after(async () => {
    await plane.stop()
    rmSync(dirname(dataDir), {recursive: true, force: true})
  })

  it('writes every event of a run with a map, a branch and a failure, in order, as CloudEvents', async () => {
    const lp = await registerFlow(plane.clients)
    const id = await launchFlow(plane.clients, lp, 'evflow1')
    await waitTerminal(plane.clients, id)
    const events = await waitFor(() => {
      const all = readNdjson(dataDir)
      return all.some((e) => e.id === 'flytesnacks/development/evflow1.FAILED') ? all : undefined
    })
    assert.deepEqual(summary(events), expectedFlow('evflow1'))
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'ids are unique')
    for (const e of events) {
      assert.equal(e.specversion, '1.0')
      assert.equal(e.datacontenttype, 'application/json')
      assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      assert.equal(e.jsonschemaurl, '')
    }
    const byId = new Map(events.map((e) => [e.id, e]))

    const wfFailed = byId.get('flytesnacks/development/evflow1.FAILED')!
    assert.equal(wfFailed.source, 'evflow1/end-node')
    const wfData = wfFailed.data as Record<string, unknown>
    assert.deepEqual(Object.keys(wfData), ['rawEvent'], 'a FAILED workflow event is not enriched')
    assert.equal((wfData.rawEvent as {error?: {code?: string}}).error?.code !== undefined, true)

    // A SUCCEEDED task node: enriched with its task execution, the task's interface, launch plan, labels.
    const item = byId.get('flytesnacks/development/evflow1/n0-0-1.SUCCEEDED')!
    assert.equal(item.source, 'evflow1/n0-0-1')
    const d = item.data as {
      taskExecId?: {retryAttempt?: number; taskId?: {name: string}; nodeExecutionId?: {nodeId: string}}
      outputInterface?: {outputs?: {variables?: Record<string, unknown>}}
      launchPlanId?: {name: string; resourceType: string}
      labels?: Record<string, string>
      principal?: string
    }
    assert.equal(d.taskExecId?.taskId?.name, 'events.double')
    assert.equal(d.taskExecId?.nodeExecutionId?.nodeId, 'n0-0-1')
    assert.deepEqual(Object.keys(d.outputInterface?.outputs?.variables ?? {}), ['o0'])
    assert.equal(d.launchPlanId?.name, 'events.flow')
    assert.equal(d.launchPlanId?.resourceType, 'LAUNCH_PLAN')
    assert.deepEqual(d.labels, {team: 'lineage'})
    assert.equal(d.principal, 'alice')

    // A RUNNING node is not enriched; a task event carries the execution's labels.
    assert.deepEqual(Object.keys(byId.get('flytesnacks/development/evflow1/n1.RUNNING')!.data as object), ['rawEvent'])
    const task = byId.get('flytesnacks/development/evflow1/n2/0.FAILED')!
    assert.equal(task.source, 'evflow1/n2/0')
    assert.deepEqual((task.data as {labels?: unknown}).labels, {team: 'lineage'})

    // The publisher's metrics count the same run.
    const text = await (await fetch(`${plane.server.url}/metrics`)).text()
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(series + ' '))
          ?.split(' ')[1],
      )
    assert.equal(value('flyte:admin:cloudevents_publisher:event_publish_total'), events.length)
    assert.equal(value('flytectl_plane_events_delivered_total{sink="eventsFile"}'), events.length)
    assert.equal(value('flytectl_plane_event_publish_lag_seconds_count{sink="eventsFile"}'), events.length)
    assert.equal(value('flytectl_plane_event_outbox_pending{sink="eventsFile"}'), 0)
  })
})
