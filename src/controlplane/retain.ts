/** The `--retain` value of `demo start` and the daemon (kept apart from retention.ts: no heavy imports). */

const UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000}

/** `30d`, `12h`, `90m`, `45s`, `2w` → milliseconds; an error text for anything else. */
export function parseRetain(text: string): number | string {
  const m = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text)
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : NaN
  if (!Number.isSafeInteger(ms) || ms < 1000)
    return `invalid --retain ${JSON.stringify(text)}: give a whole number and a unit (s, m, h, d or w), at least 1s, e.g. 30d`
  return ms
}
