/**
 * Example launch plans the demo plane seeds in `flytesnacks`/`development`, so that a first
 * `flytectl create execution --launchplan examples.hello_world --wait` runs with nothing installed
 * but this machine: every task is a raw container (`sh` and `awk`, which exist on any POSIX system
 * and in `busybox`) whose inputs arrive as files under /var/inputs and whose outputs are read from
 * files under /var/outputs (Flyte's copilot data loading, which the local executor maps onto
 * directories of the attempt). Values reach the scripts only through those files, never through
 * the command line, so no input can change what a script runs.
 *
 * Seeding goes through the same service functions as CreateTask/CreateWorkflow/CreateLaunchPlan
 * (validation, compilation, digests); entities that exist already are left as they are.
 */
import {fromJson, type JsonValue} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import {LaunchPlanCreateRequestSchema, LaunchPlanUpdateRequestSchema} from '../gen/flyteidl/admin/launch_plan_pb.js'
import {TaskCreateRequestSchema} from '../gen/flyteidl/admin/task_pb.js'
import {WorkflowCreateRequestSchema} from '../gen/flyteidl/admin/workflow_pb.js'
import type {PlaneContext} from './context.js'
import {createLaunchPlan, createTask, createWorkflow, updateLaunchPlan} from './services/definitions.js'

export const EXAMPLES_PROJECT = 'flytesnacks'
export const EXAMPLES_DOMAIN = 'development'
/** Bumped whenever an example changes, so an existing plane gets the new version beside the old. */
export const EXAMPLES_VERSION = 'v1'

type Simple = 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN'
type VarType = Simple | {list: Simple}

const typeJson = (t: VarType): JsonValue => (typeof t === 'string' ? {simple: t} : {collectionType: {simple: t.list}})

const variables = (vars: Record<string, [VarType, string]>): JsonValue => ({
  variables: Object.fromEntries(Object.entries(vars).map(([k, [t, d]]) => [k, {type: typeJson(t), description: d}])),
})

interface ExampleTask {
  name: string
  description: string
  inputs: Record<string, [VarType, string]>
  outputs: Record<string, [VarType, string]>
  /** A POSIX shell script; reads /var/inputs/<name>, writes /var/outputs/<name>. */
  script: string
}

const TASKS: ExampleTask[] = [
  {
    name: 'examples.greet',
    description: 'Greets someone by name.',
    inputs: {name: ['STRING', 'who to greet']},
    outputs: {greeting: ['STRING', 'the greeting']},
    script: 'printf "Hello, %s!" "$(cat /var/inputs/name)" > /var/outputs/greeting',
  },
  {
    name: 'examples.arithmetic',
    description: 'Adds, multiplies and divides two integers; fails when b is 0.',
    inputs: {a: ['INTEGER', 'first number'], b: ['INTEGER', 'second number']},
    outputs: {sum: ['INTEGER', 'a + b'], product: ['INTEGER', 'a * b'], ratio: ['FLOAT', 'a / b']},
    script: [
      'a=$(cat /var/inputs/a); b=$(cat /var/inputs/b)',
      'echo "a=$a b=$b"',
      'echo $((a + b)) > /var/outputs/sum',
      'echo $((a * b)) > /var/outputs/product',
      'awk -v a="$a" -v b="$b" \'BEGIN { if (b == 0) { print "cannot divide by zero: b is 0" > "/dev/stderr"; exit 1 }; printf "%.6g", a / b }\' > /var/outputs/ratio',
    ].join('; '),
  },
  {
    name: 'examples.is_even',
    description: 'Whether n is even.',
    inputs: {n: ['INTEGER', 'a number']},
    outputs: {even: ['BOOLEAN', 'n is even']},
    script: 'if [ $(( $(cat /var/inputs/n) % 2 )) -eq 0 ]; then echo true; else echo false; fi > /var/outputs/even',
  },
  {
    name: 'examples.halve',
    description: 'n / 2.',
    inputs: {n: ['INTEGER', 'an even number']},
    outputs: {next: ['INTEGER', 'n / 2']},
    script: 'echo $(( $(cat /var/inputs/n) / 2 )) > /var/outputs/next',
  },
  {
    name: 'examples.triple_plus_one',
    description: '3n + 1.',
    inputs: {n: ['INTEGER', 'an odd number']},
    outputs: {next: ['INTEGER', '3n + 1']},
    script: 'echo $(( 3 * $(cat /var/inputs/n) + 1 )) > /var/outputs/next',
  },
  {
    name: 'examples.square',
    description: 'x squared.',
    inputs: {x: ['INTEGER', 'a number']},
    outputs: {y: ['INTEGER', 'x * x']},
    script: 'x=$(cat /var/inputs/x); echo $((x * x)) > /var/outputs/y',
  },
  {
    name: 'examples.total',
    description: 'The sum of a list of integers.',
    inputs: {numbers: [{list: 'INTEGER'}, 'the numbers']},
    outputs: {total: ['INTEGER', 'their sum']},
    // The list arrives as [1,4,9].
    script:
      "tr -d '[] ' < /var/inputs/numbers | tr ',' '\\n' | awk '{ s += $1 } END { print s + 0 }' > /var/outputs/total",
  },
]

