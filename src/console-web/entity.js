// Launch plan, workflow and task pages (FlyteConsole's entity routes): versions, recent runs and,
// for launch plans and tasks, the launch form with typed inputs (defaults filled, fixed inputs shown
// read-only, checked before submit; the plane checks again with create execution's rules).
import {h} from 'preact'
import {useEffect, useState} from 'preact/hooks'
import htm from 'htm'
import {api, paths, links, phaseClass} from './api.js'
import {plainValue, LiteralView} from './literal.js'

const html = htm.bind(h)

/** Route segment → REST collection and the kind the launch endpoint takes. */
export const ENTITY_KINDS = {
  launchPlans: {rest: 'launch_plans', title: 'Launch plan', launch: 'launch_plan', resource: 'LAUNCH_PLAN'},
  launch_plan: {rest: 'launch_plans', title: 'Launch plan', launch: 'launch_plan', resource: 'LAUNCH_PLAN'},
  workflows: {rest: 'workflows', title: 'Workflow', resource: 'WORKFLOW'},
  workflow: {rest: 'workflows', title: 'Workflow', resource: 'WORKFLOW'},
  tasks: {rest: 'tasks', title: 'Task', launch: 'task', resource: 'TASK'},
  task: {rest: 'tasks', title: 'Task', launch: 'task', resource: 'TASK'},
}

const SIMPLE = ['NONE', 'INTEGER', 'FLOAT', 'STRING', 'BOOLEAN', 'DATETIME', 'DURATION', 'BINARY', 'ERROR', 'STRUCT']

function simpleName(type) {
  const s = type?.simple
  return typeof s === 'number' ? SIMPLE[s] : s
}

export function describeType(type) {
  if (!type) return 'unknown'
  if (type.simple !== undefined) return String(simpleName(type)).toLowerCase()
  if (type.collection_type) return `list of ${describeType(type.collection_type)}`
  if (type.map_value_type) return `map of string to ${describeType(type.map_value_type)}`
  if (type.blob) return type.blob.dimensionality === 'MULTIPART' ? 'directory URI' : 'file URI'
  if (type.enum_type) return `enum [${(type.enum_type.values ?? []).join(', ')}]`
  if (type.union_type) return `union of (${(type.union_type.variants ?? []).map(describeType).join(' | ')})`
  if (type.structured_dataset_type) return 'dataframe URI'
  if (type.schema) return 'schema URI'
  return 'value'
}

/** The form's text for an input → the value sent, or an error message (the same checks the plane makes first). */
export function parseField(text, type) {
  const s = simpleName(type)
  const t = text.trim()
  if (s === 'INTEGER')
    return /^[-+]?\d+$/.test(t) ? {value: Number.isSafeInteger(Number(t)) ? Number(t) : t} : {error: 'an integer'}
  if (s === 'FLOAT') return t !== '' && Number.isFinite(Number(t)) ? {value: Number(t)} : {error: 'a number'}
  if (s === 'BOOLEAN') return {value: t === 'true'}
  if (s === 'STRING' || s === 'DATETIME' || s === 'DURATION') return {value: text}
  if (type?.enum_type)
    return (type.enum_type.values ?? []).includes(t) ? {value: t} : {error: 'one of the listed values'}
  if (type?.blob || type?.structured_dataset_type || type?.schema) return t ? {value: t} : {error: 'a URI'}
  try {
    return {value: JSON.parse(t)}
  } catch {
    return {error: `JSON for ${describeType(type)}`}
  }
}

function initialText(lit, type) {
  const v = plainValue(lit)
  if (v === undefined || v === null) return ''
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (type?.simple !== undefined && simpleName(type) !== 'STRUCT') return String(v)
  return JSON.stringify(v)
}

