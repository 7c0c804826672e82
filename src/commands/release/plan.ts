import {Args, Flags} from '@oclif/core'
import {offlineFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {ReleasePlan} from '../../release/types.js'

export default class ReleasePlanCommand extends ReleaseCommand<typeof ReleasePlanCommand> {
  static override summary = 'Show the plan for cutting a release (read-only).'
  static override description = `Reads tags, branches, files, merged pull requests and milestones, and prints every step \`release cut\` would take, per repository. Nothing is written. --json prints the plan as data. With --repo-path (or file:// repositories in the manifest) it reads local clones with git alone; pull requests and milestones are then skipped with a note.`
  static override examples = ['<%= config.bin %> release plan 1.17.0', '<%= config.bin %> release plan 1.17.0 --json']
  static override args = {version: Args.string({description: 'the minor release, X.Y.0', required: true})}
  static override flags = {
    ...releaseFlags,
    ...offlineFlags,
    strict: Flags.boolean({description: 'a values.yaml marker that matches nothing is an error (default: a warning)'}),
  }

  async run(): Promise<ReleasePlan> {
    const [manifest, {checkRequest, makePlan, renderPlanText}] = await Promise.all([
      this.manifest(),
      import('../../release/service.js'),
    ])
    checkRequest({command: 'cut', version: this.args.version})
    const forge = await this.forge(true)
    const plan = await makePlan(forge, manifest, {command: 'cut', version: this.args.version}, new Date(), {
      strict: this.flags.strict,
    })
    this.out(renderPlanText(plan))
    this.offlineNotes()
    return plan
  }
}
