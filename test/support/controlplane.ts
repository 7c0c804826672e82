/** An in-process embedded control plane on a free loopback port, with a temp data dir and config file. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {AdminClient} from '../../src/admin/client.js'
import type {AuthOptions} from '../../src/controlplane/auth/index.js'
import type {Executor} from '../../src/controlplane/executor/types.js'
import type {ServerOptions} from '../../src/controlplane/server.js'

export interface TestControlPlane {
  /** `dns:///127.0.0.1:<port>` */
  endpoint: string
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  dataDir: string
  /** A flytectl config.yaml with admin.endpoint and insecure: true. */
  configPath: string
  stop(): Promise<void>
}

export async function startControlPlane(
  opts: {
    executor?: Executor
    auth?: AuthOptions
    background?: ServerOptions['background']
    statsd?: ServerOptions['statsd']
    watchLimits?: ServerOptions['watchLimits']
  } = {},
): Promise<TestControlPlane> {
  const root = mkdtempSync(join(tmpdir(), 'flytectl-plane-'))
  const dataDir = join(root, 'data')
  const {startServer} = await import('../../src/controlplane/server.js')
  let server: Awaited<ReturnType<typeof startServer>>
  try {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      executor: opts.executor,
      ...(opts.auth ? {auth: opts.auth} : {}),
      ...(opts.background ? {background: opts.background} : {}),
      ...(opts.statsd ? {statsd: opts.statsd} : {}),
      ...(opts.watchLimits ? {watchLimits: opts.watchLimits} : {}),
    })
  } catch (error) {
    rmSync(root, {recursive: true, force: true})
    throw error
  }
  const endpoint = `dns:///127.0.0.1:${server.port}`
  const configPath = join(root, 'config.yaml')
  writeFileSync(configPath, `admin:\n  endpoint: ${endpoint}\n  insecure: true\n`)
  return {
    endpoint,
    port: server.port,
    url: server.url,
    dataDir,
    configPath,
    async stop() {
      await server.close()
      rmSync(root, {recursive: true, force: true})
    },
  }
}

export interface FixtureId {
  resourceType: number
  project: string
  domain: string
  name: string
  version: string
}

const STRING_VAR = {type: {type: {case: 'simple' as const, value: 3 /* STRING */}}}

function stringLiteral(s: string) {
  return {
    value: {
      case: 'scalar' as const,
      value: {value: {case: 'primitive' as const, value: {value: {case: 'stringValue' as const, value: s}}}},
    },
  }
}

function promise(nodeId: string, v: string) {
  return {value: {case: 'promise' as const, value: {nodeId, var: v}}}
}

/** Minimal but real definitions (shaped as pyflyte serializes them) to register against a plane. */
export const fixtures = {
  taskId: (project: string, domain: string, name = 'wf.say_hello', version = 'v1'): FixtureId => ({
    resourceType: 1,
    project,
    domain,
    name,
    version,
  }),
  workflowId: (project: string, domain: string, name = 'wf.hello', version = 'v1'): FixtureId => ({
    resourceType: 2,
    project,
    domain,
    name,
    version,
  }),
  launchPlanId: (project: string, domain: string, name = 'wf.hello', version = 'v1'): FixtureId => ({
    resourceType: 3,
    project,
    domain,
    name,
    version,
  }),
  stringLiteral,
  /** A container task `say_hello(name: str) -> str`. */
  taskSpec: (id: FixtureId, image = 'ghcr.io/flyteorg/flytekit:py3.11') => ({
    template: {
      id,
      type: 'python-task',
      metadata: {runtime: {type: 1, version: '1.16.0', flavor: 'python'}, retries: {retries: 0}},
      interface: {inputs: {variables: {name: STRING_VAR}}, outputs: {variables: {o0: STRING_VAR}}},
      target: {
        case: 'container' as const,
        value: {image, args: ['pyflyte-execute', '--inputs', '{{.input}}', '--output-prefix', '{{.outputPrefix}}']},
      },
    },
    description: {shortDescription: 'Says hello'},
  }),
  /** A one-node workflow `hello(name: str) -> str` calling the task. */
  workflowSpec: (id: FixtureId, taskId: FixtureId) => ({
    template: {
      id,
      metadata: {},
      interface: {inputs: {variables: {name: STRING_VAR}}, outputs: {variables: {o0: STRING_VAR}}},
      nodes: [
        {
          id: 'n0',
          metadata: {name: 'say_hello'},
          inputs: [{var: 'name', binding: promise('start-node', 'name')}],
          target: {case: 'taskNode' as const, value: {reference: {case: 'referenceId' as const, value: taskId}}},
        },
      ],
      outputs: [{var: 'o0', binding: promise('n0', 'o0')}],
    },
  }),
  /** A launch plan of the workflow; `defaultName` makes the `name` input optional. */
  launchPlanSpec: (workflowId: FixtureId, defaultName?: string) => {
    const parameters: Record<
      string,
      {var: typeof STRING_VAR; behavior: {case: 'default'; value: ReturnType<typeof stringLiteral>}}
    > = {}
    if (defaultName !== undefined)
      parameters.name = {var: STRING_VAR, behavior: {case: 'default', value: stringLiteral(defaultName)}}
    return {workflowId, defaultInputs: {parameters}}
  },
}

/** Registers project + task + workflow + launch plan `wf.hello` (version `version`). */
export async function registerHello(
  admin: AdminClient,
  project: string,
  domain = 'development',
  opts: {version?: string; defaultName?: string; registerProject?: boolean} = {},
): Promise<{task: FixtureId; workflow: FixtureId; launchPlan: FixtureId}> {
  const version = opts.version ?? 'v1'
  if (opts.registerProject !== false) await admin.registerProject({project: {id: project, name: project}})
  const task = fixtures.taskId(project, domain, 'wf.say_hello', version)
  const workflow = fixtures.workflowId(project, domain, 'wf.hello', version)
  const launchPlan = fixtures.launchPlanId(project, domain, 'wf.hello', version)
  await admin.createTask({id: task, spec: fixtures.taskSpec(task)})
  await admin.createWorkflow({id: workflow, spec: fixtures.workflowSpec(workflow, task)})
  await admin.createLaunchPlan({id: launchPlan, spec: fixtures.launchPlanSpec(workflow, opts.defaultName)})
  return {task, workflow, launchPlan}
}

export interface PlaneProcess {
  port: number
  endpoint: string
  child: import('node:child_process').ChildProcess
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>
}

const SUPPORT_FILE = new URL(import.meta.url).pathname

/** The control plane as a child process (the built server, no executor) on a free port over `dataDir`. */
export async function spawnControlPlane(dataDir: string): Promise<PlaneProcess> {
  const {spawn} = await import('node:child_process')
  const child = spawn(process.execPath, [SUPPORT_FILE, '--serve', dataDir], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const port = await new Promise<number>((ok, fail) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^listening (\d+)$/m.exec(out)
      if (m) ok(Number(m[1]))
    })
    child.once('exit', (code) => fail(new Error(`control plane exited (${code}) before listening: ${stderr}`)))
  })
  return {
    port,
    endpoint: `dns:///127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

if (process.argv[1] === SUPPORT_FILE && process.argv[2] === '--serve') {
  const {startServer} = await import('../../src/controlplane/server.js')
  const server = await startServer({port: 0, host: '127.0.0.1', dataDir: process.argv[3]!})
  process.stdout.write(`listening ${server.port}\n`)
  const shutdown = () => void server.close().then(() => process.exit(0))
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}
