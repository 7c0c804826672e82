import {Args, Flags} from '@oclif/core'
import {applyFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {ReleaseReport} from '../../release/types.js'

export default class ReleasePatch extends ReleaseCommand<typeof ReleasePatch> {
  static override summary = 'Release the next patch (or beta patch) from release-vX.Y.'
  static override description = `Each component gets its own next patch on the release branch (no alignment across components): X.Y.Z → X.Y.(Z+1); with --beta, X.Y.(Z+1)b0 first (then b1 …), which the next plain patch promotes. The release repository also gets the bump commit, the changelog, the GitHub release and its milestone closed.`
  static override examples = ['<%= config.bin %> release patch 1.16 --beta', '<%= config.bin %> release patch 1.16']
  static override args = {line: Args.string({description: 'the minor line, X.Y', required: true})}
  static override flags = {
    ...releaseFlags,
    ...applyFlags,
    beta: Flags.boolean({description: 'a beta patch (X.Y.Zb0) instead of the patch'}),
    component: Flags.string({description: 'only these components (repeatable)', multiple: true}),
  }

  async run(): Promise<ReleaseReport> {
    const {line} = this.args
    return this.runTrain({command: 'patch', line, beta: this.flags.beta, components: this.flags.component})
  }
}
