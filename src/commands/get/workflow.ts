import {Args} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {entityFlags, entityQueryFrom, filterFlags} from '../../cluster/flags.js'

export default class GetWorkflow extends ClusterCommand<typeof GetWorkflow> {
  static override summary = 'Gets workflow resources'
  static override aliases = ['get:workflows']
  static override examples = [
    '<%= config.bin %> get workflow -p flytesnacks -d development',
    '<%= config.bin %> get workflow -p flytesnacks -d development core.basic.lp.go_greet --latest',
    '<%= config.bin %> get workflow -p flytesnacks -d development core.basic.lp.go_greet --version v1 -o dot',
  ]
  static override args = {name: Args.string({description: 'workflow name'})}
  static override flags = {...entityFlags, ...filterFlags}

  async run(): Promise<unknown> {
    const [{getWorkflows, getWorkflowMessages}, {printListing}, tables, dot] = await Promise.all([
      import('../../cluster/get.js'),
      import('../../cluster/output.js'),
      import('../../cluster/tables.js'),
      import('../../cluster/dot.js'),
    ])
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    const q = entityQueryFrom(this.flags, this.args.name, (t) => this.note(t))
    const {admin} = await this.adminClients()
    if (format === 'dot' || format === 'doturl') {
      const text = dot.workflowDot(await getWorkflowMessages(admin, scope, q))
      this.out(format === 'dot' ? text : dot.dotUrl(text))
      return text
    }
    const listing = await getWorkflows(admin, scope, q)
    const columns =
      listing.shape === 'list'
        ? tables.namedEntityColumns
        : listing.shape === 'versions'
          ? tables.workflowVersionColumns
          : tables.workflowDetailColumns
    return printListing(listing, format, columns, {out: (t) => this.out(t), note: (t) => this.note(t)})
  }
}
