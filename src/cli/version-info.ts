import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {VersionInfo} from '../commands/version.js'

/** The CLI's own version, with the git commit it was built from when the package records one. */
export function localVersion(version: string, root: string): VersionInfo {
  let build = ''
  let buildTime = ''
  try {
    const meta = JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8')) as {
      commit?: string
      time?: string
    }
    build = meta.commit ?? ''
    buildTime = meta.time ?? ''
  } catch {
    // Not built with build info (e.g. a plain tsc build); leave blank as flytectl does for dev builds.
  }
  return {App: 'flytectl', Build: build, Version: version, BuildTime: buildTime}
}
