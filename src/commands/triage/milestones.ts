import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dryRunFlag, forgeFlags, manifestFlag} from '../../triage/cli-support.js'
import type {MilestonesResult} from '../../triage/milestones.js'

export default class TriageMilestones extends BaseCommand<typeof TriageMilestones> {
  static override summary = 'Create the next release milestone, or roll a released one over to the next.'
  static override description = `Without --rollover: make sure the milestone of the release after the last closed one exists, due one cadence (default a quarter) after it. With --rollover <milestone>: move its open issues and pull requests to the next milestone (--to, or the next minor, created if missing), close it, and report what slipped. Re-running makes no writes.`
  static override examples = [
    '<%= config.bin %> triage milestones --repo flyteorg/flyte',
    '<%= config.bin %> triage milestones --repo flyteorg/flyte --rollover 1.16.0 --dry-run',
    '<%= config.bin %> triage milestones --repo flyteorg/flyte --rollover 1.16.0 --to 1.17.0',
  ]
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    ...dryRunFlag,
    repo: Flags.string({description: 'Repository owner/name (default: the manifest, else $GITHUB_REPOSITORY)'}),
    rollover: Flags.string({description: 'The released milestone to close after moving its open items'}),
    to: Flags.string({
      description: 'Milestone the open items move to (default: the next minor)',
      dependsOn: ['rollover'],
    }),
    title: Flags.string({description: 'Title of the milestone to create (default: from the last closed one)'}),
    due: Flags.string({description: 'Due date YYYY-MM-DD (default: from the cadence)'}),
    'cadence-months': Flags.integer({
      description: 'Months between releases (default: the manifest cadence, else 3)',
      min: 1,
      max: 120,
    }),
  }

  async run(): Promise<MilestonesResult> {
    const [{runMilestones}, {describeStep}, support] = await Promise.all([
      import('../../triage/milestones.js'),
      import('../../triage/steps.js'),
      import('../../triage/cli-support.js'),
    ])
    const {calendarDate, titleText} = await import('../../cli/validate-forge.js')
    for (const flag of ['rollover', 'to', 'title'] as const)
      if (this.flags[flag] !== undefined) titleText(this.flags[flag], `--${flag}`)
    const due = this.flags.due === undefined ? undefined : calendarDate(this.flags.due, '--due')
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repo = targets.primary
    const forge = await (await import('../../triage/open-forge.js')).openForge(this.flags)
    const result = await support.forgeCall(
      runMilestones(forge, {
        repo,
        dryRun: this.flags['dry-run'],
        cadence: {
          months: this.flags['cadence-months'] ?? targets.cadenceMonths ?? 3,
          ...(targets.milestoneFormat ? {titleFormat: targets.milestoneFormat} : {}),
        },
        rollover: this.flags.rollover,
        to: this.flags.to,
        title: this.flags.title,
        ...(due ? {dueOn: `${due}T00:00:00Z`} : {}),
      }),
    )
    for (const step of result.steps) this.out(`${result.dryRun ? 'would ' : ''}${describeStep(step)}`)
    for (const note of result.notes) this.note(note)
    if (result.rollover) {
      this.note(`${result.slipped.length} open item(s) slipped from ${result.rollover} to ${result.target?.title}`)
    } else if (result.target?.exists) this.note(`Milestone ${result.target.title} already exists.`)
    this.note(`API reads ${result.api.reads}, writes ${result.api.writes}`)
    support.failOnFailedSteps(result, 'triage milestones', describeStep)
    return result
  }
}
