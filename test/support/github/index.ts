/**
 * GitHub simulator for tests: `startGitHubSimulator(scenario?)`.
 *
 * - REST subset + POST /graphql on an in-process node:http server, every request and response
 *   checked against GitHub's published schemas (see openapi.ts, graphql.ts); problems are kept in
 *   `violations` and `assertNoViolations()` fails the test. `strict: true` answers them with an
 *   error status instead.
 * - Repositories are real bare git repos in a temp dir, cloned and pushed over smart HTTP at
 *   `gitUrl(repo)` = `<url>/git/<owner>/<repo>.git` (git http-backend as CGI).
 * - `counters` counts API reads and writes; `fault()` injects 5xx, rate limits, resets.
 * - Seeded from a YAML scenario (see scenario.ts) or the builder (`sim.repo(...)`).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {graphqlHandler} from './graphql.js'
import {routes} from './rest.js'
import {SimServer, type Counters, type FaultSpec, type RequestRecord, type Violation} from './server.js'
import {createState, type SimState} from './state.js'
import {RepoBuilder, SimBuilder} from './builder.js'
import {applyScenario, parseScenario, type Scenario} from './scenario.js'

export type {FaultSpec, Violation, Counters, RequestRecord, Scenario}
export {RepoBuilder}

export interface GitHubSimulator {
  /** API base URL (what octokit takes as baseUrl). */
  url: string
  /** Smart-HTTP clone URL of "owner/name". */
  gitUrl(repo: string): string
  state: SimState
  counters: Counters
  /** Requests served, in order (method, path, status, operation). */
  log: RequestRecord[]
  violations: Violation[]
  /** Throws when any request or response broke GitHub's schemas. */
  assertNoViolations(): void
  fault(spec: FaultSpec): void
  /** Refuse the next `times` pushes to a repo with a pre-receive hook message. */
  rejectPushes(repo: string, options?: {times?: number; message?: string}): Promise<void>
  /** Zero the counters, the request log, violations and pending faults (state is kept). */
  reset(): void
  /** Add repos, users, issues… programmatically. */
  repo(slug: string): RepoBuilder
  builder: SimBuilder
  /** Answer schema violations with an error status instead of only recording them. */
  strict: boolean
  /** Test hook: rewrite response bodies before validation (to prove the validator works). */
  tamper?: (operation: string, body: unknown) => unknown
  /**
   * Stop the server and remove the repos. Throws afterwards if schema violations are pending (so a
   * test that never called assertNoViolations still fails), unless `allowViolations`.
   */
  close(options?: {allowViolations?: boolean}): Promise<void>
}

export interface SimulatorOptions {
  strict?: boolean
  /**
   * Accept only these tokens (401 otherwise): a list, or token → login of the account acting with it
   * (e.g. `{ghs_x: 'flyte-bot[bot]'}`). Default: any token or none, acting as `caller`.
   */
  tokens?: string[] | Record<string, string>
  /**
   * Freeze the clock at this ISO time (timestamps of seeded and API-made objects, commit dates, so
   * commit shas repeat run to run). Move it with `sim.state.now = () => new Date(...)`.
   */
  now?: string
  /** Login that API writes are attributed to when a token has no login of its own (default "flytectl-bot"). */
  caller?: string
}

export async function startGitHubSimulator(
  scenario?: string | Scenario,
  options: SimulatorOptions = {},
): Promise<GitHubSimulator> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gh-sim-'))
  const state = createState()
  if (options.caller) state.defaultCaller = options.caller
  const parsed = typeof scenario === 'string' ? parseScenario(scenario) : scenario
  const frozen = options.now ?? parsed?.now
  if (frozen) {
    const at = new Date(frozen)
    if (Number.isNaN(at.getTime())) throw new Error(`simulator clock: "${frozen}" is not an ISO date`)
    state.now = () => new Date(at)
  }
  const tokens = Array.isArray(options.tokens)
    ? options.tokens.map((t) => [t, state.defaultCaller] as const)
    : Object.entries(options.tokens ?? {})
  for (const [token, login] of tokens) state.tokens.set(token, login)
  const server = new SimServer({state, gitRoot: root, routes, graphql: graphqlHandler, strict: options.strict ?? false})
  const url = await server.listen()
  const builder = new SimBuilder(state, root)
  const sim: GitHubSimulator = {
    url,
    gitUrl: (repo) => server.urls.gitUrl(repo),
    state,
    counters: server.counters,
    log: server.log,
    violations: server.violations,
    assertNoViolations() {
      if (server.violations.length === 0) return
      const lines = server.violations.slice(0, 10).map((v) => `  ${v.operation} [${v.where}] ${v.message}`)
      throw new Error(`GitHub simulator saw ${server.violations.length} schema violation(s):\n${lines.join('\n')}`)
    },
    fault: (spec) => server.fault(spec),
    rejectPushes(repo, o = {}) {
      return builder.repo(repo).rejectPushes(o.times ?? 1, o.message ?? 'pre-receive hook declined')
    },
    reset() {
      server.counters.reads = 0
      server.counters.writes = 0
      server.log.length = 0
      server.violations.length = 0
      server.clearFaults()
    },
    repo: (slug) => builder.repo(slug),
    builder,
    get strict() {
      return server.strict
    },
    set strict(v: boolean) {
      server.strict = v
    },
    get tamper() {
      return server.tamper
    },
    set tamper(fn) {
      server.tamper = fn
    },
    async close(o = {}) {
      await server.close()
      rmSync(root, {recursive: true, force: true})
      if (!o.allowViolations) sim.assertNoViolations()
    },
  }
  if (parsed !== undefined) {
    try {
      await applyScenario(builder, parsed)
    } catch (err) {
      await sim.close()
      throw err
    }
  }
  return sim
}
