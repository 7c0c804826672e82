/**
 * Every YAML file the CLI writes reads back with the same values in YAML 1.1 readers: PyYAML (what
 * flytekit users have; from the interop venv) and the `yaml` package in 1.1 mode (which, like Go's
 * yaml.v2, also takes `y`/`n` as booleans). Files: an execFile (`get task|launchplan --execFile`),
 * an attrFile (`get <attribute> --attrFile`) and `-o yaml` of projects, tasks and launch plans,
 * compared with the same command's `-o json`.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {parse} from 'yaml'
import {createAdminClients, type AdminClients} from '../../src/admin/client.js'
import {REPO_ROOT, runCli} from '../support/cli.js'
import {fixtures, startControlPlane, type TestControlPlane} from '../support/controlplane.js'

const run = promisify(execFile)
const PYTHON = join(REPO_ROOT, 'test', 'interop', '.venv', 'bin', 'python')
const SKIP = existsSync(PYTHON) ? false : 'the interop environment is missing: run scripts/setup-interop.sh'
const P = 'yamlrt'
const D = 'development'
const pd = ['-p', P, '-d', D]

/** Strings YAML 1.1 readers take for something else when written plain. */
const TRICKY = ['n', 'y', 'yes', 'No', 'ON', 'off', '1e3', '0o12', '012', '2024-01-01', '1:20', '=', '<<', '~', 'null']
const NAMES = ['n', 'y', 'yes', 'No', 'ON', 'off', 'true']
const STRING = {type: {type: {case: 'simple' as const, value: 3}}}

/** PyYAML's safe_load of each file, as JSON (dates as ISO strings so a mis-typed one shows). */
async function pyyaml(files: string[]): Promise<unknown[]> {
  const script = [
    'import json, sys, yaml',
    'out = [yaml.safe_load(open(f, encoding="utf-8")) for f in sys.argv[1:]]',
    'print(json.dumps(out, default=lambda o: {"__type__": type(o).__name__, "value": str(o)}))',
  ].join('\n')
  const {stdout} = await run(PYTHON, ['-c', script, ...files])
  return JSON.parse(stdout) as unknown[]
}

const yaml11 = (text: string): unknown => parse(text, {version: '1.1'})

describe('YAML the CLI writes reads back the same in YAML 1.1', {skip: SKIP}, () => {
  let plane: TestControlPlane
  let c: AdminClients
  let dir: string
  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--config', plane.configPath])
    assert.equal(r.code, 0, `flytectl ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  before(async () => {
    plane = await startControlPlane()
    c = createAdminClients({endpoint: plane.endpoint, insecure: true})
    dir = mkdtempSync(join(tmpdir(), 'flytectl-yamlrt-'))
    await c.admin.registerProject({project: {id: P, name: 'yes', description: 'on'}})
    const taskId = fixtures.taskId(P, D, 'wf.tricky', 'v1')
    const spec = fixtures.taskSpec(taskId)
    spec.template.interface.inputs.variables = Object.fromEntries(NAMES.map((n) => [n, STRING])) as never
    await c.admin.createTask({id: taskId, spec})
    // A launch plan whose string defaults are the tricky values, for a workflow with the same inputs.
    const wfTask = fixtures.taskId(P, D, 'wf.say_hello', 'v1')
    await c.admin.createTask({id: wfTask, spec: fixtures.taskSpec(wfTask)})
    const wfId = fixtures.workflowId(P, D, 'wf.hello', 'v1')
    await c.admin.createWorkflow({id: wfId, spec: fixtures.workflowSpec(wfId, wfTask)})
    const lpId = fixtures.launchPlanId(P, D, 'wf.hello', 'v1')
    const lpSpec = fixtures.launchPlanSpec(wfId, 'yes') as ReturnType<typeof fixtures.launchPlanSpec>
    await c.admin.createLaunchPlan({id: lpId, spec: lpSpec})
    await c.admin.updateProjectDomainAttributes({
      attributes: {
        project: P,
        domain: D,
        matchingAttributes: {target: {case: 'executionQueueAttributes', value: {tags: TRICKY}}},
      },
    })
  })

  after(async () => {
    c?.close()
    await plane?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('execFile: input names and defaults keep their strings', async () => {
    const taskFile = join(dir, 'task.yaml')
    const lpFile = join(dir, 'lp.yaml')
    await cli('get', 'task', ...pd, 'wf.tricky', '--version', 'v1', '--execFile', taskFile)
    await cli('get', 'launchplan', ...pd, 'wf.hello', '--version', 'v1', '--execFile', lpFile)
    const [task, lp] = (await pyyaml([taskFile, lpFile])) as Array<{inputs: Record<string, unknown>}>
    assert.deepEqual(Object.keys(task!.inputs).sort(), [...NAMES].sort())
    for (const v of Object.values(task!.inputs)) assert.equal(v, '')
    assert.deepEqual(lp!.inputs, {name: 'yes'})
    for (const f of [taskFile, lpFile]) {
      const text = readFileSync(f, 'utf8')
      assert.deepEqual(yaml11(text), (await pyyaml([f]))[0], f)
    }
    assert.deepEqual(
      Object.keys((yaml11(readFileSync(taskFile, 'utf8')) as typeof task)!.inputs).sort(),
      [...NAMES].sort(),
    )
  })

  it('attrFile: tag strings stay strings', async () => {
    const f = join(dir, 'attrs.yaml')
    await cli('get', 'execution-queue-attribute', ...pd, '--attrFile', f)
    const [file] = (await pyyaml([f])) as Array<{project: string; domain: string; tags: unknown[]}>
    assert.deepEqual(file, {project: P, domain: D, tags: TRICKY})
    assert.deepEqual(yaml11(readFileSync(f, 'utf8')), file)
    // And the CLI reads its own file back to the same update (no changes).
    const r = await runCli([
      'update',
      'execution-queue-attribute',
      '--attrFile',
      f,
      '--config',
      plane.configPath,
      '--force',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'No changes detected. Skipping the update.\n')
  })

  for (const args of [
    ['get', 'project', P],
    ['get', 'task', ...pd, 'wf.tricky', '--version', 'v1'],
    ['get', 'launchplan', ...pd, 'wf.hello', '--version', 'v1'],
    ['get', 'execution-queue-attribute', ...pd],
  ]) {
    it(`-o yaml of \`${args.slice(0, 2).join(' ')}\` equals its -o json (timestamps stay strings)`, async () => {
      const attribute = args[1] === 'execution-queue-attribute'
      const json = JSON.parse(await cli(...args, ...(attribute ? [] : ['-o', 'json']))) as unknown
      const f = join(dir, `${args[1]}.yaml`)
      writeFileSync(f, await cli(...args, '-o', 'yaml'))
      assert.deepEqual((await pyyaml([f]))[0], json)
      assert.deepEqual(yaml11(readFileSync(f, 'utf8')), json)
    })
  }
})
