/**
 * The event tests' run: an embedded plane (real gRPC, the local executor) in a data dir that
 * survives restarts, and one workflow with a map (array node), a branch and a failing task, in that
 * order, so its events come in one order.
 */
import {mkdtempSync, readFileSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {create} from '@bufbuild/protobuf'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {parseEventsConfig} from '../../../src/controlplane/events/config.js'
import {startServer, type RunningServer} from '../../../src/controlplane/server.js'
import type {CloudEventEnvelope} from '../../../src/controlplane/events/cloudevent.js'
import {eventsFile} from '../../../src/controlplane/events/sinks/file.js'
import {
  BooleanExpressionSchema,
  ComparisonExpressionSchema,
  ComparisonExpression_Operator,
  OperandSchema,
} from '../../../src/gen/flyteidl/core/condition_pb.js'
import {WorkflowExecution_Phase as WP} from '../../../src/gen/flyteidl/core/execution_pb.js'
import {ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {PrimitiveSchema} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {
  ArrayNode_DataMode,
  ArrayNodeSchema,
  BranchNodeSchema,
  IfBlockSchema,
  IfElseBlockSchema,
  NodeSchema,
} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {bind, int, list, promise} from '../../unit/executor/helpers.js'
import {closure, ident, nodeTask, taskNode} from '../executor/workflows.js'

export const P = 'flytesnacks'
export const D = 'development'

export interface EventsPlane {
  server: RunningServer
  clients: AdminClients
  dataDir: string
  stop(): Promise<void>
}

export function newDataDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'flytectl-events-')), 'data')
}

export async function startEventsPlane(dataDir: string, events: unknown = {}): Promise<EventsPlane> {
  const executor = new LocalExecutor({log: () => {}})
  const server = await startServer({
    port: 0,
    dataDir,
    executor,
    seedProjects: [P],
    events: parseEventsConfig(events),
  })
  const clients = createAdminClients({endpoint: `dns:///127.0.0.1:${server.port}`, insecure: true})
  return {
    server,
    clients,
    dataDir,
    async stop() {
      clients.close()
      await server.close()
    },
  }
}

/** Registers the workflow `events.flow` (map → branch → failing task) and its launch plan. */
export async function registerFlow(c: AdminClients, name = 'events.flow'): Promise<Identifier> {
  const double = nodeTask('events.double', 'double', {inputs: ['x'], outputs: ['o0']})
  const add = nodeTask('events.add', 'add', {inputs: ['a', 'b'], outputs: ['o0']})
  const fail = nodeTask('events.fail', 'user-error', {inputs: ['x']})
  const mapped = create(NodeSchema, {
    id: 'n0',
    inputs: [bind('x', promise('start-node', 'xs'))],
    target: {
      case: 'arrayNode',
      value: create(ArrayNodeSchema, {
        node: taskNode('n0', double, []),
        parallelismOption: {case: 'parallelism', value: 1},
        dataMode: ArrayNode_DataMode.INDIVIDUAL_INPUT_FILES,
      }),
    },
  })
  const gt = create(BooleanExpressionSchema, {
    expr: {
      case: 'comparison',
      value: create(ComparisonExpressionSchema, {
        operator: ComparisonExpression_Operator.GT,
        leftValue: create(OperandSchema, {val: {case: 'var', value: '.x'}}),
        rightValue: create(OperandSchema, {
          val: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'integer', value: 10n}})},
        }),
      }),
    },
  })
  const branch = create(NodeSchema, {
    id: 'n1',
    upstreamNodeIds: ['n0'],
    inputs: [bind('.x', promise('start-node', 'x'))],
    target: {
      case: 'branchNode',
      value: create(BranchNodeSchema, {
        ifElse: create(IfElseBlockSchema, {
          case: create(IfBlockSchema, {
            condition: gt,
            thenNode: taskNode('n1-n0', double, [bind('x', promise('start-node', 'x'))]),
          }),
          default: {
            case: 'elseNode',
            value: taskNode('n1-n1', add, [
              bind('a', promise('start-node', 'x')),
              bind('b', promise('start-node', 'x')),
            ]),
          },
        }),
      }),
    },
  })
  const failing = taskNode('n2', fail, [bind('x', promise('n1', 'o0'))], ['n1'])
  const wf = closure(name, [mapped, branch, failing], [bind('ys', promise('n0', 'o0'))], [double, add, fail], {
    inputs: ['x'],
  })
  // `xs` is a list input: declare it as the closure helper only knows integers.
  const iface = wf.primary!.template!.interface!
  iface.inputs!.variables.xs = {
    ...iface.inputs!.variables.x!,
    type: {
      ...iface.inputs!.variables.x!.type!,
      type: {case: 'collectionType', value: iface.inputs!.variables.x!.type!},
    },
  } as never
  for (const t of [double, add, fail]) {
    await c.admin.createTask({id: t.id, spec: {template: t}}).catch((e: Error) => {
      if (!/already exists/i.test(e.message)) throw e
    })
  }
  const wfId = ident(ResourceType.WORKFLOW, name)
  await c.admin.createWorkflow({id: wfId, spec: {template: {...wf.primary!.template!, id: wfId}}})
  const lpId = ident(ResourceType.LAUNCH_PLAN, name)
  await c.admin.createLaunchPlan({id: lpId, spec: {workflowId: wfId}})
  return lpId
}

