import {Flags} from '@oclif/core'
import {offlineFlags, ReleaseCommand, releaseFlags} from '../../release/cli.js'
import type {LintFinding} from '../../release/inspect.js'

export default class ReleaseLint extends ReleaseCommand<typeof ReleaseLint> {
  static override summary = 'Check tags, docs versions, Helm charts and changelogs against the manifest.'
  static override description = `Finds: tags no component can read (with the reason; none is skipped), malformed tags (no v, the other scheme's spelling, a doubled prefix), versions tagged twice with different spellings, docs \`release =\` not matching the latest tag, a chart appVersion that disagrees with the release, release and beta tags without their changelog file at the tag, aligned components out of step; and, as warnings, values.yaml markers that match nothing and root tags of another line (Flyte 2's v2.x when the manifest's branch is master). Exits 5 when an error is found, or a warning under --strict.`
  static override examples = [
    '<%= config.bin %> release lint',
    '<%= config.bin %> release lint --strict --json',
    '<%= config.bin %> release lint --repo-path .',
  ]
  static override flags = {
    ...releaseFlags,
    ...offlineFlags,
    'changelog-depth': Flags.integer({
      description: 'check the changelogs of only this many latest release and beta tags (default: all)',
      min: 0,
      max: 1000,
    }),
    strict: Flags.boolean({description: 'warnings fail too'}),
  }

  async run(): Promise<LintFinding[]> {
    const [manifest, {releaseLint}, {CliError}] = await Promise.all([
      this.manifest(),
      import('../../release/inspect.js'),
      import('../../cli/errors.js'),
    ])
    const forge = await this.forge(true)
    const findings = await releaseLint(forge, manifest, {changelogDepth: this.flags['changelog-depth']})
    this.out(
      findings.map((f) => `${f.severity.padEnd(7)}  ${f.rule}  ${f.repository}  ${f.message}`).join('\n') ||
        'no findings',
    )
    this.offlineNotes()
    const failing = findings.filter((f) => f.severity === 'error' || this.flags.strict)
    if (failing.length > 0) {
      throw new CliError('conflict', `release lint found ${failing.length} problem(s)`, {
        hint: 'Fix them, or adjust the release manifest if it is the one that is wrong.',
        details: findings,
      })
    }
    return findings
  }
}
