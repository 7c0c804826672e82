/**
 * Seeds an embedded control plane (with the local executor) through the real admin API: a project,
 * task and workflow versions, launch plans, and one execution run to SUCCEEDED.
 */
import {create} from '@bufbuild/protobuf'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {WorkflowExecution_Phase} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {IdentifierSchema, ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import type {TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {bind, int, map, promise} from '../../unit/executor/helpers.js'
import {closure, nodeTask, taskNode} from '../../integration/executor/workflows.js'

export const P = 'flytesnacks'
export const D = 'development'

export interface Seeded {
  plane: TestControlPlane
  clients: AdminClients
  /** Name of an execution that ran to SUCCEEDED (a=3, b=4 → result 14). */
  succeeded: string
  stop(): Promise<void>
}

function id(type: ResourceType, name: string, version: string): Identifier {
  return create(IdentifierSchema, {resourceType: type, project: P, domain: D, name, version})
}

function versioned(t: TaskTemplate, version: string): TaskTemplate {
  return {...t, id: {...t.id!, version}}
}

export async function registerPipeline(clients: AdminClients, version: string): Promise<void> {
  const add = versioned(nodeTask('core.add', 'add', {inputs: ['a', 'b'], outputs: ['o0']}), version)
  const double = versioned(nodeTask('core.double', 'double', {inputs: ['x'], outputs: ['o0']}), version)
  for (const t of [add, double]) await clients.admin.createTask({id: t.id!, spec: {template: t}})
  const wf = closure(
    'core.pipeline',
    [
      taskNode('n0', add, [bind('a', promise('start-node', 'a')), bind('b', promise('start-node', 'b'))]),
      taskNode('n1', double, [bind('x', promise('n0', 'o0'))]),
    ],
    [bind('result', promise('n1', 'o0'))],
    [add, double],
    {inputs: ['a', 'b'], outputs: ['result']},
  )
  const wfId = id(ResourceType.WORKFLOW, 'core.pipeline', version)
  const template = {...wf.primary!.template!, id: wfId}
  await clients.admin.createWorkflow({id: wfId, spec: {template}})
  await clients.admin.createLaunchPlan({
    id: id(ResourceType.LAUNCH_PLAN, 'core.pipeline', version),
    spec: {workflowId: wfId},
  })
}

export async function waitForPhase(
  clients: AdminClients,
  name: string,
  phases: WorkflowExecution_Phase[],
  ms = 20_000,
): Promise<WorkflowExecution_Phase> {
  const deadline = Date.now() + ms
  for (;;) {
    const e = await clients.admin.getExecution({id: {project: P, domain: D, name}})
    const phase = e.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED
    if (phases.includes(phase)) return phase
    if (Date.now() > deadline) throw new Error(`execution ${name} stuck in ${WorkflowExecution_Phase[phase]}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function launch(clients: AdminClients, name: string, version = 'v1', inputs = {a: 3, b: 4}) {
  await clients.admin.createExecution({
    project: P,
    domain: D,
    name,
    spec: {launchPlan: id(ResourceType.LAUNCH_PLAN, 'core.pipeline', version), metadata: {principal: 'test'}},
    inputs: map(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, int(v)]))),
  })
}

export async function seed(): Promise<Seeded> {
  const executor = new LocalExecutor({maxProcesses: 2})
  const plane = await startControlPlane({executor})
  const clients = createAdminClients({endpoint: plane.endpoint, insecure: true})
  await clients.admin.registerProject({project: {id: P, name: 'Flyte snacks', description: 'demo project'}})
  await clients.admin.registerProject({project: {id: 'other', name: 'Other', description: ''}})
  await registerPipeline(clients, 'v1')
  await registerPipeline(clients, 'v2')
  const succeeded = 'exec-ok'
  await launch(clients, succeeded)
  await waitForPhase(clients, succeeded, [WorkflowExecution_Phase.SUCCEEDED])
  return {
    plane,
    clients,
    succeeded,
    async stop() {
      clients.close()
      await plane.stop()
    },
  }
}
