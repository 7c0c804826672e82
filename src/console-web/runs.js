// Runs overview: a grid with one row per launch plan (or task) of a project-domain and its most
// recent runs as cells coloured by phase (phase letter and a tooltip too), filters by phase, name
// and time, paging through thousands of runs, and live updates; a plain list below it.
import {h} from 'preact'
import {useEffect, useState} from 'preact/hooks'
import htm from 'htm'
import {api, paths, links, subscribe, phaseClass, PHASE_SHORT, elapsed, formatDuration, formatTime} from './api.js'

const html = htm.bind(h)
const PHASES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']
const CELLS_PER_ROW = 25
const TIME_WINDOWS = {'': 'any time', 1: 'last hour', 24: 'last day', 168: 'last week'}

/** FlyteAdmin filters for the form's fields (they work on a real FlyteAdmin too). */
export function runFilters({phases, name, hours}, now = Date.now()) {
  const parts = []
  if (phases?.length) parts.push(`value_in(phase,${phases.join(';')})`)
  if (name) parts.push(`contains(launch_plan.name,${name})`)
  if (hours) parts.push(`gte(created_at,${new Date(now - hours * 3600_000).toISOString()})`)
  return parts.join('+')
}

export function launchName(e) {
  const lp = e.spec?.launch_plan
  return lp?.name || e.closure?.workflow_id?.name || '(unknown)'
}

/** Runs grouped by launch plan, newest first within a row; rows by name. */
export function gridRows(executions) {
  const rows = new Map()
  for (const e of executions) {
    const key = launchName(e)
    if (!rows.has(key)) rows.set(key, {name: key, kind: e.spec?.launch_plan?.resource_type, runs: []})
    rows.get(key).runs.push(e)
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name))
}

function readQuery() {
  const q = new URLSearchParams(location.search)
  return {
    phases: q.get('phase') ? q.get('phase').split(',').filter(Boolean) : [],
    name: q.get('name') ?? '',
    hours: q.get('hours') ?? '',
    page: Math.max(0, Number(q.get('page') ?? 0) || 0),
    size: Math.min(2000, Math.max(10, Number(q.get('size') ?? 500) || 500)),
  }
}

function writeQuery(state, navigate) {
  const q = new URLSearchParams()
  if (state.phases.length) q.set('phase', state.phases.join(','))
  if (state.name) q.set('name', state.name)
  if (state.hours) q.set('hours', state.hours)
  if (state.page) q.set('page', String(state.page))
  if (state.size !== 500) q.set('size', String(state.size))
  const s = q.toString()
  navigate(`${location.pathname}${s ? `?${s}` : ''}`, true)
}

