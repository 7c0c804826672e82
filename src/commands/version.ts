import {ClusterCommand} from '../cli/base-command.js'

export interface VersionInfo {
  App: string
  Build: string
  Version: string
  BuildTime: string
}

export default class Version extends ClusterCommand<typeof Version> {
  static override summary = 'Fetches the flytectl version and, when one is reachable, the control-plane version.'
  static override hiddenAliases = ['versions']
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version -o json']

  async run(): Promise<VersionInfo[]> {
    const [{localVersion}, {controlPlaneVersion}, {renderJson, renderYaml}] = await Promise.all([
      import('../cli/version-info.js'),
      import('../cluster/version.js'),
      import('../cli/printer.js'),
    ])
    const format = await this.outputFormat()
    const infos: VersionInfo[] = [localVersion(this.config.version, this.config.root)]
    const remote = await controlPlaneVersion(await this.loadConfig())
    if (remote.ok) infos.push(remote.info)
    else this.note(`Control plane not reachable, showing the local version only: ${remote.reason}`)
    if (format === 'yaml') this.out(await renderYaml(infos))
    // -o json: one valid JSON document (an array when the control plane answered).
    else if (format === 'json') this.out(renderJson(infos))
    // Default: flytectl's 2-space JSON, as one valid document (Go printed two objects back to back).
    else this.out(JSON.stringify(infos.length === 1 ? infos[0] : infos, null, 2))
    return infos
  }
}
