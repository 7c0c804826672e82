// The execution page: header (phase, duration, launch plan, inputs/outputs), the workflow graph,
// the node list with expandable children (sub-workflows, map items, dynamic nodes) and attempts,
// a live log tail per attempt, and relaunch / recover / terminate.
import {h} from 'preact'
import {useEffect, useRef, useState} from 'preact/hooks'
import htm from 'htm'
import {
  api,
  paths,
  links,
  subscribe,
  isTerminal,
  phaseClass,
  elapsed,
  formatDuration,
  formatTime,
  proxyMode,
} from './api.js'
import {LiteralMapView} from './literal.js'
import {WorkflowGraph, nodeKind} from './graph.js'

const html = htm.bind(h)

/** Workflows by id: immutable, read once per page load however often the run changes. */
const workflows = new Map()

function loadWorkflow(id) {
  if (!id?.name) return Promise.resolve(null)
  const key = [id.project, id.domain, id.name, id.version].join('/')
  if (!workflows.has(key)) {
    const p = api.get(paths.workflow(id)).catch(() => {
      workflows.delete(key)
      return null
    })
    workflows.set(key, p)
  }
  return workflows.get(key)
}

/** The run, its data, its top-level nodes and its workflow, read in parallel (the workflow as soon as the run names it). */
async function loadExecution(p, d, n) {
  const run = api.get(paths.execution(p, d, n))
  const [execution, data, nodes, workflow] = await Promise.all([
    run,
    api.get(paths.executionData(p, d, n)).catch(() => ({})),
    api.get(paths.nodeExecutions(p, d, n), {limit: 10000}).catch(() => ({node_executions: []})),
    run.then((e) => loadWorkflow(e.closure?.workflow_id)).catch(() => null),
  ])
  return {execution, data, nodes: nodes.node_executions ?? [], workflow}
}

export function ExecutionPage({project, domain, name, navigate}) {
  const [state, setState] = useState({loading: true, error: ''})
  const [selected, setSelected] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    const load = async () => {
      try {
        const s = await loadExecution(project, domain, name)
        if (live) setState({loading: false, error: '', ...s})
        if (live) setTick((t) => t + 1)
      } catch (err) {
        if (live) setState({loading: false, error: err.message})
      }
    }
    void load()
    const stop = subscribe({project, domain, execution: name}, load)
    return () => {
      live = false
      stop()
    }
  }, [project, domain, name])
  const wfId = state.execution?.closure?.workflow_id
  const workflow = state.workflow

  if (state.loading) return html`<p>Loading…</p>`
  if (state.error) return html`<p class="error-text" role="alert">${state.error}</p>`
  const e = state.execution
  const c = e.closure ?? {}
  const compiled = workflow?.closure?.compiled_workflow
  const lp = e.spec?.launch_plan
  return html`<article class="execution">
    <header class="exec-header">
      <h1>${name} <span class=${phaseClass(c.phase)} data-testid="execution-phase">${c.phase}</span></h1>
      <dl class="facts">
        <dt>Duration</dt>
        <dd>${formatDuration(elapsed(c))}</dd>
        <dt>Started</dt>
        <dd>${formatTime(c.started_at || c.created_at)}</dd>
        <dt>${lp?.resource_type === 'TASK' ? 'Task' : 'Launch plan'}</dt>
        <dd>
          ${lp ? html`<a href=${links.entity(lp.resource_type === 'TASK' ? 'tasks' : 'launchPlans', lp.project, lp.domain, lp.name, lp.version)}>${lp.name}</a> <span class="muted">${lp.version}</span>` : ''}
        </dd>
        ${
          wfId
            ? html`<dt>Workflow</dt>
                <dd>
                  <a href=${links.entity('workflows', wfId.project, wfId.domain, wfId.name, wfId.version)}
                    >${wfId.name}</a
                  >
                </dd>`
            : ''
        }
        <dt>Mode</dt>
        <dd>${e.spec?.metadata?.mode ?? 'MANUAL'}</dd>
      </dl>
      ${c.error ? html`<pre class="error-text" role="alert">${c.error.code ? `${c.error.code}: ` : ''}${c.error.message}</pre>` : ''}
      ${c.abort_metadata ? html`<p class="muted">Aborted: ${c.abort_metadata.cause}</p>` : ''}
      <${Actions} execution=${e} navigate=${navigate} />
    </header>
    <section class="io">
      <div>
        <h2>Inputs</h2>
        <${LiteralMapView} map=${state.data.full_inputs} />
      </div>
      <div>
        <h2>Outputs</h2>
        ${isTerminal(c.phase) ? html`<${LiteralMapView} map=${state.data.full_outputs} />` : html`<p class="muted">Not yet.</p>`}
      </div>
    </section>
    <section>
      <h2>Graph</h2>
      <div class="graph-wrap">
        ${
          compiled
            ? html`<${WorkflowGraph}
                compiled=${compiled}
                nodes=${state.nodes}
                tick=${tick}
                project=${project}
                domain=${domain}
                name=${name}
                selected=${selected}
                onSelect=${setSelected}
              />`
            : html`<p class="muted">${wfId ? 'Loading graph…' : 'No workflow for this run.'}</p>`
        }
      </div>
    </section>
    <section>
      <h2>Nodes</h2>
      <${NodeList}
        project=${project}
        domain=${domain}
        name=${name}
        nodes=${state.nodes}
        tick=${tick}
        selected=${selected}
        kinds=${Object.fromEntries((compiled?.primary?.template?.nodes ?? []).map((n) => [n.id, nodeKind(n)]))}
        depth=${0}
      />
    </section>
  </article>`
}

