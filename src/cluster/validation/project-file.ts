/**
 * A `create|update project --file` body beyond its shape: every label has a text value (a key with
 * nothing after the colon is null in YAML, and used to be sent as an empty label), and keys other
 * than the file format's are reported with the closest known one.
 */
import {closest} from '../../config/keys.js'

const KNOWN = ['id', 'name', 'description', 'labels'] as const

/**
 * The first label problem, or undefined. `values` is the `labels.values` map of the file; numbers
 * and booleans pass (Go's yaml.v3 reads them into the string map as their text).
 */
export function labelProblem(values: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(values)) {
    if (key.trim() === '') return 'a label has an empty key'
    if (value === null || value === undefined) return `label "${key}" has no value`
    if (typeof value !== 'string')
      return `label "${key}" must be text (got ${Array.isArray(value) ? 'a list' : typeof value})`
  }
  return undefined
}

/** One warning per unknown top-level key (`lables` → did you mean `labels`?). */
export function unknownProjectKeys(file: Record<string, unknown>, where: string): string[] {
  const warnings: string[] = []
  for (const key of Object.keys(file)) {
    if ((KNOWN as readonly string[]).includes(key)) continue
    const near = closest(key, [...KNOWN])
    warnings.push(`unknown key ${key} in project file ${where}${near ? `; did you mean \`${near}\`?` : ''}`)
  }
  return warnings
}
