/**
 * `a.localeCompare(b)` without building ICU's collator (the first call costs milliseconds, a large
 * part of a short command's start-up) where the answer is known: printable ASCII under a default
 * locale whose collation is CLDR's root order (English). That order compares all characters by
 * their primary weight first (punctuation, then symbols, digits, letters with case folded), then,
 * on a tie, case (lowercase first). Anything else (another locale, a character outside printable
 * ASCII) is left to localeCompare. test/unit/cli/collate.test.ts checks the table against ICU.
 */

/** Printable ASCII in root collation order; a lowercase letter stands for both cases. */
const ROOT_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz'

const PRIMARY = new Int8Array(128).fill(-1)
for (let i = 0; i < ROOT_ORDER.length; i++) {
  const c = ROOT_ORDER.charCodeAt(i)
  PRIMARY[c] = i
  if (c >= 0x61 && c <= 0x7a) PRIMARY[c - 0x20] = i
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** The root collation's answer for two printable-ASCII strings (-1, 0, 1); undefined for other text. */
export function compareRootAscii(a: string, b: string): number | undefined {
  if (!PRINTABLE_ASCII.test(a) || !PRINTABLE_ASCII.test(b)) return undefined
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const pa = PRIMARY[a.charCodeAt(i)]!
    const pb = PRIMARY[b.charCodeAt(i)]!
    if (pa !== pb) return pa < pb ? -1 : 1
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  for (let i = 0; i < n; i++) {
    const ua = a.charCodeAt(i) >= 0x41 && a.charCodeAt(i) <= 0x5a
    const ub = b.charCodeAt(i) >= 0x41 && b.charCodeAt(i) <= 0x5a
    if (ua !== ub) return ua ? 1 : -1
  }
  return 0
}

let rootDefault: boolean | undefined
/** Whether the default locale collates in root order (English; PluralRules reads the default cheaply). */
function defaultIsRoot(): boolean {
  rootDefault ??= /^en(?:-[A-Z]{2})?$/.test(new Intl.PluralRules().resolvedOptions().locale)
  return rootDefault
}

/** Same sign as `a.localeCompare(b)`. */
export function localeCompareText(a: string, b: string): number {
  return (defaultIsRoot() ? compareRootAscii(a, b) : undefined) ?? a.localeCompare(b)
}
