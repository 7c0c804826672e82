import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags} from '../../forge/cli.js'
import type {BackportReport} from '../../backport/model.js'

export default class Backport extends BaseCommand<typeof Backport> {
  static override summary = 'Cherry-pick merged pull requests onto release branches and open backport PRs.'
  static override description = `Targets come from --to, from labels such as "backport release-v1.13", or from policy: the newest release branch, the two newest for PRs labelled security. Picks run in a worktree of a cached blobless clone (squash, rebase-merged and merge-commit PRs); each target gets a branch backport-<PR>-to-<branch> and a PR titled "[<branch>] <title> (#<PR>)" unless the backport: settings (backportBranchName, prTitle) or the manifest's repositories.<repo>.backport say otherwise. Conflicts: --conflicts draft commits the markers into a draft PR labelled backport-conflict; abort opens nothing. Every step checks the remote first, so re-running makes no duplicate writes. Exit 8 when a target did not land.`
  static override examples = [
    '<%= config.bin %> backport 2813 --repo flyteorg/flytekit',
    '<%= config.bin %> backport 2813 2817 --to release-v1.13 --dry-run',
    '<%= config.bin %> backport --label needs-backport --repo flyteorg/flyte',
    '<%= config.bin %> backport --resume --repo flyteorg/flytekit',
    '<%= config.bin %> backport --event "$GITHUB_EVENT_PATH"',
  ]
  static override strict = false
  static override args = {pulls: Args.string({description: 'merged pull request numbers'})}
  static override flags = {
    repo: Flags.string({char: 'R', description: 'owner/name (default: $GITHUB_REPOSITORY)', env: 'GITHUB_REPOSITORY'}),
    label: Flags.string({description: 'backport every merged PR carrying this label'}),
    commit: Flags.string({description: 'backport this commit (repeatable)', multiple: true}),
    to: Flags.string({description: 'target branch (repeatable); overrides labels and policy', multiple: true}),
    conflicts: Flags.option({
      options: ['abort', 'draft'] as const,
      default: 'draft',
      description: 'what a conflicting pick does',
    })(),
    'dry-run': Flags.boolean({description: 'print the plan; write nothing'}),
    resume: Flags.boolean({description: 'continue the last unfinished run from its journal'}),
    continue: Flags.boolean({description: 'finish draft backports whose conflicts were fixed on their branch'}),
    event: Flags.string({description: 'bot mode: a GitHub pull_request event file ($GITHUB_EVENT_PATH)'}),
    manifest: Flags.string({
      char: 'm',
      description:
        "release manifest whose repositories.<repo>.backport names the repository's branch and title formats",
    }),
    ...forgeFlags,
    'cache-dir': Flags.string({description: 'clone cache (default: $XDG_CACHE_HOME/flytectl/repos)'}),
    'git-user': Flags.string({description: 'committer "Name <email>" (default: your git identity)'}),
  }

  async run(): Promise<BackportReport | {skipped: string}> {
    const [{argv}, {loadBackportConfig, renderReport, partialError}, {runBackportCommand, parsePullNumbers}] =
      await Promise.all([
        this.parse(Backport),
        import('../../backport/context.js'),
        import('../../backport/run-command.js'),
      ])
    const config = await loadBackportConfig(await this.loadConfig())
    const {'dry-run': dryRun, ...flags} = this.flags
    const input = {...flags, dryRun, pulls: parsePullNumbers(argv as string[])}
    const result = await runBackportCommand(input, config, (line) => this.note(line))
    // Workflow commands; under --json stdout carries only the envelope.
    for (const line of result.annotations) (this.jsonEnabled() ? process.stderr : process.stdout).write(line + '\n')
    if (result.kind === 'skipped') {
      this.note(`Nothing to backport: ${result.reason}.`)
      return {skipped: result.reason}
    }
    this.out(await renderReport(result.report))
    if (!result.ok) throw partialError(result.report)
    return result.report
  }
}
