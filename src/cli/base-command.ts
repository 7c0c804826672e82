/**
 * Base commands. Keep this module light: it is loaded for every command, so nothing heavy is
 * imported at the top level (config parsing, RPC clients and printers load inside run()).
 */
import {Command, Flags, type Interfaces} from '@oclif/core'
import {existsSync} from 'node:fs'
import {CliError, errorEnvelope, formatError, toCliError} from './errors.js'
import {booleanWithValue} from './validate-flags.js'
import type {OutputFormat} from './printer.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Flags every flytectl command takes. */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      description: 'config file (default is $FLYTECTL_CONFIG, then $HOME/.flyte/config.yaml)',
      helpGroup: 'GLOBAL',
    }),
    verbose: Flags.boolean({description: 'show debug detail and stack traces on errors', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>

  public override async init(): Promise<void> {
    await super.init()
    const misuse = booleanWithValue(this.argv, {...this.ctor.baseFlags, ...this.ctor.flags})
    if (misuse)
      throw new CliError(
        'usage',
        `${misuse.flag} is a switch and takes no value (got "${misuse.value.slice(0, 40)}")`,
        {
          hint: `Pass ${misuse.flag} alone to turn it on, or leave it out.`,
        },
      )
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  /** --verbose, or DEBUG set, even when flag parsing itself failed. */
  protected get verbose(): boolean {
    return Boolean(this.flags?.verbose) || this.argv.includes('--verbose') || Boolean(process.env.DEBUG)
  }

  /** Results go to stdout (under --json the envelope is the only output). */
  protected out(text: string): void {
    if (this.jsonEnabled()) return
    process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }

  /** Progress and chatter go to stderr, never into piped results. */
  protected note(text: string): void {
    if (!this.jsonEnabled()) process.stderr.write(text.endsWith('\n') ? text : text + '\n')
  }

  /** Loads the config named by --config / $FLYTECTL_CONFIG / ~/.flyte/config.yaml; warnings go to stderr. */
  protected async loadConfig(strict = false): Promise<import('../config/load.js').LoadedConfig> {
    const {discoverConfig, loadConfigFile} = await import('../config/load.js')
    const location = discoverConfig({flag: this.flags.config, exists: existsSync})
    const loaded = await loadConfigFile(location, strict, {cache: true})
    for (const w of loaded.warnings) process.stderr.write(`Warning: ${w}\n`)
    return loaded
  }

  protected override toSuccessJson(result: unknown): unknown {
    return {ok: true, command: this.id, result: result ?? null}
  }

  protected override toErrorJson(err: unknown): unknown {
    return errorEnvelope(toCliError(err))
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    // this.exit() inside run() throws an ExitError carrying the code: pass it through untouched.
    if (err.oclif?.exit !== undefined && err.constructor?.name === 'ExitError') throw err
    const cli = toCliError(err)
    if (this.jsonEnabled()) this.logJson(this.toErrorJson(cli))
    else process.stderr.write(formatError(cli, this.verbose) + '\n')
    return this.exit(cli.exitCode)
  }
}

/** Commands that talk to the control plane: -p/-d/-o as flytectl has them. */
export abstract class ClusterCommand<T extends typeof Command> extends BaseCommand<T> {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    project: Flags.string({char: 'p', description: 'Specifies the Flyte project.', helpGroup: 'GLOBAL'}),
    domain: Flags.string({char: 'd', description: "Specifies the Flyte project's domain.", helpGroup: 'GLOBAL'}),
    output: Flags.string({
      char: 'o',
      description:
        'Specifies the output type - supported formats [TABLE JSON YAML DOT DOTURL]. NOTE: dot, doturl are only supported for Workflow',
      default: 'TABLE',
      helpGroup: 'GLOBAL',
    }),
  }

  protected get clusterFlags(): {project?: string; domain?: string; output: string} {
    return this.flags as unknown as {project?: string; domain?: string; output: string}
  }

  protected async outputFormat(): Promise<OutputFormat> {
    const {parseOutputFormat} = await import('./printer.js')
    return parseOutputFormat(this.clusterFlags.output)
  }

  /** -p/-d, else the config's root.* then task.* defaults. */
  protected async projectDomain(required = true): Promise<{project: string; domain: string}> {
    const {config} = await this.loadConfig()
    const project = this.clusterFlags.project || config.root?.project || config.task?.project || ''
    const domain = this.clusterFlags.domain || config.root?.domain || config.task?.domain || ''
    if (required && (!project || !domain)) {
      throw new CliError('usage', 'project and domain are required parameters', {
        hint: 'Pass -p <project> -d <domain>, or set task.project and task.domain in your config.',
      })
    }
    return {project, domain}
  }

  private clients?: import('../admin/client.js').AdminClients

  /** The control-plane clients for the configured endpoint (created once, closed after run()). */
  protected async adminClients(): Promise<import('../admin/client.js').AdminClients> {
    if (this.clients) return this.clients
    const [{createAdminClients}, {config}] = await Promise.all([import('../admin/client.js'), this.loadConfig()])
    this.clients = createAdminClients(config.admin ?? {})
    return this.clients
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.clients?.close()
    return super.finally(err)
  }
}
