import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class CreateExecution extends ClusterCommand<typeof CreateExecution> {
  static override summary = 'Creates an execution of a launch plan or task from an execution spec file or by name.'
  static override description = `Reads an execFile (write one with \`flytectl get launchplan|task <name> --execFile <file>\`), or takes --launchplan/--task NAME with --input NAME=VALUE, converts the inputs against the launch plan's or task's interface (inputs not given take the launch plan's defaults), and launches it in targetProject/targetDomain (the flag, else the file's value, else -p/-d). --relaunch and --recover start from an existing execution instead.
--wait waits for the end and prints the phase and the outputs; the exit code says how it ended: 0 SUCCEEDED, 10 FAILED (the failed attempt and its log are named), 11 ABORTED, 12 TIMED_OUT. Ctrl-C stops waiting (exit 9) and leaves the execution running.`
  static override hiddenAliases = ['create:executions']
  static override args = {name: Args.string({description: 'name for the new execution (generated when omitted)'})}
  static override examples = [
    '<%= config.bin %> create execution --execFile execution_spec.yaml -p flytesnacks -d development',
    '<%= config.bin %> create execution --relaunch ffb31066a0f8b4d52b77 -p flytesnacks -d development',
    '<%= config.bin %> create execution --launchplan examples.hello_world -p flytesnacks -d development --wait',
    '<%= config.bin %> create execution --launchplan examples.arithmetic --input a=7 --input b=2 -p flytesnacks -d development --wait',
    '<%= config.bin %> create execution --task examples.square --input x=12 -p flytesnacks -d development',
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
    launchplan: Flags.string({
      description: 'launch plan to run (latest version unless --version), instead of an execFile',
    }),
    task: Flags.string({description: 'task to run (latest version unless --version), instead of an execFile'}),
    input: Flags.string({
      description:
        'an input of --launchplan/--task as NAME=VALUE (repeatable; [..] and {..} values are read as YAML lists and maps)',
      multiple: true,
    }),
    wait: Flags.boolean({
      description:
        'wait until the execution ends, print its phase and outputs; exit 10 FAILED, 11 ABORTED, 12 TIMED_OUT (Ctrl-C stops waiting, the execution keeps running)',
    }),
    workflow: Flags.string({hidden: true, description: 'accepted for compatibility; ignored'}),
  }

  async run(): Promise<unknown> {
    const [{createExecution, execFileFromFlags, executionIdentifierLine, parseKeyValues}, {readExecFile}] =
      await Promise.all([import('../../cluster/create.js'), import('../../cluster/execfile-io.js')])
    const f = {...this.flags}
    // Go flytectl accepts --task and ignores it; with an execFile (what such scripts pass) it stays ignored.
    if (f.execFile && f.task) {
      this.note(`Warning: --task ${f.task} is ignored with --execFile (the file names what to run)`)
      f.task = undefined
    }
    const sources = (['execFile', 'launchplan', 'task', 'relaunch', 'recover'] as const).filter((k) => f[k])
    if (sources.length > 1) {
      const {CliError} = await import('../../cli/errors.js')
      throw new CliError('usage', `--${sources[0]} and --${sources[1]} cannot be used together`, {
        hint: 'Give one of --execFile, --launchplan, --task, --relaunch or --recover.',
      })
    }
    const flagFile = await execFileFromFlags(f)
    const where = await this.projectDomain()
    const file = f.execFile ? await readExecFile(f.execFile, (w) => this.note(`Warning: ${w}`)) : flagFile
    const needsAdmin = !(f.dryRun && (f.relaunch || f.recover))
    const clients = needsAdmin ? await this.adminClients() : undefined
    const admin = clients?.admin
    const envs = parseKeyValues(f.envs, 'envs')
    const {task: _task, ...rest} = f
    const result = await createExecution(admin, {
      ...rest,
      ...where,
      name: this.args.name,
      file,
      envs,
      fromFlags: Boolean(flagFile),
    })
    this.out(result.dryRun ? 'skipping CreateExecution request (dryRun)' : executionIdentifierLine(result))
    if (!f.wait || result.dryRun || !admin) return result
    const {awaitOutcome} = await import('../../cluster/wait-execution.js')
    return awaitOutcome(admin, result, {
      out: (t) => this.out(t),
      note: (t) => this.note(t),
      json: this.jsonEnabled(),
      ...(clients?.events ? {events: clients.events} : {}),
    })
  }
}
