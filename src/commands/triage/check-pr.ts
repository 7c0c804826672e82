import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags, manifestFlag} from '../../triage/cli-support.js'
import type {CheckPrResult} from '../../triage/check-pr.js'

export default class TriageCheckPr extends BaseCommand<typeof TriageCheckPr> {
  static override summary = 'Check that a pull request links an issue, and a large one a proposal.'
  static override description = `Passes when the PR closes an issue (GitHub's closing references or a closing keyword such as "Closes #123") or names one in its "Tracking issue" section, and, when it changes more lines than --max-lines, links a proposal (an rfc/ document, a discussion, an "RFC:" line, or a linked issue labelled rfc/proposal). Fails with exit 1 and, in GitHub Actions, an ::error annotation. PRs by bots are exempt.`
  static override examples = ['<%= config.bin %> triage check-pr 6123 --repo flyteorg/flyte']
  static override args = {pr: Args.string({description: 'Pull request number', required: true})}
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    repo: Flags.string({description: 'Repository owner/name (default: the manifest, else $GITHUB_REPOSITORY)'}),
    'max-lines': Flags.integer({
      description: 'Lines changed above which a proposal is required',
      default: 1000,
      min: 0,
      max: 2147483647,
    }),
    'exempt-label': Flags.string({description: 'PRs with this label skip the check (repeatable)', multiple: true}),
    bot: Flags.string({description: 'Also treat this login as a bot (repeatable)', multiple: true}),
  }

  async run(): Promise<CheckPrResult> {
    const [{runCheckPr}, support] = await Promise.all([
      import('../../triage/check-pr.js'),
      import('../../triage/cli-support.js'),
    ])
    const pull = (await import('../../cli/validate-forge.js')).pullNumber(this.args.pr)
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repo = targets.primary
    const forge = await (await import('../../triage/open-forge.js')).openForge(this.flags)
    const result = await support.forgeCall(
      runCheckPr(forge, {
        repo,
        pull,
        maxLines: this.flags['max-lines'],
        exemptLabels: this.flags['exempt-label'],
        bots: this.flags.bot,
      }),
    )
    if (result.exempt) this.out(`PR #${result.pull}: exempt (${result.exempt})`)
    else if (result.ok) {
      const links = result.links.map((l) => `${l.repo}#${l.number} (${l.via})`).join(', ')
      this.out(`PR #${result.pull}: links ${links}${result.proposal ? `; proposal ${result.proposal}` : ''}`)
    }
    if (result.ok) return result
    for (const problem of result.problems) {
      process.stdout.write(
        (support.inGitHubActions() ? support.annotation('error', problem, 'PR check') : `Error: ${problem}`) + '\n',
      )
    }
    if (this.jsonEnabled()) this.logJson({ok: false, command: this.id, result})
    return this.exit(1)
  }
}
