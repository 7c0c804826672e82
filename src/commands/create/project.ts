import {Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class CreateProject extends ClusterCommand<typeof CreateProject> {
  static override summary = 'Creates a project.'
  static override description = `Creates a project from flags or from a YAML file ({id, name, description, labels: {values: {k: v}}}). The id comes from --id, the file, or -p.`
  static override hiddenAliases = ['create:projects']
  static override examples = [
    '<%= config.bin %> create project --id flytesnacks --name flytesnacks --description "flytesnacks description" --labels app=flyte',
    '<%= config.bin %> create project --file project.yaml',
  ]
  static override flags = {
    id: Flags.string({description: 'id for the project specified as argument.'}),
    name: Flags.string({description: 'name for the project specified as argument.'}),
    description: Flags.string({description: 'description for the project specified as argument.'}),
    labels: Flags.string({description: 'labels for the project specified as argument (k=v,k2=v2).', multiple: true}),
    file: Flags.string({description: 'file for the project definition.'}),
    dryRun: Flags.boolean({description: 'execute command without making any modifications.'}),
    activate: Flags.boolean({hidden: true, description: 'accepted for compatibility; ignored'}),
    archive: Flags.boolean({hidden: true, description: 'accepted for compatibility; ignored'}),
    force: Flags.boolean({hidden: true, description: 'accepted for compatibility; ignored'}),
  }

  async run(): Promise<import('../../cluster/create.js').CreatedProject> {
    const [{createProject, parseKeyValues}, {readFile}] = await Promise.all([
      import('../../cluster/create.js'),
      import('node:fs/promises'),
    ])
    const f = this.flags
    const file = f.file ? {path: f.file, text: await readFileOrFail(readFile, f.file)} : undefined
    const labels = parseKeyValues(f.labels, 'labels')
    const admin = f.dryRun ? undefined : (await this.adminClients()).admin
    const project = await createProject(admin, {...f, project: this.clusterFlags.project, labels, file})
    this.out(project.dryRun ? `dry run: project ${project.id} would be created` : 'project created successfully.')
    return project
  }
}

async function readFileOrFail(read: typeof import('node:fs/promises').readFile, path: string): Promise<string> {
  const {CliError} = await import('../../cli/errors.js')
  return read(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError('invalid-input', `cannot read ${path}: ${err.code ?? err.message}`, {hint: 'Check the path.'})
  })
}
