/**
 * Go flytectl's persistent flags may come before the command (`flytectl --config x.yaml get project`,
 * `flytectl -c x -p p get task`). oclif reads the first words as the command id, so global flags
 * written first are moved after the command words (before a `--`, which ends the flags).
 * Pure: argv in, argv out. bin/run.js calls it only when the first word is a flag.
 */

/** Global flags that take a value, by every spelling. */
const WITH_VALUE = new Set(['--config', '-c', '--project', '-p', '--domain', '-d', '--output', '-o'])
/** Global boolean flags. */
const BOOLEAN = new Set(['--verbose', '--json'])

function flagName(word: string): string {
  const eq = word.indexOf('=')
  return eq > 0 && word.startsWith('--') ? word.slice(0, eq) : word
}

/** How many words a leading global flag occupies at `argv[i]` (0: not a global flag). */
function globalFlagWidth(argv: string[], i: number): number {
  const word = argv[i]!
  const name = flagName(word)
  if (BOOLEAN.has(word)) return 1
  if (WITH_VALUE.has(name) && name !== word) return 1 // --config=x
  if (WITH_VALUE.has(word)) return i + 1 < argv.length ? 2 : 1
  // -cvalue / -c=value
  if (/^-[cpdo]./.test(word) && WITH_VALUE.has(word.slice(0, 2))) return 1
  return 0
}

export function globalFlagsAfterCommand(argv: string[]): string[] {
  const leading: string[] = []
  let i = 0
  while (i < argv.length) {
    const width = globalFlagWidth(argv, i)
    if (width === 0) break
    leading.push(...argv.slice(i, i + width))
    i += width
  }
  if (leading.length === 0 || i >= argv.length) return argv
  const rest = argv.slice(i)
  const dashes = rest.indexOf('--')
  if (dashes < 0) return [...rest, ...leading]
  return [...rest.slice(0, dashes), ...leading, ...rest.slice(dashes)]
}
