// The console's view of the control plane: FlyteAdmin's REST API (same origin), the plane's
// change stream (Server-Sent Events, polling where there is none) and small formatting helpers.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message)
    this.status = status
    this.body = body
  }
}

function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

async function request(method, path, params, body) {
  const init = {method, headers: {accept: 'application/json'}, credentials: 'same-origin'}
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await fetch(path + query(params), init)
  const text = await res.text()
  let data
  try {
    data = text ? JSON.parse(text) : {}
  } catch {
    data = {message: text}
  }
  if (res.status === 401 && signIn()) return new Promise(() => {})
  if (!res.ok) throw new ApiError(res.status, data.message || `${res.status} ${res.statusText}`, data)
  return data
}

/** True when the plane asks browsers to sign in (auth on): its shell says so. */
export const loginEnabled = () =>
  document.querySelector('meta[name="flyte-console-auth"]')?.content === 'login' && !proxyMode()

/**
 * Sends the browser to the plane's sign-in (`/login`, back to this page afterwards); false when it
 * went there moments ago already (a token the plane still refuses), so the page shows the error.
 */
export function signIn() {
  if (!loginEnabled()) return false
  const last = Number(window.sessionStorage.getItem('flyte-console-login') ?? 0)
  if (Date.now() - last < 15_000) return false
  window.sessionStorage.setItem('flyte-console-login', String(Date.now()))
  location.assign(`/login?redirect_url=${encodeURIComponent(location.pathname + location.search)}`)
  return true
}

export const api = {
  get: (path, params) => request('GET', path, params),
  post: (path, body) => request('POST', path, undefined, body),
  del: (path, body) => request('DELETE', path, undefined, body),
}

const enc = encodeURIComponent

export const paths = {
  projects: () => '/api/v1/projects',
  executions: (p, d) => `/api/v1/executions/${enc(p)}/${enc(d)}`,
  execution: (p, d, n) => `/api/v1/executions/${enc(p)}/${enc(d)}/${enc(n)}`,
  executionData: (p, d, n) => `/api/v1/data/executions/${enc(p)}/${enc(d)}/${enc(n)}`,
  nodeExecutions: (p, d, n) => `/api/v1/node_executions/${enc(p)}/${enc(d)}/${enc(n)}`,
  nodeData: (p, d, n, node) => `/api/v1/data/node_executions/${enc(p)}/${enc(d)}/${enc(n)}/${enc(node)}`,
  taskExecutions: (p, d, n, node) => `/api/v1/task_executions/${enc(p)}/${enc(d)}/${enc(n)}/${enc(node)}`,
  workflow: (id) => `/api/v1/workflows/${enc(id.project)}/${enc(id.domain)}/${enc(id.name)}/${enc(id.version)}`,
  entities: (kind, p, d) => `/api/v1/${kind}/${enc(p)}/${enc(d)}`,
  entity: (kind, p, d, n) => `/api/v1/${kind}/${enc(p)}/${enc(d)}/${enc(n)}`,
  entityVersion: (kind, p, d, n, v) => `/api/v1/${kind}/${enc(p)}/${enc(d)}/${enc(n)}/${enc(v)}`,
  namedEntities: (type, p, d) => `/api/v1/named_entities/${type}/${enc(p)}/${enc(d)}`,
}

export const links = {
  projects: () => '/console',
  runs: (p, d) => `/console/projects/${enc(p)}/domains/${enc(d)}/executions`,
  execution: (p, d, n) => `/console/projects/${enc(p)}/domains/${enc(d)}/executions/${enc(n)}`,
  entity: (kind, p, d, n, v) =>
    `/console/projects/${enc(p)}/domains/${enc(d)}/${kind}/${enc(n)}${v ? `/version/${enc(v)}` : ''}`,
}

/** True when the page is served by `flytectl console --endpoint` (no change stream, no log tail). */
export const proxyMode = () => document.querySelector('meta[name="flyte-console-mode"]')?.content === 'proxy'

/**
 * Calls onChange whenever the scope changes: the plane's event stream, or a 3 s poll where there is
 * none. Returns the function that stops it.
 */
export function subscribe(scope, onChange) {
  let stopped = false
  let timer
  let source
  let pending = false
  const fire = () => {
    if (stopped || pending) return
    pending = true
    setTimeout(() => {
      pending = false
      if (!stopped) onChange()
    }, 150)
  }
  const poll = () => {
    timer = setInterval(fire, 3000)
  }
  if (proxyMode() || typeof EventSource === 'undefined') poll()
  else {
    source = new EventSource(`/console/api/events${query(scope)}`)
    source.addEventListener('change', fire)
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !stopped) poll()
    }
  }
  return () => {
    stopped = true
    clearInterval(timer)
    source?.close()
  }
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT', 'SKIPPED', 'RECOVERED'])
export const isTerminal = (phase) => TERMINAL.has(phase)

/** Short text for a phase, so a cell reads without colour. */
export const PHASE_SHORT = {
  UNDEFINED: '?',
  QUEUED: 'Q',
  RUNNING: 'R',
  SUCCEEDING: 'R',
  SUCCEEDED: 'S',
  FAILING: 'F',
  FAILED: 'F',
  ABORTING: 'A',
  ABORTED: 'A',
  TIMED_OUT: 'T',
  SKIPPED: '-',
  DYNAMIC_RUNNING: 'R',
  RECOVERED: 'S',
  INITIALIZING: 'Q',
  WAITING_FOR_RESOURCES: 'Q',
  RETRYABLE_FAILED: 'F',
}

export function phaseClass(phase) {
  return `phase phase-${(phase || 'UNDEFINED').toLowerCase()}`
}

/** protobuf JSON duration ("12.5s") → seconds. */
export function seconds(duration) {
  if (!duration) return 0
  const n = parseFloat(String(duration))
  return Number.isFinite(n) ? n : 0
}

export function formatDuration(s) {
  if (!s && s !== 0) return ''
  if (s < 1) return `${Math.round(s * 1000)}ms`
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`
  return `${Math.floor(m / 60)}h ${m % 60}m`
}

/** How long a run has taken: its recorded duration, or the time since it started while it runs. */
export function elapsed(closure) {
  const d = seconds(closure?.duration)
  if (d > 0 || isTerminal(closure?.phase)) return d
  const start = closure?.started_at ? Date.parse(closure.started_at) : NaN
  return Number.isFinite(start) ? Math.max(0, (Date.now() - start) / 1000) : 0
}

export function formatTime(ts) {
  if (!ts) return ''
  const d = new Date(ts)
  if (Number.isNaN(d.getTime())) return ''
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}
