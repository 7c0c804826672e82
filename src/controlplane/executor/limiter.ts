/** A counting semaphore: at most `max` callers run at once, the rest wait in arrival order. */
export class Limiter {
  private running = 0
  private highest = 0
  private readonly waiting: Array<() => void> = []
  constructor(readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((r) => this.waiting.push(r))
    this.running++
    this.highest = Math.max(this.highest, this.running)
    try {
      return await fn()
    } finally {
      this.running--
      this.waiting.shift()?.()
    }
  }

  /** Callers running now. */
  get active(): number {
    return this.running
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiting.length
  }

  /** The most callers that ever ran at once. */
  get peak(): number {
    return this.highest
  }
}
