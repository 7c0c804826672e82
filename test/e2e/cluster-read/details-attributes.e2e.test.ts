/** `get execution --details/--watch`, `logs execution`, matchable attributes and entity metadata, as the built CLI. */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {NamedEntityState} from '../../../src/gen/flyteidl/admin/common_pb.js'
import {ResourceType} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {runCli} from '../../support/cli.js'
import {planeSession} from '../../support/cli-session.js'
import {launch, seed} from './seed.js'

const session = planeSession(seed, (s) => s.plane.configPath)
const {home, cli} = session
const pd = ['-p', 'flytesnacks', '-d', 'development']

interface DetailNode {
  node_exec: {id: {nodeId: string}; closure: {phase: string}}
  child_nodes?: DetailNode[]
  task_execs?: Array<{id: {retryAttempt?: number}; closure: {phase: string; logs: Array<{uri: string}>}}>
  inputs?: Record<string, unknown>
  outputs?: Record<string, unknown>
}

describe('get execution --details', () => {
  it('JSON: nodes in order with task attempts and decoded inputs/outputs', async () => {
    const r = await cli('get', 'execution', ...pd, session.server.succeeded, '--details', '-o', 'json')
    assert.equal(r.code, 0, r.stderr)
    const nodes = JSON.parse(r.stdout) as DetailNode[]
    const byId = new Map(nodes.map((n) => [n.node_exec.id.nodeId, n]))
    assert.deepEqual(byId.get('n0')?.inputs, {a: 3, b: 4})
    assert.deepEqual(byId.get('n0')?.outputs, {o0: 7})
    assert.deepEqual(byId.get('n1')?.outputs, {o0: 14})
    assert.equal(byId.get('n1')?.task_execs?.length, 1)
    // Go flytectl's shape: empty child_nodes/task_execs/inputs/outputs are left out, not [] or {}.
    assert.equal('child_nodes' in byId.get('n1')!, false)
    assert.equal('task_execs' in byId.get('start-node')!, false, JSON.stringify(byId.get('start-node')))
    const y = await cli('get', 'execution', ...pd, session.server.succeeded, '--details', '-o', 'yaml')
    assert.equal(y.code, 0, y.stderr)
    assert.doesNotMatch(y.stdout, /(child_nodes|task_execs): \[\]|(inputs|outputs): \{\}/)
    assert.equal(byId.get('n1')?.task_execs?.[0]?.closure.phase, 'SUCCEEDED')
    assert.ok(
      nodes.findIndex((n) => n.node_exec.id.nodeId === 'n0') < nodes.findIndex((n) => n.node_exec.id.nodeId === 'n1'),
    )
  })

  it('-o table falls back to a tree with a note (none without -o); --nodeID picks one node; unknown node is not found', async () => {
    const asked = await cli('get', 'execution', ...pd, session.server.succeeded, '--details', '-o', 'table')
    assert.equal(asked.code, 0, asked.stderr)
    assert.match(asked.stderr, /TABLE format is not supported on detailed view and defaults to tree view/)
    const t = await cli('get', 'execution', ...pd, session.server.succeeded, '--details')
    assert.equal(t.code, 0, t.stderr)
    assert.equal(t.stderr, '')
    assert.match(t.stdout, new RegExp(`^${session.server.succeeded} \\[SUCCEEDED\\] flytesnacks/development`))
    assert.match(t.stdout, /^[├└]── n1 \[SUCCEEDED\]/m)
    assert.match(t.stdout, /outputs: \{"o0":14\}/)
    const one = await cli('get', 'execution', ...pd, session.server.succeeded, '--nodeID', 'n1', '-o', 'json')
    assert.equal((JSON.parse(one.stdout) as DetailNode).node_exec.id.nodeId, 'n1')
    const missing = await cli('get', 'execution', ...pd, session.server.succeeded, '--nodeID', 'nope')
    assert.equal(missing.code, 4)
    assert.match(missing.stderr, /^Error: node nope not found in execution/)
  })

  it('--watch without a terminal prints phase changes until the execution ends', async () => {
    await launch(session.server.clients, 'watched', 'v2', {a: 1, b: 2})
    const r = await cli('get', 'execution', ...pd, 'watched', '--watch')
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.trim().split('\n')
    assert.equal(lines.at(-1), 'execution watched SUCCEEDED')
    assert.ok(lines.includes('node n1 SUCCEEDED'), r.stdout)
    assert.ok(!r.stdout.includes('\x1b['), 'no cursor control without a terminal')
  })
})

