/**
 * Shared set-up for the release integration tests: the real GitHub forge (octokit) against the
 * GitHub simulator, whose repositories are real bare git repos, and the real git layer for the bump
 * commit (clone, commit, push over smart HTTP).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {ReleaseManifest} from '../../../src/config/release-manifest.js'
import {createGitHubForge} from '../../../src/forge/github.js'
import type {Forge} from '../../../src/forge/types.js'
import {createGitLayer} from '../../../src/git/git.js'
import type {GitLayer} from '../../../src/git/types.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {runRelease, type ReleaseRequest, type RunOptions} from '../../../src/release/service.js'
import {REPO_ROOT} from '../../support/cli.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

export const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release', name), 'utf8')
let counter = 0

export interface Env {
  sim: GitHubSimulator
  forge: Forge
  git: GitLayer
  manifest: ReleaseManifest
  run: (req: ReleaseRequest, options?: RunOptions) => ReturnType<typeof runRelease>
  tags: (repo: string) => Promise<Map<string, string>>
  file: (repo: string, path: string, ref: string) => Promise<string | undefined>
}

/** A simulator, forge and git layer; `tmp` holds the clone cache and journals (the caller removes it). */
export async function setup(manifestText: string, tmp: string): Promise<Env> {
  const sim = await startGitHubSimulator()
  const forge = createGitHubForge({
    baseUrl: sim.url,
    token: 't',
    maxRetries: 1,
    retryBaseDelayMs: 1,
    maxRetryAfterMs: 5,
    minWriteIntervalMs: 0,
  })
  const git = createGitLayer({
    cacheDir: join(tmp, `cache-${++counter}`),
    identity: {name: 'Release Bot', email: 'release@example.com'},
  })
  const manifest = await parseReleaseManifestText(manifestText)
  const journalDir = join(tmp, `journal-${counter}`)
  const run = (req: ReleaseRequest, options: RunOptions = {}) =>
    runRelease(forge, manifest, req, {home: journalDir, git, now: new Date('2026-11-25T00:00:00Z'), ...options})
  const tags = async (repo: string) => new Map((await forge.listTags(repo)).map((t) => [t.name, t.sha]))
  const file = async (repo: string, path: string, ref: string) => (await forge.getFile(repo, path, ref))?.text
  return {sim, forge, git, manifest, run, tags, file}
}

/** A merged, labelled PR: a branch with one commit, squash-merged into `base`. */
export async function mergePr(sim: GitHubSimulator, repo: string, title: string, labels: string[], base?: string) {
  const head = `pr-${++counter}`
  const r = sim.repo(repo)
  for (const l of labels) await r.label(l, {description: `${l} changes`})
  const from = base ?? (await r.get()).defaultBranch
  await r.branch(head, from)
  await r.commit(head, {[`changes/${head}.txt`]: `${title}\n`}, title)
  return r.pull({title, head, base: from, labels, merge: 'squash'})
}
