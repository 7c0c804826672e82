import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {filterFlags, filterFrom} from '../../cluster/flags.js'

export default class GetExecution extends ClusterCommand<typeof GetExecution> {
  static override summary = 'Gets execution resources'
  static override aliases = ['get:executions']
  static override examples = [
    '<%= config.bin %> get execution -p flytesnacks -d development',
    '<%= config.bin %> get execution -p flytesnacks -d development oeh94k9r2r --details',
    '<%= config.bin %> get execution -p flytesnacks -d development oeh94k9r2r --watch',
  ]
  static override args = {name: Args.string({description: 'execution name'})}
  static override flags = {
    ...filterFlags,
    details: Flags.boolean({
      description:
        'gets node execution details. Only applicable for single execution name i.e get execution name --details',
    }),
    nodeID: Flags.string({description: 'get task executions for given node name.'}),
    watch: Flags.boolean({
      description: 'follow the execution: re-render the node tree on each event until it reaches a terminal phase',
    }),
  }

  async run(): Promise<unknown> {
    const {showExecution} = await import('../../cluster/get-execution.js')
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    const {admin, events} = await this.adminClients()
    return showExecution(admin, scope, {
      events,
      name: this.args.name,
      format,
      filter: filterFrom(this.flags),
      details: this.flags.details,
      nodeId: this.flags.nodeID,
      watch: this.flags.watch,
      out: (t) => this.out(t),
      note: (t) => this.note(t),
      json: this.jsonEnabled(),
      outputGiven: this.argv.some((a) => /^(-o|--output)(=|$)|^-o./.test(a)),
    })
  }
}
