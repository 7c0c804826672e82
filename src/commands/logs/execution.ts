import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class LogsExecution extends ClusterCommand<typeof LogsExecution> {
  static override summary = 'Shows the task logs of an execution'
  static override description =
    'Reads the log links of every task attempt: logs of the embedded control plane are printed; links of a real cluster are fetched when they serve plain text and printed otherwise.'
  static override aliases = ['logs:executions']
  static override examples = [
    '<%= config.bin %> logs execution -p flytesnacks -d development oeh94k9r2r',
    '<%= config.bin %> logs execution -p flytesnacks -d development oeh94k9r2r --node n0 --follow',
  ]
  static override args = {name: Args.string({description: 'execution name', required: true})}
  static override flags = {
    node: Flags.string({description: 'only the logs of this node (and its children)'}),
    follow: Flags.boolean({char: 'f', description: 'keep printing new log lines until the execution finishes'}),
  }

  async run(): Promise<unknown> {
    const {showLogs} = await import('../../cluster/logs.js')
    const scope = await this.projectDomain()
    const {admin} = await this.adminClients()
    const json = this.jsonEnabled()
    return showLogs(admin, scope, this.args.name, {
      nodeId: this.flags.node,
      follow: this.flags.follow,
      write: (t) => {
        if (!json) process.stdout.write(t)
      },
    })
  }
}
