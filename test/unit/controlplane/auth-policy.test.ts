/** The policy's pure parts: which action and project a call names, and the decision rules. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {DataProxyService} from '../../../src/gen/flyteidl/service/dataproxy_pb.js'
import {
  ExecutionCreateRequestSchema,
  ExecutionTerminateRequestSchema,
} from '../../../src/gen/flyteidl/admin/execution_pb.js'
import {ProjectRegisterRequestSchema} from '../../../src/gen/flyteidl/admin/project_pb.js'
import {NodeExecutionEventRequestSchema} from '../../../src/gen/flyteidl/admin/event_pb.js'
import {ProjectDomainAttributesUpdateRequestSchema} from '../../../src/gen/flyteidl/admin/project_domain_attributes_pb.js'
import {actionOf, targetOf} from '../../../src/controlplane/auth/actions.js'
import {decide, parsePolicy, type DecisionInput} from '../../../src/controlplane/auth/policy.js'

const m = (name: string) => AdminService.method[(name[0]!.toLowerCase() + name.slice(1)) as 'getTask']

test('each call maps to an action and the project and domain it names', () => {
  assert.equal(actionOf(m('GetTask')), 'read')
  assert.equal(actionOf(m('ListExecutions')), 'read')
  assert.equal(actionOf(m('TerminateExecution')), 'executions:terminate')
  assert.equal(actionOf(m('RelaunchExecution')), 'executions:create')
  assert.equal(actionOf(DataProxyService.method.createUploadLocation), 'blobs:create')
  assert.deepEqual(
    targetOf(
      m('CreateExecution'),
      create(ExecutionCreateRequestSchema, {project: 'p', domain: 'development', name: 'x'}),
    ),
    {action: 'executions:create', project: 'p', domain: 'development', resource: 'x'},
  )
  assert.equal(
    targetOf(m('RegisterProject'), create(ProjectRegisterRequestSchema, {project: {id: 'newp', name: 'New'}})).project,
    'newp',
  )
  const term = targetOf(
    m('TerminateExecution'),
    create(ExecutionTerminateRequestSchema, {id: {project: 'p2', domain: 'staging', name: 'e1'}}),
  )
  assert.deepEqual([term.project, term.domain, term.resource], ['p2', 'staging', 'e1'])
  const ev = targetOf(
    m('CreateNodeEvent'),
    create(NodeExecutionEventRequestSchema, {
      event: {id: {nodeId: 'n0', executionId: {project: 'p3', domain: 'd', name: 'e'}}},
    }),
  )
  assert.deepEqual([ev.action, ev.project], ['events:create', 'p3'])
  const attrs = targetOf(
    m('UpdateProjectDomainAttributes'),
    create(ProjectDomainAttributesUpdateRequestSchema, {attributes: {project: 'p4', domain: 'production'}}),
  )
  assert.deepEqual([attrs.action, attrs.project, attrs.domain], ['attributes:update', 'p4', 'production'])
})

const policy = parsePolicy(
  [
    'roles:',
    '  operator: [read, executions:terminate]',
    'bindings:',
    '  - role: launcher',
    '    users: [alice]',
    '    projects: [a]',
    '    domains: [development]',
    '  - role: operator',
    '    groups: [oncall]',
    '    projects: ["*"]',
  ].join('\n'),
  'policy.yaml',
)
const input = (over: Partial<DecisionInput> & {name?: string; groups?: string[]}): DecisionInput => ({
  principal: {name: over.name ?? 'alice', kind: 'user', groups: over.groups ?? []},
  action: over.action ?? 'executions:create',
  project: over.project ?? 'a',
  domain: over.domain ?? 'development',
  resource: '',
})

test('a binding allows its role’s actions in its projects and domains only', () => {
  assert.deepEqual(decide(policy, input({})), {allow: true, rule: 'bindings[0] (role launcher, user alice)'})
  assert.equal(decide(policy, input({project: 'b'})).allow, false)
  assert.equal(decide(policy, input({domain: 'production'})).allow, false)
  assert.equal(decide(policy, input({action: 'launchplans:update'})).allow, false)
  assert.equal(decide(policy, input({action: 'read', project: ''})).allow, true, 'no project named')
  const bob = decide(policy, input({name: 'bob', action: 'executions:terminate', project: 'z', groups: ['oncall']}))
  assert.deepEqual(bob, {allow: true, rule: 'bindings[1] (role operator, group oncall)'})
  assert.match(decide(policy, input({name: 'carol'})).rule, /no binding names user carol/)
  // A client named like a user does not match a `users:` entry.
  const client = {...input({}), principal: {name: 'alice', kind: 'client' as const, groups: []}}
  assert.equal(decide(policy, client).allow, false)
})

test('a policy with an unknown role or no projects is an error naming the entry', () => {
  assert.throws(
    () => parsePolicy('bindings:\n  - role: boss\n    projects: ["*"]\n', 'p.yaml'),
    /bindings\[0\]: unknown role "boss"/,
  )
  assert.throws(() => parsePolicy('bindings:\n  - role: admin\n', 'p.yaml'), /bindings\[0\]: `projects` is required/)
})