const ident = (resourceType: string, name: string): JsonValue => ({
  resourceType,
  project: EXAMPLES_PROJECT,
  domain: EXAMPLES_DOMAIN,
  name,
  version: EXAMPLES_VERSION,
})
const taskId = (name: string) => ident('TASK', name)

function taskRequest(t: ExampleTask): JsonValue {
  return {
    id: taskId(t.name),
    spec: {
      template: {
        id: taskId(t.name),
        type: 'raw-container',
        metadata: {runtime: {type: 'OTHER', version: EXAMPLES_VERSION, flavor: 'flytectl-examples'}, retries: {}},
        interface: {inputs: variables(t.inputs), outputs: variables(t.outputs)},
        container: {
          image: 'docker.io/library/busybox:1.36',
          command: ['sh', '-c', t.script],
          dataConfig: {enabled: true, inputPath: '/var/inputs', outputPath: '/var/outputs', format: 'JSON'},
        },
      },
      description: {shortDescription: t.description},
    },
  }
}

const promise = (nodeId: string, v: string): JsonValue => ({promise: {nodeId, var: v}})
const bind = (v: string, nodeId: string, from = v): JsonValue => ({var: v, binding: promise(nodeId, from)})
const taskNode = (id: string, task: string, inputs: JsonValue[]): JsonValue => ({
  id,
  metadata: {name: task},
  inputs,
  taskNode: {referenceId: taskId(task)},
})

interface ExampleWorkflow {
  name: string
  description: string
  inputs: Record<string, [VarType, string, JsonValue]>
  outputs: Record<string, [VarType, string]>
  nodes: JsonValue[]
  outputBindings: JsonValue[]
}

const WORKFLOWS: ExampleWorkflow[] = [
  {
    name: 'examples.hello_world',
    description: 'One task: a greeting for a name.',
    inputs: {name: ['STRING', 'who to greet', {scalar: {primitive: {stringValue: 'world'}}}]},
    outputs: {greeting: ['STRING', 'the greeting']},
    nodes: [taskNode('n0', 'examples.greet', [bind('name', 'start-node')])],
    outputBindings: [bind('greeting', 'n0')],
  },
  {
    name: 'examples.arithmetic',
    description: 'Typed inputs and outputs: integers in; integers and a float out (b=0 fails).',
    inputs: {
      a: ['INTEGER', 'first number', {scalar: {primitive: {integer: '6'}}}],
      b: ['INTEGER', 'second number', {scalar: {primitive: {integer: '4'}}}],
    },
    outputs: {sum: ['INTEGER', 'a + b'], product: ['INTEGER', 'a * b'], ratio: ['FLOAT', 'a / b']},
    nodes: [taskNode('n0', 'examples.arithmetic', [bind('a', 'start-node'), bind('b', 'start-node')])],
    outputBindings: [bind('sum', 'n0'), bind('product', 'n0'), bind('ratio', 'n0')],
  },
  {
    name: 'examples.collatz_step',
    description: 'A branch: n / 2 when n is even, else 3n + 1.',
    inputs: {n: ['INTEGER', 'a positive number', {scalar: {primitive: {integer: '27'}}}]},
    outputs: {next: ['INTEGER', 'the next number of the Collatz sequence']},
    nodes: [
      taskNode('n0', 'examples.is_even', [bind('n', 'start-node')]),
      {
        id: 'n1',
        metadata: {name: 'even_or_odd'},
        inputs: [bind('n0.even', 'n0', 'even')],
        branchNode: {
          ifElse: {
            case: {
              condition: {
                comparison: {
                  operator: 'EQ',
                  leftValue: {var: 'n0.even'},
                  rightValue: {primitive: {boolean: true}},
                },
              },
              thenNode: taskNode('n1-n0', 'examples.halve', [bind('n', 'start-node')]),
            },
            elseNode: taskNode('n1-n1', 'examples.triple_plus_one', [bind('n', 'start-node')]),
          },
        },
      },
    ],
    outputBindings: [bind('next', 'n1')],
  },
  {
    name: 'examples.map_square',
    description: 'A map: squares every number at once, then adds the squares.',
    inputs: {
      numbers: [
        {list: 'INTEGER'},
        'the numbers',
        {collection: {literals: [1, 2, 3, 4, 5].map((i) => ({scalar: {primitive: {integer: String(i)}}}))}},
      ],
    },
    outputs: {squares: [{list: 'INTEGER'}, 'each number squared'], total: ['INTEGER', 'the sum of the squares']},
    nodes: [
      {
        id: 'n0',
        metadata: {name: 'square_each'},
        inputs: [bind('x', 'start-node', 'numbers')],
        arrayNode: {
          node: taskNode('n0', 'examples.square', [bind('x', 'start-node', 'numbers')]),
          parallelism: 0,
          dataMode: 'INDIVIDUAL_INPUT_FILES',
        },
      },
      taskNode('n1', 'examples.total', [bind('numbers', 'n0', 'y')]),
    ],
    outputBindings: [bind('squares', 'n0', 'y'), bind('total', 'n1')],
  },
]