/** The inputs of a launch plan or task as form fields. */
export function formFields(kind, entity) {
  if (kind === 'task') {
    const vars = entity.closure?.compiled_task?.template?.interface?.inputs?.variables ?? {}
    return {
      fields: Object.entries(vars).map(([name, v]) => ({
        name,
        type: v.type,
        description: v.description,
        required: true,
        text: '',
      })),
      fixed: [],
    }
  }
  const params = entity.closure?.expected_inputs?.parameters ?? entity.spec?.default_inputs?.parameters ?? {}
  const fields = Object.entries(params).map(([name, p]) => ({
    name,
    type: p.var?.type,
    description: p.var?.description,
    required: Boolean(p.required),
    text: p.default ? initialText(p.default, p.var?.type) : '',
    hasDefault: Boolean(p.default),
  }))
  const fixed = Object.entries(entity.spec?.fixed_inputs?.literals ?? {}).map(([name, lit]) => ({name, lit}))
  return {fields, fixed}
}

function LaunchForm({kind, entity, navigate}) {
  const {fields, fixed} = formFields(kind, entity)
  const [values, setValues] = useState(() => Object.fromEntries(fields.map((f) => [f.name, f.text])))
  const [errors, setErrors] = useState({})
  const [status, setStatus] = useState('')
  const id = entity.id
  const submit = async (ev) => {
    ev.preventDefault()
    const inputs = {}
    const errs = {}
    for (const f of fields) {
      const text = values[f.name] ?? ''
      const isBool = simpleName(f.type) === 'BOOLEAN'
      if (!isBool && text.trim() === '') {
        if (f.required) errs[f.name] = 'required'
        continue
      }
      if (f.hasDefault && text === f.text) continue
      const r = parseField(text, f.type)
      if (r.error) errs[f.name] = `give ${r.error}`
      else inputs[f.name] = r.value
    }
    setErrors(errs)
    if (Object.keys(errs).length) {
      setStatus('Fix the marked inputs.')
      return
    }
    setStatus('Launching…')
    try {
      const res = await api.post('/console/api/launch', {
        kind,
        project: id.project,
        domain: id.domain,
        name: id.name,
        version: id.version,
        inputs,
      })
      setStatus('')
      navigate(links.execution(id.project, id.domain, res.name))
    } catch (err) {
      if (err.body?.input) setErrors({[err.body.input]: err.body.advice || err.message})
      setStatus(`Not launched: ${err.message}`)
    }
  }
  return html`<form class="launch" aria-label="launch form" onSubmit=${submit} novalidate>
    <h2>Launch</h2>
    ${fields.length === 0 ? html`<p class="muted">No inputs.</p>` : ''}
    ${fields.map((f) => {
      const s = simpleName(f.type)
      const fid = `input-${f.name}`
      const set = (v) => setValues({...values, [f.name]: v})
      let control
      if (s === 'BOOLEAN') {
        control = html`<input
          id=${fid}
          name=${f.name}
          type="checkbox"
          checked=${values[f.name] === 'true'}
          onChange=${(ev) => set(ev.target.checked ? 'true' : 'false')}
        />`
      } else if (f.type?.enum_type) {
        control = html`<select
          id=${fid}
          name=${f.name}
          value=${values[f.name]}
          onChange=${(ev) => set(ev.target.value)}
        >
          <option value="">—</option>
          ${(f.type.enum_type.values ?? []).map((v) => html`<option value=${v}>${v}</option>`)}
        </select>`
      } else if (
        s === 'INTEGER' ||
        s === 'FLOAT' ||
        s === 'STRING' ||
        s === 'DATETIME' ||
        s === 'DURATION' ||
        f.type?.blob
      ) {
        control = html`<input
          id=${fid}
          name=${f.name}
          inputmode=${s === 'INTEGER' ? 'numeric' : s === 'FLOAT' ? 'decimal' : 'text'}
          value=${values[f.name]}
          onInput=${(ev) => set(ev.target.value)}
          aria-invalid=${Boolean(errors[f.name])}
        />`
      } else {
        control = html`<textarea
          id=${fid}
          name=${f.name}
          rows="3"
          value=${values[f.name]}
          onInput=${(ev) => set(ev.target.value)}
          aria-invalid=${Boolean(errors[f.name])}
        ></textarea>`
      }
      return html`<div class="field">
        <label for=${fid}>${f.name}${f.required ? ' *' : ''} <span class="muted">${describeType(f.type)}</span></label>
        ${control} ${f.description ? html`<small class="muted">${f.description}</small>` : ''}
        ${errors[f.name] ? html`<small class="error-text" role="alert">${f.name}: ${errors[f.name]}</small>` : ''}
      </div>`
    })}
    ${
      fixed.length
        ? html`<h3>Fixed inputs</h3>
            <dl class="literal-map">
              ${fixed.map(
                (f) =>
                  html`<dt>${f.name}</dt>
                    <dd><${LiteralView} lit=${f.lit} /> <span class="muted">(fixed)</span></dd>`,
              )}
            </dl>`
        : ''
    }
    <button type="submit">Launch</button> ${status ? html`<span role="status">${status}</span>` : ''}
  </form>`
}

