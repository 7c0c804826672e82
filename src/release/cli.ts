/**
 * What the `release` commands share: flags for the manifest and GitHub, building the Forge, and
 * running a train command (progress on stderr, report on stdout, exit 8 when a step did not happen).
 * Light at module level: octokit, yaml and listr2 load inside the methods.
 */
import {Flags, type Command} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import type {ReleaseManifest} from '../config/release-manifest.js'
import {forgeFlags} from '../forge/cli.js'
import type {Forge} from '../forge/types.js'
import type {ReleaseRequest} from './service.js'
import type {ReleasePlan, ReleaseReport} from './types.js'

export const releaseFlags = {
  manifest: Flags.string({
    char: 'm',
    description: 'release manifest (default $FLYTECTL_RELEASE_MANIFEST, then ./release.yaml)',
    helpGroup: 'RELEASE',
  }),
  ...forgeFlags,
}

/** Read-only commands also run on local clones, with git alone (status, lint, plan). */
export const offlineFlags = {
  'repo-path': Flags.string({
    description:
      'read a local clone instead of GitHub: DIR (the release repository) or owner/name=DIR (repeatable); API-only data is skipped with a note',
    multiple: true,
    helpGroup: 'RELEASE',
  }),
}

export const applyFlags = {
  'dry-run': Flags.boolean({description: 'show what would happen; make no write'}),
  resume: Flags.boolean({description: 'finish the run recorded in the journal'}),
  abort: Flags.boolean({description: 'drop the unfinished run recorded in the journal (no remote change)'}),
  journal: Flags.string({description: 'journal file (default ~/.flyte/release-journal/<command>-<version>.json)'}),
  strict: Flags.boolean({description: 'a values.yaml marker that matches nothing is an error (default: a warning)'}),
}

type Flagged = {manifest?: string; token?: string; 'github-url'?: string; 'repo-path'?: string[]}

export abstract class ReleaseCommand<T extends typeof Command> extends BaseCommand<T> {
  private get releaseFlagValues(): Flagged & {
    'dry-run'?: boolean
    resume?: boolean
    abort?: boolean
    journal?: string
    strict?: boolean
  } {
    return this.flags as unknown as Flagged
  }

  private offline?: {notes: string[]; forge: Forge}

  protected async manifest(): Promise<ReleaseManifest> {
    const {loadReleaseManifest} = await import('./manifest.js')
    const {DEFAULT_RELEASE_MANIFEST, localRepositoryUrls, restrictToRepositories} =
      await import('../config/release-manifest.js')
    const manifest = await loadReleaseManifest(
      this.releaseFlagValues.manifest || process.env.FLYTECTL_RELEASE_MANIFEST || DEFAULT_RELEASE_MANIFEST,
      {cache: true},
    )
    const urls = localRepositoryUrls(manifest)
    const given = this.releaseFlagValues['repo-path'] ?? []
    if (given.length === 0 && Object.keys(urls).length === 0) return manifest
    // Offline: local clones read with git; the manifest narrowed to the repositories that have one.
    const {LocalGitForge, repoPathsFrom} = await import('../forge/local-git.js')
    const paths = repoPathsFrom(given, manifest.release.repository, urls)
    const forge = new LocalGitForge(paths)
    if (!paths[manifest.release.repository]) {
      const {CliError} = await import('../cli/errors.js')
      throw new CliError('usage', `no local clone of the release repository ${manifest.release.repository}`, {
        hint: `Pass --repo-path DIR (or --repo-path ${manifest.release.repository}=DIR) for it.`,
      })
    }
    const narrowed = restrictToRepositories(manifest, Object.keys(paths))
    this.offline = {notes: [...narrowed.notes], forge}
    return narrowed.manifest
  }

  /** After an offline run: what was not read or not checked, on stderr. */
  protected offlineNotes(): void {
    if (!this.offline) return
    const forge = this.offline.forge as Forge & {notes?: string[]; close?: () => void}
    forge.close?.()
    const forgeNotes = forge.notes ?? []
    for (const n of [...this.offline.notes, ...forgeNotes]) this.note(`note: ${n}`)
  }

  protected githubToken(): string | undefined {
    return this.releaseFlagValues.token || process.env.GITHUB_TOKEN || process.env.GH_TOKEN || undefined
  }

  /**
   * The GitHub forge, or the offline one when the manifest() call found local clones (call manifest()
   * first). `readOnly` commands (plan, status, lint) read public repositories without a token.
   */
  protected async forge(readOnly = false): Promise<Forge> {
    if (this.offline) return this.offline.forge
    const {forgeFromFlags} = await import('../forge/cli.js')
    // Spacing of writes (default: GitHub's one second); a GHES or test server may allow less.
    const interval = process.env.FLYTECTL_GITHUB_WRITE_INTERVAL_MS
    return forgeFromFlags(this.releaseFlagValues, {
      ...(interval !== undefined && /^\d+$/.test(interval) ? {minWriteIntervalMs: Number(interval)} : {}),
      ...(readOnly ? {anonymous: true} : {}),
    })
  }

  /** Forge failures (auth, rate limits, unreachable) as typed CLI errors. */
  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    const {forgeCliError} = await import('../forge/cli.js')
    return super.catch(forgeCliError(err) as Error)
  }

  /** cut / beta / patch: plan, apply with progress, print the report, exit 8 on a missed step. */
  protected async runTrain(req: ReleaseRequest): Promise<ReleaseReport> {
    const f = this.releaseFlagValues
    const chosen = (['dry-run', 'resume', 'abort'] as const).filter((k) => f[k])
    if (chosen.length > 1) {
      const {CliError} = await import('../cli/errors.js')
      throw new CliError('usage', `--${chosen[0]} and --${chosen[1]} cannot be used together`, {
        hint: 'Use --dry-run to preview, --resume to finish a recorded run, or --abort to drop it.',
      })
    }
    const [manifest, service] = await Promise.all([this.manifest(), import('./service.js')])
    service.checkRequest(req)
    if (this.offline && !f['dry-run']) {
      const {CliError} = await import('../cli/errors.js')
      throw new CliError(
        'usage',
        'the manifest reads local clones (file:// repositories): only --dry-run can run offline',
        {
          hint: 'Add --dry-run, or use a manifest whose repositories are on GitHub.',
        },
      )
    }
    const [forge, progress, {createGitLayer}] = await Promise.all([
      this.forge(),
      import('./progress.js'),
      import('../git/git.js'),
    ])
    const name = process.env.GIT_AUTHOR_NAME
    const email = process.env.GIT_AUTHOR_EMAIL
    const git = createGitLayer({
      token: this.githubToken(),
      identity: name && email ? {name, email} : undefined,
    })
    const tty = Boolean(process.stderr.isTTY) && !this.jsonEnabled() && !process.env.CI
    const report = await service.runRelease(forge, manifest, req, {
      dryRun: f['dry-run'],
      resume: f.resume,
      abort: f.abort,
      journalPath: f.journal,
      strict: f.strict,
      git,
      runner: tty ? progress.listrRunner : undefined,
      onPlan: (plan: ReleasePlan) => {
        if (f['dry-run']) this.note(service.renderPlanText(plan).trimEnd())
      },
      onResult: tty ? undefined : (r) => this.note(progress.plainLine(r)),
    })
    this.out(service.renderReportText(report))
    this.offlineNotes()
    const {publishToActions} = await import('./actions.js')
    await publishToActions(report)
    if (!f.abort) service.assertReportOk(report)
    return report
  }
}
