// The workflow graph: nodes of the compiled workflow laid out by dagre, coloured by the phase of
// their node execution (phase also as text), each selecting the node in the list below. Sub-workflow,
// branch and dynamic nodes open in place: their inner graph is drawn inside the node as a cluster,
// coloured by the child node executions (branches not taken greyed); a launch plan node links to the
// execution it started.
import {h} from 'preact'
import {useEffect, useMemo, useState} from 'preact/hooks'
import htm from 'htm'
import dagre from '@dagrejs/dagre'
import {api, paths, links} from './api.js'

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

const sameId = (a, b) =>
  a && b && a.project === b.project && a.domain === b.domain && a.name === b.name && a.version === b.version

/** The nodes a branch may run: each case's node and the else node. */
export function branchNodes(node) {
  const ie = node.branch_node?.if_else ?? {}
  return [ie.case?.then_node, ...(ie.other ?? []).map((c) => c.then_node), ie.else_node].filter(Boolean)
}

/**
 * What a node opens into, when it can: `{kind, template, connections, subs}` for a sub-workflow
 * (from the closure's sub_workflows) or a dynamic node (its compiled workflow, once read), the case
 * nodes of a branch, or undefined.
 */
export function innerGraph(node, exec, subs, inner) {
  const ref = node.workflow_node?.sub_workflow_ref
  if (ref) {
    const sub = subs.find((s) => sameId(s.template?.id, ref))
    return sub ? {kind: 'sub-workflow', template: sub.template, connections: sub.connections, subs} : undefined
  }
  if (node.branch_node) return {kind: 'branch', template: {nodes: branchNodes(node)}, connections: {}, subs}
  const dyn = exec && inner?.[exec.id.node_id]?.dynamic
  if (exec?.metadata?.is_dynamic && dyn?.primary?.template) {
    return {
      kind: 'dynamic',
      template: dyn.primary.template,
      connections: dyn.primary.connections,
      subs: [...subs, ...(dyn.sub_workflows ?? [])],
    }
  }
  return undefined
}

/** True when a node can open in the graph (before its inner graph is known, for dynamic nodes). */
export function canOpen(node, exec, subs) {
  if (node.workflow_node?.sub_workflow_ref)
    return subs.some((s) => sameId(s.template?.id, node.workflow_node.sub_workflow_ref))
  return Boolean(node.branch_node) || Boolean(exec?.metadata?.is_dynamic)
}

/** The child node execution that ran template node `specId` under a parent (by spec_node_id). */
function childFor(children, specId) {
  return children?.find((c) => (c.metadata?.spec_node_id || c.id.node_id.split('-').pop()) === specId)
}

/**
 * Lays out a compiled workflow closure left to right, with the nodes in `open` (graph ids) drawn as
 * clusters holding their inner graphs. `nodes` are the run's top-level node executions, `inner` maps
 * a node execution id to `{children, dynamic}` read for it. Graph ids are the template node ids joined
 * by `/` from the top (`n0`, `n0/n1`); edges into an open node go to its inner start (or every case of
 * a branch), edges out of it leave from its inner end.
 */
