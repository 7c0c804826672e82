/**
 * The environment a running local control plane was started with, as far as its tasks see it:
 * `FLYTECTL_DEMO_PATH` (where task commands such as pyflyte-execute are found) and `PYTHONPATH`
 * (where task code is imported from). The daemon keeps the environment it was started with, so a
 * later `demo start` with other values compares them and says what differs instead of silently
 * keeping the old ones. Stored as `demo.settings.json` in the data directory.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

export const SETTINGS_VARIABLES = ['FLYTECTL_DEMO_PATH', 'PYTHONPATH'] as const

export type DemoSettings = Record<(typeof SETTINGS_VARIABLES)[number], string>

export const settingsFilePath = (dataDir: string) => join(dataDir, 'demo.settings.json')

export function settingsFromEnv(env: NodeJS.ProcessEnv): DemoSettings {
  return Object.fromEntries(SETTINGS_VARIABLES.map((k) => [k, env[k] ?? ''])) as DemoSettings
}

/** The settings recorded for the running plane, or null when none were (an older plane). */
export async function readSettings(dataDir: string): Promise<DemoSettings | null> {
  try {
    const raw = JSON.parse(await readFile(settingsFilePath(dataDir), 'utf8')) as Record<string, unknown>
    return Object.fromEntries(
      SETTINGS_VARIABLES.map((k) => [k, typeof raw[k] === 'string' ? raw[k] : '']),
    ) as DemoSettings
  } catch {
    return null
  }
}

export async function writeSettings(dataDir: string, settings: DemoSettings): Promise<void> {
  await writeFile(settingsFilePath(dataDir), `${JSON.stringify(settings, null, 2)}\n`, {mode: 0o600})
}

/** One line per variable that differs: `PYTHONPATH: running with "/a", this shell has "/b"`. */
export function settingsDifferences(running: DemoSettings, wanted: DemoSettings): string[] {
  const show = (v: string) => (v === '' ? '(unset)' : JSON.stringify(v))
  return SETTINGS_VARIABLES.filter((k) => running[k] !== wanted[k]).map(
    (k) => `${k}: the running plane has ${show(running[k])}, this shell has ${show(wanted[k])}`,
  )
}
