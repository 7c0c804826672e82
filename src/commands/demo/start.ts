import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {StartResult} from '../../demo/service.js'

export default class DemoStart extends BaseCommand<typeof DemoStart> {
  static override summary = 'Starts the local Flyte control plane in the background (no Docker).'
  static override description = `Runs a FlyteAdmin-compatible control plane on 127.0.0.1:<port> as a detached process, with SQLite storage and a local executor under the data directory, waits until it answers, and writes ~/.flyte/config-sandbox.yaml pointing at it.
Running it again while it is up changes nothing. With no config file at all, flytectl already targets localhost:30080.`
  static override examples = [
    '<%= config.bin %> demo start',
    '<%= config.bin %> demo start --port 30081',
    '<%= config.bin %> demo start --dataDir /tmp/flyte-demo',
  ]
  static override flags = {
    port: Flags.integer({
      description: 'Port the control plane listens on (gRPC and HTTP)',
      default: 30080,
      min: 1,
      max: 65535,
    }),
    dataDir: Flags.string({description: 'Directory for its database, blobs and logs (default ~/.flyte/demo)'}),
  }

  async run(): Promise<StartResult> {
    const {startDemo} = await import('../../demo/service.js')
    const r = await startDemo({port: this.flags.port, dataDir: this.flags.dataDir, note: (l) => this.note(l)})
    if (r.alreadyRunning && r.port !== this.flags.port) {
      this.note(
        `Note: it listens on ${r.port}, not ${this.flags.port}; run \`flytectl demo teardown\` first to change the port.`,
      )
    }
    const head = r.alreadyRunning
      ? `The local control plane is already running (pid ${r.pid}) on 127.0.0.1:${r.port}.`
      : `Flyte is ready! The local control plane is listening on 127.0.0.1:${r.port} (pid ${r.pid}, healthy after ${Math.round(r.startupMs)} ms).`
    this.out(
      [
        head,
        `Data directory: ${r.dataDir}`,
        `Config written to ${r.configPath}. To use it:`,
        `export FLYTECTL_CONFIG=${r.configPath}`,
        r.port === 30080 ? 'With no config file at all, flytectl already targets localhost:30080.' : '',
        'Stop it with `flytectl demo teardown`.',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    return r
  }
}
