import {Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'
import {dryRunFlag, forceFlag} from '../../cluster/flags.js'

export default class UpdateProject extends ClusterCommand<typeof UpdateProject> {
  static override summary = 'Update the characteristics of a project'
  static override aliases = ['update:projects']
  static override examples = [
    '<%= config.bin %> update project -p flytesnacks --archive --force',
    '<%= config.bin %> update project --id flytesnacks --description "my project" --labels team=ml,env=dev',
    '<%= config.bin %> update project --file project.yaml --dryRun',
  ]
  static override flags = {
    id: Flags.string({description: 'id for the project specified as argument.'}),
    name: Flags.string({description: 'name for the project specified as argument.'}),
    description: Flags.string({description: 'description for the project specified as argument.'}),
    labels: Flags.string({description: 'labels for the project specified as argument (k=v,k2=v2).'}),
    file: Flags.string({description: 'file for the project definition.'}),
    activate: Flags.boolean({description: 'activates the project specified as argument.'}),
    archive: Flags.boolean({description: 'archives the project specified as argument.'}),
    activateProject: Flags.boolean({hidden: true, deprecated: {to: 'activate'}}),
    archiveProject: Flags.boolean({hidden: true, deprecated: {to: 'archive'}}),
    ...dryRunFlag,
    ...forceFlag,
  }

  async run(): Promise<unknown> {
    const {updateProject, readProjectFile, stateFlag} = await import('../../cluster/update-entities.js')
    const {parseLabels} = await import('../../cluster/labels.js')
    const f = this.flags
    const fromFile = f.file ? await readProjectFile(f.file) : undefined
    if (this.clusterFlags.project && (f.id || fromFile?.id)) {
      const {CliError} = await import('../../cli/errors.js')
      throw new CliError('usage', 'both project and id are passed', {
        hint: 'Pass the project once: -p, --id or the file.',
      })
    }
    const id = f.id ?? fromFile?.id ?? this.clusterFlags.project ?? ''
    const {admin} = await this.adminClients()
    return updateProject(
      admin,
      {
        id,
        name: f.name ?? fromFile?.name,
        description: f.description ?? fromFile?.description,
        labels: f.labels !== undefined ? parseLabels(f.labels) : fromFile?.labels,
        state: stateFlag(f.activate || f.activateProject, f.archive || f.archiveProject),
      },
      {dryRun: f.dryRun, force: f.force, out: (t) => this.out(t)},
    )
  }
}
