import {Args} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {filterFlags, filterFrom} from '../../cluster/flags.js'

export default class GetProject extends ClusterCommand<typeof GetProject> {
  static override summary = 'Gets project resources'
  static override aliases = ['get:projects']
  static override examples = [
    '<%= config.bin %> get project',
    '<%= config.bin %> get project flytesnacks -o yaml',
    '<%= config.bin %> get project --filter.fieldSelector "name=flytesnacks" --filter.sortBy name --filter.asc',
  ]
  static override args = {id: Args.string({description: 'project id (not found is an error)'})}
  static override flags = {...filterFlags}

  async run(): Promise<unknown> {
    const [{getProjects}, {printListing}, {projectColumns}] = await Promise.all([
      import('../../cluster/get.js'),
      import('../../cluster/output.js'),
      import('../../cluster/tables.js'),
    ])
    const format = await this.outputFormat()
    const {admin} = await this.adminClients()
    const listing = await getProjects(admin, filterFrom(this.flags), this.args.id)
    return printListing(listing, format, projectColumns, {out: (t) => this.out(t), note: (t) => this.note(t)})
  }
}
