import {Args, Flags} from '@oclif/core'
import {applyFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {ReleaseReport} from '../../release/types.js'

export default class ReleasePatch extends ReleaseCommand<typeof ReleasePatch> {
  static override summary = 'Release the next patch (or beta patch) from release-vX.Y.'
  static override description = `Each component gets its own next patch on the release branch (no alignment across components): X.Y.Z → X.Y.(Z+1); with --beta, X.Y.(Z+1)b0 first (then b1 …), which the next plain patch promotes. The release repository also gets the bump commit, the changelog (from the previous stable release of the line), the GitHub release and its milestone closed. A component on its own line (\`aligned: false\`, such as flytectl) is patched on that line at its default branch head: \`release patch --component flytectl\` needs no X.Y.`
  static override examples = [
    '<%= config.bin %> release patch 1.16 --beta',
    '<%= config.bin %> release patch 1.16',
    '<%= config.bin %> release patch --component flytectl',
  ]
  static override args = {
    line: Args.string({description: 'the minor line, X.Y (not needed for components on their own line)'}),
  }
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
