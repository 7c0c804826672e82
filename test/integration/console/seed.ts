/**
 * What the console tests and bench look at: a ticker task (prints a line every 150 ms), launch plans
 * over it, and a workflow with a sub-workflow and a map node, registered through the admin API.
 */
import {create} from '@bufbuild/protobuf'
import {join} from 'node:path'
import type {AdminClient} from '../../../src/admin/client.js'
import {CompiledWorkflowSchema} from '../../../src/gen/flyteidl/core/compiler_pb.js'
import {IdentifierSchema, ResourceType, type Identifier} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {TypedInterfaceSchema, VariableMapSchema} from '../../../src/gen/flyteidl/core/interface_pb.js'
import type {Literal} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {ContainerSchema, TaskTemplateSchema, type TaskTemplate} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {LiteralTypeSchema, SimpleType, type LiteralType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {
  BooleanExpressionSchema,
  ComparisonExpression_Operator,
  ComparisonExpressionSchema,
  OperandSchema,
} from '../../../src/gen/flyteidl/core/condition_pb.js'
import {PrimitiveSchema} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {
  ArrayNodeSchema,
  BranchNodeSchema,
  IfBlockSchema,
  IfElseBlockSchema,
  NodeSchema,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
  type Node,
} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import {bind, int, promise} from '../../unit/executor/helpers.js'

export const PROJECT = 'flytesnacks'
export const DOMAIN = 'development'
export const VERSION = 'v1'
const TICKER = join(import.meta.dirname, 'fixtures', 'ticker.js')

const INT: LiteralType = create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.INTEGER}})
const INTS: LiteralType = create(LiteralTypeSchema, {type: {case: 'collectionType', value: INT}})

export interface Scope {
  project: string
  domain: string
}
const HOME: Scope = {project: PROJECT, domain: DOMAIN}

export const id = (type: ResourceType, name: string, scope: Scope = HOME): Identifier =>
  create(IdentifierSchema, {resourceType: type, ...scope, name, version: VERSION})

function vars(v: Record<string, LiteralType>) {
  return create(VariableMapSchema, {
    variables: Object.fromEntries(Object.entries(v).map(([k, type]) => [k, {type, description: `${k} (ticks)`}])),
  })
}

export function tickerTask(name = 'console.ticker', n: LiteralType = INT, scope: Scope = HOME): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: id(ResourceType.TASK, name, scope),
    type: 'container',
    metadata: {retries: {retries: 0}},
    interface: create(TypedInterfaceSchema, {inputs: vars({n}), outputs: vars({o0: n === INT ? INT : INT})}),
    target: {
      case: 'container',
      value: create(ContainerSchema, {
        image: 'example.com/ticker:v1',
        command: [process.execPath, TICKER, '{{.input}}', '{{.outputPrefix}}'],
      }),
    },
  })
}

function taskNode(nodeId: string, task: TaskTemplate, inputs: ReturnType<typeof bind>[]): Node {
  return create(NodeSchema, {
    id: nodeId,
    metadata: {name: task.id!.name},
    inputs,
    target: {case: 'taskNode', value: {reference: {case: 'referenceId', value: task.id!}}},
  })
}

async function ignoreExists<T>(p: Promise<T>): Promise<void> {
  await p.then(
    () => undefined,
    (e: Error) => {
      if (!/already exists/i.test(e.message)) throw e
    },
  )
}

/** Registers the project, the ticker task, workflow `console.tick` and launch plans over it. */
export async function seedTicker(
  admin: AdminClient,
  launchPlans: string[] = ['console.tick'],
  scope: Scope = HOME,
): Promise<void> {
  await ignoreExists(admin.registerProject({project: {id: scope.project, name: scope.project}}))
  const task = tickerTask('console.ticker', INT, scope)
  await ignoreExists(admin.createTask({id: task.id, spec: {template: task}}))
  const wfId = id(ResourceType.WORKFLOW, 'console.tick', scope)
  await ignoreExists(
    admin.createWorkflow({
      id: wfId,
      spec: {
        template: create(WorkflowTemplateSchema, {
          id: wfId,
          interface: create(TypedInterfaceSchema, {inputs: vars({n: INT}), outputs: vars({o0: INT})}),
          nodes: [taskNode('n0', task, [bind('n', promise('start-node', 'n'))])],
          outputs: [bind('o0', promise('n0', 'o0'))],
        }),
      },
    }),
  )
  for (const name of launchPlans) {
    await ignoreExists(
      admin.createLaunchPlan({
        id: id(ResourceType.LAUNCH_PLAN, name, scope),
        spec: {
          workflowId: wfId,
          defaultInputs: {
            parameters: {n: {var: {type: INT, description: 'ticks'}, behavior: {case: 'default', value: int(2)}}},
          },
        },
      }),
    )
  }
}

