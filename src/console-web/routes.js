// FlyteConsole's route table (the paths flytekit prints and FlyteConsole serves) → the console's pages.
import {links} from './api.js'

/** Route segments of entity pages: FlyteConsole's list/detail segments and flytekit's version links. */
export const ENTITY_SEGMENTS = ['launchPlans', 'launch_plan', 'workflows', 'workflow', 'tasks', 'task']

/** The page a console path shows, with its parameters (FlyteConsole's route table). */
export function matchRoute(pathname) {
  let seg
  try {
    seg = pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent)
  } catch {
    return {page: 'notFound'}
  }
  if (seg[0] !== 'console') return {page: 'notFound'}
  if (seg.length === 1 || seg[1] === 'select-project') return {page: 'projects'}
  if (seg[1] !== 'projects' || !seg[2]) return {page: 'notFound'}
  const project = seg[2]
  if (seg.length === 3 || seg[3] !== 'domains') return {page: 'redirect', to: links.runs(project, 'development')}
  const domain = seg[4]
  if (!domain) return {page: 'redirect', to: links.runs(project, 'development')}
  const section = seg[5]
  if (!section || section === 'executions') {
    if (seg[6]) return {page: 'execution', project, domain, name: seg[6]}
    return {page: 'runs', project, domain}
  }
  if (ENTITY_SEGMENTS.includes(section)) {
    if (!seg[6]) return {page: 'entities', project, domain, kindSegment: section}
    const version = seg[7] === 'version' ? seg[8] : undefined
    return {page: 'entity', project, domain, kindSegment: section, name: seg[6], version}
  }
  return {page: 'notFound'}
}
