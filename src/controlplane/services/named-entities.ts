/** Named entities (the names of tasks, workflows and launch plans with their metadata) and description entities. */
import {create, fromBinary} from '@bufbuild/protobuf'
import {
  NamedEntityIdentifierSchema,
  NamedEntityListSchema,
  NamedEntityMetadataSchema,
  NamedEntitySchema,
  NamedEntityUpdateResponseSchema,
  type NamedEntity,
  type NamedEntityGetRequest,
  type NamedEntityIdentifier,
  type NamedEntityList,
  type NamedEntityListRequest,
  type NamedEntityUpdateRequest,
  type NamedEntityUpdateResponse,
  type ObjectGetRequest,
} from '../../gen/flyteidl/admin/common_pb.js'
import {
  DescriptionEntityListSchema,
  DescriptionEntitySchema,
  type DescriptionEntity,
  type DescriptionEntityList,
  type DescriptionEntityListRequest,
} from '../../gen/flyteidl/admin/description_entity_pb.js'
import {ResourceType} from '../../gen/flyteidl/core/identifier_pb.js'
import type {PlaneContext} from '../context.js'
import {invalidArgument, missing, notFound} from '../errors.js'
import type {EntityFields} from '../filters.js'
import {resourceListWhere} from './definitions.js'
import {listPage} from '../store/list.js'
import {nowMicros} from '../time.js'
import {identifierText, requireString, validateIdentifierFields} from '../validation.js'

const TABLE_OF: Partial<Record<ResourceType, string>> = {
  [ResourceType.TASK]: 'tasks',
  [ResourceType.WORKFLOW]: 'workflows',
  [ResourceType.LAUNCH_PLAN]: 'launch_plans',
}

const NAMED_ENTITY_STATE = {
  column: 'state',
  kind: 'int',
  names: {NAMED_ENTITY_ACTIVE: 0, NAMED_ENTITY_ARCHIVED: 1, SYSTEM_GENERATED: 2},
} as const
const TEXT = (column: string) => ({column, kind: 'text'}) as const

/** models.NamedEntityColumns; `state`/`description` live in the metadata (common/filters.go customizeEntity). */
const NAMED_ENTITY_FIELDS: EntityFields = {
  entity: 'nen',
  sortKeys: {
    resource_type: 'project',
    project: 'project',
    domain: 'domain',
    name: 'name',
    description: 'description',
    state: 'state',
  },
  fields: {
    name: TEXT('name'),
    project: TEXT('project'),
    domain: TEXT('domain'),
    state: NAMED_ENTITY_STATE,
    description: TEXT('description'),
  },
  joins: {
    nem: {
      name: TEXT('name'),
      project: TEXT('project'),
      domain: TEXT('domain'),
      state: NAMED_ENTITY_STATE,
      description: TEXT('description'),
    },
  },
}

const ENTITY_CODE: Partial<Record<ResourceType, string>> = {
  [ResourceType.TASK]: 't',
  [ResourceType.WORKFLOW]: 'w',
  [ResourceType.LAUNCH_PLAN]: 'l',
}

function tableOf(rt: ResourceType): string {
  // ValidateResourceType (validation.go): unspecified or unknown values are refused first.
  if (rt === ResourceType.UNSPECIFIED || ResourceType[rt] === undefined)
    throw invalidArgument('invalid value for resource_type')
  const table = TABLE_OF[rt]
  if (!table) throw invalidArgument(`Unsupported resource type: ${ResourceType[rt] ?? rt}`)
  return table
}

function entitiesSubquery(rt: ResourceType): string {
  return `(SELECT t.project, t.domain, t.name, t.created_at, t.updated_at,
      COALESCE(m.description, '') AS description, COALESCE(m.state, 0) AS state
    FROM (SELECT project, domain, name, MIN(created_at) AS created_at, MAX(updated_at) AS updated_at
          FROM ${tableOf(rt)} WHERE project = ? AND domain = ? GROUP BY project, domain, name) t
    LEFT JOIN named_entity_metadata m ON m.resource_type = ${Number(rt)} AND m.project = t.project
      AND m.domain = t.domain AND m.name = t.name)`
}

interface EntityRow {
  project: string
  domain: string
  name: string
  description: string
  state: number
}

function toNamedEntity(rt: ResourceType, r: EntityRow): NamedEntity {
  return create(NamedEntitySchema, {
    resourceType: rt,
    id: create(NamedEntityIdentifierSchema, {project: r.project, domain: r.domain, name: r.name}),
    metadata: create(NamedEntityMetadataSchema, {description: r.description, state: r.state}),
  })
}

function requireNamedId(id: NamedEntityIdentifier | undefined): NamedEntityIdentifier {
  if (!id) throw missing('id')
  requireString(id.project, 'project')
  requireString(id.domain, 'domain')
  requireString(id.name, 'name')
  return id
}

