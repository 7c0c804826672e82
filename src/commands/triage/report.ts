import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags, manifestFlag} from '../../triage/cli-support.js'
import type {TriageReport} from '../../triage/report.js'

export default class TriageReportCommand extends BaseCommand<typeof TriageReportCommand> {
  static override summary = 'Report untriaged and unassigned issues, themes, components and slipping milestones.'
  static override description = `Prints Markdown (or the data with --json). Themes: bugs, security, docs, features, plugins, scale, contribute. Components: every other label that is not a process label, or the ones given with --component. In GitHub Actions the Markdown is also appended to the job summary ($GITHUB_STEP_SUMMARY). Read-only.`
  static override examples = [
    '<%= config.bin %> triage report --repo flyteorg/flyte',
    '<%= config.bin %> triage report --repo flyteorg/flyte --json',
  ]
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    repo: Flags.string({description: 'Repository owner/name (default: the manifest, else $GITHUB_REPOSITORY)'}),
    component: Flags.string({
      description: 'Component label to count (repeatable; default: all non-theme labels)',
      multiple: true,
    }),
    limit: Flags.integer({description: 'Issues listed per section', default: 20, min: 0, max: 1000}),
    'due-soon-days': Flags.integer({
      description: 'A milestone due within this many days is "due soon"',
      default: 14,
      min: 0,
      max: 3650,
    }),
  }

  async run(): Promise<TriageReport> {
    const [{runReport, renderReportMarkdown}, support] = await Promise.all([
      import('../../triage/report.js'),
      import('../../triage/cli-support.js'),
    ])
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repo = targets.primary
    const forge = await (await import('../../triage/open-forge.js')).openForge(this.flags, {readOnly: true})
    const report = await support.forgeCall(
      runReport(forge, {
        repo,
        dueSoonDays: this.flags['due-soon-days'],
        ...(this.flags.component ? {components: this.flags.component} : {}),
      }),
    )
    const markdown = renderReportMarkdown(report, this.flags.limit)
    this.out(markdown)
    const summary = await support.appendStepSummary(markdown)
    if (summary) this.note(`Appended the report to the job summary (${summary}).`)
    this.note(`API reads ${report.api.reads}, writes ${report.api.writes}`)
    return report
  }
}