export function EntityPage({project, domain, kindSegment, name, version, navigate}) {
  const kind = ENTITY_KINDS[kindSegment]
  const [state, setState] = useState({loading: true})
  useEffect(() => {
    let live = true
    const load = async () => {
      try {
        const list = await api.get(paths.entity(kind.rest, project, domain, name), {
          limit: 20,
          'sort_by.key': 'created_at',
          'sort_by.direction': 'DESCENDING',
        })
        const items = list[kind.rest] ?? []
        const v = version || items[0]?.id?.version
        if (!v) throw new Error(`${kind.title.toLowerCase()} ${name} not found in ${project}/${domain}`)
        const entity = await api.get(paths.entityVersion(kind.rest, project, domain, name, v))
        const runs = await api
          .get(paths.executions(project, domain), {
            limit: 20,
            'sort_by.key': 'created_at',
            'sort_by.direction': 'DESCENDING',
            filters:
              kind.launch === 'task'
                ? `eq(task.name,${name})`
                : kind.launch
                  ? `eq(launch_plan.name,${name})`
                  : `eq(workflow.name,${name})`,
          })
          .catch(() => ({executions: []}))
        if (live)
          setState({loading: false, entity, versions: items.map((i) => i.id.version), runs: runs.executions ?? []})
      } catch (err) {
        if (live) setState({loading: false, error: err.message})
      }
    }
    void load()
    return () => {
      live = false
    }
  }, [project, domain, kindSegment, name, version])
  if (!kind) return html`<p>Unknown kind ${kindSegment}.</p>`
  if (state.loading) return html`<p>Loading…</p>`
  if (state.error) return html`<p class="error-text" role="alert">${state.error}</p>`
  const e = state.entity
  return html`<article>
    <h1>${kind.title} ${name} <span class="muted">${e.id.version}</span></h1>
    <p>
      Versions:
      ${state.versions.map(
        (v) =>
          html`<a
            class=${v === e.id.version ? 'current' : ''}
            href=${links.entity(kindSegment, project, domain, name, v)}
            >${v}</a
          > `,
      )}
    </p>
    ${kind.launch ? html`<${LaunchForm} key=${e.id.version} kind=${kind.launch} entity=${e} navigate=${navigate} />` : ''}
    <h2>Recent runs</h2>
    ${
      state.runs.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<ul class="runs">
            ${state.runs.map(
              (r) =>
                html`<li>
                  <a href=${links.execution(project, domain, r.id.name)}>${r.id.name}</a>
                  <span class=${phaseClass(r.closure?.phase)}>${r.closure?.phase}</span>
                </li>`,
            )}
          </ul>`
    }
  </article>`
}

export function EntityListPage({project, domain, kindSegment}) {
  const kind = ENTITY_KINDS[kindSegment]
  const [items, setItems] = useState(null)
  useEffect(() => {
    api
      .get(paths.namedEntities(kind.resource, project, domain), {
        limit: 1000,
        'sort_by.key': 'name',
        'sort_by.direction': 'ASCENDING',
      })
      .then(
        (r) => setItems(r.entities ?? []),
        (err) => setItems({error: err.message}),
      )
  }, [project, domain, kindSegment])
  if (items === null) return html`<p>Loading…</p>`
  if (items.error) return html`<p class="error-text">${items.error}</p>`
  return html`<section>
    <h1>${kind.title}s <span class="muted">${project} / ${domain}</span></h1>
    <ul>
      ${items.map((i) => html`<li><a href=${links.entity(kindSegment, project, domain, i.id.name)}>${i.id.name}</a></li>`)}
    </ul>
  </section>`
}
