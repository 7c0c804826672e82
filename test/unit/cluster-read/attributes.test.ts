import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {ATTRIBUTE_KINDS, parseAttrFile, toAttrFile} from '../../../src/cluster/attributes.js'
import {CliError} from '../../../src/cli/errors.js'

const fails = (re: RegExp) => (e: unknown) => e instanceof CliError && e.code === 'invalid-input' && re.test(e.message)

describe('attrFile', () => {
  it('reads flytectl task-resource-attribute files and writes them back the same way', async () => {
    const kind = ATTRIBUTE_KINDS['task-resource-attribute']
    const text = `project: flytesnacks
domain: development
defaults:
  cpu: "1"
  memory: 150Mi
limits:
  cpu: "2"
  memory: 450Mi
`
    const {scope, value} = await parseAttrFile(kind, text, 'tra.yaml')
    assert.deepEqual(scope, {project: 'flytesnacks', domain: 'development', workflow: undefined})
    assert.deepEqual(toAttrFile(kind, scope, value), {
      project: 'flytesnacks',
      domain: 'development',
      defaults: {cpu: '1', memory: '150Mi'},
      limits: {cpu: '2', memory: '450Mi'},
    })
  })

  it('keeps Go shapes: enum numbers for plugin overrides, {value} for interruptible', async () => {
    const po = ATTRIBUTE_KINDS['plugin-override']
    const p = await parseAttrFile(
      po,
      `project: p\ndomain: d\nworkflow: wf\noverrides:\n  - task_type: python_task\n    plugin_id: [a, b]\n    missing_plugin_behavior: 1\n`,
      'po.yaml',
    )
    assert.deepEqual(toAttrFile(po, p.scope, p.value), {
      project: 'p',
      domain: 'd',
      workflow: 'wf',
      overrides: [{task_type: 'python_task', plugin_id: ['a', 'b'], missing_plugin_behavior: 1}],
    })
    const wec = ATTRIBUTE_KINDS['workflow-execution-config']
    const w = await parseAttrFile(
      wec,
      `project: p\nmax_parallelism: 5\ninterruptible: {value: true}\nsecurity_context: {run_as: {k8s_service_account: demo}}\nenvs: {values: [{key: K, value: V}]}\n`,
      'wec.yaml',
    )
    assert.deepEqual(toAttrFile(wec, w.scope, w.value), {
      project: 'p',
      max_parallelism: 5,
      interruptible: {value: true},
      security_context: {run_as: {k8s_service_account: 'demo'}},
      envs: {values: [{key: 'K', value: 'V'}]},
    })
  })

  it('is strict: an unknown key, bad YAML or a wrong type is one error naming it', async () => {
    const kind = ATTRIBUTE_KINDS['task-resource-attribute']
    await assert.rejects(
      parseAttrFile(kind, 'project: p\ndomain: d\ndefault:\n  cpu: "1"\n', 'f.yaml'),
      fails(/^attrFile f.yaml: unknown key "default" for task-resource-attribute$/),
    )
    await assert.rejects(
      parseAttrFile(kind, 'project: p\ndefaults:\n  cpuu: "1"\n', 'f.yaml'),
      fails(/unknown key "cpuu"/),
    )
    await assert.rejects(parseAttrFile(kind, 'project: [p\n', 'f.yaml'), fails(/^attrFile f.yaml is not valid YAML/))
    await assert.rejects(parseAttrFile(kind, '- a\n', 'f.yaml'), fails(/must be a YAML mapping/))
    await assert.rejects(
      parseAttrFile(ATTRIBUTE_KINDS['execution-queue-attribute'], 'project: p\ntags: 5\n', 'f.yaml'),
      fails(/^attrFile f.yaml: /),
    )
    await assert.rejects(
      parseAttrFile(
        ATTRIBUTE_KINDS['workflow-execution-config'],
        'project: p\ninterruptible: {value: true, x: 1}\n',
        'f.yaml',
      ),
      fails(/unknown key interruptible.x/),
    )
  })
})
