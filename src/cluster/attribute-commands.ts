/**
 * The get/update/delete commands of the six matchable-attribute nouns are the same command with a
 * different resource; these factories build them (each noun's command file is one line).
 */
import {Args, Flags} from '@oclif/core'
import {ClusterCommand} from '../cli/base-command.js'
import type {AttributeNoun} from './attributes.js'

const FILE_FORMAT = `attrFile format (YAML, snake_case keys, unknown keys are errors):
  project: flytesnacks
  domain: development      # optional: project-level when absent
  workflow: core.wf        # optional: workflow-level (needs domain)
  <the attribute fields>   # e.g. defaults: {cpu: "1", memory: 150Mi}`

async function kindOf(noun: AttributeNoun) {
  const {ATTRIBUTE_KINDS} = await import('./attributes.js')
  return ATTRIBUTE_KINDS[noun]
}

export function getAttributeCommand(noun: AttributeNoun, aliases: string[] = []) {
  return class GetAttribute extends ClusterCommand<typeof GetAttribute> {
    static override summary = `Gets matchable resources of ${noun}`
    static override description = `Scope: -p project [-d domain] [workflow]. Prints the attributes as JSON, or writes them as an attrFile with --attrFile.\n${FILE_FORMAT}`
    static override aliases = aliases.map((a) => `get:${a}`)
    static override examples = [
      `<%= config.bin %> get ${noun} -p flytesnacks -d development`,
      `<%= config.bin %> get ${noun} -p flytesnacks -d development core.control_flow.merge_sort.merge_sort --attrFile attrs.yaml`,
    ]
    static override args = {workflow: Args.string({description: 'workflow name (workflow-level attributes)'})}
    static override flags = {
      attrFile: Flags.string({
        description: `attribute file name to be used for generating attribute for the resource type.`,
      }),
      force: Flags.boolean({description: 'overwrite an existing attrFile without asking'}),
      ...(noun === 'workflow-execution-config'
        ? {
            gen: Flags.boolean({
              description: 'generates an empty workflow execution config file with conformance to the api format.',
            }),
          }
        : {}),
    }

    async run(): Promise<unknown> {
      const {getAttribute} = await import('./attribute-flows.js')
      const scope = await this.projectDomain(false)
      const {admin} = await this.adminClients()
      const flags = this.flags as {attrFile?: string; force?: boolean; gen?: boolean}
      const res = await getAttribute(admin, await kindOf(noun), {...scope, workflow: this.args.workflow}, flags)
      this.out(res.text)
      return res.file
    }
  }
}

export function updateAttributeCommand(noun: AttributeNoun, aliases: string[] = []) {
  return class UpdateAttribute extends ClusterCommand<typeof UpdateAttribute> {
    static override summary = `Updates matchable resources of ${noun}`
    static override description = `Overwrites the ${noun} at the scope the attrFile names, after showing the diff.\n${FILE_FORMAT}`
    static override aliases = aliases.map((a) => `update:${a}`)
    static override examples = [`<%= config.bin %> update ${noun} --attrFile attrs.yaml`]
    static override flags = {
      attrFile: Flags.string({
        description: 'attribute file name to be used for updating attribute for the resource type.',
      }),
      dryRun: Flags.boolean({description: 'execute command without making any modifications.'}),
      force: Flags.boolean({description: 'do not ask for an acknowledgement during updates.'}),
    }

    async run(): Promise<unknown> {
      const {updateAttribute} = await import('./attribute-flows.js')
      const {admin} = await this.adminClients()
      return updateAttribute(admin, await kindOf(noun), this.flags.attrFile, {
        dryRun: this.flags.dryRun,
        force: this.flags.force,
        out: (t) => this.out(t),
      })
    }
  }
}

export function deleteAttributeCommand(noun: AttributeNoun, aliases: string[] = []) {
  return class DeleteAttribute extends ClusterCommand<typeof DeleteAttribute> {
    static override summary = `Deletes matchable resources of ${noun}`
    static override description = `Scope from --attrFile, or -p project [-d domain] [workflow].\n${FILE_FORMAT}`
    static override aliases = aliases.map((a) => `delete:${a}`)
    static override examples = [
      `<%= config.bin %> delete ${noun} -p flytesnacks -d development`,
      `<%= config.bin %> delete ${noun} --attrFile attrs.yaml`,
    ]
    static override args = {workflow: Args.string({description: 'workflow name (workflow-level attributes)'})}
    static override flags = {
      attrFile: Flags.string({
        description: 'attribute file name to be used for delete attribute for the resource type.',
      }),
      dryRun: Flags.boolean({description: 'execute command without making any modifications.'}),
    }

    async run(): Promise<unknown> {
      const {deleteAttribute} = await import('./attribute-flows.js')
      const scope = await this.projectDomain(false)
      const {admin} = await this.adminClients()
      const res = await deleteAttribute(admin, await kindOf(noun), {...scope, workflow: this.args.workflow}, this.flags)
      this.out(res.text)
      return res.scope
    }
  }
}