function Actions({execution, navigate}) {
  const [msg, setMsg] = useState('')
  const id = execution.id
  const running = !isTerminal(execution.closure?.phase)
  const act = async (what, fn) => {
    if (!window.confirm(`${what} execution ${id.name}?`)) return
    setMsg(`${what}…`)
    try {
      const res = await fn()
      setMsg('')
      if (res?.id?.name && res.id.name !== id.name)
        navigate(links.execution(res.id.project, res.id.domain, res.id.name))
    } catch (err) {
      setMsg(`${what} failed: ${err.message}`)
    }
  }
  return html`<div class="actions">
    <button
      type="button"
      onClick=${() => act('Relaunch', () => api.post('/api/v1/executions/relaunch', {id, name: ''}))}
    >
      Relaunch
    </button>
    <button
      type="button"
      disabled=${running}
      onClick=${() => act('Recover', () => api.post('/api/v1/executions/recover', {id, name: ''}))}
    >
      Recover
    </button>
    <button
      type="button"
      class="danger"
      disabled=${!running}
      onClick=${() => act('Terminate', () => api.del(paths.execution(id.project, id.domain, id.name), {id, cause: 'terminated from the console'}))}
    >
      Terminate
    </button>
    ${msg ? html`<span role="status">${msg}</span>` : ''}
  </div>`
}

function NodeList({project, domain, name, nodes, tick, selected, depth, kinds = {}}) {
  const visible = nodes.filter((n) => n.id.node_id !== 'start-node' && n.id.node_id !== 'end-node')
  if (visible.length === 0) return html`<p class="muted">No nodes ran yet.</p>`
  return html`<ul class=${`nodes depth-${depth}`}>
    ${visible.map(
      (n) =>
        html`<${NodeRow}
          key=${n.id.node_id}
          project=${project}
          domain=${domain}
          name=${name}
          node=${n}
          tick=${tick}
          selected=${selected === n.id.node_id}
          kind=${kinds[n.id.node_id]}
          depth=${depth}
        />`,
    )}
  </ul>`
}

