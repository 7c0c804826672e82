import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {filterFlags, filterFrom} from '../../cluster/flags.js'

export default class GetSignal extends ClusterCommand<typeof GetSignal> {
  static override summary = 'Gets the signals that gate nodes of an execution wait for'
  static override aliases = ['get:signals']
  static override examples = [
    '<%= config.bin %> get signal -p flytesnacks -d development --execution f8a1b2c3d4e5f6a7b8c9',
    '<%= config.bin %> get signal -p flytesnacks -d development --execution f8a1b2c3d4e5f6a7b8c9 review -o json',
  ]
  static override args = {id: Args.string({description: 'signal id (the gate name)'})}
  static override flags = {
    ...filterFlags,
    execution: Flags.string({description: 'name of the execution whose signals to list.', required: true}),
  }

  async run(): Promise<unknown> {
    const [{getSignals, signalColumns}, {printListing}] = await Promise.all([
      import('../../cluster/signals.js'),
      import('../../cluster/output.js'),
    ])
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    const {signal} = await this.adminClients()
    const listing = await getSignals(signal, scope, this.flags.execution, filterFrom(this.flags), this.args.id)
    return printListing(listing, format, signalColumns, {out: (t) => this.out(t), note: (t) => this.note(t)})
  }
}
