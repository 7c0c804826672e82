/**
 * The plane's event stream (`flytectl.plane.v1.ExecutionEventService/WatchExecutionEvents`) over real
 * gRPC: what is recorded first, then events as they are recorded; the end after the terminal phase
 * (also when terminate records it without an event); heartbeats on an idle stream; and its bounds
 * (streams at once, events waiting for a slow reader).
 */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {create, toBinary} from '@bufbuild/protobuf'
import {Code, ConnectError, type HandlerContext} from '@connectrpc/connect'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import type {PlaneContext} from '../../../src/controlplane/context.js'
import {EventFeed} from '../../../src/controlplane/event-feed.js'
import {ExecutionEventStreams} from '../../../src/controlplane/event-stream.js'
import {Database} from '../../../src/controlplane/store/db.js'
import {ExecutionSchema} from '../../../src/gen/flyteidl/admin/execution_pb.js'
import {NodeExecutionEventSchema} from '../../../src/gen/flyteidl/event/event_pb.js'
import {NodeExecution_Phase, WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ExecutionEventService} from '../../../src/gen/flytectl/plane/v1/events_pb.js'
import type {WatchExecutionEventsResponse} from '../../../src/gen/flytectl/plane/v1/events_pb.js'
import {registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

const P = 'flytesnacks'
const D = 'development'
const ts = (ms: number) => ({seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6})

describe('WatchExecutionEvents over gRPC', () => {
  let plane: TestControlPlane
  let c: AdminClients
  const lp = {resourceType: 3, project: P, domain: D, name: 'wf.hello', version: 'v1'}

  before(async () => {
    plane = await startControlPlane({watchLimits: {maxStreams: 3, heartbeatMs: 200}})
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await registerHello(c.admin, P, D, {defaultName: 'world'})
  })
  after(async () => {
    c.close()
    await plane.stop()
  })

  const launch = async () => (await c.admin.createExecution({project: P, domain: D, spec: {launchPlan: lp}})).id!

  it('refuses a stream over the limit, a missing execution and a bad name', async () => {
    const id = await launch()
    const cancel = new AbortController()
    await Promise.all(
      [0, 1, 2].map(async () => {
        const stream = c.events.watchExecutionEvents(
          {project: P, domain: D, name: id.name, follow: true},
          {signal: cancel.signal},
        )
        const it = stream[Symbol.asyncIterator]()
        await it.next() // opened: the replayed execution came
        // Keep reading (heartbeats) until cancelled.
        void (async () => {
          try {
            while (!(await it.next()).done);
          } catch {
            // cancelled
          }
        })()
      }),
    )
    const code = async (p: Promise<unknown>) => {
      try {
        await p
        return undefined
      } catch (e) {
        return ConnectError.from(e).code
      }
    }
    const drain = async (req: Parameters<typeof c.events.watchExecutionEvents>[0]) => {
      for await (const _ of c.events.watchExecutionEvents(req)) void _
    }
    assert.equal(await code(drain({project: P, domain: D, name: id.name, follow: true})), Code.ResourceExhausted)
    cancel.abort()
    assert.equal(await code(drain({project: P, domain: D, name: 'nosuch', follow: false})), Code.NotFound)
    assert.equal(await code(drain({project: P, domain: D, name: '../x', follow: false})), Code.InvalidArgument)
    assert.equal(await code(drain({project: '', domain: D, follow: false})), Code.InvalidArgument)
    // The slots are freed once the server has seen the cancels: wait for that, then use one.
    for (;;) {
      const c2 = await code(drain({project: P, domain: D, name: id.name, follow: false}))
      if (c2 === undefined) break
      assert.equal(c2, Code.ResourceExhausted)
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.equal(ExecutionEventService.typeName, 'flytectl.plane.v1.ExecutionEventService')
  })

  it('replays what is recorded, then brings events as recorded, and ends after terminate', async () => {
    const id = await launch()
    await c.admin.createWorkflowEvent({event: {executionId: id, phase: 2 /* RUNNING */, occurredAt: ts(Date.now())}})
    await c.admin.createNodeEvent({
      event: {id: {executionId: id, nodeId: 'n0'}, phase: 2, occurredAt: ts(Date.now()), specNodeId: 'n0'},
    })
    const got: WatchExecutionEventsResponse[] = []
    const stream = c.events.watchExecutionEvents({project: P, domain: D, name: id.name, follow: true})
    const it = stream[Symbol.asyncIterator]()
    const next = async () => {
      for (;;) {
        const r = await it.next()
        if (r.done) return undefined
        if (r.value.event.case !== 'heartbeat') return r.value
      }
    }
    for (let i = 0; i < 2; i++) got.push((await next())!)
    assert.deepEqual(
      got.map((g) => [g.event.case, g.replayed, Number(g.seq)]),
      [
        ['workflowEvent', true, 1],
        ['nodeEvent', true, 2],
      ],
    )
    await c.admin.createNodeEvent({
      event: {id: {executionId: id, nodeId: 'n0'}, phase: 3 /* SUCCEEDED */, occurredAt: ts(Date.now())},
    })
    const live = (await next())!
    assert.equal(live.event.case, 'nodeEvent')
    assert.equal(live.replayed, false)
    assert.equal(live.event.case === 'nodeEvent' && live.event.value.phase, NodeExecution_Phase.SUCCEEDED)
    // Terminate records ABORTED without an event: the stream reads it from the execution and ends.
    await c.admin.terminateExecution({id, cause: 'enough'})
    const end = (await next())!
    assert.equal(end.event.case === 'workflowEvent' && end.event.value.phase, WorkflowExecution_Phase.ABORTED)
    assert.equal(await next(), undefined, 'the stream ended')
  })

  it('sends heartbeats on an idle stream, and only what is recorded without follow', async () => {
    await launch()
    const stop = new AbortController()
    const stream = c.events.watchExecutionEvents({project: P, domain: D, follow: true}, {signal: stop.signal})
    const it = stream[Symbol.asyncIterator]()
    let heartbeats = 0
    for (;;) {
      const r = await it.next()
      assert.ok(!r.done)
      if (r.value.event.case === 'heartbeat') {
        heartbeats++
        if (heartbeats === 2) break
      }
    }
    stop.abort()
    const once: WatchExecutionEventsResponse[] = []
    for await (const r of c.events.watchExecutionEvents({project: P, domain: D, follow: false})) once.push(r)
    assert.ok(once.length >= 2, 'the executions of the project and domain')
    assert.ok(once.every((r) => r.replayed && r.event.case === 'workflowEvent'))
  })
})

describe('a reader that falls behind', () => {
  let dir: string
  let db: Database
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flytectl-stream-'))
    db = new Database(join(dir, 'flyteadmin.db'))
  })
  after(() => {
    db.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('is told so (ResourceExhausted) once more events wait than the limit', async () => {
    const id = {project: P, domain: D, name: 'slow'}
    const execution = create(ExecutionSchema, {id, closure: {phase: 2 /* RUNNING */}})
    db.run(
      'INSERT INTO executions (project, domain, name, phase, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      P,
      D,
      'slow',
      'RUNNING',
      1,
      1,
      toBinary(ExecutionSchema, execution),
    )
    const feed = new EventFeed()
    const ctx = {db, feed, closing: false} as unknown as PlaneContext
    const streams = new ExecutionEventStreams(ctx, {maxPending: 3})
    const abort = new AbortController()
    const hctx = {signal: abort.signal, requestHeader: new Headers()} as unknown as HandlerContext
    const it = streams.watch({project: P, domain: D, name: 'slow', follow: true} as never, hctx)
    assert.equal((await it.next()).value?.event.case, 'workflowEvent')
    // The reader does not read while five events are recorded.
    const pulled = it.next()
    for (let i = 0; i < 5; i++) {
      feed.recorded({
        case: 'nodeEvent',
        value: create(NodeExecutionEventSchema, {id: {executionId: id, nodeId: `n${i}`}, phase: 2}),
      })
    }
    // The waiting pull wakes to more than the limit: the stream ends saying why.
    await assert.rejects(
      pulled,
      (e: unknown) => ConnectError.from(e).code === Code.ResourceExhausted && /read too slowly/.test(String(e)),
    )
    assert.equal(streams.size, 0, 'the slot is freed')
    assert.equal(feed.size, 0, 'the listener is removed')
    abort.abort()
  })
})
