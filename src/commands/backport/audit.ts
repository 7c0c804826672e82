import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags} from '../../forge/cli.js'
import type {AuditReport} from '../../backport/audit.js'

export default class BackportAudit extends BaseCommand<typeof BackportAudit> {
  static override summary = 'List merged fixes missing from the supported release branches.'
  static override description = `Looks at merged PRs on each repository's default branch that carry a fix label (fix, bug, security by default) or a backport label, works out their targets as \`flytectl backport\` would (the previous release branch, two back for security), and reports those not found on a supported release branch (by -x trailer, patch-id or "(#PR)" in a commit title). Reads only. Exit 8 when something is missing.`
  static override examples = [
    '<%= config.bin %> backport audit --repo flyteorg/flyte --repo flyteorg/flytekit',
    '<%= config.bin %> backport audit --manifest templates/release.yaml --json',
  ]
  static override flags = {
    repo: Flags.string({char: 'R', description: 'owner/name (repeatable)', multiple: true}),
    manifest: Flags.string({description: 'YAML file with a repos: list (or a release manifest)'}),
    ...forgeFlags,
    'cache-dir': Flags.string({description: 'clone cache (default: $XDG_CACHE_HOME/flytectl/repos)'}),
  }

  async run(): Promise<AuditReport> {
    const [{backportContext, loadBackportConfig, renderAudit}, {auditBackports, reposFromManifest}, {CliError}] =
      await Promise.all([
        import('../../backport/context.js'),
        import('../../backport/audit.js'),
        import('../../cli/errors.js'),
      ])
    const config = await loadBackportConfig(await this.loadConfig())
    const repos = [...(this.flags.repo ?? [])]
    let formats = {}
    if (this.flags.manifest) {
      const {readManifestDoc} = await import('../../backport/context.js')
      const {manifestFormats} = await import('../../backport/config.js')
      const doc = await readManifestDoc(this.flags.manifest)
      for (const r of reposFromManifest(doc)) if (!repos.includes(r)) repos.push(r)
      formats = manifestFormats(doc, `manifest ${this.flags.manifest}`)
    }
    if (repos.length === 0) {
      throw new CliError('usage', 'no repositories to audit', {hint: 'Pass --repo owner/name or --manifest <file>.'})
    }
    const ctx = await backportContext(this.flags, {readOnly: true})
    const report = await auditBackports({repos, config, formats}, {...ctx, note: (l) => this.note(l)})
    this.out(await renderAudit(report))
    if (report.findings.length > 0) {
      throw new CliError('partial-failure', `${report.findings.length} fix(es) missing from release branches`, {
        hint: 'Backport them with `flytectl backport <PR> --repo <repo>`.',
        details: report,
      })
    }
    return report
  }
}