function findEntity(ctx: PlaneContext, rt: ResourceType, id: NamedEntityIdentifier): EntityRow {
  const row = ctx.db.get<EntityRow>(
    `SELECT * FROM ${entitiesSubquery(rt)} WHERE name = ?`,
    id.project,
    id.domain,
    id.name,
  )
  if (!row) {
    throw notFound(
      `missing entity of type ${ResourceType[rt]} with identifier ${identifierText({...id, resourceType: rt})}`,
    )
  }
  return row
}

export function getNamedEntity(ctx: PlaneContext, req: NamedEntityGetRequest): NamedEntity {
  const id = requireNamedId(req.id)
  return toNamedEntity(req.resourceType, findEntity(ctx, req.resourceType, id))
}

export function updateNamedEntity(ctx: PlaneContext, req: NamedEntityUpdateRequest): NamedEntityUpdateResponse {
  const id = requireNamedId(req.id)
  if (!req.metadata) throw missing('metadata')
  ctx.db.transaction(() => {
    findEntity(ctx, req.resourceType, id)
    const now = nowMicros()
    ctx.db.run(
      `INSERT INTO named_entity_metadata (resource_type, project, domain, name, description, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (resource_type, project, domain, name) DO UPDATE SET description = excluded.description,
         state = excluded.state, updated_at = excluded.updated_at`,
      req.resourceType,
      id.project,
      id.domain,
      id.name,
      req.metadata!.description,
      req.metadata!.state,
      now,
      now,
    )
  })
  return create(NamedEntityUpdateResponseSchema)
}

/** ListNamedEntities: with no filters, `.flytegen` names (single-task wrappers) are left out. */
export function listNamedEntities(ctx: PlaneContext, req: NamedEntityListRequest): NamedEntityList {
  requireString(req.project, 'project')
  requireString(req.domain, 'domain')
  const page = listPage<EntityRow>(ctx.db, {
    rpc: 'ListNamedEntities',
    table: entitiesSubquery(req.resourceType),
    tableParams: [req.project, req.domain],
    fields: NAMED_ENTITY_FIELDS,
    where: req.filters.trim() === '' ? [{sql: 'name NOT LIKE ?', params: ['.flytegen%']}] : [],
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'name ASC',
    limit: req.limit,
    token: req.token,
    select: '*',
  })
  return create(NamedEntityListSchema, {
    entities: page.rows.map((r) => toNamedEntity(req.resourceType, r)),
    token: page.token,
  })
}

/** Filters on the task/workflow/launch-plan columns, sorted by models.DescriptionEntityColumns. */
const DESCRIPTION_FIELDS: EntityFields = {
  entity: 't',
  sortKeys: {
    created_at: 'created_at',
    updated_at: 'updated_at',
    project: 'project',
    domain: 'domain',
    name: 'name',
    version: 'version',
    short_description: 'short_description',
  },
  fields: {
    name: {column: 'name', kind: 'text'},
    version: {column: 'version', kind: 'text'},
    short_description: {column: 'short_description', kind: 'text'},
    created_at: {column: 'created_at', kind: 'time'},
  },
}

export function getDescriptionEntity(ctx: PlaneContext, req: ObjectGetRequest): DescriptionEntity {
  validateIdentifierFields(req.id)
  const id = req.id!
  const row = ctx.db.get<{data: Uint8Array}>(
    'SELECT data FROM description_entities WHERE resource_type = ? AND project = ? AND domain = ? AND name = ? AND version = ?',
    id.resourceType,
    id.project,
    id.domain,
    id.name,
    id.version,
  )
  if (!row) throw notFound(`missing entity of type description entity with identifier ${identifierText(id)}`)
  return fromBinary(DescriptionEntitySchema, row.data)
}

export function listDescriptionEntities(ctx: PlaneContext, req: DescriptionEntityListRequest): DescriptionEntityList {
  const where = [{sql: 'resource_type = ?', params: [req.resourceType as number]}, ...resourceListWhere(req)]
  const page = listPage<{data: Uint8Array}>(ctx.db, {
    // FlyteAdmin's description entity list names ListWorkflows here (description_entity_manager.go).
    rpc: 'ListWorkflows',
    table: 'description_entities',
    fields: {...DESCRIPTION_FIELDS, entity: ENTITY_CODE[req.resourceType] ?? 't'},
    where,
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'created_at DESC',
    limit: req.limit,
    token: req.token,
  })
  return create(DescriptionEntityListSchema, {
    descriptionEntities: page.rows.map((r) => fromBinary(DescriptionEntitySchema, r.data)),
    token: page.token,
  })
}
