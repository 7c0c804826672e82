/**
 * Bad input never writes, never hangs, never reaches the network first. Each case runs the built CLI
 * once in its own temp directory against one shared embedded plane (cluster commands) or one shared
 * GitHub simulator (maintainer commands) and checks: the documented exit code, a one-line `Error:`
 * naming the problem (plus at most a `Hint:` line), no stack trace, the temp directory unchanged.
 * After all cases: the plane's state, read over gRPC, is what it was before, and the simulator served
 * no request at all (maintainer commands check their input before credentials and network).
 */
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {create, toJson} from '@bufbuild/protobuf'
import {TaskSpecSchema} from '../../../src/gen/flyteidl/admin/task_pb.js'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {MatchableResource} from '../../../src/gen/flyteidl/admin/matchable_resource_pb.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {runCli, tempHome} from '../../support/cli.js'
import {registerHello, startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {taskSpec} from '../../fixtures/register/build-package.js'
import {SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'
import {BAD_INPUT_CASES, SEED_PROJECT, type BadCase} from './cases.js'

let plane: TestControlPlane
let clients: AdminClients
let sim: GitHubSimulator
let home: {home: string; cleanup: () => void}
let scratch: string
let planeBefore: string
const slowest: Array<{name: string; ms: number}> = []

/** Everything a bad-input case could have written to the plane, as one comparable text. */
async function planeState(): Promise<string> {
  const {admin} = clients
  const page = {limit: 1000}
  const id = {project: SEED_PROJECT, domain: 'development'}
  const parts = await Promise.all([
    admin.listProjects(page),
    admin.listTasks({id, ...page}),
    admin.listWorkflows({id, ...page}),
    admin.listLaunchPlans({id, ...page}),
    admin.listExecutions({id, ...page}),
    ...[
      MatchableResource.TASK_RESOURCE,
      MatchableResource.CLUSTER_RESOURCE,
      MatchableResource.EXECUTION_QUEUE,
      MatchableResource.EXECUTION_CLUSTER_LABEL,
      MatchableResource.PLUGIN_OVERRIDE,
      MatchableResource.WORKFLOW_EXECUTION_CONFIG,
    ].map((resourceType) => admin.listMatchableAttributes({resourceType})),
  ])
  const methods = AdminService.method
  const shapes = [
    methods.listProjects,
    methods.listTasks,
    methods.listWorkflows,
    methods.listLaunchPlans,
    methods.listExecutions,
    ...Array.from({length: 6}, () => methods.listMatchableAttributes),
  ]
  return JSON.stringify(parts.map((p, i) => toJson(shapes[i]!.output, p as never)))
}

/** Names, sizes and content hashes of everything under `dir`. */
function tree(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir, {recursive: true}) as string[]) {
    const full = join(dir, name)
    const st = statSync(full, {throwIfNoEntry: false})
    if (!st) continue
    const hash = st.isFile() ? createHash('sha1').update(readFileSync(full)).digest('hex') : 'dir'
    out.push(`${name} ${st.size} ${hash}`)
  }
  return out.sort()
}

function caseEnv(c: BadCase): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {HOME: home.home, GITHUB_ACTIONS: '', GITHUB_REPOSITORY: '', GITHUB_STEP_SUMMARY: ''}
  if (c.target === 'plane') base.FLYTECTL_CONFIG = plane.configPath
  if (c.target === 'github') {
    base.GITHUB_API_URL = sim.url
    base.GITHUB_TOKEN = 'test-token'
    base.FLYTECTL_GITHUB_WRITE_INTERVAL_MS = '0'
  }
  return {...base, ...c.env}
}

/** `demo.typed(count: int, when: datetime, wait: duration)`, for execFile value checks. */
async function registerTypedTask(): Promise<void> {
  const id = {resourceType: 1, project: SEED_PROJECT, domain: 'development', name: 'demo.typed', version: 'v1'}
  const spec = taskSpec('demo.typed', {project: SEED_PROJECT, domain: 'development', version: 'v1'})
  const simple = (value: SimpleType) => ({type: {case: 'simple' as const, value}})
  spec.template!.interface = create(TaskSpecSchema, {
    template: {
      interface: {
        inputs: {
          variables: {
            count: {type: simple(SimpleType.INTEGER)},
            when: {type: simple(SimpleType.DATETIME)},
            wait: {type: simple(SimpleType.DURATION)},
          },
        },
        outputs: {variables: {}},
      },
    },
  }).template!.interface
  await clients.admin.createTask({id, spec})
}

async function runCase(c: BadCase, index: number): Promise<void> {
  const dir = join(scratch, `case-${index}`)
  mkdirSync(dir)
  for (const [name, body] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), {recursive: true})
    writeFileSync(join(dir, name), body)
  }
  const before = tree(dir)
  const started = performance.now()
  const r = await runCli(c.args, {cwd: dir, env: caseEnv(c)})
  slowest.push({name: c.name, ms: Math.round(performance.now() - started)})
  const shown = `exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`
  assert.equal(r.code, c.exit, shown)
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Warning: '))
  assert.match(lines[0] ?? '', /^Error: \S/, shown)
  assert.ok(lines.length <= 2, `one error line and at most one hint:\n${shown}`)
  if (lines[1] !== undefined) assert.match(lines[1], /^Hint: \S/, shown)
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace')
  for (const line of lines) assert.ok(line.length <= 700, `a readable line length (${line.length})`)
  for (const word of c.words) assert.ok(lines[0]!.includes(word), `the error names "${word}":\n${shown}`)
  assert.deepEqual(tree(dir), before, 'nothing written to disk')
}

describe('bad input', {concurrency: 4}, () => {
  before(async () => {
    home = tempHome()
    scratch = mkdtempSync(join(tmpdir(), 'flytectl-bad-input-'))
    plane = await startControlPlane()
    clients = createAdminClients({endpoint: plane.endpoint, insecure: true})
    await registerHello(clients.admin, SEED_PROJECT)
    await registerTypedTask()
    sim = await startGitHubSimulator()
    await sim.repo('flyteorg/flyte').create({defaultBranch: 'master'})
    sim.reset()
    planeBefore = await planeState()
  })

  after(async () => {
    try {
      assert.equal(await planeState(), planeBefore, 'the plane is unchanged')
      const requests = sim.log.map((r) => `${r.method} ${r.path}`)
      assert.deepEqual(requests, [], 'no maintainer command reached GitHub')
      assert.deepEqual([sim.counters.writes, sim.counters.reads], [0, 0])
      slowest.sort((a, b) => b.ms - a.ms)
      const top = slowest.slice(0, 3).map((s) => `${s.name} ${s.ms} ms`)
      process.stderr.write(`bad input: ${slowest.length} cases; slowest: ${top.join('; ')}\n`)
    } finally {
      clients?.close()
      await plane?.stop()
      await sim?.close()
      home?.cleanup()
      if (scratch) rmSync(scratch, {recursive: true, force: true})
    }
  })

  BAD_INPUT_CASES.forEach((c, i) => {
    // A generous timeout turns a hang into a failure; timings are reported, not asserted.
    it(`${c.target}: ${c.name}`, {timeout: 30_000}, () => runCase(c, i))
  })
})
