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
    const {localVersion} = await import('../cli/version-info.js')
    const format = await this.outputFormat()
    const infos: VersionInfo[] = [localVersion(this.config.version, this.config.root)]
    {
      const {renderRows} = await import('../cli/printer.js')
      const text = await renderRows(infos, {
        format: format === 'table' ? 'json' : format,
        columns: [],
        toJson: (v) => v,
      })
      this.out(text)
    }
    return infos
  }
}
