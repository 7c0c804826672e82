/**
 * One server per test file, shared by its tests, with a throwaway HOME: registers the node:test
 * `before`/`after` hooks that start and stop it, and runs the built CLI against it.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before} from 'node:test'
import {runCli, tempHome, type CliResult, type RunOptions} from './cli.js'
import {startGitHubSimulator, type GitHubSimulator} from './github/index.js'
import {startControlPlane, type TestControlPlane} from './controlplane.js'
import {createAdminClients, type AdminClients} from '../../src/admin/client.js'

export interface PlaneSession<T> {
  home: string
  /** The started server (valid inside tests and hooks registered after this call). */
  readonly server: T
  /** The built CLI with `--config` pointing at the server and HOME at the temp home. */
  cli(...args: string[]): Promise<CliResult>
}

/**
 * A control plane (or a seeded one) started once for the file; `configPath` picks its flytectl
 * config; `setup` (optional) then prepares what the file's tests share.
 */
export function planeSession<T extends {stop(): Promise<void>}>(
  start: () => Promise<T>,
  configPath: (server: T) => string,
  setup?: () => Promise<void>,
): PlaneSession<T> {
  const {home, cleanup} = tempHome()
  let server: T | undefined
  // Top-level before hooks of a file do not wait for each other: file setup runs inside this one.
  before(async () => {
    server = await start()
    await setup?.()
  })
  after(async () => {
    await server?.stop()
    cleanup()
  })
  const started = (): T => {
    if (!server) throw new Error('the server is not started yet: use it inside a test or hook')
    return server
  }
  return {
    home,
    get server() {
      return started()
    },
    cli: (...args) => runCli([...args, '--config', configPath(started())], {env: {HOME: home}}),
  }
}

/** An empty embedded control plane with admin clients connected to it (for checks behind the CLI). */
export async function planeWithClients(): Promise<{
  plane: TestControlPlane
  clients: AdminClients
  stop(): Promise<void>
}> {
  const plane = await startControlPlane()
  const clients = createAdminClients({endpoint: plane.endpoint, insecure: true})
  return {
    plane,
    clients,
    async stop() {
      clients.close()
      await plane.stop()
    },
  }
}

export interface SimulatorSession {
  readonly sim: GitHubSimulator
  /** An empty working directory (the CLI runs there, outside any git repository). */
  readonly scratch: string
  /** The CLI's environment: temp HOME, GITHUB_API_URL at the simulator, a token, no write pacing. */
  readonly env: NodeJS.ProcessEnv
  cli(args: string[], opts?: Omit<RunOptions, 'env' | 'cwd'> & {env?: NodeJS.ProcessEnv}): Promise<CliResult>
}

/**
 * A GitHub simulator started once for the enclosing suite, seeded by `seed`; at the end it must have
 * seen no API violations.
 */
export function simulatorSession(
  scratchPrefix: string,
  seed: (sim: GitHubSimulator) => Promise<void>,
  extraEnv: NodeJS.ProcessEnv = {},
): SimulatorSession {
  let state: {sim: GitHubSimulator; home: {home: string; cleanup: () => void}; scratch: string} | undefined
  before(async () => {
    const sim = await startGitHubSimulator()
    state = {sim, home: tempHome(), scratch: mkdtempSync(join(tmpdir(), scratchPrefix))}
    await seed(sim)
  })
  after(async () => {
    if (!state) return
    state.sim.assertNoViolations()
    await state.sim.close()
    state.home.cleanup()
    rmSync(state.scratch, {recursive: true, force: true})
  })
  const started = () => {
    if (!state) throw new Error('the simulator is not started yet: use it inside a test or hook')
    return state
  }
  const session: SimulatorSession = {
    get sim() {
      return started().sim
    },
    get scratch() {
      return started().scratch
    },
    get env() {
      const s = started()
      return {
        HOME: s.home.home,
        GITHUB_API_URL: s.sim.url,
        GITHUB_TOKEN: 'test-token',
        FLYTECTL_GITHUB_WRITE_INTERVAL_MS: '0',
        GITHUB_ACTIONS: '',
        ...extraEnv,
      }
    },
    cli: (args, opts = {}) => runCli(args, {...opts, env: {...session.env, ...opts.env}, cwd: session.scratch}),
  }
  return session
}
