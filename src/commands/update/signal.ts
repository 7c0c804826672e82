import {Flags} from '@oclif/core'
import {ClusterCommand} from '../../cli/base-command.js'

export default class UpdateSignal extends ClusterCommand<typeof UpdateSignal> {
  static override summary = 'Sets the signal a gate node waits for: approve or reject an approval, or give an input'
  static override aliases = ['update:signals']
  static override examples = [
    '<%= config.bin %> update signal -p flytesnacks -d development --execution f8a1b2c3d4e5f6a7b8c9 --id review --approve',
    '<%= config.bin %> update signal -p flytesnacks -d development --execution f8a1b2c3d4e5f6a7b8c9 --id bonus --value 5',
  ]
  static override flags = {
    execution: Flags.string({description: 'name of the execution the gate belongs to.', required: true}),
    id: Flags.string({description: 'signal id (the gate name).', required: true}),
    value: Flags.string({description: 'value for the signal, read as its type (e.g. 5, 2.5, text, true).'}),
    approve: Flags.boolean({description: 'approve an approval gate (sets true).'}),
    reject: Flags.boolean({description: 'reject an approval gate (sets false; the gate fails).'}),
  }

  async run(): Promise<unknown> {
    const {setSignal} = await import('../../cluster/signals.js')
    const scope = await this.projectDomain()
    const f = this.flags
    const {signal} = await this.adminClients()
    const result = await setSignal(signal, scope, f.execution, f.id, {
      value: f.value,
      approve: f.approve,
      reject: f.reject,
    })
    this.out(`set signal ${result.signal} of execution ${f.execution} to ${JSON.stringify(result.value)}`)
    return result
  }
}
