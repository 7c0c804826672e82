/** What the publisher hands a sink: outbox rows in order, each with its CloudEvent (structured JSON). */
import type {Stream} from '../cloudevent.js'

export interface OutboxRow {
  seq: number
  stream: Stream
  kind: string
  id: string
  /** Microseconds since the epoch when the event was recorded. */
  created_at: number
  /** The CloudEvent in the structured JSON format. */
  envelope: string
}

export interface EventSink {
  /** Also the key of its saved offset: renaming a sink starts it from the oldest kept event. */
  readonly name: string
  /** The stream it carries; undefined = every stream (the file). */
  readonly stream?: Stream
  readonly retry: {initialDelayMs: number; maxDelayMs: number}
  /** Deliver what is left at shutdown (cheap, local sinks). */
  readonly flushOnStop?: boolean
  /**
   * Sends rows in order and resolves to how many were delivered (all of them, normally). A failure
   * after some were delivered throws an error with `delivered` set to their number.
   */
  send(rows: OutboxRow[]): Promise<number>
  close(): Promise<void>
}

/** An error after `delivered` rows of a batch went out. */
export class PartialDelivery extends Error {
  constructor(
    message: string,
    readonly delivered: number,
  ) {
    super(message)
  }
}
