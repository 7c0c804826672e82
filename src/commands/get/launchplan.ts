import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {entityFlags, entityQueryFrom, filterFlags} from '../../cluster/flags.js'

export default class GetLaunchPlan extends ClusterCommand<typeof GetLaunchPlan> {
  static override summary = 'Gets the launch plan resources'
  static override aliases = ['get:launchplans']
  static override examples = [
    '<%= config.bin %> get launchplan -p flytesnacks -d development',
    '<%= config.bin %> get launchplan -p flytesnacks -d development --workflow core.flyte_basics.lp.go_greet',
    '<%= config.bin %> get launchplan -p flytesnacks -d development core.basic.lp.go_greet --latest --execFile exec.yaml',
  ]
  static override args = {name: Args.string({description: 'launch plan name'})}
  static override flags = {
    ...entityFlags,
    ...filterFlags,
    execFile: Flags.string({
      description: 'execution file name to be used for generating execution spec of a single launchplan.',
    }),
    workflow: Flags.string({description: 'name of the workflow for which the launchplans need to be fetched.'}),
  }

  async run(): Promise<unknown> {
    const [{getLaunchPlans}, {printListing}, tables] = await Promise.all([
      import('../../cluster/get.js'),
      import('../../cluster/output.js'),
      import('../../cluster/tables.js'),
    ])
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    const q = entityQueryFrom(this.flags, this.args.name, (t) => this.note(t))
    const {admin} = await this.adminClients()
    const listing = await getLaunchPlans(admin, scope, {...q, workflow: this.flags.workflow})
    if (this.flags.execFile) {
      const {writeExecFile} = await import('../../cluster/get-execfile.js')
      this.out(await writeExecFile('launchplan', this.args.name, listing.rows[0]!, this.flags.execFile))
      return listing.rows[0]
    }
    let columns = listing.shape === 'detail' ? tables.launchPlanDetailColumns : tables.launchPlanListColumns
    if (format === 'table') {
      // Next Run has no field in FlyteAdmin's launch plan: it is worked out here, for the table only.
      const {nextRunColumn} = await import('../../cluster/next-run.js')
      columns = [...columns, await nextRunColumn(listing.rows, new Date())]
    }
    return printListing(listing, format, columns, {out: (t) => this.out(t), note: (t) => this.note(t)})
  }
}
