/** Time in the control plane: microseconds since the epoch, strictly increasing within a process. */
import {create} from '@bufbuild/protobuf'
import {DurationSchema, TimestampSchema, type Duration, type Timestamp} from '@bufbuild/protobuf/wkt'

let last = 0

export function nowMicros(): number {
  const real = Math.floor((performance.timeOrigin + performance.now()) * 1000)
  last = real > last ? real : last + 1
  return last
}

export function timestampFromMicros(micros: number): Timestamp {
  const seconds = Math.floor(micros / 1e6)
  return create(TimestampSchema, {seconds: BigInt(seconds), nanos: (micros - seconds * 1e6) * 1000})
}

export function microsFromTimestamp(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined
  return Number(ts.seconds) * 1e6 + Math.floor(ts.nanos / 1000)
}

export function durationFromMicros(micros: number): Duration {
  const seconds = Math.floor(micros / 1e6)
  return create(DurationSchema, {seconds: BigInt(seconds), nanos: (micros - seconds * 1e6) * 1000})
}
