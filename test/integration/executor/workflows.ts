/** Builders for compiled workflows whose tasks run fixtures/task.js with the repo's pinned node. */
import {create} from '@bufbuild/protobuf'
import {durationFromMs} from '@bufbuild/protobuf/wkt'
import {join} from 'node:path'
import {ExecutionSchema, ExecutionSpecSchema} from '../../../src/gen/flyteidl/admin/execution_pb.js'
import {
  CompiledTaskSchema,
  CompiledWorkflowClosureSchema,
  CompiledWorkflowSchema,
  type CompiledWorkflowClosure,
} from '../../../src/gen/flyteidl/core/compiler_pb.js'
import {
  IdentifierSchema,
  ResourceType,
  WorkflowExecutionIdentifierSchema,
  type Identifier,
} from '../../../src/gen/flyteidl/core/identifier_pb.js'
import {TypedInterfaceSchema, VariableMapSchema, VariableSchema} from '../../../src/gen/flyteidl/core/interface_pb.js'
import type {Binding, LiteralMap} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {
  ContainerSchema,
  TaskMetadataSchema,
  TaskTemplateSchema,
  type TaskTemplate,
} from '../../../src/gen/flyteidl/core/tasks_pb.js'
import {LiteralTypeSchema, SimpleType} from '../../../src/gen/flyteidl/core/types_pb.js'
import {
  NodeSchema,
  TaskNodeSchema,
  WorkflowTemplateSchema,
  type Node,
} from '../../../src/gen/flyteidl/core/workflow_pb.js'
import type {ExecutionJob} from '../../../src/controlplane/executor/types.js'

export const TASK_SCRIPT = join(import.meta.dirname, 'fixtures', 'task.js')

export const ident = (type: ResourceType, name: string): Identifier =>
  create(IdentifierSchema, {resourceType: type, project: 'flytesnacks', domain: 'development', name, version: 'v1'})

const intVars = (...names: string[]) =>
  create(VariableMapSchema, {
    variables: Object.fromEntries(
      names.map((n) => [
        n,
        create(VariableSchema, {type: create(LiteralTypeSchema, {type: {case: 'simple', value: SimpleType.INTEGER}})}),
      ]),
    ),
  })

export interface TaskOptions {
  inputs?: string[]
  outputs?: string[]
  retries?: number
  timeoutMs?: number
  /** Cache version: makes the task discoverable (cached). */
  cacheVersion?: string
  /** Replaces the default `node task.js <op> {{.input}} {{.outputPrefix}}` command. */
  command?: string[]
  args?: string[]
}

export function nodeTask(name: string, op: string, o: TaskOptions = {}): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: ident(ResourceType.TASK, name),
    type: 'container',
    metadata: create(TaskMetadataSchema, {
      retries: {retries: o.retries ?? 0},
      ...(o.cacheVersion ? {discoverable: true, discoveryVersion: o.cacheVersion} : {}),
      ...(o.timeoutMs ? {timeout: durationFromMs(o.timeoutMs)} : {}),
    }),
    interface: create(TypedInterfaceSchema, {
      inputs: intVars(...(o.inputs ?? [])),
      outputs: intVars(...(o.outputs ?? [])),
    }),
    target: {
      case: 'container',
      value: create(ContainerSchema, {
        image: 'example.com/task:v1',
        command: o.command ?? [process.execPath, TASK_SCRIPT, op, '{{.input}}', '{{.outputPrefix}}'],
        args: o.args ?? [],
      }),
    },
  })
}

export function taskNode(id: string, task: TaskTemplate, inputs: Binding[], upstream: string[] = []): Node {
  return create(NodeSchema, {
    id,
    metadata: {name: task.id!.name},
    inputs,
    upstreamNodeIds: upstream,
    target: {case: 'taskNode', value: create(TaskNodeSchema, {reference: {case: 'referenceId', value: task.id!}})},
  })
}

export function closure(
  name: string,
  nodes: Node[],
  outputs: Binding[],
  tasks: TaskTemplate[],
  io: {inputs?: string[]; outputs?: string[]} = {},
  subWorkflows: CompiledWorkflowClosure['subWorkflows'] = [],
): CompiledWorkflowClosure {
  return create(CompiledWorkflowClosureSchema, {
    primary: create(CompiledWorkflowSchema, {
      template: create(WorkflowTemplateSchema, {
        id: ident(ResourceType.WORKFLOW, name),
        interface: create(TypedInterfaceSchema, {
          inputs: intVars(...(io.inputs ?? [])),
          outputs: intVars(...(io.outputs ?? [])),
        }),
        nodes,
        outputs,
      }),
    }),
    tasks: tasks.map((t) => create(CompiledTaskSchema, {template: t})),
    subWorkflows,
  })
}

let counter = 0

export function job(
  dataDir: string,
  workflowClosure: CompiledWorkflowClosure | undefined,
  inputs: LiteralMap,
  task?: TaskTemplate,
): ExecutionJob {
  const name = `e${Date.now().toString(36)}${counter++}`
  return {
    execution: create(ExecutionSchema, {
      id: create(WorkflowExecutionIdentifierSchema, {project: 'flytesnacks', domain: 'development', name}),
      spec: create(ExecutionSpecSchema, {launchPlan: ident(ResourceType.LAUNCH_PLAN, 'wf')}),
    }),
    inputs,
    workflowClosure,
    task,
    dataDir,
    blobRoot: join(dataDir, 'blobs'),
  }
}