/**
 * Workflow `console.nested`: n0 a sub-workflow (one ticker), n1 a map of the ticker over xs, n2 a
 * branch (`n == 1` runs n2-a, else n2-b), n3 the launch plan `console.tick` (a child execution).
 */
export async function seedNested(admin: AdminClient): Promise<void> {
  await seedTicker(admin, ['console.tick'])
  const task = tickerTask()
  const mapped = tickerTask('console.ticker_item', INTS)
  await ignoreExists(admin.createTask({id: mapped.id, spec: {template: mapped}}))
  const subId = id(ResourceType.WORKFLOW, 'console.inner')
  const inner = create(CompiledWorkflowSchema, {
    template: create(WorkflowTemplateSchema, {
      id: subId,
      interface: create(TypedInterfaceSchema, {inputs: vars({n: INT}), outputs: vars({o0: INT})}),
      nodes: [taskNode('n0', task, [bind('n', promise('start-node', 'n'))])],
      outputs: [bind('o0', promise('n0', 'o0'))],
    }),
  })
  const wfId = id(ResourceType.WORKFLOW, 'console.nested')
  const sub = create(NodeSchema, {
    id: 'n0',
    metadata: {name: 'console.inner'},
    inputs: [bind('n', promise('start-node', 'n'))],
    target: {
      case: 'workflowNode',
      value: create(WorkflowNodeSchema, {reference: {case: 'subWorkflowRef', value: subId}}),
    },
  })
  const arr = create(NodeSchema, {
    id: 'n1',
    metadata: {name: 'map_console.ticker_item'},
    inputs: [bind('n', promise('start-node', 'xs'))],
    upstreamNodeIds: ['n0'],
    target: {
      case: 'arrayNode',
      value: create(ArrayNodeSchema, {node: taskNode('n1', mapped, []), isOriginalSubNodeInterface: false}),
    },
  })
  const nIsOne = create(BooleanExpressionSchema, {
    expr: {
      case: 'comparison',
      value: create(ComparisonExpressionSchema, {
        operator: ComparisonExpression_Operator.EQ,
        leftValue: create(OperandSchema, {val: {case: 'var', value: 'n'}}),
        rightValue: create(OperandSchema, {
          val: {case: 'primitive', value: create(PrimitiveSchema, {value: {case: 'integer', value: 1n}})},
        }),
      }),
    },
  })
  const branch = create(NodeSchema, {
    id: 'n2',
    metadata: {name: 'pick'},
    inputs: [bind('n', promise('start-node', 'n'))],
    target: {
      case: 'branchNode',
      value: create(BranchNodeSchema, {
        ifElse: create(IfElseBlockSchema, {
          case: create(IfBlockSchema, {
            condition: nIsOne,
            thenNode: taskNode('n2-a', task, [bind('n', promise('start-node', 'n'))]),
          }),
          default: {case: 'elseNode', value: taskNode('n2-b', task, [bind('n', promise('start-node', 'n'))])},
        }),
      }),
    },
  })
  const child = create(NodeSchema, {
    id: 'n3',
    metadata: {name: 'console.tick'},
    inputs: [bind('n', promise('start-node', 'n'))],
    upstreamNodeIds: ['n2'],
    target: {
      case: 'workflowNode',
      value: create(WorkflowNodeSchema, {
        reference: {case: 'launchplanRef', value: id(ResourceType.LAUNCH_PLAN, 'console.tick')},
      }),
    },
  })
  await ignoreExists(
    admin.createWorkflow({
      id: wfId,
      spec: {
        template: create(WorkflowTemplateSchema, {
          id: wfId,
          interface: create(TypedInterfaceSchema, {inputs: vars({n: INT, xs: INTS}), outputs: vars({o0: INT})}),
          nodes: [sub, arr, branch, child],
          outputs: [bind('o0', promise('n0', 'o0'))],
        }),
        subWorkflows: [inner.template!],
      },
    }),
  )
  await ignoreExists(
    admin.createLaunchPlan({id: id(ResourceType.LAUNCH_PLAN, 'console.nested'), spec: {workflowId: wfId}}),
  )
}

/** Launches a launch plan with integer/list inputs; returns the execution name. */
export async function launch(
  admin: AdminClient,
  lp: string,
  inputs: Record<string, Literal>,
  scope: Scope = HOME,
): Promise<string> {
  const res = await admin.createExecution({
    ...scope,
    name: '',
    spec: {launchPlan: id(ResourceType.LAUNCH_PLAN, lp, scope), metadata: {mode: 0, principal: 'test'}},
    inputs: {literals: inputs},
  })
  return res.id!.name
}