describe('node tree start-up', () => {
  // A string of protobuf-es's reflection code (reflect/unsafe.js), in whichever file carries it: the
  // package itself (oclif's path) or the bundle chunk it was built into.
  const PROTOBUF_RUNTIME = 'reflect unsafe local'

  /** The files the CLI resolved (ES modules and require()s) while running `args`. */
  async function resolvedFiles(args: string[], tag: string): Promise<string[]> {
    const probe = join(home, 'resolve-probe.cjs')
    writeFileSync(
      probe,
      `const seen = []
require('node:module').registerHooks({resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r }})
process.on('exit', () => require('node:fs').writeFileSync(process.env.RESOLVED_OUT, seen.join('\\n')))
`,
    )
    const out = join(home, `resolved-${tag}.txt`)
    const r = await runCli([...args, '--config', session.server.plane.configPath], {
      env: {HOME: home, NODE_OPTIONS: `--require ${probe}`, RESOLVED_OUT: out},
    })
    assert.equal(r.code, 0, r.stderr)
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u))
  }
  const withRuntime = (files: string[]) => files.filter((f) => readFileSync(f, 'utf8').includes(PROTOBUF_RUNTIME))

  it('draws the tree, one node and the logs without the protobuf runtime or MessagePack', async () => {
    const name = session.server.succeeded
    for (const [tag, args] of [
      ['details', ['get', 'execution', ...pd, name, '--details']],
      ['node', ['get', 'execution', ...pd, name, '--nodeID', 'n1']],
      ['logs', ['logs', 'execution', ...pd, name]],
    ] as const) {
      const files = await resolvedFiles([...args], tag)
      assert.ok(
        files.some((f) => f.endsWith('run.js')),
        `${tag}: the probe saw the CLI start`,
      )
      assert.deepEqual(withRuntime(files), [], `${tag} loaded the protobuf runtime`)
      assert.deepEqual(
        files.filter((f) => f.includes('@msgpack')),
        [],
        `${tag} loaded MessagePack`,
      )
    }
    // The probe and the marker find the runtime where it is needed: the JSON shape of the tree.
    const json = await resolvedFiles(['get', 'execution', ...pd, name, '--details', '-o', 'json'], 'json')
    assert.notDeepEqual(withRuntime(json), [], '-o json loads the protobuf runtime')
  })
})

describe('logs execution', () => {
  it('prints each attempt log of the embedded plane, or one node with --node', async () => {
    const r = await cli('logs', 'execution', ...pd, session.server.succeeded)
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stdout,
      /^==> n0 attempt 0 \(Local process log\) <==\n(\$ .*task\.js add .*\n)?task add attempt 0 in /m,
    )
    assert.match(
      r.stdout,
      /^==> n1 attempt 0 \(Local process log\) <==\n(\$ .*task\.js double .*\n)?task double attempt 0 in /m,
    )
    const n1 = await cli('logs', 'execution', ...pd, session.server.succeeded, '--node', 'n1')
    assert.doesNotMatch(n1.stdout, /task add/)
    assert.match(n1.stdout, /task double/)
  })

  it('--follow reads until the execution finishes', async () => {
    await launch(session.server.clients, 'followed')
    const r = await cli('logs', 'execution', ...pd, 'followed', '--follow')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /task add attempt 0/)
    assert.match(r.stdout, /task double attempt 0/)
  })
})

