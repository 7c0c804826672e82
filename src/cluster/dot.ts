/** Graphviz DOT of a compiled workflow (nodes and their downstream connections). */
import type {Workflow} from '../gen/flyteidl/admin/workflow_pb.js'

function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

export function workflowDot(workflow: Workflow): string {
  const compiled = workflow.closure?.compiledWorkflow?.primary
  const template = compiled?.template
  const lines = ['digraph G {', '  rankdir=TB;', `  label=${q(workflow.id?.name ?? '')};`]
  for (const node of template?.nodes ?? []) {
    let label = node.id
    const t = node.target
    if (t.case === 'taskNode' && t.value.reference.case === 'referenceId') label += `\n${t.value.reference.value.name}`
    if (t.case === 'workflowNode') label += '\n(sub-workflow)'
    if (t.case === 'branchNode') label += '\n(branch)'
    const shape = node.id === 'start-node' || node.id === 'end-node' ? 'oval' : 'box'
    lines.push(`  ${q(node.id)} [label=${q(label)}, shape=${shape}];`)
  }
  const down = compiled?.connections?.downstream ?? {}
  for (const from of Object.keys(down).sort())
    for (const to of [...down[from]!.ids].sort()) lines.push(`  ${q(from)} -> ${q(to)};`)
  lines.push('}')
  return lines.join('\n') + '\n'
}

export function dotUrl(dot: string): string {
  return 'http://graph.flyte.org/#' + encodeURIComponent(dot)
}
