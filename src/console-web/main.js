// The console's entry: FlyteConsole's URL paths → pages, links handled in the page (history API),
// a header with the project and domain switcher.
import {h, render} from 'preact'
import {useEffect, useState} from 'preact/hooks'
import htm from 'htm'
import {api, paths, links, loginEnabled} from './api.js'
import {RunsPage} from './runs.js'
import {ExecutionPage} from './execution.js'
import {EntityPage, EntityListPage} from './entity.js'
import {matchRoute} from './routes.js'

const html = htm.bind(h)
const DOMAINS = ['development', 'staging', 'production']

function ProjectsPage() {
  const [projects, setProjects] = useState(null)
  useEffect(() => {
    api.get(paths.projects(), {limit: 1000}).then(
      (r) => setProjects(r.projects ?? []),
      (err) => setProjects({error: err.message}),
    )
  }, [])
  if (projects === null) return html`<p>Loading…</p>`
  if (projects.error) return html`<p class="error-text" role="alert">${projects.error}</p>`
  return html`<section>
    <h1>Projects</h1>
    <table class="list">
      <thead>
        <tr>
          <th>Project</th>
          <th>Description</th>
          <th>Domains</th>
        </tr>
      </thead>
      <tbody>
        ${projects.map(
          (p) =>
            html`<tr>
              <td>${p.name || p.id}</td>
              <td>${p.description}</td>
              <td>
                ${(p.domains ?? DOMAINS.map((id) => ({id}))).map((d) => html`<a href=${links.runs(p.id, d.id)}>${d.id}</a> `)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`
}

/** Who is signed in, and the way out (only when the plane asks browsers to sign in). */
function Account() {
  const [me, setMe] = useState(null)
  useEffect(() => {
    if (!loginEnabled()) return
    fetch('/me', {headers: {accept: 'application/json'}})
      .then((r) => (r.ok ? r.json() : null))
      .then(setMe, () => setMe(null))
  }, [])
  if (!loginEnabled()) return ''
  const back = encodeURIComponent(location.pathname + location.search)
  return me
    ? html`<span class="account" data-testid="account"
        >${me.preferred_username || me.subject} <a href=${`/logout?redirect_url=${back}`}>Sign out</a></span
      >`
    : html`<span class="account"><a href=${`/login?redirect_url=${back}`}>Sign in</a></span>`
}

function Header({route, navigate}) {
  const {project, domain} = route
  return html`<header class="top">
    <a class="brand" href="/console">Flyte console</a>
    <${Account} />
    ${
      project
        ? html`<nav aria-label="sections">
            <a href=${links.runs(project, domain)}>Runs</a>
            <a
              href=${`/console/projects/${encodeURIComponent(project)}/domains/${encodeURIComponent(domain)}/launchPlans`}
              >Launch plans</a
            >
            <a
              href=${`/console/projects/${encodeURIComponent(project)}/domains/${encodeURIComponent(domain)}/workflows`}
              >Workflows</a
            >
            <a href=${`/console/projects/${encodeURIComponent(project)}/domains/${encodeURIComponent(domain)}/tasks`}
              >Tasks</a
            >
            <label
              >Domain
              <select value=${domain} onChange=${(ev) => navigate(links.runs(project, ev.target.value))}>
                ${DOMAINS.map((d) => html`<option value=${d}>${d}</option>`)}
              </select></label
            >
          </nav>`
        : ''
    }
  </header>`
}

function App() {
  const [href, setHref] = useState(location.pathname + location.search)
  const navigate = (to, replace = false) => {
    if (replace) history.replaceState(null, '', to)
    else history.pushState(null, '', to)
    setHref(location.pathname + location.search)
    if (!replace) window.scrollTo(0, 0)
  }
  useEffect(() => {
    const onPop = () => setHref(location.pathname + location.search)
    const onClick = (ev) => {
      if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return
      const a = ev.target.closest?.('a[href]')
      if (!a || a.target || !a.getAttribute('href').startsWith('/console')) return
      ev.preventDefault()
      navigate(a.getAttribute('href'))
    }
    window.addEventListener('popstate', onPop)
    document.addEventListener('click', onClick)
    return () => {
      window.removeEventListener('popstate', onPop)
      document.removeEventListener('click', onClick)
    }
  }, [])
  const route = matchRoute(location.pathname)
  useEffect(() => {
    if (route.page === 'redirect') navigate(route.to, true)
  }, [href])
  let page
  if (route.page === 'projects') page = html`<${ProjectsPage} />`
  else if (route.page === 'runs') page = html`<${RunsPage} key=${href} ...${route} navigate=${navigate} />`
  else if (route.page === 'execution') page = html`<${ExecutionPage} ...${route} navigate=${navigate} />`
  else if (route.page === 'entity') page = html`<${EntityPage} ...${route} navigate=${navigate} />`
  else if (route.page === 'entities') page = html`<${EntityListPage} ...${route} />`
  else if (route.page === 'redirect') page = html`<p>Redirecting…</p>`
  else
    page = html`<section>
      <h1>Not found</h1>
      <p>No console page at ${location.pathname}. <a href="/console">Projects</a></p>
    </section>`
  return html`<${Header} route=${route} navigate=${navigate} />
    <main id="main">${page}</main>`
}

render(html`<${App} />`, document.getElementById('app'))
