import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dryRunFlag, forgeFlags, manifestFlag} from '../../triage/cli-support.js'
import type {StaleResult} from '../../triage/stale.js'

export default class TriageStale extends BaseCommand<typeof TriageStale> {
  static override summary = 'Mark, unmark and close stale issues and pull requests, counting only human activity.'
  static override description = `Events by bots (GitHub Apps, [bot] logins, --bot logins) and changes of the stale label do not count as activity, so the tool's own label and notice never keep an item alive. Items labelled untriaged or security, and items in a milestone, are never marked and never closed. Passes come from the manifest's triage.stale.passes; the default is Flyte's stale workflow: issues 90 days to stale and 7 more to close (not untriaged or enhancement ones), pull requests 270 and 14 (not review-needed or work-in-progress ones), then enhancements 270 and 14. Each item belongs to the first pass that takes it. Any --days-* flag runs one pass from the flags instead. --dry-run writes nothing; re-running makes no writes.`
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
      description: 'Idle days before an issue is marked (one pass from the flags)',
      min: 1,
      max: 36500,
    }),
    'days-before-close': Flags.integer({
      description: 'Days after marking before an issue is closed (one pass from the flags)',
      min: 1,
      max: 36500,
    }),
    'days-before-pr-stale': Flags.integer({
      description: 'Idle days before a pull request is marked (one pass from the flags)',
      min: 1,
      max: 36500,
    }),
    'days-before-pr-close': Flags.integer({
      description: 'Days after marking before a pull request is closed (one pass from the flags)',
      min: 1,
      max: 36500,
    }),
    'exempt-label': Flags.string({
      description: 'Never mark items with this label, in every pass (repeatable; untriaged and security always)',
      multiple: true,
    }),
    bot: Flags.string({description: 'Also treat this login as a bot (repeatable)', multiple: true}),
    'skip-pulls': Flags.boolean({description: 'Only issues', default: false}),
    'mark-only': Flags.boolean({description: 'Mark and unmark, never close', default: false}),
    'operations-per-run': Flags.integer({
      description:
        'Most writes per run, oldest items first; the rest wait for the next run (default: the manifest, else 500)',
      min: 1,
      max: 100000,
    }),
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
    const {FLYTE_STALE_PASSES, FLYTE_OPERATIONS_PER_RUN} = await import('../../triage/stale.js')
    const f = this.flags
    const fromFlags = [
      f['days-before-stale'],
      f['days-before-close'],
      f['days-before-pr-stale'],
      f['days-before-pr-close'],
    ].some((v) => v !== undefined)
    const exempt = f['exempt-label'] ?? []
    const passes = fromFlags
      ? undefined
      : (targets.stalePasses ?? FLYTE_STALE_PASSES).map((p) => ({
          ...p,
          exemptIssueLabels: [...(p.exemptIssueLabels ?? []), ...exempt],
          exemptPrLabels: [...(p.exemptPrLabels ?? []), ...exempt],
          ...(f['mark-only'] ? {markOnly: true} : {}),
          ...(f['skip-pulls'] ? {skipPulls: true} : {}),
        }))
    const result = await support.forgeCall(
      runStale(forge, {
        repo,
        dryRun: f['dry-run'],
        daysBeforeStale: f['days-before-stale'],
        daysBeforeClose: f['days-before-close'],
        daysBeforePrStale: f['days-before-pr-stale'],
        daysBeforePrClose: f['days-before-pr-close'],
        exemptLabels: exempt,
        bots: f.bot,
        includePulls: !f['skip-pulls'],
        markOnly: f['mark-only'],
        ...(passes ? {passes} : {}),
        operationsPerRun: f['operations-per-run'] ?? targets.staleOperationsPerRun ?? FLYTE_OPERATIONS_PER_RUN,
      }),
    )
    for (const step of result.steps)
      if (step.kind !== 'comment') this.out(`${result.dryRun ? 'would ' : ''}${describeStep(step)}`)
    const count = (a: string) => result.decisions.filter((d) => d.action === a).length
    this.note(
      `${repo}: ${passes ? `passes ${passes.map((p) => p.name).join(', ')}; ` : ''}${result.scanned} open item(s), ${result.timelinesRead} timeline(s) read; mark ${count('mark')}, unmark ${count('unmark')}, close ${count('close')} (API reads ${result.api.reads}, writes ${result.api.writes})`,
    )
    if (result.deferred.length > 0)
      this.note(
        `${result.deferred.length} item(s) wait for the next run (operations per run: ${f['operations-per-run'] ?? targets.staleOperationsPerRun ?? FLYTE_OPERATIONS_PER_RUN}): ${result.deferred.map((n) => `#${n}`).join(', ')}`,
      )
    support.failOnFailedSteps(result, 'triage stale', describeStep)
    return result
  }
}