export function RunsPage({project, domain, navigate}) {
  const state = readQuery()
  const [data, setData] = useState({executions: [], token: '', loading: true, error: ''})
  const [nameText, setNameText] = useState(state.name)
  const key = `${project}/${domain}/${location.search}`
  useEffect(() => {
    let live = true
    const load = async () => {
      try {
        const res = await api.get(paths.executions(project, domain), {
          limit: state.size,
          token: state.page ? String(state.page * state.size) : '',
          'sort_by.key': 'created_at',
          'sort_by.direction': 'DESCENDING',
          filters: runFilters(state),
        })
        if (live) setData({executions: res.executions ?? [], token: res.token ?? '', loading: false, error: ''})
      } catch (err) {
        if (live) setData((d) => ({...d, loading: false, error: err.message}))
      }
    }
    void load()
    const stop = subscribe({project, domain}, load)
    return () => {
      live = false
      stop()
    }
  }, [key])

  const set = (patch) => writeQuery({...state, page: 0, ...patch}, navigate)
  const togglePhase = (p) =>
    set({phases: state.phases.includes(p) ? state.phases.filter((x) => x !== p) : [...state.phases, p]})
  const rows = gridRows(data.executions)

  return html`<section>
    <h1>Runs <span class="muted">${project} / ${domain}</span></h1>
    <form class="filters" role="search" onSubmit=${(ev) => (ev.preventDefault(), set({name: nameText.trim()}))}>
      <fieldset>
        <legend>Phase</legend>
        ${PHASES.map(
          (p) =>
            html`<label class="check"
              ><input
                type="checkbox"
                name="phase"
                value=${p}
                checked=${state.phases.includes(p)}
                onChange=${() => togglePhase(p)}
              />
              ${p}</label
            >`,
        )}
      </fieldset>
      <label
        >Launch plan name contains <input name="name" value=${nameText} onInput=${(ev) => setNameText(ev.target.value)}
      /></label>
      <button type="submit">Filter</button>
      <label
        >Started
        <select name="hours" value=${state.hours} onChange=${(ev) => set({hours: ev.target.value})}>
          ${Object.entries(TIME_WINDOWS).map(([v, t]) => html`<option value=${v}>${t}</option>`)}
        </select></label
      >
    </form>
    ${data.error ? html`<p class="error-text" role="alert">${data.error}</p>` : ''}
    <nav class="pager" aria-label="pages">
      <button type="button" disabled=${state.page === 0} onClick=${() => set({page: state.page - 1})}>Newer</button>
      <span>runs ${state.page * state.size + 1}–${state.page * state.size + data.executions.length}</span>
      <button type="button" disabled=${!data.token} onClick=${() => set({page: state.page + 1})}>Older</button>
    </nav>
    ${
      data.loading
        ? html`<p>Loading…</p>`
        : rows.length === 0
          ? html`<p class="muted">No runs match.</p>`
          : html`<table class="grid" aria-label="runs grid">
                <thead>
                  <tr>
                    <th scope="col">Launch plan</th>
                    <th scope="col">Most recent runs (newest first)</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (r) =>
                      html`<tr data-row=${r.name}>
                        <th scope="row">
                          <a href=${links.entity(r.kind === 'TASK' ? 'tasks' : 'launchPlans', project, domain, r.name)}
                            >${r.name}</a
                          >
                          <span class="muted"> ${r.runs.length}</span>
                        </th>
                        <td class="cells">
                          ${r.runs.slice(0, CELLS_PER_ROW).map((e) => {
                            const phase = e.closure?.phase ?? 'UNDEFINED'
                            const tip = `${e.id.name} · ${phase} · ${formatDuration(elapsed(e.closure))} · ${formatTime(e.closure?.started_at || e.closure?.created_at)}`
                            return html`<a
                              class=${`cell ${phaseClass(phase)}`}
                              href=${links.execution(project, domain, e.id.name)}
                              title=${tip}
                              aria-label=${tip}
                              data-phase=${phase}
                              >${PHASE_SHORT[phase] ?? '?'}</a
                            >`
                          })}${r.runs.length > CELLS_PER_ROW ? html`<span class="muted"> +${r.runs.length - CELLS_PER_ROW}</span>` : ''}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <${RunList} executions=${data.executions.slice(0, 100)} project=${project} domain=${domain} />`
    }
  </section>`
}

function RunList({executions, project, domain}) {
  return html`<h2>Latest runs</h2>
    <table class="list" aria-label="runs">
      <thead>
        <tr>
          <th>Name</th>
          <th>Launch plan</th>
          <th>Phase</th>
          <th>Started</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        ${executions.map(
          (e) =>
            html`<tr>
              <td><a href=${links.execution(project, domain, e.id.name)}>${e.id.name}</a></td>
              <td>${launchName(e)}</td>
              <td><span class=${phaseClass(e.closure?.phase)}>${e.closure?.phase}</span></td>
              <td>${formatTime(e.closure?.started_at || e.closure?.created_at)}</td>
              <td>${formatDuration(elapsed(e.closure))}</td>
            </tr>`,
        )}
      </tbody>
    </table>`
}
