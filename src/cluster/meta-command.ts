/** `update task-meta|workflow-meta|launchplan-meta`: one command, three resource types. */
import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../cli/base-command.js'

export function updateMetaCommand(noun: 'task-meta' | 'workflow-meta' | 'launchplan-meta') {
  const entity = noun.replace('-meta', '')
  return class UpdateMeta extends ClusterCommand<typeof UpdateMeta> {
    static override summary = `Updates ${entity} metadata`
    static override examples = [
      `<%= config.bin %> update ${noun} -p flytesnacks -d development my.${entity}.name --description "new description" --archive`,
    ]
    static override args = {name: Args.string({description: `${entity} name`, required: true})}
    static override flags = {
      activate: Flags.boolean({description: `activate the named entity.`}),
      archive: Flags.boolean({description: `archive named entity.`}),
      description: Flags.string({description: 'description of the named entity.'}),
      dryRun: Flags.boolean({description: 'execute command without making any modifications.'}),
      force: Flags.boolean({description: 'do not ask for an acknowledgement during updates.'}),
    }

    async run(): Promise<unknown> {
      const {updateNamedEntityMeta, stateFlag} = await import('./update-entities.js')
      const scope = await this.projectDomain()
      const f = this.flags
      const {admin} = await this.adminClients()
      return updateNamedEntityMeta(
        admin,
        noun,
        scope,
        this.args.name,
        {state: stateFlag(f.activate, f.archive), description: f.description},
        {dryRun: f.dryRun, force: f.force, out: (t) => this.out(t)},
      )
    }
  }
}
