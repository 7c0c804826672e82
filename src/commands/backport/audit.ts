import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags} from '../../forge/cli.js'
import type {AuditReport} from '../../backport/audit.js'

export default class BackportAudit extends BaseCommand<typeof BackportAudit> {
  static override summary = 'List merged fixes missing from the supported release branches.'
  static override description = `Looks at merged PRs on each repository's default branch that carry a fix label (fix, bug, security by default) or a backport label, works out their targets as \`flytectl backport\` would (the newest release branch, the two newest for security), and reports those not found on a supported release branch (by -x trailer, patch-id or "(#PR)" in a commit title). Combined backports count (a release-branch commit or backport PR naming several fixes). With --repo-path (or file:// repositories in the manifest) local clones are read in place with git alone: labels and PR metadata are then not read, so fixes are recognised by title (fix:, Fix…, [BUG]; security or CVE ids for security fixes) and open backport PRs are not listed. Reads only. Exit 8 when something is missing.`
  static override examples = [
    '<%= config.bin %> backport audit --repo flyteorg/flyte --repo flyteorg/flytekit',
    '<%= config.bin %> backport audit --manifest templates/release.yaml --json',
    '<%= config.bin %> backport audit --repo flyteorg/flytekit --repo-path .',
  ]
  static override flags = {
    repo: Flags.string({char: 'R', description: 'owner/name (repeatable)', multiple: true}),
    manifest: Flags.string({char: 'm', description: 'YAML file with a repos: list (or a release manifest)'}),
    ...forgeFlags,
    'cache-dir': Flags.string({description: 'clone cache (default: $XDG_CACHE_HOME/flytectl/repos)'}),
    'repo-path': Flags.string({
      description:
        'read a local clone in place instead of GitHub: DIR (with one --repo) or owner/name=DIR (repeatable); git alone, no token',
      multiple: true,
    }),
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
    const fileUrls: Record<string, string> = {}
    if (this.flags.manifest) {
      const {readManifestDoc} = await import('../../backport/context.js')
      const {manifestFormats} = await import('../../backport/config.js')
      const doc = await readManifestDoc(this.flags.manifest)
      for (const r of reposFromManifest(doc)) if (!repos.includes(r)) repos.push(r)
      formats = manifestFormats(doc, `manifest ${this.flags.manifest}`)
      const declared = (doc as {repositories?: Record<string, {url?: unknown}>} | null)?.repositories ?? {}
      for (const [slug, r] of Object.entries(declared))
        if (typeof r?.url === 'string' && r.url.startsWith('file://')) fileUrls[slug] = r.url
    }
    if (repos.length === 0) {
      throw new CliError('usage', 'no repositories to audit', {hint: 'Pass --repo owner/name or --manifest <file>.'})
    }
    const note = (l: string) => this.note(l)
    const given = this.flags['repo-path'] ?? []
    if (given.length > 0 || Object.keys(fileUrls).length > 0) {
      // Offline: git alone, no token, nothing cloned or fetched.
      const [{LocalGitForge, repoPathsFrom}, {openLocalRepo, createGitLayer}] = await Promise.all([
        import('../../forge/local-git.js'),
        import('../../git/git.js'),
      ])
      const {toCliError} = await import('../../cli/errors.js')
      let paths
      try {
        paths = repoPathsFrom(given, repos.length === 1 ? repos[0] : undefined, fileUrls)
      } catch (err) {
        throw toCliError(err)
      }
      const offline = repos.filter((r) => paths[r] !== undefined)
      const left = repos
        .filter((r) => !paths[r])
        .map((r) => `${r}: no local clone given; not audited (--repo-path ${r}=DIR)`)
      if (offline.length === 0)
        throw new CliError('usage', 'no local clone for any repository to audit', {
          hint: 'Pass --repo-path owner/name=DIR for the repositories to audit.',
        })
      const forge = new LocalGitForge(paths)
      const local = Object.fromEntries(offline.map((r) => [r, openLocalRepo(paths[r]!)]))
      const git = createGitLayer({cacheDir: this.flags['cache-dir']})
      const report = await auditBackports({repos: offline, config, formats}, {forge, git, local, note})
      report.notes = [
        ...left,
        'offline: labels and pull request metadata not read; fixes recognised by title, open backport PRs not listed',
      ]
      for (const line of report.notes) note(line)
      forge.close()
      return this.finish(report, renderAudit, CliError)
    }
    const ctx = await backportContext(this.flags, {readOnly: true})
    const report = await auditBackports({repos, config, formats}, {...ctx, note})
    return this.finish(report, renderAudit, CliError)
  }

  private async finish(
    report: AuditReport,
    renderAudit: (r: AuditReport) => Promise<string>,
    CliError: typeof import('../../cli/errors.js').CliError,
  ): Promise<AuditReport> {
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
