import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {dryRunFlag, forceFlag} from '../../cluster/flags.js'

export default class UpdateExecution extends ClusterCommand<typeof UpdateExecution> {
  static override summary = 'Updates the execution status'
  static override aliases = ['update:executions']
  static override examples = ['<%= config.bin %> update execution -p flytesnacks -d development oeh94k9r2r --archive']
  static override args = {name: Args.string({description: 'execution name', required: true})}
  static override flags = {
    activate: Flags.boolean({description: 'activate execution.'}),
    archive: Flags.boolean({description: 'archive execution.'}),
    ...dryRunFlag,
    ...forceFlag,
  }

  async run(): Promise<unknown> {
    const {updateExecutionState, stateFlag} = await import('../../cluster/update-entities.js')
    const scope = await this.projectDomain()
    const f = this.flags
    const target = stateFlag(f.activate, f.archive)
    const {admin} = await this.adminClients()
    return updateExecutionState(admin, scope, this.args.name, target, {
      dryRun: f.dryRun,
      force: f.force,
      out: (t) => this.out(t),
    })
  }
}
