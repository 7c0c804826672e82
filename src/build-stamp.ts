/**
 * The text of dist/build-info.json: what the caches of validated files (config, release manifest)
 * key on, so a new build never reuses what an older one validated. '' when the build has none
 * (then those caches stay off). Read once per process.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {PACKAGE_ROOT} from './package-root.js'

let stamp: string | undefined

export function buildStamp(): string {
  if (stamp === undefined) {
    try {
      stamp = readFileSync(join(PACKAGE_ROOT, 'dist', 'build-info.json'), 'utf8')
    } catch {
      stamp = ''
    }
  }
  return stamp
}
