import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dryRunFlag, forgeFlags, manifestFlag} from '../../triage/cli-support.js'
import type {LabelResult} from '../../triage/label.js'

export default class TriageLabel extends BaseCommand<typeof TriageLabel> {
  static override summary = 'Label open issues that have no triage decision as untriaged.'
  static override description = `An issue has a triage decision when it is in a milestone or has an assignee (removing "untriaged" requires one). Labels the issue forms add (bug, enhancement, documentation, …) are not a decision. Issues with an exempt label (default: housekeeping, whose form files without "untriaged") are left alone. Re-running makes no writes.`
  static override examples = [
    '<%= config.bin %> triage label --repo flyteorg/flyte --dry-run',
    '<%= config.bin %> triage label --repo flyteorg/flyte --issue 6123',
  ]
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    ...dryRunFlag,
    repo: Flags.string({description: 'Repository owner/name (default: the manifest, else $GITHUB_REPOSITORY)'}),
    issue: Flags.integer({description: 'Only this issue (for the "issues: opened" event)', min: 1, max: 2147483647}),
    'exempt-label': Flags.string({description: 'Issues with this label are left alone (repeatable)', multiple: true}),
    label: Flags.string({description: 'The triage label', default: 'untriaged'}),
  }

  async run(): Promise<LabelResult> {
    const [{runLabel}, {describeStep}, support] = await Promise.all([
      import('../../triage/label.js'),
      import('../../triage/steps.js'),
      import('../../triage/cli-support.js'),
    ])
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repo = targets.primary
    const forge = await (await import('../../triage/open-forge.js')).openForge(this.flags)
    const result = await support.forgeCall(
      runLabel(forge, {
        repo,
        dryRun: this.flags['dry-run'],
        issue: this.flags.issue,
        label: this.flags.label,
        ...(this.flags['exempt-label'] ? {exempt: this.flags['exempt-label']} : {}),
      }),
    )
    for (const step of result.steps) this.out(`${result.dryRun ? 'would ' : ''}${describeStep(step)}`)
    const labelled = result.steps.filter((s) => s.kind === 'add-label').length
    this.note(
      `${repo}: ${labelled} of ${result.scanned} open issue(s) ${result.dryRun ? 'need' : 'got'} "${this.flags.label}" (API reads ${result.api.reads}, writes ${result.api.writes})`,
    )
    support.failOnFailedSteps(result, 'triage label', describeStep)
    return result
  }
}