export function buildGraph({compiled, nodes = [], open = new Set(), inner = {}}) {
  const g = new dagre.graphlib.Graph({compound: true})
  g.setGraph({rankdir: 'LR', nodesep: 18, ranksep: 42, marginx: 8, marginy: 8})
  g.setDefaultEdgeLabel(() => ({}))
  const entries = new Map()
  const exits = new Map()
  const edges = []

  const add = (template, connections, execs, prefix, parent, subs) => {
    const list = template?.nodes ?? []
    const gidOf = (id) => (prefix ? `${prefix}/${id}` : id)
    for (const n of list) {
      const gid = gidOf(n.id)
      const exec = prefix ? childFor(execs, n.id) : execs.find((e) => e.id.node_id === n.id)
      const kind = nodeKind(n)
      const phase = exec?.closure?.phase || (n.id === 'start-node' && (!prefix || execs?.length) ? 'SUCCEEDED' : '')
      const text = label(n)
      const depth = prefix ? prefix.split('/').length + 1 : 1
      const openable = canOpen(n, exec, subs)
      const base = {text, node: n, kind, phase, exec, execId: exec?.id.node_id ?? '', depth, openable}
      const into = open.has(gid) ? innerGraph(n, exec, subs, inner) : undefined
      if (parent) g.setParent(gid, parent)
      if (into) {
        g.setNode(gid, {...base, cluster: true, innerKind: into.kind, paddingTop: 22})
        const kids = exec ? (inner[exec.id.node_id]?.children ?? []) : []
        const innerIds = add(into.template, into.connections, kids, gid, gid, into.subs)
        if (into.kind === 'branch') {
          entries.set(gid, innerIds)
          exits.set(gid, innerIds)
        } else {
          const has = (id) => innerIds.includes(`${gid}/${id}`)
          entries.set(gid, has('start-node') ? [`${gid}/start-node`] : innerIds)
          exits.set(gid, has('end-node') ? [`${gid}/end-node`] : innerIds)
        }
        // A cluster needs room for its title: an invisible spacer node at its top-left.
        g.setNode(`${gid}//title`, {spacer: true, width: Math.min(text.length, 40) * 7 + 60, height: 1})
        g.setParent(`${gid}//title`, gid)
        continue
      }
      // Room for the label and for the second line (kind · longest phase name).
      const chars = Math.max(Math.min(text.length, 32) * 7, (kind.length + 18) * 6)
      const extra = (openable ? 18 : 0) + (exec?.closure?.workflow_node_metadata?.executionId ? 40 : 0)
      g.setNode(gid, {...base, width: Math.max(70, chars + 20) + extra, height: 34})
    }
    for (const [from, down] of Object.entries(connections?.downstream ?? {})) {
      for (const to of down.ids ?? []) edges.push([gidOf(from), gidOf(to)])
    }
    return list.map((n) => gidOf(n.id))
  }

  const primary = compiled?.primary
  add(primary?.template, primary?.connections, nodes, '', undefined, compiled?.sub_workflows ?? [])

  const resolve = (map, id, depth = 0) =>
    map.has(id) && depth < 20 ? map.get(id).flatMap((x) => resolve(map, x, depth + 1)) : [id]
  for (const [from, to] of edges) {
    for (const a of resolve(exits, from))
      for (const b of resolve(entries, to)) if (g.hasNode(a) && g.hasNode(b) && !entries.has(a)) g.setEdge(a, b)
  }
  dagre.layout(g)
  const all = g.nodes().map((id) => ({id, ...g.node(id)}))
  const laidEdges = g.edges().map((e) => ({from: e.v, to: e.w, points: g.edge(e).points ?? []}))
  // Edges routed around clusters can leave the graph's box: the view covers everything drawn.
  const xs = []
  const ys = []
  for (const n of all) {
    xs.push(n.x - n.width / 2, n.x + n.width / 2)
    ys.push(n.y - n.height / 2, n.y + n.height / 2)
  }
  for (const e of laidEdges) {
    for (const p of e.points) {
      xs.push(p.x)
      ys.push(p.y)
    }
  }
  const minX = Math.floor(Math.min(0, ...xs) - 8)
  const minY = Math.floor(Math.min(0, ...ys) - 8)
  return {
    x: minX,
    y: minY,
    width: Math.ceil(Math.max(0, ...xs) + 8 - minX),
    height: Math.ceil(Math.max(0, ...ys) + 8 - minY),
    clusters: all.filter((n) => n.cluster).sort((a, b) => a.depth - b.depth),
    nodes: all.filter((n) => !n.cluster && !n.spacer),
    edges: laidEdges,
  }
}

/** Kept for callers that lay out one template: the top level only. */
export function layoutWorkflow(template, connections) {
  return buildGraph({compiled: {primary: {template, connections}}})
}

function subLine(n) {
  const phase = n.phase
  if (n.node.id === 'start-node' || n.node.id === 'end-node') return phase ? `${n.kind} · ${phase}` : n.kind
  if (phase === 'SKIPPED' && n.depth > 1) return `${n.kind} · not taken`
  return `${n.kind}${phase ? ` · ${phase}` : ' · not run'}`
}

function nodeClass(n, selected) {
  return `gnode ${n.phase ? `phase-${n.phase.toLowerCase()}` : 'not-run'} ${selected ? 'selected' : ''}`
}

/**
 * The graph of a run. `compiled` is the workflow's compiled closure, `nodes` the run's top-level node
 * executions; a node with an inner graph has a +/− control that opens it in place (its child node
 * executions are read then, and again on every `tick`). `onSelect(id)` gets the top-level node id.
 */
