import {CliError} from '../cli/errors.js'

/** `k=v,k2=v2` → {k: v, k2: v2} (flytectl's stringToString flag). */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new CliError('invalid-input', `label ${JSON.stringify(part)} must be key=value`)
    out[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return out
}
