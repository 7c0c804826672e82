import {Flags} from '@oclif/core'
import {ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {LintFinding} from '../../release/inspect.js'

export default class ReleaseLint extends ReleaseCommand<typeof ReleaseLint> {
  static override summary = 'Check tags, docs versions, Helm markers and changelogs against the manifest.'
  static override description = `Finds: malformed tags (no v, the other scheme's spelling, a doubled prefix), versions tagged twice with different spellings, docs \`release =\` not matching the latest tag, values.yaml markers that match nothing, recent releases without a changelog file, and aligned components out of step. Exits 5 when anything is found.`
  static override examples = ['<%= config.bin %> release lint', '<%= config.bin %> release lint --json']
  static override flags = {
    ...releaseFlags,
    'changelog-depth': Flags.integer({
      description: 'check changelogs of this many latest releases',
      default: 5,
      min: 0,
      max: 1000,
    }),
  }

  async run(): Promise<LintFinding[]> {
    const [manifest, {releaseLint}, {CliError}] = await Promise.all([
      this.manifest(),
      import('../../release/inspect.js'),
      import('../../cli/errors.js'),
    ])
    const forge = await this.forge()
    const findings = await releaseLint(forge, manifest, {changelogDepth: this.flags['changelog-depth']})
    this.out(findings.map((f) => `${f.rule}  ${f.repository}  ${f.message}`).join('\n') || 'no findings')
    if (findings.length > 0) {
      throw new CliError('conflict', `release lint found ${findings.length} problem(s)`, {
        hint: 'Fix them, or adjust the release manifest if it is the one that is wrong.',
        details: findings,
      })
    }
    return findings
  }
}
