/** create execution / create project with the built CLI against the embedded control plane. */
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {create} from '@bufbuild/protobuf'
import {parse, stringify} from 'yaml'
import {planeSession, planeWithClients} from '../../support/cli-session.js'
import {TaskSpecSchema} from '../../../src/gen/flyteidl/admin/task_pb.js'
import {BlobType_BlobDimensionality, SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {valueFromLiteralMap} from '../../../src/literals/convert.js'
import {registerFiles} from '../../../src/cluster/register/service.js'
import {launchPlan, pbFiles, taskSpec, trio, writePackage} from '../../fixtures/register/build-package.js'

const session = planeSession(planeWithClients, (s) => s.plane.configPath, setup)
const clients = () => session.server.clients
const run = (args: string[]) => session.cli(...args)
let dir: string

const simple = (value: SimpleType) => ({type: {case: 'simple' as const, value}})
const INT = simple(SimpleType.INTEGER)

/** A task whose interface has one input of every kind an execFile can carry. */
function richTask() {
  const spec = taskSpec('demo.rich')
  spec.template!.interface = create(TaskSpecSchema, {
    template: {
      interface: {
        inputs: {
          variables: {
            count: {type: INT, description: 'how many'},
            ratio: {type: simple(SimpleType.FLOAT)},
            flag: {type: simple(SimpleType.BOOLEAN)},
            name: {type: simple(SimpleType.STRING)},
            when: {type: simple(SimpleType.DATETIME)},
            wait: {type: simple(SimpleType.DURATION)},
            cfg: {type: simple(SimpleType.STRUCT)},
            nums: {type: {type: {case: 'collectionType', value: INT}}},
            tags: {type: {type: {case: 'mapValueType', value: simple(SimpleType.STRING)}}},
            color: {type: {type: {case: 'enumType', value: {values: ['red', 'green']}}}},
            maybe: {type: {type: {case: 'unionType', value: {variants: [INT, simple(SimpleType.NONE)]}}}},
            data: {
              type: {type: {case: 'blob', value: {format: 'csv', dimensionality: BlobType_BlobDimensionality.SINGLE}}},
            },
          },
        },
        outputs: {variables: {}},
      },
    },
  }).template!.interface
  return spec
}

async function setup(): Promise<void> {
  dir = mkdtempSync(join(session.home, 'exec-'))
  const projectFile = join(dir, 'project.yaml')
  writeFileSync(
    projectFile,
    'id: flytesnacks\nname: flytesnacks\ndescription: examples\nlabels:\n  values:\n    team: ml\n',
  )
  const made = await run(['create', 'project', '--file', projectFile])
  assert.equal(made.code, 0, made.stderr)
  assert.equal((await clients().admin.getProject({id: 'flytesnacks'})).labels?.values.team, 'ml')
  assert.equal((await run(['create', 'project', '--id', 'other', '--name', 'Other'])).code, 0)
  const archive = await writePackage(
    dir,
    'pkg.tgz',
    pbFiles([
      ...trio('demo'),
      {kind: 'launchplan', spec: launchPlan('demo.fixed', 'demo.wf', {fixedX: 5})},
      {kind: 'launchplan', spec: launchPlan('demo.required', 'demo.wf')},
      {kind: 'task', spec: richTask()},
    ]),
  )
  const reg = await run([
    'register',
    'files',
    '-p',
    'flytesnacks',
    '-d',
    'development',
    '--archive',
    archive,
    '--version',
    'v1',
  ])
  assert.equal(reg.code, 0, reg.stdout + reg.stderr)
}

const where = {project: 'flytesnacks', domain: 'development'}

const generated = new Map<string, string>()

/**
 * What `flytectl get launchplan|task <name> --execFile f` writes (run once per entity, then reused),
 * with `edit` applied to the parsed YAML.
 */
async function execFile(kind: 'task' | 'launchplan', name: string, edit: (doc: Record<string, unknown>) => void) {
  const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.yaml`)
  if (!generated.has(name)) {
    const got = await run([
      'get',
      kind,
      name,
      '-p',
      'flytesnacks',
      '-d',
      'development',
      '--version',
      'v1',
      '--execFile',
      path,
    ])
    assert.equal(got.code, 0, got.stderr)
    generated.set(name, readFileSync(path, 'utf8'))
  }
  const doc = parse(generated.get(name)!) as Record<string, unknown>
  assert.equal(doc[kind === 'task' ? 'task' : 'workflow'], name)
  edit(doc)
  writeFileSync(path, stringify(doc))
  return path
}

const ID_LINE = /^execution identifier project:"([^"]+)" domain:"([^"]+)" name:"([a-z][a-z0-9-]*)"\n$/

async function inputsOf(project: string, name: string) {
  const data = await clients().admin.getExecutionData({id: {project, domain: 'development', name}})
  return valueFromLiteralMap(data.fullInputs)
}

function assertOneLineError(stderr: string, message: RegExp) {
  const lines = stderr.trim().split('\n')
  assert.match(lines[0]!, message)
  assert.ok(lines.length <= 2 && (!lines[1] || lines[1].startsWith('Hint: ')), stderr)
}

describe('create execution against the embedded plane', () => {
  it('launches a task from an execFile with every input type converted', async () => {
    const file = await execFile('task', 'demo.rich', (doc) => {
      doc.inputs = {
        count: 42,
        ratio: 0.5,
        flag: true,
        name: 'hello',
        when: '2024-05-01T10:00:00Z',
        wait: '1h30m',
        cfg: {depth: 2, tags: ['a']},
        nums: [3, 1, 2],
        tags: {team: 'ml'},
        color: 'green',
        maybe: null,
        data: 's3://bucket/data.csv',
      }
    })
    const r = await run(['create', 'execution', '-p', 'flytesnacks', '-d', 'development', '--execFile', file])
    assert.equal(r.code, 0, r.stderr)
    const m = ID_LINE.exec(r.stdout)
    assert.ok(m, r.stdout)
    assert.deepEqual([m[1], m[2]], ['flytesnacks', 'development'])
    assert.deepEqual(await inputsOf('flytesnacks', m[3]!), {
      cfg: {depth: 2, tags: ['a']},
      color: 'green',
      count: 42,
      data: 's3://bucket/data.csv',
      flag: true,
      maybe: null,
      name: 'hello',
      nums: [3, 1, 2],
      ratio: 0.5,
      tags: {team: 'ml'},
      wait: '1h30m0s',
      when: '2024-05-01T10:00:00Z',
    })
  })

  it("uses the launch plan's defaults and honours the execFile's targetProject", async () => {
    const file = await execFile('launchplan', 'demo.wf', (doc) => {
      doc.inputs = {}
      doc.targetProject = 'other'
    })
    const r = await run([
      'create',
      'execution',
      'my-run-1',
      '-p',
      'flytesnacks',
      '-d',
      'development',
      '--execFile',
      file,
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'execution identifier project:"other" domain:"development" name:"my-run-1"\n')
    assert.deepEqual(await inputsOf('other', 'my-run-1'), {x: 3})
    const exec = await clients().admin.getExecution({id: {project: 'other', domain: 'development', name: 'my-run-1'}})
    assert.equal(exec.spec?.launchPlan?.project, 'flytesnacks', 'the launch plan comes from -p')
  })

  it('--targetProject beats the file; --relaunch starts from an existing execution', async () => {
    const file = await execFile('launchplan', 'demo.wf', (doc) => {
      doc.inputs = {x: 11}
      doc.targetProject = 'other'
    })
    const r = await run([
      'create',
      'execution',
      'my-run-2',
      '-p',
      'flytesnacks',
      '-d',
      'development',
      '--execFile',
      file,
      '--targetProject',
      'flytesnacks',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(await inputsOf('flytesnacks', 'my-run-2'), {x: 11})
    const again = await run(['create', 'execution', '-p', 'flytesnacks', '-d', 'development', '--relaunch', 'my-run-2'])
    assert.equal(again.code, 0, again.stderr)
    const m = ID_LINE.exec(again.stdout)
    assert.ok(m && m[3] !== 'my-run-2', again.stdout)
    assert.deepEqual(await inputsOf('flytesnacks', m[3]!), {x: 11})
  })

  it('without a version takes the newest launch plan; flags set the service account, pool, cache and envs', async () => {
    const v2 = await registerFiles(clients(), {entities: pbFiles(trio('demo'))}, {...where, version: 'v2'})
    assert.equal(v2.succeeded, 3)
    const file = await execFile('launchplan', 'demo.wf', (doc) => {
      delete doc.version
      doc.envs = {FROM_FILE: 'yes'}
    })
    const args = ['--kubeServiceAcct', 'runner', '--clusterPool', 'pool-a', '--overwriteCache', '--envs', 'A=1,B=2']
    const r = await run([
      'create',
      'execution',
      'my-run-3',
      '-p',
      'flytesnacks',
      '-d',
      'development',
      '--execFile',
      file,
      ...args,
    ])
    assert.equal(r.code, 0, r.stderr)
    const exec = await clients().admin.getExecution({id: {...where, name: 'my-run-3'}})
    assert.equal(exec.spec?.launchPlan?.version, 'v2')
    assert.equal(exec.spec?.securityContext?.runAs?.k8sServiceAccount, 'runner')
    assert.equal(exec.spec?.authRole?.kubernetesServiceAccount, 'runner')
    assert.equal(exec.spec?.clusterAssignment?.clusterPoolName, 'pool-a')
    assert.equal(exec.spec?.overwriteCache, true)
    assert.deepEqual(
      exec.spec?.envs?.values.map((kv) => `${kv.key}=${kv.value}`),
      ['FROM_FILE=yes', 'A=1', 'B=2'],
    )
  })

  it('an unknown key warns with the closest known key and the execution still starts', async () => {
    const file = await execFile('launchplan', 'demo.wf', (doc) => {
      doc.kubeServiceAccount = 'default'
    })
    const r = await run(['create', 'execution', '-p', 'flytesnacks', '-d', 'development', '--execFile', file])
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stderr,
      /Warning: execFile .*: unknown key "kubeServiceAccount" \(did you mean "kubeServiceAcct"\?\)/,
    )
    assert.match(r.stdout, ID_LINE)
  })

  it('--dryRun builds the request and creates nothing', async () => {
    const before = (await clients().admin.listExecutions({id: where, limit: 100})).executions.length
    const file = await execFile('launchplan', 'demo.wf', () => {})
    const r = await run([
      'create',
      'execution',
      '-p',
      'flytesnacks',
      '-d',
      'development',
      '--execFile',
      file,
      '--dryRun',
      '--json',
    ])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as {result: {dryRun: boolean; request: {spec: {launchPlan: {name: string}}}}}
    assert.equal(out.result.dryRun, true)
    assert.equal(out.result.request.spec.launchPlan.name, 'demo.wf')
    assert.equal((await clients().admin.listExecutions({id: where, limit: 100})).executions.length, before)
  })

  it('bad inputs are one-line errors with the right exit code', async () => {
    const wrongType = await execFile('launchplan', 'demo.wf', (doc) => {
      doc.inputs = {x: 'abc'}
    })
    const unknown = await execFile('launchplan', 'demo.wf', (doc) => {
      doc.inputs = {y: 1}
    })
    const fixed = await execFile('launchplan', 'demo.fixed', (doc) => {
      assert.deepEqual(doc.inputs, {}, 'fixed inputs are not offered')
      doc.inputs = {x: 6}
    })
    const required = await execFile('launchplan', 'demo.required', (doc) => {
      doc.inputs = {}
    })
    const missingVersion = await execFile('launchplan', 'demo.wf', (doc) => {
      doc.version = 'v404'
    })
    // Each of these is rejected before anything is created, so they can run side by side.
    const create = (project: string, file: string) =>
      run(['create', 'execution', '-p', project, '-d', 'development', '--execFile', file])
    const [a, b, c, e, f, d] = await Promise.all([
      create('flytesnacks', wrongType),
      create('flytesnacks', unknown),
      create('nosuch', unknown),
      create('flytesnacks', fixed),
      create('flytesnacks', required),
      create('flytesnacks', missingVersion),
    ])
    assert.equal(a.code, 2)
    assertOneLineError(a.stderr, /^Error: input \[x\]: cannot use the string "abc" \(expected integer\)$/)

    assert.equal(b.code, 2)
    assertOneLineError(b.stderr, /^Error: no matching type for \[y\]/)
    assert.match(b.stderr, /Hint: Known inputs: x\./)

    assert.equal(c.code, 4)
    assertOneLineError(c.stderr, /^Error: cannot find launch plan demo\.wf in nosuch\/development/)

    assert.equal(e.code, 2)
    assertOneLineError(e.stderr, /^Error: input \[x\] is fixed by the launch plan and cannot be overridden$/)

    assert.equal(f.code, 2)
    assertOneLineError(f.stderr, /^Error: missing required input \[x\]$/)

    assert.equal(d.code, 4)
    assertOneLineError(d.stderr, /^Error: cannot find launch plan demo\.wf/)
  })
})