describe('matchable attributes', () => {
  const file = () => join(home, 'tra.yaml')

  it('update → get → get --attrFile → no-op update → delete → not found', async () => {
    writeFileSync(
      file(),
      'project: flytesnacks\ndomain: development\ndefaults:\n  cpu: "1"\n  memory: 150Mi\nlimits:\n  cpu: "2"\n  memory: 450Mi\n',
    )
    const up = await cli('update', 'task-resource-attribute', '--attrFile', file(), '--force')
    assert.equal(up.code, 0, up.stderr)
    assert.match(up.stdout, /^\+defaults:$/m)
    assert.match(up.stdout, /Updated attributes from flytesnacks project and domain development\n$/)
    const get = await cli('get', 'task-resource-attribute', ...pd)
    assert.equal(
      get.stdout,
      '{"project":"flytesnacks","domain":"development","defaults":{"cpu":"1","memory":"150Mi"},"limits":{"cpu":"2","memory":"450Mi"}}\n',
    )
    const out = join(home, 'written.yaml')
    const wrote = await cli('get', 'task-resource-attributes', ...pd, '--attrFile', out)
    assert.equal(wrote.stdout, `wrote the config to file ${out}\n`)
    assert.equal(readFileSync(out, 'utf8'), readFileSync(file(), 'utf8'))
    const again = await cli('update', 'task-resource-attribute', '--attrFile', out)
    assert.equal(again.stdout, 'No changes detected. Skipping the update.\n')
    const del = await cli('delete', 'task-resource-attribute', ...pd)
    assert.equal(del.stdout, 'Deleted matchable resources from flytesnacks project and domain development\n')
    const gone = await cli('get', 'task-resource-attribute', ...pd)
    assert.equal(gone.code, 4)
    assert.match(gone.stderr, /^Error: attribute not found\n/)
  })

  it('project scope with -p only, workflow scope with an argument', async () => {
    // The two scopes are independent resources: their update/get chains run side by side.
    const projectScope = async () => {
      const f = join(home, 'ecl.yaml')
      writeFileSync(f, 'project: flytesnacks\nvalue: gpu-cluster\n')
      assert.equal((await cli('update', 'execution-cluster-label', '--attrFile', f, '--force')).code, 0)
      const proj = await cli('get', 'execution-cluster-label', '-p', 'flytesnacks')
      assert.equal(proj.stdout, '{"project":"flytesnacks","value":"gpu-cluster"}\n')
    }
    const workflowScope = async () => {
      const wf = join(home, 'eqa.yaml')
      writeFileSync(wf, 'project: flytesnacks\ndomain: development\nworkflow: core.pipeline\ntags: [foo, bar]\n')
      assert.equal((await cli('update', 'execution-queue-attribute', '--attrFile', wf, '--force')).code, 0)
      const got = await cli('get', 'execution-queue-attribute', ...pd, 'core.pipeline', '-o', 'json')
      assert.match(got.stdout, /"workflow":"core.pipeline","tags":\["foo","bar"\]/)
      const dry = await cli('delete', 'execution-queue-attribute', '--attrFile', wf, '--dryRun')
      assert.match(dry.stdout, /^skipping delete of execution-queue-attribute/)
      assert.equal((await cli('get', 'execution-queue-attribute', ...pd, 'core.pipeline')).code, 0)
      const del = await cli('delete', 'execution-queue-attribute', '--attrFile', wf)
      assert.equal(
        del.stdout,
        'Deleted matchable resources from flytesnacks project and domain development and workflow core.pipeline\n',
      )
      assert.equal((await cli('get', 'execution-queue-attribute', ...pd, 'core.pipeline')).code, 4)
    }
    await Promise.all([projectScope(), workflowScope()])
  })

  it('bad attrFiles and a missing --attrFile are one-line errors that write nothing', async () => {
    const f = join(home, 'bad.yaml')
    writeFileSync(f, 'project: flytesnacks\ndomain: development\ndefault:\n  cpu: "1"\n')
    const g = join(home, 'malformed.yaml')
    writeFileSync(g, 'project: [flytesnacks\n')
    // All three are rejected before any call, so they can run side by side.
    const [unknown, malformed, none] = await Promise.all([
      cli('update', 'task-resource-attribute', '--attrFile', f, '--force'),
      cli('update', 'task-resource-attribute', '--attrFile', g, '--force'),
      cli('update', 'plugin-override'),
    ])
    assert.equal(unknown.code, 2)
    assert.equal(
      unknown.stderr.split('\n')[0],
      `Error: attrFile ${f}: unknown key "default" for task-resource-attribute`,
    )
    assert.equal(malformed.code, 2)
    assert.match(malformed.stderr, /^Error: attrFile .* is not valid YAML/)
    assert.equal(none.code, 2)
    assert.match(none.stderr, /^Error: attrFile is mandatory while calling update for plugin-override/)
    assert.equal((await cli('get', 'task-resource-attribute', ...pd)).code, 4)
  })

  it('workflow-execution-config --gen writes a sample when none is set', async () => {
    const f = join(home, 'wec.yaml')
    const r = await cli('get', 'workflow-execution-config', ...pd, '--gen', '--attrFile', f)
    assert.equal(r.code, 0, r.stderr)
    const text = readFileSync(f, 'utf8')
    assert.match(text, /^max_parallelism: 10$/m)
    assert.match(text, /k8s_service_account: default/)
  })
})

describe('update entity metadata', () => {
  it('workflow-meta sets the description and archives; both state flags are rejected', async () => {
    const r = await cli(
      'update',
      'workflow-meta',
      ...pd,
      'core.pipeline',
      '--description',
      'the pipeline',
      '--archive',
      '--force',
    )
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\+description: the pipeline$/m)
    const e = await session.server.clients.admin.getNamedEntity({
      resourceType: ResourceType.WORKFLOW,
      id: {project: 'flytesnacks', domain: 'development', name: 'core.pipeline'},
    })
    assert.deepEqual(
      [e.metadata?.description, e.metadata?.state],
      ['the pipeline', NamedEntityState.NAMED_ENTITY_ARCHIVED],
    )
    const both = await cli('update', 'task-meta', ...pd, 'core.add', '--archive', '--activate')
    assert.equal(both.code, 2)
  })
})
