import {existsSync} from 'node:fs'
import {BaseCommand} from '../../cli/base-command.js'

export default class ConfigDiscover extends BaseCommand<typeof ConfigDiscover> {
  static override summary = 'Searches for a config file in the search paths and prints the one in use.'
  static override description = 'Search order: --config, then $FLYTECTL_CONFIG, then $HOME/.flyte/config.yaml.'
  static override examples = ['<%= config.bin %> config discover']

  async run(): Promise<{path: string | null; source: string; searched: string[]}> {
    const {discoverConfig, defaultConfigPath} = await import('../../config/load.js')
    const location = discoverConfig({flag: this.flags.config, exists: existsSync})
    const searched = [
      ...(this.flags.config ? [this.flags.config] : []),
      ...(process.env.FLYTECTL_CONFIG ? [process.env.FLYTECTL_CONFIG] : []),
      defaultConfigPath(),
    ]
    if (location.path) this.out(`Config file found at [${location.path}] (from ${describe(location.source)}).`)
    else this.out(`No config file found. Searched: ${searched.join(', ')}. Using defaults.`)
    return {path: location.path ?? null, source: location.source, searched}
  }
}

function describe(source: string): string {
  return source === 'flag' ? '--config' : source === 'env' ? '$FLYTECTL_CONFIG' : '$HOME/.flyte/config.yaml'
}
