import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'

export default class DemoTeardown extends BaseCommand<typeof DemoTeardown> {
  static override summary = 'Stops the local control plane and removes ~/.flyte/config-sandbox.yaml.'
  static override description =
    'Sends SIGTERM (running executions end ABORTED), waits for a clean exit and removes the pid file. With --volume the data directory (database, blobs, logs) is deleted too, but only one that `demo start` created (it holds a .flytectl-demo marker): any other directory, or a symlink, is refused with exit 2.'
  static override examples = ['<%= config.bin %> demo teardown', '<%= config.bin %> demo teardown --volume']
  static override flags = {
    volume: Flags.boolean({char: 'v', description: 'Also delete the data directory'}),
    dataDir: Flags.string({description: 'Data directory of the control plane (default ~/.flyte/demo)'}),
  }

  async run(): Promise<import('../../demo/service.js').TeardownResult> {
    const {teardownDemo} = await import('../../demo/service.js')
    const r = await teardownDemo({dataDir: this.flags.dataDir, volume: this.flags.volume})
    if (r.stopped) this.out(`🧹 Local control plane stopped (pid ${r.pid}).`)
    else this.note('No local control plane was running.')
    if (r.removedData) this.out(`Deleted its data directory ${r.dataDir}.`)
    return r
  }
}
