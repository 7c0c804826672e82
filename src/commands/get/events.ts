import {Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class GetEvents extends ClusterCommand<typeof GetEvents> {
  static override summary = 'Gets the events of executions: workflow, node and task phase changes, live with --follow'
  static override description = `Reads the control plane's event stream; against one without it (a FlyteAdmin) polls every second, saying so.
Without --execution: the latest event of the 100 most recently updated executions of the project and domain (then every new event with --follow, until interrupted).
With --execution: the latest event of the execution and of each node and task execution (then every new event with --follow, until the execution ends; exit 0 when it succeeded, 10 FAILED, 11 ABORTED, 12 TIMED_OUT).
-o json with --follow prints one JSON object per line.`
  static override aliases = ['get:event']
  static override examples = [
    '<%= config.bin %> get events -p flytesnacks -d development --execution f8a1b2c3d4e5f6a7b8c9',
    '<%= config.bin %> get events -p flytesnacks -d development --execution f8a1b2c3d4e5f6a7b8c9 --follow -o json',
    '<%= config.bin %> get events -p flytesnacks -d development --follow',
  ]
  static override flags = {
    execution: Flags.string({
      description: 'name of the execution whose events to get (default: all of the project and domain).',
    }),
    follow: Flags.boolean({
      char: 'f',
      description: 'keep printing events as they happen (until the execution ends, or until interrupted)',
    }),
  }

  async run(): Promise<unknown> {
    const {showEvents} = await import('../../cluster/get-events.js')
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    const clients = await this.adminClients()
    return showEvents(clients, scope, {
      name: this.flags.execution,
      follow: this.flags.follow,
      format,
      out: (t) => this.out(t),
      note: (t) => this.note(t),
    })
  }
}
