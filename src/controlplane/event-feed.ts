/**
 * The in-process feed of recorded execution events: the store calls `recorded` once an event is
 * accepted (after its transaction commits), and subscribers (metrics, watch streams) hear it at once.
 * A subscriber that throws is logged and kept; it never fails the event. The feed holds nothing: what
 * happened before a subscriber came is read from the store.
 */
import type {NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent} from '../gen/flyteidl/event/event_pb.js'

export type RecordedEvent =
  | {case: 'workflowEvent'; value: WorkflowExecutionEvent}
  | {case: 'nodeEvent'; value: NodeExecutionEvent}
  | {case: 'taskEvent'; value: TaskExecutionEvent}

export type EventListener = (event: RecordedEvent) => void

export class EventFeed {
  private readonly listeners = new Set<EventListener>()

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get size(): number {
    return this.listeners.size
  }

  recorded(event: RecordedEvent): void {
    for (const l of this.listeners) {
      try {
        l(event)
      } catch (err) {
        process.stderr.write(
          `${new Date().toISOString()} Error: event listener: ${(err as Error)?.stack ?? String(err)}\n`,
        )
      }
    }
  }
}
