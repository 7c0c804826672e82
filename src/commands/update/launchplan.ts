import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {dryRunFlag, forceFlag} from '../../cluster/flags.js'

export default class UpdateLaunchPlan extends ClusterCommand<typeof UpdateLaunchPlan> {
  static override summary = 'Updates launch plan status'
  static override aliases = ['update:launchplans']
  static override examples = [
    '<%= config.bin %> update launchplan -p flytesnacks -d development core.control_flow.merge_sort.merge_sort --version v1 --activate',
    '<%= config.bin %> update launchplan -p flytesnacks -d development core.control_flow.merge_sort.merge_sort --version v1 --deactivate',
  ]
  static override args = {name: Args.string({description: 'launch plan name', required: true})}
  static override flags = {
    version: Flags.string({description: 'version of the launchplan to be fetched.'}),
    activate: Flags.boolean({description: 'activate launchplan.', exclusive: ['deactivate', 'archive']}),
    deactivate: Flags.boolean({description: 'deactivate launchplan.', exclusive: ['activate', 'archive']}),
    archive: Flags.boolean({description: '(deprecated) same as --deactivate.', hidden: true, exclusive: ['activate']}),
    ...dryRunFlag,
    ...forceFlag,
  }

  async run(): Promise<unknown> {
    const {updateLaunchPlanState} = await import('../../cluster/update-entities.js')
    const scope = await this.projectDomain()
    const f = this.flags
    if (f.archive) this.note('--archive is deprecated: it deactivates the launch plan; use --deactivate.')
    const target = f.activate ? 'activate' : f.deactivate || f.archive ? 'deactivate' : undefined
    const {admin} = await this.adminClients()
    return updateLaunchPlanState(admin, scope, this.args.name, f.version, target, {
      dryRun: f.dryRun,
      force: f.force,
      out: (t) => this.out(t),
    })
  }
}
