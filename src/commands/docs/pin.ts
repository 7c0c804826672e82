import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dryRunFlag, forgeFlags, manifestFlag, reposFlag} from '../../triage/cli-support.js'
import type {PinDocsResult} from '../../docs-versioning/pin.js'

export default class DocsPin extends BaseCommand<typeof DocsPin> {
  static override summary =
    "Pin each repository's Sphinx intersphinx links to a release, one pull request per repository."
  static override description = `In each repository's conf.py, rewrites the version of intersphinx links to aligned Flyte docs projects to the release's Major.Minor slug (default v{major}.{minor}), puts independent projects on latest, and leaves third-party entries, comments and every other byte unchanged. Given X.Y.Z it also sets a literal \`release = "X.Y.Z"\`. The edit is checked with python3, committed on branch docs-pin-<slug> and proposed as a pull request against --base (default: the repository's default branch). Re-running makes no writes.`
  static override examples = [
    '<%= config.bin %> docs pin 1.16 --repo flyteorg/flyte --repo flyteorg/flytekit --dry-run',
    '<%= config.bin %> docs pin 1.16.0 --repo flyteorg/flytekit --base release-v1.16 --aligned flyte --aligned flytekit',
  ]
  static override args = {
    version: Args.string({description: 'X.Y (links only) or X.Y.Z (links and release =)', required: true}),
  }
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    ...dryRunFlag,
    ...reposFlag,
    base: Flags.string({description: 'Branch to pin, e.g. release-v1.16 (default: each repository’s default branch)'}),
    'conf-path': Flags.string({
      description: 'conf.py path (default: docs/conf.py, docs/source/conf.py, rsts/conf.py, doc/conf.py)',
    }),
    aligned: Flags.string({
      description:
        'Docs project that follows the aligned release (repeatable; default: the manifest’s aligned components, else flyte, flytekit, flyteidl)',
      multiple: true,
    }),
    'slug-format': Flags.string({description: 'Docs version slug', default: 'v{major}.{minor}'}),
  }

  async run(): Promise<PinDocsResult> {
    const [{pinDocs, requireDocsVersion}, support] = await Promise.all([
      import('../../docs-versioning/pin.js'),
      import('../../triage/cli-support.js'),
    ])
    requireDocsVersion(this.args.version) // bad input is reported before asking for credentials
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repos = targets.repos
    const forge = await (
      await import('../../triage/open-forge.js')
    ).openForge(this.flags, {readOnly: this.flags['dry-run']})
    const result = await support.forgeCall(
      pinDocs(forge, {
        repos: repos.map((repo) => ({repo, base: this.flags.base, confPath: this.flags['conf-path']})),
        version: this.args.version,
        aligned: this.flags.aligned ?? targets.alignedDocs,
        slugFormat: this.flags['slug-format'],
        dryRun: this.flags['dry-run'],
      }),
    )
    for (const r of result.repos) {
      const pinned = r.entries.filter((e) => e.status === 'pinned').map((e) => `${e.key}: ${e.before} → ${e.after}`)
      const release = r.release?.status === 'set' ? [`release: ${r.release.before} → ${r.release.after}`] : []
      this.out(
        `${r.repo}: ${r.status}${r.confPath ? ` (${r.confPath} on ${r.base})` : ''}${r.pull ? ` ${r.pull.url}` : ''}`,
      )
      for (const line of [...pinned, ...release]) this.out(`  ${line}`)
      for (const note of r.notes) this.note(`  ${r.repo}: ${note}`)
      if (r.error) this.note(`  ${r.repo}: ${r.error}`)
    }
    this.note(`API reads ${result.api.reads}, writes ${result.api.writes}`)
    if (!result.ok) {
      const {CliError} = await import('../../cli/errors.js')
      const failed = result.repos.filter((r) => r.status === 'failed')
      throw new CliError(
        'partial-failure',
        `docs pin failed in ${failed.map((r) => `${r.repo} (${r.error})`).join(', ')}`,
        {
          hint: 'Fix the cause and re-run: repositories already done are not touched again.',
          details: result,
        },
      )
    }
    return result
  }
}
