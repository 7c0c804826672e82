/** GetVersion: the control plane reports the flytectl build that embeds it. */
import {create} from '@bufbuild/protobuf'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {GetVersionResponseSchema, VersionSchema, type GetVersionResponse} from '../gen/flyteidl/admin/version_pb.js'
import {PACKAGE_ROOT} from '../package-root.js'

function readJson(rel: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(PACKAGE_ROOT, rel), 'utf8')) as Record<string, string>
  } catch {
    return {}
  }
}

let cached: GetVersionResponse | undefined

export function serverVersion(): GetVersionResponse {
  if (!cached) {
    const pkg = readJson('package.json')
    const build = readJson('dist/build-info.json')
    cached = create(GetVersionResponseSchema, {
      controlPlaneVersion: create(VersionSchema, {
        Version: pkg.version ?? '',
        Build: build.commit ?? '',
        BuildTime: build.time ?? '',
      }),
    })
  }
  return cached
}
