import {BaseCommand} from '../../cli/base-command.js'
import {forgeFlags, manifestFlag, reposFlag} from '../../triage/cli-support.js'
import type {OwnersResult} from '../../triage/owners.js'

export default class TriageOwners extends BaseCommand<typeof TriageOwners> {
  static override summary =
    'Check that every repository has a CODEOWNERS GitHub reads, that parses, naming real owners.'
  static override description = `GitHub reads .github/CODEOWNERS, then CODEOWNERS, then docs/CODEOWNERS (the first found wins; others are reported as shadowed). Each line must be a path pattern GitHub supports followed by @user, @org/team or email owners, and every user and team must exist. Exit 1 when a repository fails. Read-only.`
  static override examples = ['<%= config.bin %> triage owners --repo flyteorg/flyte --repo flyteorg/flytekit']
  static override flags = {
    ...forgeFlags,
    ...manifestFlag,
    ...reposFlag,
  }

  async run(): Promise<OwnersResult> {
    const [{runOwners}, support] = await Promise.all([
      import('../../triage/owners.js'),
      import('../../triage/cli-support.js'),
    ])
    const targets = await (await import('../../triage/targets.js')).resolveTargets(this.flags)
    const repos = targets.repos
    const forge = await (await import('../../triage/open-forge.js')).openForge(this.flags)
    const result = await support.forgeCall(runOwners(forge, {repos}))
    for (const r of result.repos) {
      this.out(`${r.repo}: ${r.ok ? 'ok' : 'FAIL'}${r.file ? ` (${r.file}, ${r.rules} rule(s))` : ''}`)
      if (r.shadowed.length) this.out(`  shadowed by ${r.file}: ${r.shadowed.join(', ')}`)
      const problems = [
        ...r.problems.map((p) => ({line: p.line, message: p.message})),
        ...r.unknownOwners.map((u) => ({line: u.line, message: `${u.owner} does not exist`})),
      ]
      for (const p of problems) {
        const text = `${r.repo}${r.file ? `:${r.file}` : ''}${p.line ? `:${p.line}` : ''}: ${p.message}`
        this.out(support.inGitHubActions() ? support.annotation('error', text, 'CODEOWNERS') : `  ${text}`)
      }
    }
    this.note(`API reads ${result.api.reads}, writes ${result.api.writes}`)
    if (result.ok) return result
    if (this.jsonEnabled()) this.logJson({ok: false, command: this.id, result})
    return this.exit(1)
  }
}
