/** The event publisher's pure parts: settings, CloudEvent envelopes, the HTTP and Kafka bindings, file rotation. */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {create, fromBinary} from '@bufbuild/protobuf'
import {timestampFromDate} from '@bufbuild/protobuf/wkt'
import {parseEventsConfig, sectionKinds} from '../../../src/controlplane/events/config.js'
import {buildEnvelope, type RawEvent} from '../../../src/controlplane/events/cloudevent.js'
import {httpRequestOf} from '../../../src/controlplane/events/sinks/webhook.js'
import {kafkaMessageOf} from '../../../src/controlplane/events/sinks/kafka.js'
import {FileSink, eventsFile} from '../../../src/controlplane/events/sinks/file.js'
import {TaskExecutionEventRequestSchema} from '../../../src/gen/flyteidl/admin/event_pb.js'
import {
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {
  NodeExecutionEventSchema,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
} from '../../../src/gen/flyteidl/event/event_pb.js'

const executionId = {project: 'p', domain: 'd', name: 'abc'}
const at = timestampFromDate(new Date('2026-12-06T05:00:00.123Z'))
const wf: RawEvent = {
  kind: 'workflow',
  event: create(WorkflowExecutionEventSchema, {executionId, phase: WorkflowExecution_Phase.SUCCEEDED, occurredAt: at}),
}
const node: RawEvent = {
  kind: 'node',
  event: create(NodeExecutionEventSchema, {
    id: {executionId, nodeId: 'n0'},
    phase: NodeExecution_Phase.RUNNING,
    occurredAt: at,
  }),
}
const task: RawEvent = {
  kind: 'task',
  event: create(TaskExecutionEventSchema, {
    taskId: {project: 'p', domain: 'd', name: 't', version: 'v1'},
    parentNodeExecutionId: {executionId, nodeId: 'n0'},
    retryAttempt: 1,
    phase: TaskExecution_Phase.RUNNING,
    phaseVersion: 2,
    occurredAt: at,
  }),
}

describe('events settings', () => {
  it('defaults to enriched cloud events in the NDJSON file only', () => {
    const c = parseEventsConfig(undefined)
    assert.equal(c.cloudEvents.enable, true)
    assert.equal(c.cloudEvents.cloudEventVersion, 'v2')
    assert.equal(c.cloudEvents.type, 'local')
    assert.equal(c.externalEvents.enable, false)
    assert.equal(c.eventsFile.enable, true)
    assert.deepEqual([...sectionKinds(c.cloudEvents)].sort(), ['node', 'task', 'workflow'])
  })

  it('takes FlyteAdmin keys and names the first bad one', () => {
    const c = parseEventsConfig({
      cloudEvents: {
        type: 'kafka',
        kafka: {version: '3.6.0', brokers: ['k:9092']},
        eventsPublisher: {eventTypes: ['node']},
      },
    })
    assert.deepEqual([...sectionKinds(c.cloudEvents)], ['node'])
    assert.throws(
      () => parseEventsConfig({cloudEvents: {kafka: {brokers: ['k']}}}, 'f.yaml'),
      /f\.yaml: cloudEvents\.kafka\.brokers\.0: must be host:port/,
    )
    assert.throws(
      () => parseEventsConfig({cloudEvents: {type: 'nats'}}, 'f.yaml'),
      /f\.yaml: cloudEvents\.type nats is not supported/,
    )
    assert.throws(() => parseEventsConfig({cloudEvents: {enabel: true}}), /cloudEvents: Unrecognized key: "enabel"/)
  })
})

describe('CloudEvent envelopes', () => {
  it('v2: FlyteAdmin type and source, the execution path as subject, id stable per phase', () => {
    const e = buildEnvelope(node, 'cloud', 'v2', undefined)
    assert.equal(e.type, 'com.flyte.resource.cloudevents.NodeExecution')
    assert.equal(e.source, 'abc/n0')
    assert.equal(e.subject, 'p/d/abc/n0')
    assert.equal(e.id, 'p/d/abc/n0.RUNNING')
    assert.equal(e.time, '2026-12-06T05:00:00.123Z')
    assert.deepEqual(e.data, {
      rawEvent: {id: {executionId, nodeId: 'n0'}, phase: 'RUNNING', occurredAt: '2026-12-06T05:00:00.123Z'},
    })
    assert.equal(buildEnvelope(wf, 'cloud', 'v2', undefined).source, 'abc/end-node')
    const t = buildEnvelope(task, 'cloud', 'v2', {labels: {a: 'b'}})
    assert.equal(t.id, 'p/d/abc/n0/1.RUNNING.2')
    assert.equal(t.source, 'abc/n0/1')
    assert.deepEqual((t.data as {labels: unknown}).labels, {a: 'b'})
  })

  it('v1 carries the request as JSON; external events carry it as protobuf', () => {
    const v1 = buildEnvelope(wf, 'cloud', 'v1', undefined)
    assert.equal(v1.type, 'com.flyte.resource.flyteidl.admin.WorkflowExecutionEventRequest')
    assert.equal(v1.source, 'https://github.com/flyteorg/flyte/flyteadmin')
    assert.equal((v1.data as {event: {phase: string}}).event.phase, 'SUCCEEDED')
    const raw = buildEnvelope(task, 'external', 'v1', undefined)
    assert.equal(raw.type, 'flyteidl.admin.TaskExecutionEventRequest')
    assert.equal(raw.datacontenttype, 'application/protobuf')
    const back = fromBinary(TaskExecutionEventRequestSchema, Buffer.from(raw.data_base64!, 'base64'))
    assert.equal(back.event?.retryAttempt, 1)
  })

  it('HTTP binding: structured body, or ce-* headers with the data as body', () => {
    const e = buildEnvelope(node, 'cloud', 'v2', undefined)
    const s = httpRequestOf(e, 'structured')
    assert.equal(s.headers['content-type'], 'application/cloudevents+json; charset=utf-8')
    assert.deepEqual(JSON.parse(s.body.toString()), e)
    const b = httpRequestOf({...e, subject: 'p/d/ü "x"'}, 'binary')
    assert.equal(b.headers['content-type'], 'application/json')
    assert.equal(b.headers['ce-id'], 'p/d/abc/n0.RUNNING')
    assert.equal(b.headers['ce-specversion'], '1.0')
    assert.equal(b.headers['ce-subject'], 'p/d/%C3%BC %22x%22')
    assert.equal(b.headers['ce-data'], undefined)
    assert.deepEqual(JSON.parse(b.body.toString()), e.data)
  })

  it('Kafka binding: key = id, binary mode with ce_ headers', () => {
    const e = buildEnvelope(wf, 'cloud', 'v2', undefined)
    const m = kafkaMessageOf(e)
    assert.equal(m.key, 'p/d/abc.SUCCEEDED')
    assert.equal(m.headers.ce_type, 'com.flyte.resource.cloudevents.WorkflowExecution')
    assert.equal(m.headers['content-type'], 'application/json')
    assert.equal(m.headers.ce_jsonschemaurl, '')
    assert.deepEqual(JSON.parse(m.value.toString()), e.data)
  })
})

describe('NDJSON file sink', () => {
  it('rotates by size, keeping maxFiles old files, and loses no line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flytectl-ndjson-'))
    try {
      const sink = new FileSink(dir, {maxBytes: 400, maxFiles: 2})
      const rows = Array.from({length: 12}, (_, i) => ({
        seq: i + 1,
        stream: 'cloud' as const,
        kind: 'node',
        id: `e${i}`,
        created_at: 0,
        envelope: JSON.stringify({id: `e${i}`, pad: 'x'.repeat(80)}),
      }))
      for (const r of rows) assert.equal(await sink.send([r]), 1)
      const f = eventsFile(dir)
      const names = readdirSync(join(dir, 'events')).sort()
      assert.deepEqual(names, ['cloudevents.ndjson', 'cloudevents.ndjson.1', 'cloudevents.ndjson.2'])
      const ids = [f + '.2', f + '.1', f].flatMap((p) =>
        readFileSync(p, 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as {id: string}).id),
      )
      for (const p of [f, f + '.1', f + '.2']) assert.ok(readFileSync(p).length <= 400)
      assert.deepEqual(
        ids,
        rows.slice(rows.length - ids.length).map((r) => r.id),
        'the newest lines, in order',
      )
      assert.ok(ids.length >= 9)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
