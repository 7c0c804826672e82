import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class CreateExecution extends ClusterCommand<typeof CreateExecution> {
  static override summary = 'Creates an execution of a launch plan or task from an execution spec file.'
  static override description = `Reads an execFile (write one with \`flytectl get launchplan|task <name> --execFile <file>\`), converts its inputs against the launch plan's or task's interface, and launches it in targetProject/targetDomain (the flag, else the file's value, else -p/-d). --relaunch and --recover start from an existing execution instead.`
  static override hiddenAliases = ['create:executions']
  static override args = {name: Args.string({description: 'name for the new execution (generated when omitted)'})}
  static override examples = [
    '<%= config.bin %> create execution --execFile execution_spec.yaml -p flytesnacks -d development',
    '<%= config.bin %> create execution --relaunch ffb31066a0f8b4d52b77 -p flytesnacks -d development',
  ]
  static override flags = {
    execFile: Flags.string({
      description: 'execution spec file (write one with `flytectl get launchplan|task <name> --execFile <file>`).',
    }),
    version: Flags.string({description: 'specify version of execution workflow/task.'}),
    targetProject: Flags.string({
      description: 'project where execution needs to be created. If not specified configured project would be used.',
    }),
    targetDomain: Flags.string({
      description: 'project where execution needs to be created. If not specified configured domain would be used.',
    }),
    targetExecutionCluster: Flags.string({description: 'cluster where execution needs to be created.'}),
    kubeServiceAcct: Flags.string({description: 'kubernetes service account AuthRole for launching execution.'}),
    iamRoleARN: Flags.string({description: 'iam role ARN AuthRole for launching execution.'}),
    clusterPool: Flags.string({description: 'specify which cluster pool to assign execution to.'}),
    overwriteCache: Flags.boolean({description: 'skip cached results when performing execution'}),
    envs: Flags.string({description: 'environment variables to set for the execution (k=v,k2=v2).', multiple: true}),
    relaunch: Flags.string({description: 'execution name to be relaunched.'}),
    recover: Flags.string({description: 'execution name to be recovered.'}),
    dryRun: Flags.boolean({description: 'execute command without making any modifications.'}),
    task: Flags.string({hidden: true, description: 'accepted for compatibility; ignored'}),
    workflow: Flags.string({hidden: true, description: 'accepted for compatibility; ignored'}),
  }

  async run(): Promise<import('../../cluster/create.js').CreatedExecution> {
    const [{createExecution, executionIdentifierLine, parseKeyValues}, {readExecFile}] = await Promise.all([
      import('../../cluster/create.js'),
      import('../../cluster/execfile-io.js'),
    ])
    const f = this.flags
    const where = await this.projectDomain()
    const file = f.execFile ? await readExecFile(f.execFile, (w) => this.note(`Warning: ${w}`)) : undefined
    const needsAdmin = !(f.dryRun && (f.relaunch || f.recover))
    const admin = needsAdmin ? (await this.adminClients()).admin : undefined
    const envs = parseKeyValues(f.envs, 'envs')
    const result = await createExecution(admin, {...f, ...where, name: this.args.name, file, envs})
    this.out(result.dryRun ? 'skipping CreateExecution request (dryRun)' : executionIdentifierLine(result))
    return result
  }
}
