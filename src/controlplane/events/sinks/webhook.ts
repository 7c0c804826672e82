/**
 * The HTTP webhook sink (CloudEvents HTTP protocol binding 1.0): each event is one POST, in order.
 * Structured mode: body = the event as JSON, `Content-Type: application/cloudevents+json`. Binary
 * mode: body = the data, `Content-Type` = its datacontenttype, every other attribute as a `ce-<name>`
 * header. A 2xx answer is a delivery; anything else (or no answer within the timeout) is retried by
 * the publisher with backoff from this event on, so a receiver that is down loses nothing.
 */
import {attributes, dataBytes, type CloudEventEnvelope, type Stream} from '../cloudevent.js'
import type {WebhookConfig} from '../config.js'
import {PartialDelivery, type EventSink, type OutboxRow} from './types.js'

export function httpRequestOf(
  env: CloudEventEnvelope,
  mode: 'structured' | 'binary',
): {headers: Record<string, string>; body: Buffer} {
  if (mode === 'structured') {
    return {
      headers: {'content-type': 'application/cloudevents+json; charset=utf-8'},
      body: Buffer.from(JSON.stringify(env)),
    }
  }
  const headers: Record<string, string> = {'content-type': env.datacontenttype}
  for (const [k, v] of Object.entries(attributes(env))) headers[`ce-${k}`] = encodeHeader(v)
  return {headers, body: dataBytes(env)}
}

/** Header values are percent-encoded outside printable ASCII (and `%`, `"`), as the binding says. */
function encodeHeader(v: string): string {
  return v.replace(/[^\x20-\x7e]|[%"]/gu, (c) =>
    [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
}

export class WebhookSink implements EventSink {
  readonly retry: {initialDelayMs: number; maxDelayMs: number}

  constructor(
    readonly name: string,
    readonly stream: Stream,
    private readonly cfg: WebhookConfig,
  ) {
    this.retry = {initialDelayMs: cfg.initialDelayMs, maxDelayMs: cfg.maxDelayMs}
  }

  async send(rows: OutboxRow[]): Promise<number> {
    for (let i = 0; i < rows.length; i++) {
      const env = JSON.parse(rows[i]!.envelope) as CloudEventEnvelope
      const {headers, body} = httpRequestOf(env, this.cfg.mode)
      let status: number
      try {
        const res = await fetch(this.cfg.url, {
          method: 'POST',
          headers: {...this.cfg.headers, ...headers},
          body,
          signal: AbortSignal.timeout(this.cfg.timeoutSeconds * 1000),
          redirect: 'error',
        })
        status = res.status
        await res.body?.cancel()
      } catch (err) {
        const cause = (err as {cause?: {code?: string}}).cause?.code ?? (err as Error).message
        throw new PartialDelivery(`POST ${this.cfg.url} failed (${cause}) at event ${env.id}`, i)
      }
      if (status < 200 || status > 299) {
        throw new PartialDelivery(`POST ${this.cfg.url} answered ${status} at event ${env.id}`, i)
      }
    }
    return rows.length
  }

  async close(): Promise<void> {}
}
