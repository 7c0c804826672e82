/**
 * Dynamic nodes: a task node whose task wrote `futures.pb` (a DynamicJobSpec) instead of outputs.
 * As the engine does, the spec becomes a workflow named `dynamic_<node id>` (random version) whose
 * outputs are the task's, compiled with the spec's tasks and sub-workflows; the node reports
 * DYNAMIC_RUNNING carrying the compiled closure (GetDynamicNodeWorkflow serves it), its nodes run as
 * the node's children (ids hashed from the parent's id and attempt), and the workflow's outputs
 * become the node's.
 */
import {create, fromBinary} from '@bufbuild/protobuf'
import {randomBytes} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {DynamicJobSpecSchema, type DynamicJobSpec} from '../../../gen/flyteidl/core/dynamic_job_pb.js'
import {NodeExecution_Phase} from '../../../gen/flyteidl/core/execution_pb.js'
import {IdentifierSchema, ResourceType} from '../../../gen/flyteidl/core/identifier_pb.js'
import {TypedInterfaceSchema, VariableMapSchema} from '../../../gen/flyteidl/core/interface_pb.js'
import type {LiteralMap} from '../../../gen/flyteidl/core/literals_pb.js'
import type {TaskTemplate} from '../../../gen/flyteidl/core/tasks_pb.js'
import {WorkflowTemplateSchema, type WorkflowTemplate} from '../../../gen/flyteidl/core/workflow_pb.js'
import {DynamicWorkflowNodeMetadataSchema, TaskNodeMetadataSchema} from '../../../gen/flyteidl/event/event_pb.js'
import {compileWorkflow} from '../../compile.js'
import type {NodeRef} from '../events.js'
import {userError, type Outcome} from '../outcome.js'
import {fileUri} from '../storage.js'
import type {NodeContext} from './context.js'

const VERSION_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

function randomVersion(): string {
  return [...randomBytes(10)].map((b) => VERSION_ALPHABET[b % VERSION_ALPHABET.length]).join('')
}

/** Runs the workflow a dynamic task returned; `ref.attempt` is the task attempt that returned it. */
export async function runDynamic(
  ctx: NodeContext,
  ref: NodeRef,
  task: TaskTemplate,
  inputs: LiteralMap,
  futuresPath: string,
  signal: AbortSignal,
): Promise<Outcome> {
  let spec: DynamicJobSpec
  try {
    spec = fromBinary(DynamicJobSpecSchema, await readFile(futuresPath))
  } catch (err) {
    return {
      phase: 'failed',
      error: userError(
        'DynamicWorkflowBuildFailed',
        `node [${ref.node.id}]: its dynamic job spec ${fileUri(futuresPath)} cannot be read: ${(err as Error).message}`,
      ),
    }
  }
  const template = dynamicTemplate(ctx, ref, task, spec)
  const tasks = new Map<string, TaskTemplate>()
  for (const t of spec.tasks) {
    const id = t.id
    if (id) tasks.set(`${id.project}/${id.domain}/${id.name}/${id.version}`, t)
  }
  const closure = compileWorkflow(template, spec.subworkflows, [...tasks.values()])
  ctx.addDefinitions(closure)
  await ctx.events.node(ref, NodeExecution_Phase.DYNAMIC_RUNNING, {
    isParent: true,
    isDynamic: true,
    targetMetadata: {
      case: 'taskNodeMetadata',
      value: create(TaskNodeMetadataSchema, {
        dynamicWorkflow: create(DynamicWorkflowNodeMetadataSchema, {
          id: template.id,
          compiledWorkflow: closure,
          dynamicJobSpecUri: fileUri(futuresPath),
        }),
      }),
    },
  })
  if (signal.aborted) return {phase: 'aborted'}
  return ctx.runWorkflow(closure.primary!.template!, inputs, ref)
}

function dynamicTemplate(ctx: NodeContext, ref: NodeRef, task: TaskTemplate, spec: DynamicJobSpec): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id: create(IdentifierSchema, {
      resourceType: ResourceType.WORKFLOW,
      project: ctx.id.project,
      domain: ctx.id.domain,
      name: `dynamic_${ref.uniqueId}`,
      version: randomVersion(),
    }),
    interface: create(TypedInterfaceSchema, {
      inputs: create(VariableMapSchema),
      outputs: task.interface?.outputs ?? create(VariableMapSchema),
    }),
    nodes: spec.nodes,
    outputs: spec.outputs,
  })
}
