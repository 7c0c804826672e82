import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {StatusResult} from '../../demo/service.js'

export default class DemoStatus extends BaseCommand<typeof DemoStatus> {
  static override summary =
    'Shows whether the local control plane is running: pid, port, uptime, data directory, health, data retention.'
  static override examples = ['<%= config.bin %> demo status', '<%= config.bin %> demo status -o json']
  static override flags = {
    dataDir: Flags.string({description: 'Data directory of the control plane (default ~/.flyte/demo)'}),
    output: Flags.string({char: 'o', description: 'Output format: TABLE, JSON or YAML', default: 'TABLE'}),
  }

  async run(): Promise<StatusResult> {
    const [{demoStatus}, {parseOutputFormat, renderRows}] = await Promise.all([
      import('../../demo/service.js'),
      import('../../cli/printer.js'),
    ])
    const format = parseOutputFormat(this.flags.output)
    const s = await demoStatus({dataDir: this.flags.dataDir})
    if (!s.running && format === 'table') {
      const stale =
        s.health === 'stale pid file' ? ' (a stale pid file is left; `flytectl demo start` cleans it up)' : ''
      this.out(`🛑 no local control plane is running${stale}. Start one with \`flytectl demo start\`.`)
      return s
    }
    this.out(
      await renderRows([s], {
        format,
        columns: [
          {header: 'PID', path: 'pid'},
          {header: 'Port', path: 'port'},
          {header: 'Uptime', path: 'uptime'},
          {header: 'Data Dir', path: 'dataDir'},
          {header: 'Health', path: 'health'},
          {header: 'Retain', path: 'retain'},
        ],
      }),
    )
    return s
  }
}
