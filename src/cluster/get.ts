/**
 * `get` for projects, tasks, workflows, launch plans and executions: which RPCs, with which
 * requests, returning protojson rows ready for the printer. Takes the admin client as a parameter.
 */
import type {MessageInitShape} from '@bufbuild/protobuf'
import type {Code} from '@connectrpc/connect'
import type {AdminClient} from '../admin/client.js'
import {andFilters, listParams, type FilterFlags, type ListParams} from '../admin/filters.js'
import {CliError} from '../cli/errors.js'
import type {SortSchema} from '../gen/flyteidl/admin/common_pb.js'
import type {Project} from '../gen/flyteidl/admin/project_pb.js'
import type {ResourceType} from '../gen/flyteidl/core/identifier_pb.js'
import {messageJson} from './message-json.js'

export type Json = Record<string, unknown>

// flyteidl.core.ResourceType and Connect's codes, as values without loading the generated code or
// Connect (a failed call has loaded Connect already: see rpcCode).
const TASK = 1 as ResourceType.TASK
const WORKFLOW = 2 as ResourceType.WORKFLOW
const LAUNCH_PLAN = 3 as ResourceType.LAUNCH_PLAN
const NOT_FOUND = 5 as Code.NotFound
const UNIMPLEMENTED = 12 as Code.Unimplemented

/** The gRPC code of a failed call's error, undefined for other errors. */
async function rpcCode(err: unknown): Promise<Code | undefined> {
  const {ConnectError} = await import('@connectrpc/connect')
  return err instanceof ConnectError ? err.code : undefined
}

export interface Scope {
  project: string
  domain: string
}

/** Rows plus, when the server has more, the token of the next page. */
export interface Listing {
  rows: Json[]
  nextToken: string
  /** Which table shape fits these rows. */
  shape: 'list' | 'versions' | 'detail'
}

function sortOf(p: ListParams): MessageInitShape<typeof SortSchema> | undefined {
  return p.sortBy ? {key: p.sortBy.key, direction: p.sortBy.direction} : undefined
}

function listRequest(scope: Scope, name: string, p: ListParams) {
  const sortBy = sortOf(p)
  return {
    id: {project: scope.project, domain: scope.domain, name},
    limit: p.limit,
    token: p.token,
    filters: p.filters,
    ...(sortBy ? {sortBy} : {}),
  }
}

/** The newest version: limit 1, created_at descending, whatever the user's sort flags say. */
function latestParams(filter: FilterFlags): ListParams {
  return {...listParams({...filter, limit: 1, page: 1, token: '', sortBy: 'created_at', asc: false})}
}

export async function getProjects(admin: AdminClient, filter: FilterFlags, id?: string): Promise<Listing> {
  if (id) return {rows: [messageJson(await getProject(admin, id))], nextToken: '', shape: 'list'}
  const p = listParams(filter, {sortBy: 'created_at'})
  const sortBy = sortOf(p)
  const res = await admin.listProjects({
    limit: p.limit,
    token: p.token,
    filters: p.filters,
    ...(sortBy ? {sortBy} : {}),
  })
  return {rows: res.projects.map((x) => messageJson(x)), nextToken: res.token, shape: 'list'}
}

/** One project by id; NotFound is an error (Go flytectl scans one page and prints nothing). */
export async function getProject(admin: AdminClient, id: string): Promise<Project> {
  try {
    return await admin.getProject({id})
  } catch (err) {
    const code = await rpcCode(err)
    if (code === NOT_FOUND) throw notFound('project', id)
    if (code !== UNIMPLEMENTED) throw err
  }
  // Older control planes have no GetProject: filter the list by identifier (archived included).
  const res = await admin.listProjects({limit: 1, filters: `eq(identifier,${id})`})
  const found = res.projects.find((x) => x.id === id)
  if (!found) throw notFound('project', id)
  return found
}

/**
 * An empty listing in a project or domain that does not exist is "not found" (exit 4), not 0 rows:
 * a mistyped -p/-d must not look like an empty project.
 */
