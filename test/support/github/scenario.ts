/**
 * YAML scenarios for the simulator. Example:
 *
 * ```yaml
 * now: 2026-01-15T12:00:00Z          # optional frozen clock
 * users: [{login: alice}, {login: "renovate[bot]", type: Bot}]
 * teams: [{team: flyteorg/maintainers, members: [alice]}]
 * repos:
 *   - name: flyteorg/flytekit
 *     defaultBranch: master
 *     branches:                      # in order; a branch starts at `from` (default: the default branch)
 *       master:
 *         - {message: init, files: {README.md: "hello\n"}}
 *       feature:
 *         from: master
 *         commits:
 *           - {message: "fix: thing", files: {a.txt: "x\n"}, author: alice}
 *     tags: [{name: v1.0.0, at: master, message: "Release 1.0.0"}]   # no message: lightweight
 *     labels: [{name: bug, color: d73a4a}]
 *     milestones: [{title: "1.4.0", dueOn: "2026-01-01T00:00:00Z"}]
 *     issues: [{title: Crash, labels: [bug], milestone: "1.4.0", author: alice}]
 *     pulls: [{title: "fix: thing", head: feature, base: master, merge: squash, body: "Fixes #1"}]
 *     releases: [{tag: v1.0.0}]
 * ```
 */
import type {IssueSeed, PullSeed, SimBuilder} from './builder.js'
import type {UserType} from './state.js'
import {parse} from 'yaml'

type CommitSeed = {message: string; files?: Record<string, string | null>; author?: string; date?: string}

export interface RepoScenario {
  name: string
  defaultBranch?: string
  archived?: boolean
  branches?: Record<string, CommitSeed[] | {from?: string; commits?: CommitSeed[]}>
  tags?: {name: string; at: string; message?: string}[]
  labels?: {name: string; color?: string; description?: string}[]
  milestones?: {title: string; state?: 'open' | 'closed'; dueOn?: string; description?: string}[]
  issues?: IssueSeed[]
  pulls?: PullSeed[]
  releases?: {tag: string; name?: string; body?: string; prerelease?: boolean; draft?: boolean}[]
}

export interface Scenario {
  /** Frozen clock (ISO 8601) for everything the simulator timestamps. */
  now?: string
  users?: {login: string; type?: UserType; name?: string; email?: string}[]
  teams?: {team: string; members?: string[]}[]
  repos?: RepoScenario[]
}

export function parseScenario(text: string): Scenario {
  return (parse(text) ?? {}) as Scenario
}

export async function applyScenario(b: SimBuilder, scenario: Scenario): Promise<void> {
  for (const u of scenario.users ?? []) b.user(u.login, u)
  for (const t of scenario.teams ?? []) b.team(t.team, t.members)
  for (const repo of scenario.repos ?? []) {
    const rb = b.repo(repo.name)
    const r = await b.addRepo(repo.name, {defaultBranch: repo.defaultBranch, archived: repo.archived})
    for (const [name, spec] of Object.entries(repo.branches ?? {})) {
      const commits = Array.isArray(spec) ? spec : (spec.commits ?? [])
      const from = Array.isArray(spec) ? undefined : spec.from
      if (
        name !== r.defaultBranch &&
        !(await r.git.refSha(`refs/heads/${name}`)) &&
        (await r.git.refSha(`refs/heads/${r.defaultBranch}`))
      ) {
        await rb.branch(name, from)
      }
      for (const c of commits) await rb.commit(name, c.files ?? {}, c.message, {author: c.author, date: c.date})
    }
    for (const l of repo.labels ?? []) await rb.label(l.name, l)
    for (const m of repo.milestones ?? []) await rb.milestone(m.title, m)
    for (const t of repo.tags ?? []) await rb.tag(t.name, t.at, {message: t.message})
    for (const i of repo.issues ?? []) await rb.issue(i)
    for (const p of repo.pulls ?? []) await rb.pull(p)
    for (const rel of repo.releases ?? []) await rb.release(rel.tag, rel)
  }
}
