import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'

export default class Console extends BaseCommand<typeof Console> {
  static override summary = 'Serves the web console on this machine for a FlyteAdmin elsewhere'
  static override description =
    'The embedded control plane serves its console itself (http://127.0.0.1:30080/console). For another FlyteAdmin, this serves the same pages locally and forwards their API calls to --endpoint (its HTTP gateway). Runs until interrupted.'
  static override examples = [
    '<%= config.bin %> console --endpoint https://flyte.example.com',
    '<%= config.bin %> console --endpoint http://127.0.0.1:30080 --port 8089',
  ]
  static override flags = {
    endpoint: Flags.string({
      description: 'FlyteAdmin HTTP base URL (default: admin.endpoint of the config, as http(s)://host:port)',
    }),
    port: Flags.integer({description: 'Local port to serve on', default: 8088, min: 0, max: 65535}),
    'token-env': Flags.string({
      description: 'Name of an environment variable holding an access token to send to the endpoint',
    }),
  }

  async run(): Promise<{url: string; endpoint: string}> {
    const {resolveConsoleEndpoint, runConsoleProxy} = await import('../console-proxy/command.js')
    const endpoint = await resolveConsoleEndpoint(this.flags.endpoint, () => this.loadConfig())
    const token = this.flags['token-env'] ? process.env[this.flags['token-env']] : undefined
    return runConsoleProxy({endpoint, port: this.flags.port, token}, (line) => this.out(line))
  }
}
