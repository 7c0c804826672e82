/**
 * The JSON/YAML shape flytectl prints for --details: Go flytectl's NodeExecutionClosure, whose
 * child_nodes, task_execs, inputs and outputs are `omitempty` — a leaf has no `child_nodes: []`, a
 * node without attempts no `task_execs`, so scripts written against Go's output parse ours. Loads the
 * generated schemas and the protobuf runtime: import it only for JSON/YAML output.
 */
import {NodeExecutionSchema} from '../gen/flyteidl/admin/node_execution_pb.js'
import {TaskExecutionSchema} from '../gen/flyteidl/admin/task_execution_pb.js'
import type {NodeDetail} from './execution-details.js'
import {protoJson} from './proto-json.js'

export function detailsJson(nodes: NodeDetail[]): Record<string, unknown>[] {
  return nodes.map((n) => {
    const out: Record<string, unknown> = {node_exec: protoJson(NodeExecutionSchema, n.nodeExec)}
    if (n.children.length) out.child_nodes = detailsJson(n.children)
    if (n.taskExecs.length) out.task_execs = n.taskExecs.map((t) => protoJson(TaskExecutionSchema, t))
    if (Object.keys(n.inputs).length) out.inputs = n.inputs
    if (Object.keys(n.outputs).length) out.outputs = n.outputs
    if (n.dataExpired) out.data_expired = n.dataExpired
    return out
  })
}
