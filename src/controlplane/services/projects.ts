/** Projects and domains (FlyteAdmin's project manager). */
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {
  DomainSchema,
  GetDomainsResponseSchema,
  Project_ProjectState,
  ProjectListRequest,
  ProjectRegisterResponseSchema,
  ProjectSchema,
  ProjectsSchema,
  ProjectUpdateResponseSchema,
  type GetDomainsResponse,
  type Project,
  type ProjectGetRequest,
  type ProjectRegisterRequest,
  type ProjectRegisterResponse,
  type Projects,
  type ProjectUpdateResponse,
} from '../../gen/flyteidl/admin/project_pb.js'
import type {PlaneContext} from '../context.js'
import {alreadyExists, invalidArgument, notFound} from '../errors.js'
import type {EntityFields} from '../filters.js'
import {listPage} from '../store/list.js'
import {nowMicros} from '../time.js'
import {validateProject, validateProjectRegister} from '../validation.js'

const STATE_NAMES = {ACTIVE: 0, ARCHIVED: 1, SYSTEM_GENERATED: 2, SYSTEM_ARCHIVED: 3}

export const PROJECT_FIELDS: EntityFields = {
  entity: 'p',
  fields: {
    identifier: {column: 'identifier', kind: 'text'},
    name: {column: 'name', kind: 'text'},
    description: {column: 'description', kind: 'text'},
    state: {column: 'state', kind: 'int', names: STATE_NAMES},
    created_at: {column: 'created_at', kind: 'time'},
    updated_at: {column: 'updated_at', kind: 'time'},
  },
}

function withDomains(ctx: PlaneContext, project: Project): Project {
  project.domains = ctx.domains.map((d) => create(DomainSchema, d))
  return project
}

export function getProjectRow(ctx: PlaneContext, id: string): Project | undefined {
  const row = ctx.db.get<{data: Uint8Array}>('SELECT data FROM projects WHERE identifier = ?', id)
  return row ? fromBinary(ProjectSchema, row.data) : undefined
}

/** ValidateProjectAndDomain: the project exists and is active, the domain is configured. */
export function requireActiveProjectAndDomain(ctx: PlaneContext, project: string, domain: string): void {
  const row = ctx.db.get<{state: number}>('SELECT state FROM projects WHERE identifier = ?', project)
  if (!row) {
    throw invalidArgument(
      `failed to validate that project [${project}] and domain [${domain}] are registered, err: [project [${project}] not found]`,
    )
  }
  if (row.state !== Project_ProjectState.ACTIVE) throw invalidArgument(`project [${project}] is not active`)
  if (!ctx.domains.some((d) => d.id === domain)) throw invalidArgument(`domain [${domain}] is unrecognized by system`)
}

export function registerProject(ctx: PlaneContext, req: ProjectRegisterRequest): ProjectRegisterResponse {
  validateProjectRegister(req.project)
  const project = create(ProjectSchema, req.project!)
  project.state = Project_ProjectState.ACTIVE
  project.domains = []
  const now = nowMicros()
  ctx.db.transaction(() => {
    if (ctx.db.get('SELECT 1 FROM projects WHERE identifier = ?', project.id)) {
      // FlyteAdmin passes the database's unique-violation text through (repositories/errors/postgres.go).
      throw alreadyExists(
        'value with matching already exists (duplicate key value violates unique constraint "projects_pkey")',
      )
    }
    ctx.db.run(
      'INSERT INTO projects (identifier, name, description, state, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      project.id,
      project.name,
      project.description,
      project.state,
      now,
      now,
      toBinary(ProjectSchema, project),
    )
  })
  return create(ProjectRegisterResponseSchema)
}

/**
 * UpdateProject as FlyteAdmin (project_manager.go UpdateProject, project_repo.go UpdateProject: GORM
 * `Updates(struct)` writes non-zero fields only): unknown ids are NotFound before any validation;
 * empty name/description keep the stored values; labels, when the message is present, replace the
 * stored ones (present but empty empties them), when absent are kept; state is always written.
 */
export function updateProject(ctx: PlaneContext, req: Project): ProjectUpdateResponse {
  // FlyteAdmin looks the id up first; an empty id matches any row there, so validation speaks.
  if (req.id === '') validateProject(req)
  ctx.db.transaction(() => {
    const existing = getProjectRow(ctx, req.id)
    if (!existing) throw notFound(`project [${req.id}] not found`)
    validateProject(req)
    if (req.name !== '') existing.name = req.name
    if (req.description !== '') existing.description = req.description
    if (req.labels !== undefined) existing.labels = req.labels
    existing.state = req.state
    ctx.db.run(
      'UPDATE projects SET name = ?, description = ?, state = ?, updated_at = ?, data = ? WHERE identifier = ?',
      existing.name,
      existing.description,
      existing.state,
      nowMicros(),
      toBinary(ProjectSchema, existing),
      existing.id,
    )
  })
  return create(ProjectUpdateResponseSchema)
}

export function getProject(ctx: PlaneContext, req: ProjectGetRequest): Project {
  if (req.id === '') throw invalidArgument('missing project_id')
  const project = getProjectRow(ctx, req.id)
  if (!project) throw notFound(`project [${req.id}] not found`)
  return withDomains(ctx, project)
}

/**
 * ListProjects: with no filters at all archived projects are hidden; any filter (even
 * `eq(identifier,x)`) shows them (project_repo.go List). Default order identifier ASC.
 */
/** With auth on, only the projects the caller may read are listed (the rest are not named at all). */
export async function listProjects(ctx: PlaneContext, req: ProjectListRequest): Promise<Projects> {
  const where: {sql: string; params: string[]}[] = []
  if (ctx.auth) {
    const all = ctx.db.all<{identifier: string}>('SELECT identifier FROM projects').map((r) => r.identifier)
    const visible = await ctx.auth.readableProjects(all)
    if (visible) {
      where.push(
        visible.length === 0
          ? {sql: '0', params: []}
          : {sql: `identifier IN (${visible.map(() => '?').join(', ')})`, params: visible},
      )
    }
  }
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    rpc: 'ListProjects',
    table: 'projects',
    fields: PROJECT_FIELDS,
    where,
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'identifier ASC',
    limit: req.limit,
    token: req.token,
    zeroLimitMeansAll: true,
    defaults: (used) => (used.size > 0 ? [] : [{sql: 'state != ?', params: [Project_ProjectState.ARCHIVED]}]),
  })
  return create(ProjectsSchema, {
    projects: page.rows.map((r) => withDomains(ctx, fromBinary(ProjectSchema, r.data))),
    token: page.token,
  })
}

export function getDomains(ctx: PlaneContext): GetDomainsResponse {
  return create(GetDomainsResponseSchema, {domains: ctx.domains.map((d) => create(DomainSchema, d))})
}