function workflowRequest(w: ExampleWorkflow): JsonValue {
  const inputs = Object.fromEntries(Object.entries(w.inputs).map(([k, [t, d]]) => [k, [t, d] as [VarType, string]]))
  return {
    id: ident('WORKFLOW', w.name),
    spec: {
      template: {
        id: ident('WORKFLOW', w.name),
        metadata: {},
        interface: {inputs: variables(inputs), outputs: variables(w.outputs)},
        nodes: w.nodes,
        outputs: w.outputBindings,
      },
      description: {shortDescription: w.description},
    },
  }
}

function launchPlanRequest(w: ExampleWorkflow): JsonValue {
  return {
    id: ident('LAUNCH_PLAN', w.name),
    spec: {
      workflowId: ident('WORKFLOW', w.name),
      entityMetadata: {},
      defaultInputs: {
        parameters: Object.fromEntries(
          Object.entries(w.inputs).map(([k, [t, d, dflt]]) => [
            k,
            {var: {type: typeJson(t), description: d}, default: dflt},
          ]),
        ),
      },
      fixedInputs: {},
    },
  }
}

/** The launch plans seeded (the names a user runs). */
export const EXAMPLE_LAUNCH_PLANS = WORKFLOWS.map((w) => w.name)

const ignoreExisting = (fn: () => void) => {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof ConnectError && err.code === Code.AlreadyExists)) throw err
  }
}

/** Whether this version of the examples is in the store already (one cheap query). */
export function examplesSeeded(ctx: PlaneContext): boolean {
  const last = WORKFLOWS[WORKFLOWS.length - 1]!.name
  return Boolean(
    ctx.db.get(
      'SELECT 1 FROM launch_plans WHERE project = ? AND domain = ? AND name = ? AND version = ?',
      EXAMPLES_PROJECT,
      EXAMPLES_DOMAIN,
      last,
      EXAMPLES_VERSION,
    ),
  )
}

/** Registers the example tasks, workflows and (active) launch plans in flytesnacks/development. */
export function seedExamples(ctx: PlaneContext): void {
  for (const t of TASKS) ignoreExisting(() => createTask(ctx, fromJson(TaskCreateRequestSchema, taskRequest(t))))
  for (const w of WORKFLOWS) {
    ignoreExisting(() => createWorkflow(ctx, fromJson(WorkflowCreateRequestSchema, workflowRequest(w))))
    ignoreExisting(() => createLaunchPlan(ctx, fromJson(LaunchPlanCreateRequestSchema, launchPlanRequest(w))))
    updateLaunchPlan(ctx, fromJson(LaunchPlanUpdateRequestSchema, {id: ident('LAUNCH_PLAN', w.name), state: 'ACTIVE'}))
  }
}
