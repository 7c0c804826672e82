/**
 * The Kafka sink (kafkajs), as FlyteAdmin's cloud-event Kafka sender writes: one record per event on
 * the section's `eventsPublisher.topicName`, key = the event id, binary content mode of the CloudEvents
 * Kafka binding (value = the data, `content-type` header = its datacontenttype, every other attribute
 * as a `ce_<name>` header). The producer is idempotent and waits for all in-sync replicas; a failed
 * batch is resent whole by the publisher (at least once; the key and ce_id let consumers dedupe).
 */
import {readFileSync} from 'node:fs'
import {Kafka, logLevel, type Producer, type SASLOptions} from 'kafkajs'
import {attributes, dataBytes, type CloudEventEnvelope, type Stream} from '../cloudevent.js'
import type {KafkaConfig} from '../config.js'
import type {EventSink, OutboxRow} from './types.js'

export function kafkaMessageOf(env: CloudEventEnvelope): {
  key: string
  value: Buffer
  headers: Record<string, string>
} {
  const headers: Record<string, string> = {'content-type': env.datacontenttype}
  for (const [k, v] of Object.entries(attributes(env))) headers[`ce_${k}`] = v
  return {key: env.id, value: dataBytes(env), headers}
}

function sasl(cfg: KafkaConfig): SASLOptions | undefined {
  const s = cfg.saslConfig
  if (!s.enabled) return undefined
  const password = s.passwordPath ? readFileSync(s.passwordPath, 'utf8').trim() : s.password
  const mechanism =
    s.mechanism === 'PLAIN' ? 'plain' : s.mechanism === 'SCRAM-SHA-256' ? 'scram-sha-256' : 'scram-sha-512'
  return {mechanism, username: s.user, password} as SASLOptions
}

export class KafkaSink implements EventSink {
  readonly retry = {initialDelayMs: 500, maxDelayMs: 30_000}
  private producer: Producer | undefined
  private connecting: Promise<Producer> | undefined

  constructor(
    readonly name: string,
    readonly stream: Stream,
    private readonly cfg: KafkaConfig,
    private readonly topic: string,
  ) {}

  private connect(): Promise<Producer> {
    this.connecting ??= (async () => {
      const t = this.cfg.tlsConfig
      const kafka = new Kafka({
        clientId: this.cfg.clientId,
        brokers: this.cfg.brokers,
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3000,
        retry: {retries: 2, initialRetryTime: 200},
        ...(t.enabled
          ? {
              ssl: {
                rejectUnauthorized: !t.insecureSkipVerify,
                ...(t.certPath ? {cert: readFileSync(t.certPath)} : {}),
                ...(t.keyPath ? {key: readFileSync(t.keyPath)} : {}),
              },
            }
          : {}),
        ...(sasl(this.cfg) ? {sasl: sasl(this.cfg)} : {}),
      })
      const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true})
      try {
        await producer.connect()
      } catch (err) {
        this.connecting = undefined
        await producer.disconnect().catch(() => {})
        throw err
      }
      this.producer = producer
      return producer
    })()
    return this.connecting
  }

  async send(rows: OutboxRow[]): Promise<number> {
    const producer = await this.connect()
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: rows.map((r) => kafkaMessageOf(JSON.parse(r.envelope) as CloudEventEnvelope)),
    })
    return rows.length
  }

  async close(): Promise<void> {
    const p = this.producer
    this.producer = undefined
    this.connecting = undefined
    await p?.disconnect().catch(() => {})
  }
}
