import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'

export default class ConfigInit extends BaseCommand<typeof ConfigInit> {
  static override summary = "Generates a Flytectl config file in the user's home directory."
  static override description = `Creates ~/.flyte/config.yaml. Without --host it points at the local control plane that \`flytectl demo start\` runs (dns:///localhost:30080, insecure).`
  static override examples = [
    '<%= config.bin %> config init',
    '<%= config.bin %> config init --host flyte.myexample.com',
    '<%= config.bin %> config init --host flyte.myexample.com --insecure',
    '<%= config.bin %> config init --host flyte.myexample.com --console https://console.myexample.com',
  ]
  static override flags = {
    host: Flags.string({description: 'Endpoint of flyte admin (host[:port])'}),
    insecure: Flags.boolean({description: 'Enable insecure mode (plaintext gRPC) for a --host endpoint'}),
    console: Flags.string({description: 'Endpoint of the Flyte console'}),
    force: Flags.boolean({description: 'Force to overwrite the default config file without confirmation'}),
  }

  async run(): Promise<{path: string; written: boolean}> {
    const {initConfigFile} = await import('../../config/init-file.js')
    const result = await initConfigFile(this.flags)
    this.out(`Init flytectl config file at [${result.path}]`)
    return result
  }
}
