/**
 * The Kafka sink against a real broker (Apache Kafka's jars, single-node KRaft): a kafkajs consumer
 * reads the run's events from the topic, in order, in the CloudEvents Kafka binding's binary mode,
 * keyed by event id, the same events as the NDJSON file.
 */
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {dirname} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {Kafka, logLevel, type Consumer} from 'kafkajs'
import {kafkaSkipReason, startKafka, type KafkaBroker} from '../../support/kafka.js'
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
import type {CloudEventEnvelope} from '../../../src/controlplane/events/cloudevent.js'

const skip = kafkaSkipReason()

describe('event publisher: Kafka', {skip}, () => {
  let kafka: KafkaBroker
  let plane: EventsPlane | undefined
  let consumer: Consumer | undefined
  const dataDir = newDataDir()
  before(async () => {
    kafka = await startKafka()
  })
  after(async () => {
    await consumer?.disconnect()
    await plane?.stop()
    await kafka?.stop()
    rmSync(dirname(dataDir), {recursive: true, force: true})
  })

  it('publishes the run to the topic, read back by a kafkajs consumer', async () => {
    plane = await startEventsPlane(dataDir, {
      cloudEvents: {type: 'kafka', kafka: {brokers: [kafka.broker]}, eventsPublisher: {topicName: 'flyte-events'}},
    })
    const lp = await registerFlow(plane.clients)
    const run = await launchFlow(plane.clients, lp, 'kafka1')
    await waitTerminal(plane.clients, run)

    const seen: CloudEventEnvelope[] = []
    const keys: string[] = []
    const client = new Kafka({clientId: 'test-consumer', brokers: [kafka.broker], logLevel: logLevel.NOTHING})
    consumer = client.consumer({groupId: 'lineage'})
    await consumer.connect()
    await consumer.subscribe({topic: 'flyte-events', fromBeginning: true})
    await consumer.run({
      eachMessage: async ({message}) => {
        const h = (n: string) => message.headers?.[n]?.toString() ?? ''
        assert.equal(h('ce_specversion'), '1.0')
        assert.equal(h('content-type'), 'application/json')
        keys.push(message.key?.toString() ?? '')
        seen.push({
          specversion: h('ce_specversion'),
          id: h('ce_id'),
          source: h('ce_source'),
          type: h('ce_type'),
          subject: h('ce_subject'),
          time: h('ce_time'),
          datacontenttype: h('content-type'),
          jsonschemaurl: h('ce_jsonschemaurl'),
          data: JSON.parse(message.value!.toString()),
        })
      },
    })
    const expected = expectedFlow('kafka1')
    await waitFor(() => (seen.length >= expected.length ? true : undefined), 'the events on the topic')
    assert.deepEqual(summary(seen), expected)
    assert.deepEqual(
      keys,
      seen.map((e) => e.id),
      'the record key is the event id',
    )
    assert.deepEqual(seen, readNdjson(dataDir), 'the same events as the NDJSON file')
  })
})
