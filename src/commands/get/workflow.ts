import {Args} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {entityFlags, filterFlags, filterFrom} from '../../cluster/flags.js'

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
    const [{getWorkflows, getWorkflowMessages}, {renderListing}, tables, dot] = await Promise.all([
      import('../../cluster/get.js'),
      import('../../cluster/output.js'),
      import('../../cluster/tables.js'),
      import('../../cluster/dot.js'),
    ])
    const format = await this.outputFormat()
    const scope = await this.projectDomain()
    if (this.flags.latest && this.flags.version) this.note('--latest given: the version flag will be ignored.')
    const {admin} = await this.adminClients()
    const q = {
      filter: filterFrom(this.flags),
      latest: this.flags.latest,
      ...(this.flags.latest ? {} : {version: this.flags.version}),
      name: this.args.name,
    }
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
    const printed = await renderListing(listing, format, columns)
    this.out(printed.text)
    if (printed.note) this.note(printed.note)
    return listing.rows
  }
}
