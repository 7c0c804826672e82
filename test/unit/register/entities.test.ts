import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeEntity,
  entityId,
  hydrateEntity,
  kindFromFileName,
  launchPlanRefs,
  scheduledInputsMissing,
} from '../../../src/cluster/register/entities.js'
import {encode, launchPlan, pbFiles, taskSpec, trio, workflowSpec} from '../../fixtures/register/build-package.js'

const opts = {project: 'flytesnacks', domain: 'development', version: 'v1'}

describe('decodeEntity', () => {
  it('decodes each kind from its pyflyte file name', () => {
    const files = pbFiles(trio('example'))
    assert.deepEqual(
      files.map((f) => f.name),
      ['00_example.t_1.pb', '01_example.wf_2.pb', '02_example.wf_3.pb'],
    )
    assert.deepEqual(
      files.map((f) => decodeEntity(f.name, f.bytes).kind),
      ['task', 'workflow', 'launchplan'],
    )
    assert.equal(kindFromFileName('x_9.pb'), undefined)
  })
  it('finds the right kind even when the name says otherwise or nothing', () => {
    const wf = encode({kind: 'workflow', spec: workflowSpec('w', 't')})
    assert.equal(decodeEntity('05_w_1.pb', wf).kind, 'workflow')
    const lp = encode({kind: 'launchplan', spec: launchPlan('l', 'w', {defaultX: 1})})
    assert.equal(decodeEntity('lp.pb', lp).kind, 'launchplan')
  })
  it('rejects bytes that are no entity', () => {
    assert.throws(() => decodeEntity('00_x_1.pb', new TextEncoder().encode('hello, not a protobuf')), /not a TaskSpec/)
    assert.throws(() => decodeEntity('00_x_1.pb', new Uint8Array()), /not a TaskSpec/)
  })
})

describe('hydrateEntity', () => {
  it('replaces project/domain/version placeholders in a task and its fast-register args', () => {
    const e = decodeEntity('00_t_1.pb', encode({kind: 'task', spec: taskSpec('t')}))
    hydrateEntity(e, {...opts, remotePackagePath: 's3://bucket/fast/abc.tar.gz', destinationDirectory: '/root'})
    assert.deepEqual(
      {...entityId(e)!},
      {...entityId(e)!, project: 'flytesnacks', domain: 'development', name: 't', version: 'v1'},
    )
    assert.ok(e.kind === 'task' && e.spec.template?.target.case === 'container')
    const args = e.spec.template.target.value.args
    assert.equal(args[2], 's3://bucket/fast/abc.tar.gz')
    assert.equal(args[4], '/root')
    assert.ok(args.includes('{{.input}}'), 'runtime templates stay')
  })
  it('defaults the destination directory to "."', () => {
    const e = decodeEntity('00_t_1.pb', encode({kind: 'task', spec: taskSpec('t')}))
    hydrateEntity(e, opts)
    assert.ok(e.kind === 'task' && e.spec.template?.target.case === 'container')
    assert.equal(e.spec.template.target.value.args[4], '.')
    assert.equal(e.spec.template.target.value.args[2], '{{ .remote_package_path }}', 'no upload, no substitution')
  })
  it('keeps explicit identifiers unless --force replaces the version', () => {
    const explicit = {project: 'other', domain: 'staging', version: 'v9'}
    const e = decodeEntity('01_w_2.pb', encode({kind: 'workflow', spec: workflowSpec('w', 't', explicit)}))
    hydrateEntity(e, opts)
    assert.equal(entityId(e)!.version, 'v9')
    assert.equal(entityId(e)!.project, 'other')
    hydrateEntity(e, {...opts, force: true})
    assert.equal(entityId(e)!.version, 'v1')
    assert.equal(entityId(e)!.project, 'other')
  })
  it('hydrates workflow node references and the launch plan workflow id', () => {
    const wf = decodeEntity('01_w_2.pb', encode({kind: 'workflow', spec: workflowSpec('w', 't')}))
    hydrateEntity(wf, opts)
    assert.ok(wf.kind === 'workflow')
    const node = wf.spec.template!.nodes[0]!
    assert.ok(node.target.case === 'taskNode' && node.target.value.reference.case === 'referenceId')
    assert.equal(node.target.value.reference.value.version, 'v1')
    assert.equal(node.target.value.reference.value.project, 'flytesnacks')
    const lp = decodeEntity('02_w_3.pb', encode({kind: 'launchplan', spec: launchPlan('w', 'w', {defaultX: 1})}))
    hydrateEntity(lp, {...opts, k8sServiceAccount: 'sa', outputLocationPrefix: 's3://out'})
    assert.ok(lp.kind === 'launchplan')
    assert.equal(lp.spec.spec!.workflowId!.version, 'v1')
    assert.equal(lp.spec.spec!.authRole!.kubernetesServiceAccount, 'sa')
    assert.equal(lp.spec.spec!.securityContext!.runAs!.k8sServiceAccount, 'sa')
    assert.equal(lp.spec.spec!.rawOutputDataConfig!.outputLocationPrefix, 's3://out')
  })
  it('leaves the version empty when none is given (the caller reports it)', () => {
    const e = decodeEntity('00_t_1.pb', encode({kind: 'task', spec: taskSpec('t')}))
    hydrateEntity(e, {...opts, version: ''})
    assert.equal(entityId(e)!.version, '')
  })
})

describe('scheduledInputsMissing / launchPlanRefs', () => {
  it('a scheduled launch plan needs a value for every input', () => {
    assert.deepEqual(scheduledInputsMissing(launchPlan('l', 'w', {cron: '0 * * * *'})), ['x'])
    assert.deepEqual(scheduledInputsMissing(launchPlan('l', 'w', {cron: '0 * * * *', defaultX: 1})), [])
    assert.deepEqual(scheduledInputsMissing(launchPlan('l', 'w')), [], 'unscheduled: nothing to check')
  })
  it('lists the launch plans a workflow calls', () => {
    const wf = workflowSpec('parent', 't')
    wf.template!.nodes.push({
      ...wf.template!.nodes[0]!,
      id: 'n1',
      target: {
        case: 'workflowNode',
        value: {
          $typeName: 'flyteidl.core.WorkflowNode',
          reference: {
            case: 'launchplanRef',
            value: {...entityId({kind: 'launchplan', spec: launchPlan('child', 'child')})!},
          },
        },
      },
    })
    assert.deepEqual(launchPlanRefs(wf), [
      '{{ registration.project }}/{{ registration.domain }}/child@{{ registration.version }}',
    ])
  })
})
