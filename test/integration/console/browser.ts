/**
 * The system Chromium (Debian's package, installed by scripts/setup-browser.sh) driven headless by
 * playwright-core. Where it is absent the console's browser tests skip saying so, except in CI,
 * where a missing browser is a failure.
 */
import {existsSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'
import type {Browser} from 'playwright-core'

export const CHROMIUM = process.env.FLYTECTL_CHROMIUM ?? '/usr/bin/chromium'
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', '..', 'test-output', 'console')

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined
  const why = `no Chromium at ${CHROMIUM}: run scripts/setup-browser.sh (apt-get install chromium) or set FLYTECTL_CHROMIUM`
  if (process.env.CI) throw new Error(why)
  return why
}

export async function launchBrowser(): Promise<Browser> {
  const {chromium} = await import('playwright-core')
  mkdirSync(SCREENSHOTS, {recursive: true})
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root in CI containers cannot use Chromium's user-namespace sandbox
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  })
}
