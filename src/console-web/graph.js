// The workflow graph: nodes of the compiled workflow laid out by dagre, coloured by the phase of
// their node execution (phase also as text), each a link that selects the node in the list below.
import {h} from 'preact'
import {useMemo} from 'preact/hooks'
import htm from 'htm'
import dagre from '@dagrejs/dagre'

const html = htm.bind(h)

export function nodeKind(node) {
  if (node.task_node) return 'task'
  if (node.workflow_node) return node.workflow_node.launchplan_ref ? 'launch plan' : 'sub-workflow'
  if (node.branch_node) return 'branch'
  if (node.array_node) return 'map'
  if (node.gate_node) return 'gate'
  if (node.id === 'start-node') return 'start'
  if (node.id === 'end-node') return 'end'
  return 'node'
}

function label(node) {
  if (node.id === 'start-node' || node.id === 'end-node') return node.id.replace('-node', '')
  return node.metadata?.name ? `${node.id}: ${node.metadata.name.split('.').pop()}` : node.id
}

/** Lays out a compiled workflow template (nodes + connections.downstream) left to right. */
export function layoutWorkflow(template, connections) {
  const g = new dagre.graphlib.Graph()
  g.setGraph({rankdir: 'LR', nodesep: 18, ranksep: 42, marginx: 8, marginy: 8})
  g.setDefaultEdgeLabel(() => ({}))
  const nodes = template?.nodes ?? []
  for (const n of nodes) {
    const text = label(n)
    // Room for the label and for the second line (kind · longest phase name).
    const chars = Math.max(Math.min(text.length, 32) * 7, (nodeKind(n).length + 18) * 6)
    g.setNode(n.id, {width: Math.max(70, chars + 20), height: 34, text, node: n})
  }
  const down = connections?.downstream ?? {}
  for (const [from, list] of Object.entries(down)) {
    for (const to of list.ids ?? []) if (g.hasNode(from) && g.hasNode(to)) g.setEdge(from, to)
  }
  dagre.layout(g)
  const graph = g.graph()
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: g.nodes().map((id) => ({id, ...g.node(id)})),
    edges: g.edges().map((e) => ({from: e.v, to: e.w, points: g.edge(e).points})),
  }
}

/** An SVG graph; `phases` maps node id → phase, `onSelect(id)` is called when a node is chosen. */
export function WorkflowGraph({template, connections, phases, onSelect, selected}) {
  const layout = useMemo(() => layoutWorkflow(template, connections), [template, connections])
  if (layout.nodes.length === 0) return html`<p class="muted">No graph for this run.</p>`
  return html`<svg
    class="graph"
    role="group"
    aria-label="workflow graph"
    viewBox=${`0 0 ${layout.width} ${layout.height}`}
    width=${layout.width}
    height=${layout.height}
  >
    <defs>
      <marker
        id="arrow"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="6"
        markerHeight="6"
        orient="auto-start-reverse"
      >
        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
      </marker>
    </defs>
    ${layout.edges.map(
      (e) =>
        html`<polyline
          class="edge"
          marker-end="url(#arrow)"
          points=${e.points.map((p) => `${p.x},${p.y}`).join(' ')}
        />`,
    )}
    ${layout.nodes.map((n) => {
      const phase = phases[n.id] || (n.id === 'start-node' ? 'SUCCEEDED' : '')
      const notRun = !phase
      const kind = nodeKind(n.node)
      return html`<g
        class=${`gnode ${notRun ? 'not-run' : `phase-${phase.toLowerCase()}`} ${selected === n.id ? 'selected' : ''}`}
        transform=${`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
        tabindex="0"
        role="button"
        data-node=${n.id}
        data-phase=${phase || 'NOT_RUN'}
        aria-label=${`${n.text} (${kind}) ${phase || 'not run'}`}
        onClick=${() => onSelect?.(n.id)}
        onKeyDown=${(ev) => (ev.key === 'Enter' || ev.key === ' ') && (ev.preventDefault(), onSelect?.(n.id))}
      >
        <title>${`${n.text} — ${kind} — ${phase || 'not run'}`}</title>
        <rect width=${n.width} height=${n.height} rx="6" />
        <text x="8" y="14" class="gtext">${n.text.length > 32 ? `${n.text.slice(0, 31)}…` : n.text}</text>
        <text x="8" y="28" class="gsub"
          >${kind}${phase ? ` · ${phase}` : notRun && kind !== 'start' ? ' · not run' : ''}</text
        >
      </g>`
    })}
  </svg>`
}
