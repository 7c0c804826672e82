import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class RegisterFiles extends ClusterCommand<typeof RegisterFiles> {
  static override summary = 'Registers tasks, workflows and launch plans from .pb files or pyflyte packages.'
  static override description = `Reads the protobuf files \`pyflyte package\` writes (NNN_<name>_<k>.pb; k=1 task, 2 workflow, 3 launch plan), loose or inside a .tgz/.tar package, fills in the project, domain and version placeholders, uploads the fast-register source archive if there is one, and registers tasks, then workflows, then launch plans, several at a time. Entities that already exist with the same content count as registered. Exits 8 if any file failed.`
  static override hiddenAliases = ['register:file']
  static override strict = false
  static override args = {
    files: Args.string({description: 'files, globs, or (with --archive) .tgz/.tar packages or URLs'}),
  }
  static override examples = [
    '<%= config.bin %> register files -p flytesnacks -d development --archive flyte-package.tgz --version v1',
    '<%= config.bin %> register files -p flytesnacks -d development "_pb_output/*.pb" --version v1 --continueOnError',
  ]
  static override flags = {
    version: Flags.string({
      description: 'Version of the entities to be registered with flyte (un-versioned files need it).',
    }),
    force: Flags.boolean({description: 'Force use of --version, replacing versions set in the files.'}),
    continueOnError: Flags.boolean({description: 'Continue registering the other files after a failure.'}),
    archive: Flags.boolean({description: 'Pass in archives (.tar, .tgz, .tar.gz; paths or http(s) URLs).'}),
    assumableIamRole: Flags.string({description: 'Custom assumable IAM auth role for the launch plans.'}),
    k8sServiceAccount: Flags.string({
      aliases: ['k8ServiceAccount'],
      description: 'Kubernetes service account for the launch plans.',
    }),
    outputLocationPrefix: Flags.string({description: 'Custom raw output data location prefix for the launch plans.'}),
    sourceUploadPath: Flags.string({
      description: 'Deprecated: the source is uploaded through the data proxy.',
      hidden: true,
    }),
    destinationDirectory: Flags.string({description: 'Location of the source code in the container (fast register).'}),
    dryRun: Flags.boolean({description: 'Show what would be registered without registering anything.'}),
    enableSchedule: Flags.boolean({
      description: 'Activate the schedule of scheduled launch plans after registering them.',
    }),
  }

  async run(): Promise<import('../../cluster/register/service.js').RegisterResult> {
    const [{registerCommand}, where, {config}, format] = await Promise.all([
      import('../../cluster/register/command.js'),
      this.projectDomain(),
      this.loadConfig(),
      this.outputFormat(),
    ])
    const files = (await this.parse(RegisterFiles)).argv.map(String)
    return registerCommand({
      files,
      flags: this.flags,
      fileDefaults: config.files ?? {},
      where,
      format,
      clients: () => this.adminClients(),
      out: (text) => this.out(text),
      note: (text) => this.note(text),
    })
  }
}