async function emptyScopeExists(admin: AdminClient, scope: Scope, listing: Listing): Promise<Listing> {
  if (listing.rows.length > 0 || listing.nextToken) return listing
  let project: Project
  try {
    project = await getProject(admin, scope.project)
  } catch (err) {
    const missing = (err instanceof CliError && err.code === 'not-found') || (await rpcCode(err)) === NOT_FOUND
    if (missing) throw notFound('project', scope.project)
    throw err
  }
  if (project.domains.length > 0 && !project.domains.some((d) => d.id === scope.domain)) {
    throw new CliError('not-found', `domain ${scope.domain} not found in project ${scope.project}`, {
      hint: `Its domains: ${project.domains.map((d) => d.id).join(', ')}.`,
    })
  }
  return listing
}

function notFound(kind: string, what: string, scope?: Scope): CliError {
  return new CliError('not-found', `${kind} ${what} not found`, {
    hint: scope
      ? `List what exists with \`flytectl get ${kind} -p ${scope.project} -d ${scope.domain}\`.`
      : `List what exists with \`flytectl get ${kind}\`.`,
  })
}

export interface EntityQuery {
  name?: string
  version?: string
  latest?: boolean
  filter: FilterFlags
}

/**
 * `<name> --latest` (the newest version, not found when there is none) and `<name> --version v`
 * (that version) as a one-row detail listing; undefined when the query is a listing.
 */
async function oneVersion<M>(
  kind: string,
  scope: Scope,
  q: EntityQuery,
  toRow: (m: M) => Json,
  rpc: {
    list: (req: ReturnType<typeof listRequest>) => Promise<M[]>
    get: (id: Scope & {name: string; version: string}) => Promise<M>
  },
): Promise<Listing | undefined> {
  if (q.name && q.latest) {
    const found = await rpc.list(listRequest(scope, q.name, latestParams(q.filter)))
    if (found.length === 0) throw notFound(kind, `${q.name} in ${scope.project}/${scope.domain}`, scope)
    return {rows: found.map(toRow), nextToken: '', shape: 'detail'}
  }
  if (q.name && q.version) {
    return {rows: [toRow(await rpc.get({...scope, name: q.name, version: q.version}))], nextToken: '', shape: 'detail'}
  }
  return undefined
}

export async function getTasks(admin: AdminClient, scope: Scope, q: EntityQuery): Promise<Listing> {
  const toRow = messageJson
  const one = await oneVersion('task', scope, q, toRow, {
    list: async (req) => (await admin.listTasks(req)).tasks,
    get: (id) => admin.getTask({id: {resourceType: TASK, ...id}}),
  })
  if (one) return one
  const res = await admin.listTasks(listRequest(scope, q.name ?? '', listParams(q.filter)))
  if (q.name && res.tasks.length === 0) throw notFound('task', `${q.name} in ${scope.project}/${scope.domain}`, scope)
  return emptyScopeExists(admin, scope, {rows: res.tasks.map(toRow), nextToken: res.token, shape: 'list'})
}

