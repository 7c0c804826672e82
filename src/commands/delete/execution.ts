import {Args} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {dryRunFlag} from '../../cluster/flags.js'

export default class DeleteExecution extends ClusterCommand<typeof DeleteExecution> {
  static override summary = 'Terminates/deletes execution resources'
  static override aliases = ['delete:executions']
  static override strict = false
  static override examples = [
    '<%= config.bin %> delete execution -p flytesnacks -d development c6a51x2l9e',
    '<%= config.bin %> delete execution -p flytesnacks -d development eeam9s8sny p4wv4hwgc4',
  ]
  static override args = {name: Args.string({description: 'execution name(s)', required: true})}
  static override flags = {...dryRunFlag}

  async run(): Promise<unknown> {
    const {terminateExecutions} = await import('../../cluster/delete.js')
    const scope = await this.projectDomain()
    const {argv} = await this.parse({
      flags: DeleteExecution.flags,
      baseFlags: DeleteExecution.baseFlags,
      args: DeleteExecution.args,
      strict: false,
    })
    const names = argv.map(String)
    const {admin} = await this.adminClients()
    return terminateExecutions(admin, scope, names, {dryRun: this.flags.dryRun, out: (t) => this.out(t)})
  }
}
