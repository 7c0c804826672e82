import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dryRunFlag, forgeFlags, manifestFlag} from '../../triage/cli-support.js'
import type {StaleResult} from '../../triage/stale.js'

export default class TriageStale extends BaseCommand<typeof TriageStale> {
  static override summary = 'Mark, unmark and close stale issues and pull requests, counting only human activity.'
  static override description = `Events by bots (GitHub Apps, [bot] logins, --bot logins) and changes of the stale label do not count as activity, so the tool's own label and notice never keep an item alive. Items labelled untriaged or security, and items in a milestone, are never marked and never closed. Defaults follow Flyte's stale workflow: issues 90 days to stale and 7 more to close, pull requests 270 and 14. Re-running makes no writes.`
  static override examples = [
    '<%= config.bin %> triage stale --repo flyteorg/flyte --dry-run',
    '<%= config.bin %> triage stale --repo flyteorg/flyte --bot flyte-bot --exempt-label enhancement',
  ]
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    ...dryRunFlag,
    repo: Flags.string({description: 'Repository owner/name (default: the manifest, else $GITHUB_REPOSITORY)'}),
    'days-before-stale': Flags.integer({
      description: 'Idle days before an issue is marked',
      default: 90,
      min: 1,
      max: 36500,
    }),
    'days-before-close': Flags.integer({
      description: 'Days after marking before an issue is closed',
      default: 7,
      min: 1,
      max: 36500,
    }),
    'days-before-pr-stale': Flags.integer({
      description: 'Idle days before a pull request is marked',
      default: 270,
      min: 1,
      max: 36500,
    }),
    'days-before-pr-close': Flags.integer({
      description: 'Days after marking before a pull request is closed',
      default: 14,
      min: 1,
      max: 36500,
    }),
    'exempt-label': Flags.string({
      description: 'Never mark items with this label (repeatable; untriaged and security always)',
      multiple: true,
    }),
    bot: Flags.string({description: 'Also treat this login as a bot (repeatable)', multiple: true}),
    'skip-pulls': Flags.boolean({description: 'Only issues', default: false}),
    'mark-only': Flags.boolean({description: 'Mark and unmark, never close', default: false}),
  }

  async run(): Promise<StaleResult> {
    const [{runStale}, {describeStep}, support] = await Promise.all([
      import('../../triage/stale.js'),
      import('../../triage/steps.js'),
      import('../../triage/cli-support.js'),
    ])
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repo = targets.primary
    const forge = await (await import('../../triage/open-forge.js')).openForge(this.flags)
    const result = await support.forgeCall(
      runStale(forge, {
        repo,
        dryRun: this.flags['dry-run'],
        daysBeforeStale: this.flags['days-before-stale'],
        daysBeforeClose: this.flags['days-before-close'],
        daysBeforePrStale: this.flags['days-before-pr-stale'],
        daysBeforePrClose: this.flags['days-before-pr-close'],
        exemptLabels: this.flags['exempt-label'],
        bots: this.flags.bot,
        includePulls: !this.flags['skip-pulls'],
        markOnly: this.flags['mark-only'],
      }),
    )
    for (const step of result.steps)
      if (step.kind !== 'comment') this.out(`${result.dryRun ? 'would ' : ''}${describeStep(step)}`)
    const count = (a: string) => result.decisions.filter((d) => d.action === a).length
    this.note(
      `${repo}: ${result.scanned} open item(s), ${result.timelinesRead} timeline(s) read; mark ${count('mark')}, unmark ${count('unmark')}, close ${count('close')} (API reads ${result.api.reads}, writes ${result.api.writes})`,
    )
    support.failOnFailedSteps(result, 'triage stale', describeStep)
    return result
  }
}
