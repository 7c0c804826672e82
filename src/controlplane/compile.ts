/**
 * A workflow's compiled closure as FlyteAdmin stores it: the template with `start-node` and
 * `end-node` added, upstream/downstream connections (explicit upstream ids and data dependencies),
 * sub-workflows compiled the same way, and the templates of every referenced task.
 */
import {clone, create} from '@bufbuild/protobuf'
import {
  CompiledTaskSchema,
  CompiledWorkflowClosureSchema,
  CompiledWorkflowSchema,
  ConnectionSet_IdListSchema,
  ConnectionSetSchema,
  type CompiledTask,
  type CompiledWorkflow,
  type CompiledWorkflowClosure,
} from '../gen/flyteidl/core/compiler_pb.js'
import type {Identifier} from '../gen/flyteidl/core/identifier_pb.js'
import type {BindingData} from '../gen/flyteidl/core/literals_pb.js'
import {NodeSchema, WorkflowTemplateSchema, type Node, type WorkflowTemplate} from '../gen/flyteidl/core/workflow_pb.js'
import type {TaskTemplate} from '../gen/flyteidl/core/tasks_pb.js'

export const START_NODE = 'start-node'
export const END_NODE = 'end-node'

function bindingRefs(data: BindingData | undefined, out: Set<string>): void {
  if (!data) return
  switch (data.value.case) {
    case 'promise':
      out.add(data.value.value.nodeId)
      break
    case 'collection':
      for (const b of data.value.value.bindings) bindingRefs(b, out)
      break
    case 'map':
      for (const b of Object.values(data.value.value.bindings)) bindingRefs(b, out)
      break
    default:
  }
}

/** The nodes nested in a node (branch cases, array sub-node). */
export function innerNodes(node: Node): Node[] {
  const t = node.target
  if (t.case === 'branchNode') {
    const ie = t.value.ifElse
    if (!ie) return []
    const nodes: Node[] = []
    if (ie.case?.thenNode) nodes.push(ie.case.thenNode)
    for (const b of ie.other) if (b.thenNode) nodes.push(b.thenNode)
    if (ie.default.case === 'elseNode') nodes.push(ie.default.value)
    return nodes
  }
  if (t.case === 'arrayNode' && t.value.node) return [t.value.node]
  return []
}

function nodeDeps(node: Node): Set<string> {
  const deps = new Set<string>(node.upstreamNodeIds)
  for (const b of node.inputs) bindingRefs(b.binding, deps)
  for (const inner of innerNodes(node)) for (const d of nodeDeps(inner)) deps.add(d)
  deps.delete(node.id)
  return deps
}

/** Every task id referenced by the workflow's nodes (recursively through branches and arrays). */
export function referencedTaskIds(templates: WorkflowTemplate[]): Identifier[] {
  const seen = new Map<string, Identifier>()
  const visit = (node: Node): void => {
    if (node.target.case === 'taskNode' && node.target.value.reference.case === 'referenceId') {
      const id = node.target.value.reference.value
      seen.set(`${id.project}/${id.domain}/${id.name}/${id.version}`, id)
    }
    for (const inner of innerNodes(node)) visit(inner)
  }
  for (const t of templates) {
    for (const n of t.nodes) visit(n)
    if (t.failureNode) visit(t.failureNode)
  }
  return [...seen.values()]
}

/** A promise with no node id refers to the workflow's inputs: the compiler names it `start-node`. */
function fillStartNode(data: BindingData | undefined): void {
  if (!data) return
  switch (data.value.case) {
    case 'promise':
      if (data.value.value.nodeId === '') data.value.value.nodeId = START_NODE
      break
    case 'collection':
      for (const b of data.value.value.bindings) fillStartNode(b)
      break
    case 'map':
      for (const b of Object.values(data.value.value.bindings)) fillStartNode(b)
      break
    default:
  }
}

function fillStartNodes(node: Node): void {
  for (const b of node.inputs) fillStartNode(b.binding)
  for (const inner of innerNodes(node)) fillStartNodes(inner)
}

export function compileTemplate(template: WorkflowTemplate): CompiledWorkflow {
  const tpl = clone(WorkflowTemplateSchema, template)
  for (const node of tpl.nodes) fillStartNodes(node)
  for (const b of tpl.outputs) fillStartNode(b.binding)
  const userNodes = tpl.nodes.filter((n) => n.id !== START_NODE && n.id !== END_NODE)
  const ids = new Set(userNodes.map((n) => n.id))
  const upstream = new Map<string, Set<string>>()
  const downstream = new Map<string, Set<string>>()
  const link = (from: string, to: string): void => {
    if (!upstream.has(to)) upstream.set(to, new Set())
    upstream.get(to)!.add(from)
    if (!downstream.has(from)) downstream.set(from, new Set())
    downstream.get(from)!.add(to)
  }
  for (const node of userNodes) {
    const deps = [...nodeDeps(node)].filter((d) => d === START_NODE || ids.has(d))
    if (deps.length === 0) link(START_NODE, node.id)
    for (const d of deps) link(d, node.id)
  }
  const endDeps = new Set<string>()
  for (const b of tpl.outputs) bindingRefs(b.binding, endDeps)
  for (const node of userNodes) if (!downstream.has(node.id)) endDeps.add(node.id)
  if (endDeps.size === 0) endDeps.add(START_NODE)
  for (const d of endDeps) if (d === START_NODE || ids.has(d)) link(d, END_NODE)
  tpl.nodes = [
    create(NodeSchema, {id: START_NODE}),
    ...userNodes,
    create(NodeSchema, {id: END_NODE, inputs: tpl.outputs}),
  ]
  const toIdLists = (m: Map<string, Set<string>>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, create(ConnectionSet_IdListSchema, {ids: [...v].sort()})]))
  return create(CompiledWorkflowSchema, {
    template: tpl,
    connections: create(ConnectionSetSchema, {upstream: toIdLists(upstream), downstream: toIdLists(downstream)}),
  })
}

export function compileWorkflow(
  primary: WorkflowTemplate,
  subWorkflows: WorkflowTemplate[],
  tasks: TaskTemplate[],
): CompiledWorkflowClosure {
  const compiledTasks: CompiledTask[] = tasks.map((template) => create(CompiledTaskSchema, {template}))
  return create(CompiledWorkflowClosureSchema, {
    primary: compileTemplate(primary),
    subWorkflows: subWorkflows.map(compileTemplate),
    tasks: compiledTasks,
  })
}
