/**
 * Which repositories a triage or docs command works on: --repo flags, else the release manifest
 * (--manifest, or ./release.yaml when present), else $GITHUB_REPOSITORY. The manifest also gives
 * the aligned docs projects, the release cadence and the milestone title pattern.
 */
import type {ReleaseManifest} from '../config/release-manifest.js'
import {CliError} from '../cli/errors.js'
import type {StalePass} from './stale.js'

/** Release components whose docs project has another name. */
const DOCS_PROJECT_OF_COMPONENT: Record<string, string> = {flytesnacks: 'cookbook'}

export interface Targets {
  /** Every repository (owner/name), the release repository first when from a manifest. */
  repos: string[]
  /** The repository issues and milestones live in. */
  primary: string
  source: 'flag' | 'manifest' | 'environment'
  /** Docs projects that follow the aligned release (from the manifest's aligned components). */
  alignedDocs?: string[]
  cadenceMonths?: number
  /** Milestone title pattern in {major}/{minor} terms, from the manifest's `{version}` pattern. */
  milestoneFormat?: string
  /** `triage stale` passes from the manifest's triage.stale.passes. */
  stalePasses?: StalePass[]
  staleOperationsPerRun?: number
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/

/** Pure: what a manifest says about triage and docs. */
export function targetsFromManifest(manifest: ReleaseManifest): Omit<Targets, 'source'> {
  const repos = [manifest.release.repository]
  for (const c of manifest.components) if (!repos.includes(c.repository)) repos.push(c.repository)
  return {
    repos,
    primary: manifest.release.repository,
    alignedDocs: manifest.components.filter((c) => c.aligned).map((c) => DOCS_PROJECT_OF_COMPONENT[c.name] ?? c.name),
    cadenceMonths: manifest.release.cadence === 'monthly' ? 1 : 3,
    milestoneFormat: manifest.release.milestone.replaceAll('{version}', '{major}.{minor}.0'),
    ...(manifest.triage?.stale ? {stalePasses: manifest.triage.stale.passes} : {}),
    ...(manifest.triage?.stale?.operationsPerRun
      ? {staleOperationsPerRun: manifest.triage.stale.operationsPerRun}
      : {}),
  }
}

export async function resolveTargets(flags: {repo?: string | string[]; manifest?: string}): Promise<Targets> {
  const given = flags.repo === undefined ? [] : Array.isArray(flags.repo) ? flags.repo : [flags.repo]
  for (const r of given) {
    if (!REPO.test(r))
      throw new CliError('invalid-input', `--repo "${r}" is not owner/name`, {hint: 'Pass --repo flyteorg/flyte.'})
  }
  const {existsSync} = await import('node:fs')
  const manifestPath = flags.manifest ?? (given.length === 0 && existsSync('release.yaml') ? 'release.yaml' : undefined)
  const fromManifest = manifestPath
    ? targetsFromManifest(
        await (await import('../release/manifest.js')).loadReleaseManifest(manifestPath, {cache: true}),
      )
    : undefined
  if (given.length > 0) {
    // --repo narrows the repositories; the manifest still gives the release policy.
    return {...fromManifest, repos: given, primary: given[0], source: 'flag'}
  }
  if (fromManifest) return {...fromManifest, source: 'manifest'}
  const env = process.env.GITHUB_REPOSITORY
  if (env && REPO.test(env)) return {repos: [env], primary: env, source: 'environment'}
  throw new CliError('usage', 'no repository given', {
    hint: 'Pass --repo owner/name, --manifest release.yaml, or set $GITHUB_REPOSITORY.',
  })
}