export async function launchFlow(c: AdminClients, lp: Identifier, name?: string) {
  const {id} = await c.admin.createExecution({
    project: P,
    domain: D,
    ...(name ? {name} : {}),
    spec: {launchPlan: lp, labels: {values: {team: 'lineage'}}, metadata: {principal: 'alice'}},
    inputs: {literals: {x: int(20), xs: list(int(1), int(2))}},
  })
  return id!
}

export async function waitTerminal(c: AdminClients, id: {project: string; domain: string; name: string}) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const ex = await c.admin.getExecution({id})
    const phase = ex.closure?.phase ?? WP.UNDEFINED
    if ([WP.SUCCEEDED, WP.FAILED, WP.ABORTED, WP.TIMED_OUT].includes(phase)) return ex
    if (Date.now() > deadline) throw new Error(`execution still ${WP[phase]}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export function readNdjson(dataDir: string): CloudEventEnvelope[] {
  const f = eventsFile(dataDir)
  if (!existsSync(f)) return []
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CloudEventEnvelope)
}

/** `type subject phase` of each event, the phase read from its raw event. */
export function summary(events: CloudEventEnvelope[]): string[] {
  return events.map((e) => {
    const data = e.data as {rawEvent?: {phase?: string}}
    return `${e.type.replace('com.flyte.resource.cloudevents.', '')} ${e.subject} ${data?.rawEvent?.phase ?? ''}`
  })
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what = 'the events'): Promise<T> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The run's events as `type subject phase`, in the order the executor reports them. */
export function expectedFlow(name: string): string[] {
  const s = `flytesnacks/development/${name}`
  const node = (id: string, ...phases: string[]) => phases.map((p) => `NodeExecution ${s}/${id} ${p}`)
  const task = (id: string, last: string) => ['QUEUED', 'RUNNING', last].map((p) => `TaskExecution ${s}/${id}/0 ${p}`)
  const taskNode = (id: string, last = 'SUCCEEDED') => [
    ...node(id, 'QUEUED', 'RUNNING'),
    ...task(id, last),
    ...node(id, last),
  ]
  return [
    `WorkflowExecution ${s} RUNNING`,
    ...node('start-node', 'SUCCEEDED'),
    ...node('n0', 'QUEUED', 'RUNNING'),
    ...taskNode('n0-0-0'),
    ...taskNode('n0-0-1'),
    ...node('n0', 'SUCCEEDED'),
    ...node('n1', 'QUEUED', 'RUNNING'),
    ...node('n1-0-n1-n1', 'SKIPPED'),
    ...taskNode('n1-0-n1-n0'),
    ...node('n1', 'SUCCEEDED'),
    ...taskNode('n2', 'FAILED'),
    `WorkflowExecution ${s} FAILED`,
  ]
}
