import {Flags} from '@oclif/core'
import {applyFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {ReleaseReport} from '../../release/types.js'

export default class ReleaseBeta extends ReleaseCommand<typeof ReleaseBeta> {
  static override summary = 'Tag the next beta of each component at its default branch head.'
  static override description = `After release X.Y.Z the next beta is X.(Y+1).0b0, then b1, … (spelled per component: v1.4.0-b0 for semver, v1.4.0b0 for PEP 440). A head that is already tagged is left alone, so CI can run this on every merge (in a repository's workflow, pass --repository $GITHUB_REPOSITORY to tag only its components).`
  static override examples = [
    '<%= config.bin %> release beta',
    '<%= config.bin %> release beta --component flytekit --dry-run',
    '<%= config.bin %> release beta --repository flyteorg/flyte',
  ]
  static override flags = {
    ...releaseFlags,
    'dry-run': applyFlags['dry-run'],
    component: Flags.string({description: 'only these components (repeatable)', multiple: true}),
    repository: Flags.string({description: 'only the components in this repository (repeatable)', multiple: true}),
  }

  async run(): Promise<ReleaseReport> {
    const {component, repository} = this.flags
    return this.runTrain({command: 'beta', components: component, repositories: repository})
  }
}
