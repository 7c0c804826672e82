/**
 * The webhook sink (CloudEvents HTTP binding): the receiver is down for the first part of a run, one
 * delivery is cut off after the receiver took it, and the plane restarts in the middle of a second
 * run (switching from structured to binary mode). Every event in the NDJSON file reaches the receiver,
 * none is lost, and a resent event carries the same id and content.
 */
import assert from 'node:assert/strict'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {rmSync} from 'node:fs'
import {dirname} from 'node:path'
import {after, describe, it} from 'node:test'
import {DatabaseSync} from 'node:sqlite'
import {join} from 'node:path'
import {WorkflowExecution_Phase as WP} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {freePort} from '../../support/net.js'
import {
  launchFlow,
  newDataDir,
  readNdjson,
  registerFlow,
  startEventsPlane,
  waitFor,
  waitTerminal,
  type EventsPlane,
} from './scenario.js'

interface Received {
  mode: 'structured' | 'binary'
  id: string
  type: string
  subject: string
  source: string
  data: unknown
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Reads both content modes; cuts off the connection once, after taking the event `cutAfter` names. */
function receiver(got: Received[], cutAfter: (r: Received) => boolean): Server {
  let cut = false
  return createServer((req, res) => {
    void body(req).then((b) => {
      const ct = req.headers['content-type'] ?? ''
      let r: Received
      if (ct.startsWith('application/cloudevents+json')) {
        const e = JSON.parse(b.toString()) as Omit<Received, 'mode'>
        r = {mode: 'structured', id: e.id, type: e.type, subject: e.subject, source: e.source, data: e.data}
      } else {
        const h = (n: string) => String(req.headers[`ce-${n}`] ?? '')
        assert.equal(h('specversion'), '1.0')
        assert.equal(ct, 'application/json')
        r = {
          mode: 'binary',
          id: h('id'),
          type: h('type'),
          subject: h('subject'),
          source: h('source'),
          data: JSON.parse(b.toString()),
        }
      }
      got.push(r)
      if (!cut && cutAfter(r)) {
        cut = true
        req.socket.destroy() // taken, but the plane never hears so: it must send it again
        return
      }
      res.writeHead(204).end()
    })
  })
}

/** Events of the webhook's stream not yet delivered, read from the plane's database. */
function pendingOf(dataDir: string): number | undefined {
  const db = new DatabaseSync(join(dataDir, 'flyteadmin.db'), {readOnly: true})
  try {
    const off = db.prepare("SELECT seq FROM event_sink_offsets WHERE sink = 'cloudEvents.webhook'").get() as
      {seq: number} | undefined
    const row = db
      .prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE stream = 'cloud' AND seq > ?")
      .get(off?.seq ?? 0) as {n: number}
    return row.n > 0 ? row.n : undefined
  } finally {
    db.close()
  }
}

describe('event publisher: webhook', () => {
  const dataDir = newDataDir()
  let plane: EventsPlane | undefined
  let server: Server | undefined
  after(async () => {
    await plane?.stop()
    server?.close()
    rmSync(dirname(dataDir), {recursive: true, force: true})
  })

  it('delivers every event, in order, across a receiver outage and a plane restart mid-run', async () => {
    const port = await freePort()
    const config = (mode: string) => ({
      cloudEvents: {
        type: 'webhook',
        webhook: {url: `http://127.0.0.1:${port}/events`, mode, initialDelayMs: 20, maxDelayMs: 200},
      },
    })
    const got: Received[] = []
    plane = await startEventsPlane(dataDir, config('structured'))
    const lp = await registerFlow(plane.clients)

    // Run 1 starts while nothing listens on the webhook's port.
    const run1 = await launchFlow(plane.clients, lp, 'hook1')
    await waitFor(() => (readNdjson(dataDir).length >= 8 ? true : undefined))
    assert.equal(got.length, 0)
    server = receiver(got, (r) => r.subject.endsWith('/n0-0-0') && r.id.endsWith('.RUNNING'))
    await new Promise<void>((ok) => server!.listen(port, '127.0.0.1', ok))
    await waitTerminal(plane.clients, run1)

    // Run 2: the plane stops while its map is running and starts again (binary mode now).
    const run2 = await launchFlow(plane.clients, lp, 'hook2')
    await waitFor(() =>
      readNdjson(dataDir).some((e) => e.id === 'flytesnacks/development/hook2/n0-0-0.RUNNING') ? true : undefined,
    )
    // The receiver goes down again first, so the restart happens with deliveries outstanding.
    await new Promise<void>((ok) => {
      server!.close(() => ok())
      server!.closeAllConnections()
    })
    await plane.stop()
    plane = await startEventsPlane(dataDir, config('binary'))
    const ex2 = await waitTerminal(plane.clients, run2)
    assert.ok(['ABORTED', 'FAILED'].includes(WP[ex2.closure!.phase]), 'run 2 was cut short by the restart')
    const pending = await waitFor(() => pendingOf(dataDir))
    assert.ok(pending > 0, 'events wait in the outbox while the receiver is down')
    server = receiver(got, () => false)
    await new Promise<void>((ok) => server!.listen(port, '127.0.0.1', ok))

    const file = readNdjson(dataDir)
    const ids = file.map((e) => e.id)
    const last = ids[ids.length - 1]!
    await waitFor(() => (got.some((r) => r.id === last) ? true : undefined), 'the last event at the receiver')

    // None lost, nothing else, in the file's order once repeats are dropped.
    const firstSeen = [...new Set(got.map((r) => r.id))]
    assert.deepEqual(firstSeen, ids)
    assert.ok(ids.includes('flytesnacks/development/hook1.FAILED'))
    assert.ok(ids.some((i) => i.startsWith('flytesnacks/development/hook2.')))
    // The cut-off delivery came again with the same id and content.
    const repeats = got.filter((r, i) => got.findIndex((x) => x.id === r.id) !== i)
    assert.ok(repeats.length >= 1, 'the cut-off event was resent')
    const byId = new Map(file.map((e) => [e.id, e]))
    for (const r of got) {
      const e = byId.get(r.id)!
      assert.deepEqual([r.type, r.subject, r.source, r.data], [e.type, e.subject, e.source, e.data], r.id)
    }
    assert.ok(got.some((r) => r.mode === 'structured') && got.some((r) => r.mode === 'binary'))
  })
})
