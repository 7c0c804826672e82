import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags, manifestFlag, reposFlag} from '../../triage/cli-support.js'
import type {DocsCheckResult} from '../../docs-versioning/check.js'

export default class DocsCheck extends BaseCommand<typeof DocsCheck> {
  static override summary = 'Report docs-version drift on a release branch or tag.'
  static override description = `Reads conf.py at --ref in each repository and reports what \`docs pin\` would change: aligned intersphinx links not pinned to the release's slug, independent ones not on latest, and a literal \`release =\` that does not match the tag. The release comes from --version or the ref's name (release-v1.16 → 1.16, v1.16.0 → 1.16.0). Exit 1 on drift (with ::error annotations in GitHub Actions). Read-only.`
  static override examples = [
    '<%= config.bin %> docs check --ref release-v1.16 --repo flyteorg/flyte --repo flyteorg/flytekit',
    '<%= config.bin %> docs check --ref v1.16.0 --repo flyteorg/flyte',
  ]
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    ...reposFlag,
    ref: Flags.string({description: 'Release branch or tag to check', required: true}),
    version: Flags.string({description: 'Release version (default: from --ref)'}),
    'conf-path': Flags.string({
      description: 'conf.py path (default: docs/conf.py, docs/source/conf.py, rsts/conf.py, doc/conf.py)',
    }),
    aligned: Flags.string({description: 'Docs project that follows the aligned release (repeatable)', multiple: true}),
    'slug-format': Flags.string({description: 'Docs version slug', default: 'v{major}.{minor}'}),
    'repo-path': Flags.string({
      description:
        'read a local clone instead of GitHub: DIR (with one --repo) or owner/name=DIR (repeatable); git alone, no token',
      multiple: true,
    }),
  }

  async run(): Promise<DocsCheckResult> {
    const [{checkDocs}, support] = await Promise.all([
      import('../../docs-versioning/check.js'),
      import('../../triage/cli-support.js'),
    ])
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repos = targets.repos
    let forge
    if (this.flags['repo-path']?.length) {
      const {LocalGitForge, repoPathsFrom} = await import('../../forge/local-git.js')
      forge = new LocalGitForge(repoPathsFrom(this.flags['repo-path'], repos.length === 1 ? repos[0] : undefined))
    } else {
      forge = await (await import('../../triage/open-forge.js')).openForge(this.flags, {readOnly: true})
    }
    const result = await support.forgeCall(
      checkDocs(forge, {
        repos: repos.map((repo) => ({repo, confPath: this.flags['conf-path']})),
        ref: this.flags.ref,
        version: this.flags.version,
        aligned: this.flags.aligned ?? targets.alignedDocs,
        slugFormat: this.flags['slug-format'],
      }),
    )
    for (const r of result.repos) {
      this.out(`${r.repo}@${r.ref}: ${r.ok ? 'ok' : 'drift'}${r.confPath ? ` (${r.confPath})` : ''}`)
      for (const f of r.findings) {
        const where = `${r.repo}:${r.confPath ?? ''}${f.line ? `:${f.line}` : ''}`
        const drift = f.kind !== 'not-checked'
        if (drift && support.inGitHubActions())
          this.out(support.annotation('error', `${where}: ${f.message}`, 'docs drift'))
        else this.out(`  ${drift ? '' : 'note: '}${where}: ${f.message}`)
      }
    }
    ;(forge as {close?: () => void}).close?.()
    if (result.ok) return result
    if (this.jsonEnabled()) this.logJson({ok: false, command: this.id, result})
    return this.exit(1)
  }
}
