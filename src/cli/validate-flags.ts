/**
 * Flag values checked before anything else runs: integers within a stated range (a value past the
 * range is a usage error naming the flag and the range, never an "internal error" from a later
 * overflow), and `--<boolean>=<word>` spellings that oclif would otherwise read as an argument.
 * Light at the top level: loaded with every command.
 */
import {Flags} from '@oclif/core'

/** The largest value of the proto types the flags end up in. */
export const UINT32_MAX = 4_294_967_295
export const INT32_MAX = 2_147_483_647

/** `text` as an integer in [min, max], or a one-line reason it is not. */
export function parseBoundedInteger(text: string, min: number, max: number): number | string {
  const trimmed = text.trim()
  const range = `an integer from ${min} to ${max}`
  const shown = trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed
  if (!/^[+-]?\d+$/.test(trimmed)) return `must be ${range} (got "${shown}")`
  const value = Number(trimmed)
  if (!Number.isSafeInteger(value) || value < min || value > max) return `must be ${range} (got ${shown})`
  return value
}

/** An integer flag with a range; a value outside it is exit 2 naming the flag and the range. */
export function boundedInteger(opts: {description: string; min: number; max: number; default?: number}) {
  return Flags.custom<number>({
    description: opts.description,
    ...(opts.default === undefined ? {} : {default: opts.default}),
    async parse(input: string) {
      const value = parseBoundedInteger(input, opts.min, opts.max)
      if (typeof value === 'string') throw new Error(value)
      return value
    },
  })()
}

/**
 * `--flag=value` given to a boolean flag: oclif takes the whole word as an argument (so
 * `--filter.asc=maybe` became a project name). Returns the first such flag, if any.
 */
export function booleanWithValue(
  argv: readonly string[],
  flags: Record<string, {type?: string; allowNo?: boolean} | undefined>,
): {flag: string; value: string} | undefined {
  for (const arg of argv) {
    if (arg === '--') return undefined
    const m = /^--([^=]+)=(.*)$/s.exec(arg)
    if (!m) continue
    const name = m[1]!
    const def = flags[name] ?? (name.startsWith('no-') ? flags[name.slice(3)] : undefined)
    // pflag's strconv.ParseBool spellings stay accepted, as Go flytectl takes them.
    if (def?.type === 'boolean' && !/^(1|0|t|f|true|false)$/i.test(m[2]!)) return {flag: `--${name}`, value: m[2]!}
  }
  return undefined
}
