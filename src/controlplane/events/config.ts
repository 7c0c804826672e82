/**
 * The event publisher's settings, shaped as FlyteAdmin's `cloudEvents` and `externalEvents` sections
 * (same keys where they apply), plus `eventsFile` for the NDJSON file that is on by default.
 *
 * `type` picks where a section's events go besides the file: `kafka`, `webhook` (this plane's HTTP
 * sink), or `local`/`sandbox` (the file only); a list sends them to several. FlyteAdmin's `aws`, `gcp`
 * and `nats` need cloud services the embedded plane does not talk to, so they are refused by name.
 */
import {readFileSync} from 'node:fs'
import {parse as parseYaml} from 'yaml'
import {z} from 'zod'

const eventTypes = z.enum(['task', 'node', 'workflow', 'all', '*'])

const EventsPublisherSchema = z
  .object({
    topicName: z.string().min(1).default('flyte-events'),
    eventTypes: z.array(eventTypes).default(['all']),
    enrichAllWorkflowEventTypes: z.boolean().default(false),
  })
  .strict()

const KafkaSchema = z
  .object({
    /** FlyteAdmin's sarama protocol version; kafkajs negotiates, so it is accepted and not needed. */
    version: z.string().default(''),
    brokers: z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port')).min(1),
    clientId: z.string().default('flyteadmin'),
    saslConfig: z
      .object({
        enabled: z.boolean().default(false),
        user: z.string().default(''),
        password: z.string().default(''),
        passwordPath: z.string().default(''),
        handshake: z.boolean().default(true),
        mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).default('PLAIN'),
      })
      .strict()
      .default({enabled: false, user: '', password: '', passwordPath: '', handshake: true, mechanism: 'PLAIN'}),
    tlsConfig: z
      .object({
        enabled: z.boolean().default(false),
        insecureSkipVerify: z.boolean().default(false),
        certPath: z.string().default(''),
        keyPath: z.string().default(''),
      })
      .strict()
      .default({enabled: false, insecureSkipVerify: false, certPath: '', keyPath: ''}),
  })
  .strict()

const WebhookSchema = z
  .object({
    url: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'),
    /** CloudEvents HTTP binding: `structured` (application/cloudevents+json) or `binary` (ce-* headers). */
    mode: z.enum(['structured', 'binary']).default('structured'),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutSeconds: z.number().positive().default(10),
    /** First retry after this many ms, doubling up to maxDelayMs; retried until delivered. */
    initialDelayMs: z.number().int().positive().default(500),
    maxDelayMs: z.number().int().positive().default(30_000),
  })
  .strict()

const sinkType = z.enum(['local', 'sandbox', 'kafka', 'webhook', 'aws', 'gcp', 'nats'])

const sectionShape = {
  enable: z.boolean(),
  type: z.union([sinkType, z.array(sinkType)]).default('local'),
  eventsPublisher: EventsPublisherSchema.default({
    topicName: 'flyte-events',
    eventTypes: ['all'],
    enrichAllWorkflowEventTypes: false,
  }),
  reconnectAttempts: z.number().int().nonnegative().default(0),
  reconnectDelaySeconds: z.number().nonnegative().default(0),
  kafka: KafkaSchema.optional(),
  webhook: WebhookSchema.optional(),
  aws: z.unknown().optional(),
  gcp: z.unknown().optional(),
  nats: z.unknown().optional(),
}

const CloudEventsSchema = z
  .object({
    ...sectionShape,
    enable: z.boolean().default(true),
    /** v2 (the default here): enriched CloudEvent* messages; v1: the raw admin event request. */
    cloudEventVersion: z.enum(['v1', 'v2']).default('v2'),
  })
  .strict()

const ExternalEventsSchema = z.object({...sectionShape, enable: z.boolean().default(false)}).strict()

const EventsFileSchema = z
  .object({
    enable: z.boolean().default(true),
    /** Rotate `events/cloudevents.ndjson` once it passes this many bytes. */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    /** Rotated files kept (`.1` newest … `.N`). */
    maxFiles: z.number().int().positive().default(5),
  })
  .strict()

export const EventsConfigSchema = z
  .object({
    cloudEvents: CloudEventsSchema.default(CloudEventsSchema.parse({})),
    externalEvents: ExternalEventsSchema.default(ExternalEventsSchema.parse({})),
    eventsFile: EventsFileSchema.default(EventsFileSchema.parse({})),
  })
  .passthrough()

export type EventsConfig = z.infer<typeof EventsConfigSchema>
export type KafkaConfig = z.infer<typeof KafkaSchema>
export type WebhookConfig = z.infer<typeof WebhookSchema>
export type SectionConfig = z.infer<typeof ExternalEventsSchema> & {cloudEventVersion?: 'v1' | 'v2'}
export type EventKind = 'workflow' | 'node' | 'task'
export type SinkKind = 'kafka' | 'webhook'

export const DEFAULT_EVENTS_CONFIG: EventsConfig = EventsConfigSchema.parse({})

/** The sinks a section sends to besides the file, checked against the settings they need. */
export function sectionSinks(name: string, s: SectionConfig): SinkKind[] {
  if (!s.enable) return []
  const types = Array.isArray(s.type) ? s.type : [s.type]
  const out: SinkKind[] = []
  for (const t of types) {
    if (t === 'aws' || t === 'gcp' || t === 'nats') {
      throw new Error(`${name}.type ${t} is not supported by the embedded plane; use kafka, webhook or local`)
    }
    if (t === 'kafka' || t === 'webhook') {
      if (!s[t]) throw new Error(`${name}.type ${t} needs a ${name}.${t} section`)
      if (!out.includes(t)) out.push(t)
    }
  }
  return out
}

/** The event kinds a section publishes (`all` or `*` = every kind). */
export function sectionKinds(s: SectionConfig): Set<EventKind> {
  const kinds = new Set<EventKind>()
  for (const t of s.eventsPublisher.eventTypes) {
    if (t === 'all' || t === '*') return new Set(['workflow', 'node', 'task'])
    kinds.add(t)
  }
  return kinds
}

/** Validates settings (YAML or JSON text already parsed); the message names the first bad key. */
export function parseEventsConfig(value: unknown, source = 'events config'): EventsConfig {
  const r = EventsConfigSchema.safeParse(value ?? {})
  if (!r.success) {
    const issue = r.error.issues[0]!
    const key = issue.path.join('.') || '(top level)'
    throw new Error(`${source}: ${key}: ${issue.message}`)
  }
  try {
    sectionSinks('cloudEvents', r.data.cloudEvents)
    sectionSinks('externalEvents', r.data.externalEvents)
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`, {cause: err})
  }
  return r.data
}

export function loadEventsConfig(file: string): EventsConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(
      `cannot read events config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {cause: err},
    )
  }
  let value: unknown
  try {
    value = parseYaml(text)
  } catch (err) {
    throw new Error(`events config ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    })
  }
  return parseEventsConfig(value, file)
}