export function WorkflowGraph({compiled, nodes, tick, onSelect, selected, project, domain, name}) {
  const [open, setOpen] = useState(() => new Set())
  const [inner, setInner] = useState({})
  const byGid = useMemo(() => new Map(), [])
  useEffect(() => {
    let live = true
    const wanted = [...open].map((gid) => byGid.get(gid)).filter((e) => e?.id?.node_id)
    Promise.all(
      wanted.map(async (e) => {
        const nodeId = e.id.node_id
        const [kids, data] = await Promise.all([
          api.get(paths.nodeExecutions(project, domain, name), {limit: 10000, unique_parent_id: nodeId}).then(
            (r) => r.node_executions ?? [],
            () => [],
          ),
          e.metadata?.is_dynamic
            ? api.get(paths.nodeData(project, domain, name, nodeId)).catch(() => ({}))
            : Promise.resolve({}),
        ])
        return [nodeId, {children: kids, dynamic: data.dynamic_workflow?.compiled_workflow}]
      }),
    ).then((pairs) => live && pairs.length && setInner((old) => ({...old, ...Object.fromEntries(pairs)})))
    return () => {
      live = false
    }
  }, [open, tick, project, domain, name])
  const layout = useMemo(() => buildGraph({compiled, nodes, open, inner}), [compiled, nodes, open, inner])
  for (const n of [...layout.nodes, ...layout.clusters]) if (n.exec) byGid.set(n.id, n.exec)
  const toggle = (gid) => {
    const next = new Set(open)
    if (!next.has(gid)) next.add(gid)
    else for (const x of [...next]) if (x === gid || x.startsWith(`${gid}/`)) next.delete(x)
    setOpen(next)
  }
  const choose = (gid) => onSelect?.(gid.split('/')[0])
  if (layout.nodes.length === 0) return html`<p class="muted">No graph for this run.</p>`
  const opener = (n, x, y, isOpen) =>
    html`<g
      class="opener"
      role="button"
      tabindex="0"
      transform=${`translate(${x},${y})`}
      aria-label=${`${isOpen ? 'close' : 'open'} graph of ${n.id}`}
      aria-expanded=${isOpen}
      data-open=${n.id}
      onClick=${(ev) => (ev.stopPropagation(), toggle(n.id))}
      onKeyDown=${(ev) =>
        (ev.key === 'Enter' || ev.key === ' ') && (ev.preventDefault(), ev.stopPropagation(), toggle(n.id))}
    >
      <rect width="14" height="14" rx="3" />
      <text x="7" y="11" text-anchor="middle">${isOpen ? '−' : '+'}</text>
    </g>`
  return html`<svg
    class="graph"
    role="group"
    aria-label="workflow graph"
    viewBox=${`${layout.x} ${layout.y} ${layout.width} ${layout.height}`}
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
    ${layout.clusters.map(
      (n) =>
        html`<g
          class=${`gcluster ${n.phase ? `phase-${n.phase.toLowerCase()}` : 'not-run'}`}
          data-cluster=${n.id}
          data-kind=${n.innerKind}
          data-phase=${n.phase || 'NOT_RUN'}
          transform=${`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
        >
          <title>${`${n.text} — ${n.kind} — ${n.phase || 'not run'}`}</title>
          <rect width=${n.width} height=${n.height} rx="8" />
          ${opener(n, 6, 5, true)}
          <text x="26" y="16" class="gtext">${n.text} <tspan class="gsub">${subLine(n)}</tspan></text>
        </g>`,
    )}
    ${layout.edges.map(
      (e) =>
        html`<polyline
          class="edge"
          marker-end="url(#arrow)"
          points=${e.points.map((p) => `${p.x},${p.y}`).join(' ')}
        />`,
    )}
    ${layout.nodes.map((n) => {
      const top = !n.id.includes('/')
      // flyteidl names this field executionId (camel case) in the proto itself.
      const child = n.exec?.closure?.workflow_node_metadata?.executionId
      const text = n.text.length > 32 ? `${n.text.slice(0, 31)}…` : n.text
      return html`<g
        class=${nodeClass(n, top && selected === n.id)}
        transform=${`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
        tabindex="0"
        role="button"
        data-node=${top ? n.id : n.execId || n.id}
        data-gid=${n.id}
        data-phase=${n.phase || 'NOT_RUN'}
        aria-label=${`${n.text} (${n.kind}) ${n.phase || 'not run'}`}
        onClick=${() => choose(n.id)}
        onKeyDown=${(ev) => (ev.key === 'Enter' || ev.key === ' ') && (ev.preventDefault(), choose(n.id))}
      >
        <title>${`${n.text} — ${n.kind} — ${n.phase || 'not run'}`}</title>
        <rect width=${n.width} height=${n.height} rx="6" />
        <text x="8" y="14" class="gtext">${text}</text>
        <text x="8" y="28" class="gsub">${subLine(n)}</text>
        ${n.openable ? opener(n, n.width - 18, 4, false) : ''}
        ${
          child?.name
            ? html`<a
                href=${links.execution(child.project, child.domain, child.name)}
                class="glink"
                aria-label=${`open the run ${child.name} started by ${n.id}`}
                onClick=${(ev) => ev.stopPropagation()}
                ><text x=${n.width - 8} y="28" text-anchor="end">run ↗</text></a
              >`
            : ''
        }
      </g>`
    })}
  </svg>`
}
