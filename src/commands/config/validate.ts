import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = 'Validates the loaded config.'
  static override description = `Checks the config file flytectl would use: YAML syntax, types and allowed values in the sections flytectl knows (admin, task, files, storage, console, logger, …). Unknown keys in those sections are warnings; --strict makes them errors. Sections other Flyte tools own are left alone.`
  static override examples = [
    '<%= config.bin %> config validate',
    '<%= config.bin %> config validate --strict -c ./config.yaml',
  ]
  static override flags = {
    strict: Flags.boolean({description: 'Fail on unknown keys inside known sections'}),
  }

  async run(): Promise<{path: string | null; source: string; warnings: string[]}> {
    const loaded = await this.loadConfig(this.flags.strict)
    // The same check the control-plane client makes, so a config that validates also connects.
    const admin = loaded.config.admin
    if (admin?.endpoint !== undefined)
      (await import('../../admin/endpoint.js')).parseEndpoint(admin.endpoint, admin.insecure ?? false)
    const path = loaded.location.path ?? null
    if (path)
      this.out(
        `Config file [${path}] is valid${loaded.warnings.length ? ` (${loaded.warnings.length} warning(s))` : ''}.`,
      )
    else
      this.out('No config file found; flytectl uses its defaults (the local control plane at dns:///localhost:30080).')
    return {path, source: loaded.location.source, warnings: loaded.warnings}
  }
}
