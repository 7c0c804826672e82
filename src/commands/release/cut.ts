import {Args} from '@oclif/core'
import {applyFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {ReleaseReport} from '../../release/types.js'

export default class ReleaseCut extends ReleaseCommand<typeof ReleaseCut> {
  static override summary = 'Cut a minor release across the aligned components.'
  static override description = `Creates the release branch (release-vX.Y) in every repository with aligned components, one bump commit there (Helm charts, values.yaml image tags, docs release =, package versions), the changelog from merged pull requests, the tags of every aligned component at that commit, the GitHub release, rolls the milestone over as \`triage milestones --rollover\` does (next one created, open issues and pull requests moved, this one closed), and opens one docs-pin pull request per repository with a conf.py against the new release branch, as \`docs pin\` does (aligned projects' intersphinx links on vX.Y, others on latest, \`release =\` set; conf.py from the component's \`docs\` key in the manifest, else detected).

Every step checks the remote before it writes; a re-run after success writes nothing. A run that stops part-way is recorded in a journal: finish it with --resume or drop it with --abort. Exits 8 when a planned step did not happen.`
  static override examples = [
    '<%= config.bin %> release cut 1.17.0 --dry-run',
    '<%= config.bin %> release cut 1.17.0',
    '<%= config.bin %> release cut 1.17.0 --resume',
  ]
  static override args = {version: Args.string({description: 'the minor release, X.Y.0', required: true})}
  static override flags = {...releaseFlags, ...applyFlags}

  async run(): Promise<ReleaseReport> {
    return this.runTrain({command: 'cut', version: this.args.version})
  }
}
