/** The control plane's version (AdminService.GetVersion), or why it could not be read. */
import type {AdminClients} from '../admin/client.js'
import {toCliError} from '../cli/errors.js'
import type {VersionInfo} from '../commands/version.js'

export async function controlPlaneVersion(
  clients: Pick<AdminClients, 'admin'>,
): Promise<{ok: true; info: VersionInfo} | {ok: false; reason: string}> {
  try {
    const res = await clients.admin.getVersion({})
    const v = res.controlPlaneVersion
    return {
      ok: true,
      info: {App: 'controlPlane', Build: v?.Build ?? '', Version: v?.Version ?? '', BuildTime: v?.BuildTime ?? ''},
    }
  } catch (err) {
    return {ok: false, reason: toCliError(err).message}
  }
}
