import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {entityFlags, entityQueryFrom, filterFlags} from '../../cluster/flags.js'

export default class GetTask extends ClusterCommand<typeof GetTask> {
  static override summary = 'Gets task resources'
  static override aliases = ['get:tasks']
  static override examples = [
    '<%= config.bin %> get task -p flytesnacks -d development',
    '<%= config.bin %> get task -p flytesnacks -d development core.basic.lp.greet --latest -o yaml',
    '<%= config.bin %> get task -p flytesnacks -d development core.basic.lp.greet --version v1 --execFile exec.yaml',
  ]
  static override args = {name: Args.string({description: 'task name'})}
  static override flags = {
    ...entityFlags,
    ...filterFlags,
    execFile: Flags.string({
      description: 'execution file name to be used for generating execution spec of a single task.',
    }),
  }

  async run(): Promise<unknown> {
    const [{getTasks}, {printListing}, {taskColumns}] = await Promise.all([
      import('../../cluster/get.js'),
      import('../../cluster/output.js'),
      import('../../cluster/tables.js'),
    ])
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    const q = entityQueryFrom(this.flags, this.args.name, (t) => this.note(t))
    const {admin} = await this.adminClients()
    const listing = await getTasks(admin, scope, q)
    if (this.flags.execFile) {
      const {writeExecFile} = await import('../../cluster/get-execfile.js')
      this.out(await writeExecFile('task', this.args.name, listing.rows[0]!, this.flags.execFile))
      return listing.rows[0]
    }
    return printListing(listing, format, taskColumns, {out: (t) => this.out(t), note: (t) => this.note(t)})
  }
}
