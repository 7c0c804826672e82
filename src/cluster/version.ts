/** The control plane's version (AdminService.GetVersion), or why it could not be read. */
import {toCliError} from '../cli/errors.js'
import type {VersionInfo} from '../commands/version.js'
import type {LoadedConfig} from '../config/load.js'

/** One quick attempt: `version` is a diagnostic and should not sit through retries. */
export async function controlPlaneVersion(
  loaded: Pick<LoadedConfig, 'config'>,
): Promise<{ok: true; info: VersionInfo} | {ok: false; reason: string}> {
  const {createAdminClients} = await import('../admin/client.js')
  let clients: ReturnType<typeof createAdminClients> | undefined
  try {
    clients = createAdminClients({...loaded.config.admin, maxRetries: 1, perRetryTimeout: '5s'})
    const res = await clients.admin.getVersion({})
    const v = res.controlPlaneVersion
    return {
      ok: true,
      info: {App: 'controlPlane', Build: v?.Build ?? '', Version: v?.Version ?? '', BuildTime: v?.BuildTime ?? ''},
    }
  } catch (err) {
    return {ok: false, reason: toCliError(err).message}
  } finally {
    clients?.close()
  }
}