function NodeRow({project, domain, name, node, tick, selected, depth, kind}) {
  const [open, setOpen] = useState(false)
  const [attempts, setAttempts] = useState(null)
  const [children, setChildren] = useState(null)
  const ref = useRef(null)
  const c = node.closure ?? {}
  const parent = node.metadata?.is_parent_node || node.metadata?.is_dynamic || node.metadata?.is_array
  const nodeId = node.id.node_id
  useEffect(() => {
    if (selected) {
      setOpen(true)
      ref.current?.scrollIntoView?.({block: 'nearest'})
    }
  }, [selected])
  useEffect(() => {
    if (!open) return
    api.get(paths.taskExecutions(project, domain, name, nodeId), {limit: 100}).then(
      (r) => setAttempts(r.task_executions ?? []),
      () => setAttempts([]),
    )
    if (parent) {
      api.get(paths.nodeExecutions(project, domain, name), {limit: 10000, unique_parent_id: nodeId}).then(
        (r) => setChildren(r.node_executions ?? []),
        () => setChildren([]),
      )
    }
  }, [open, tick])
  const label =
    node.metadata?.spec_node_id && node.metadata.spec_node_id !== nodeId
      ? `${nodeId} (${node.metadata.spec_node_id})`
      : nodeId
  return html`<li class=${`node ${selected ? 'selected' : ''}`} ref=${ref} data-node=${nodeId}>
    <div class="node-line">
      <button
        type="button"
        class="toggle"
        aria-expanded=${open}
        aria-label=${`${open ? 'collapse' : 'expand'} ${nodeId}`}
        onClick=${() => setOpen(!open)}
      >
        ${open ? '▾' : '▸'}
      </button>
      <span class="node-id">${label}</span>
      <span class=${phaseClass(c.phase)}>${c.phase}</span>
      <span class="muted">${formatDuration(elapsed(c))}</span>
      ${parent ? html`<span class="tag">${node.metadata?.is_array ? 'map' : node.metadata?.is_dynamic ? 'dynamic' : kind === 'branch' ? 'branch' : 'sub-workflow'}</span>` : ''}
      ${
        c.workflow_node_metadata?.executionId?.name
          ? html`<a
              href=${links.execution(c.workflow_node_metadata.executionId.project, c.workflow_node_metadata.executionId.domain, c.workflow_node_metadata.executionId.name)}
              >run ${c.workflow_node_metadata.executionId.name}</a
            >`
          : ''
      }
      ${c.error ? html`<span class="error-text">${c.error.message?.split('\n')[0]}</span>` : ''}
    </div>
    ${
      open
        ? html`<div class="node-body">
            ${attempts === null ? html`<p>Loading…</p>` : attempts.map((a) => html`<${Attempt} key=${a.id.retry_attempt} attempt=${a} />`)}
            ${
              parent
                ? children === null
                  ? html`<p>Loading children…</p>`
                  : html`<${NodeList}
                      project=${project}
                      domain=${domain}
                      name=${name}
                      nodes=${children}
                      tick=${tick}
                      depth=${depth + 1}
                    />`
                : ''
            }
          </div>`
        : ''
    }
  </li>`
}

function Attempt({attempt}) {
  const c = attempt.closure ?? {}
  const logs = c.logs ?? []
  return html`<div class="attempt" data-attempt=${attempt.id.retry_attempt ?? 0}>
    <div>
      Attempt ${attempt.id.retry_attempt ?? 0}: <span class=${phaseClass(c.phase)}>${c.phase}</span>
      <span class="muted"> ${formatDuration(elapsed(c))}</span>
    </div>
    ${c.error ? html`<pre class="error-text">${c.error.message}</pre>` : ''}
    ${logs.map((l) =>
      l.uri?.startsWith('file://') && !proxyMode()
        ? html`<${LogTail} uri=${l.uri} running=${!isTerminal(c.phase)} />`
        : html`<a href=${l.uri} rel="noreferrer noopener" target="_blank">${l.name || 'log'}</a>`,
    )}
  </div>`
}

/** A task log: streamed while the attempt runs, read whole once it has ended. */
function LogTail({uri, running}) {
  const [text, setText] = useState('')
  const [shown, setShown] = useState(true)
  const pre = useRef(null)
  useEffect(() => {
    if (!shown) return
    if (running) {
      setText('')
      const source = new EventSource(`/console/api/logs?stream=1&uri=${encodeURIComponent(uri)}`)
      source.addEventListener('log', (ev) => setText((t) => t + JSON.parse(ev.data)))
      return () => source.close()
    }
    let live = true
    fetch(`/console/api/logs?uri=${encodeURIComponent(uri)}`)
      .then((r) => (r.ok ? r.text() : `log unavailable (${r.status})`))
      .then((t) => live && setText(t))
    return () => {
      live = false
    }
  }, [uri, running, shown])
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight
  }, [text])
  return html`<div class="log">
    <button type="button" class="link" aria-expanded=${shown} onClick=${() => setShown(!shown)}>
      ${shown ? 'Hide log' : 'Show log'}
    </button>
    ${running ? html` <span class="muted">live</span>` : ''}
    ${shown ? html`<pre class="log-text" ref=${pre} tabindex="0" aria-label="task log">${text}</pre>` : ''}
  </div>`
}