export async function getWorkflows(admin: AdminClient, scope: Scope, q: EntityQuery): Promise<Listing> {
  const toRow = messageJson
  if (!q.name) {
    // ListNamedEntities sorts only by its own columns (no created_at: FlyteAdmin answers `invalid
    // sort key 'created_at'`), so, as Go flytectl, no sort unless --filter.sortBy says one.
    const p = listParams(q.filter, {sortBy: ''})
    const sortBy = sortOf(p)
    const req = {
      project: scope.project,
      domain: scope.domain,
      limit: p.limit,
      token: p.token,
      filters: p.filters,
      ...(sortBy ? {sortBy} : {}),
    }
    try {
      const res = await admin.listNamedEntities({resourceType: WORKFLOW, ...req})
      const rows = res.entities.map((e) => messageJson(e))
      return emptyScopeExists(admin, scope, {rows, nextToken: res.token, shape: 'list'})
    } catch (err) {
      if ((await rpcCode(err)) !== UNIMPLEMENTED) throw err
    }
    // Control planes without named entities: the workflow names, with default metadata.
    const ids = await admin.listWorkflowIds(req)
    const rows = ids.entities.map((e) => ({
      resourceType: 'WORKFLOW',
      id: {project: e.project, domain: e.domain, name: e.name},
    }))
    return emptyScopeExists(admin, scope, {rows, nextToken: ids.token, shape: 'list'})
  }
  if (q.latest || q.version) {
    let version = q.version
    if (q.latest) {
      const res = await admin.listWorkflows(listRequest(scope, q.name, latestParams(q.filter)))
      if (res.workflows.length === 0) throw notFound('workflow', `${q.name} in ${scope.project}/${scope.domain}`, scope)
      version = res.workflows[0]!.id!.version
    }
    const w = await admin.getWorkflow({
      id: {resourceType: WORKFLOW, ...scope, name: q.name, version: version!},
    })
    return {rows: [toRow(w)], nextToken: '', shape: 'detail'}
  }
  const res = await admin.listWorkflows(listRequest(scope, q.name, listParams(q.filter)))
  if (res.workflows.length === 0) throw notFound('workflow', `${q.name} in ${scope.project}/${scope.domain}`, scope)
  return {rows: res.workflows.map(toRow), nextToken: res.token, shape: 'versions'}
}

/** The workflows behind rows, as messages (for -o dot). */
export async function getWorkflowMessages(admin: AdminClient, scope: Scope, q: EntityQuery) {
  if (!q.name)
    throw new CliError('usage', 'visualization needs a workflow name', {hint: 'flytectl get workflow <name> -o dot'})
  let version = q.version
  if (q.latest || !version) {
    const res = await admin.listWorkflows(listRequest(scope, q.name, latestParams(q.filter)))
    if (res.workflows.length === 0) throw notFound('workflow', `${q.name} in ${scope.project}/${scope.domain}`, scope)
    version = res.workflows[0]!.id!.version
  }
  return admin.getWorkflow({id: {resourceType: WORKFLOW, ...scope, name: q.name, version}})
}

export interface LaunchPlanQuery extends EntityQuery {
  workflow?: string
}

export async function getLaunchPlans(admin: AdminClient, scope: Scope, q: LaunchPlanQuery): Promise<Listing> {
  const toRow = messageJson
  if (q.workflow && q.filter.fieldSelector)
    throw new CliError('usage', 'fieldSelector cannot be specified with workflow flag', {
      hint: 'Use either --workflow or --filter.fieldSelector.',
    })
  const one = await oneVersion('launchplan', scope, q, toRow, {
    list: async (req) => (await admin.listLaunchPlans(req)).launchPlans,
    get: (id) => admin.getLaunchPlan({id: {resourceType: LAUNCH_PLAN, ...id}}),
  })
  if (one) return one
  const p = listParams(q.filter)
  if (q.workflow) p.filters = andFilters(p.filters, `eq(workflow.name,${q.workflow})`)
  const res = await admin.listLaunchPlans(listRequest(scope, q.name ?? '', p))
  if (q.name && res.launchPlans.length === 0)
    throw notFound('launchplan', `${q.name} in ${scope.project}/${scope.domain}`, scope)
  const listing: Listing = {rows: res.launchPlans.map(toRow), nextToken: res.token, shape: q.name ? 'detail' : 'list'}
  return emptyScopeExists(admin, scope, listing)
}

export async function getExecutions(
  admin: AdminClient,
  scope: Scope,
  filter: FilterFlags,
  name?: string,
): Promise<Listing> {
  if (name) {
    const e = await admin.getExecution({id: {...scope, name}})
    return {rows: [messageJson(e)], nextToken: '', shape: 'detail'}
  }
  const res = await admin.listExecutions(listRequest(scope, '', listParams(filter)))
  const rows = res.executions.map((e) => messageJson(e))
  return emptyScopeExists(admin, scope, {rows, nextToken: res.token, shape: 'list'})
}
