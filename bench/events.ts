/**
 * Event publisher benchmark: 1,000 node events sent at once (CreateNodeEvent over gRPC, 1,000 calls
 * in flight) to an embedded plane whose publisher has one sink, for each sink in turn:
 *  - none (publisher off): how long the plane takes to record the events, the baseline;
 *  - the NDJSON file; the webhook (structured and binary, a local receiver answering 204);
 *  - Kafka (a real single-node KRaft broker from .tools/kafka; skipped without it).
 * Reported per sink: events per second from the first call to the last delivery, the plane's own
 * recording time, and the publish lag (recorded → delivered) p50/p95 from the publisher's stats.
 *
 *   npm run bench:events
 *   npm run bench:events -- 5000     # number of node events
 */
import {createServer} from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {AddressInfo} from 'node:net'
import {timestampFromDate} from '@bufbuild/protobuf/wkt'
import {createAdminClients} from '../src/admin/client.js'
import {parseEventsConfig} from '../src/controlplane/events/config.js'
import {startServer} from '../src/controlplane/server.js'
import {NodeExecution_Phase} from '../src/gen/flyteidl/core/execution_pb.js'
import {kafkaSkipReason, startKafka, type KafkaBroker} from '../test/support/kafka.js'
import {launchFlow, registerFlow} from '../test/integration/events/scenario.js'

const N = Number(process.argv[2] ?? 1000)

interface Row {
  sink: string
  recordMs: number
  totalMs: number
  perSecond: number
  lagP50Ms: number
  lagP95Ms: number
}

async function run(label: string, events: unknown): Promise<Row> {
  const root = mkdtempSync(join(tmpdir(), 'flytectl-bench-events-'))
  const server = await startServer({
    port: 0,
    dataDir: join(root, 'data'),
    seedProjects: ['flytesnacks'],
    events: parseEventsConfig(events),
  })
  const c = createAdminClients({endpoint: `dns:///127.0.0.1:${server.port}`, insecure: true})
  try {
    const lp = await registerFlow(c, `bench.${label.replace(/\W/g, '')}`)
    const id = await launchFlow(c, lp)
    const delivered = () => server.publisherStats().sinks[0]?.delivered ?? N
    const t0 = performance.now()
    await Promise.all(
      Array.from({length: N}, (_, i) =>
        c.admin.createNodeEvent({
          event: {
            id: {executionId: id, nodeId: `n${i}`},
            phase: NodeExecution_Phase.QUEUED,
            producerId: 'bench',
            occurredAt: timestampFromDate(new Date()),
          },
        }),
      ),
    )
    const recordMs = performance.now() - t0
    while (delivered() < N) await new Promise((r) => setTimeout(r, 1))
    const totalMs = performance.now() - t0
    const s = server.publisherStats().sinks[0]
    return {
      sink: label,
      recordMs,
      totalMs,
      perSecond: (N / totalMs) * 1000,
      lagP50Ms: s?.lagP50Ms ?? 0,
      lagP95Ms: s?.lagP95Ms ?? 0,
    }
  } finally {
    c.close()
    await server.close()
    rmSync(root, {recursive: true, force: true})
  }
}

async function main(): Promise<void> {
  const receiver = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(204).end())
  })
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`
  const noFile = {eventsFile: {enable: false}}
  const rows: Row[] = []
  await run('warm-up', {}) // JIT and SQLite warm-up: not reported
  rows.push(await run('none', {...noFile, cloudEvents: {enable: false}}))
  rows.push(await run('ndjson file', {}))
  rows.push(await run('webhook structured', {...noFile, cloudEvents: {type: 'webhook', webhook: {url}}}))
  rows.push(await run('webhook binary', {...noFile, cloudEvents: {type: 'webhook', webhook: {url, mode: 'binary'}}}))
  const skip = kafkaSkipReason()
  let kafka: KafkaBroker | undefined
  if (skip) process.stderr.write(`kafka skipped: ${skip}\n`)
  else {
    kafka = await startKafka()
    try {
      rows.push(await run('kafka', {...noFile, cloudEvents: {type: 'kafka', kafka: {brokers: [kafka.broker]}}}))
    } finally {
      await kafka.stop()
    }
  }
  receiver.close()
  const f = (n: number) => n.toFixed(1)
  console.log(`${N} node events sent at once (CreateNodeEvent, gRPC), one sink per run`)
  console.log('sink                 record ms  deliver-all ms  events/s  lag p50 ms  lag p95 ms')
  for (const r of rows) {
    console.log(
      `${r.sink.padEnd(20)} ${f(r.recordMs).padStart(9)}  ${f(r.totalMs).padStart(14)}  ${f(r.perSecond).padStart(8)}  ${f(r.lagP50Ms).padStart(10)}  ${f(r.lagP95Ms).padStart(10)}`,
    )
  }
}

await main()
