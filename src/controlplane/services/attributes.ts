/** Matchable attributes at project, project-domain and workflow scope (one row per scope and resource type). */
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {
  ListMatchableAttributesResponseSchema,
  MatchableAttributesConfigurationSchema,
  MatchableResource,
  MatchingAttributesSchema,
  type ListMatchableAttributesRequest,
  type ListMatchableAttributesResponse,
  type MatchingAttributes,
} from '../../gen/flyteidl/admin/matchable_resource_pb.js'
import {
  ProjectAttributesDeleteResponseSchema,
  ProjectAttributesGetResponseSchema,
  ProjectAttributesSchema,
  ProjectAttributesUpdateResponseSchema,
  type ProjectAttributesDeleteRequest,
  type ProjectAttributesDeleteResponse,
  type ProjectAttributesGetRequest,
  type ProjectAttributesGetResponse,
  type ProjectAttributesUpdateRequest,
  type ProjectAttributesUpdateResponse,
} from '../../gen/flyteidl/admin/project_attributes_pb.js'
import {
  ProjectDomainAttributesDeleteResponseSchema,
  ProjectDomainAttributesGetResponseSchema,
  ProjectDomainAttributesSchema,
  ProjectDomainAttributesUpdateResponseSchema,
  type ProjectDomainAttributesDeleteRequest,
  type ProjectDomainAttributesDeleteResponse,
  type ProjectDomainAttributesGetRequest,
  type ProjectDomainAttributesGetResponse,
  type ProjectDomainAttributesUpdateRequest,
  type ProjectDomainAttributesUpdateResponse,
} from '../../gen/flyteidl/admin/project_domain_attributes_pb.js'
import {
  WorkflowAttributesDeleteResponseSchema,
  WorkflowAttributesGetResponseSchema,
  WorkflowAttributesSchema,
  WorkflowAttributesUpdateResponseSchema,
  type WorkflowAttributesDeleteRequest,
  type WorkflowAttributesDeleteResponse,
  type WorkflowAttributesGetRequest,
  type WorkflowAttributesGetResponse,
  type WorkflowAttributesUpdateRequest,
  type WorkflowAttributesUpdateResponse,
} from '../../gen/flyteidl/admin/workflow_attributes_pb.js'
import type {PlaneContext} from '../context.js'
import {invalidArgument, missing, notFound} from '../errors.js'
import {nowMicros} from '../time.js'
import {requireString} from '../validation.js'
import {requireActiveProjectAndDomain} from './projects.js'

interface Scope {
  project: string
  domain: string
  workflow: string
}

// FlyteAdmin's validateMatchingAttributes (attributes_validator.go): quality of service is not one of them.
const TARGET_TO_RESOURCE: Record<string, MatchableResource> = {
  taskResourceAttributes: MatchableResource.TASK_RESOURCE,
  clusterResourceAttributes: MatchableResource.CLUSTER_RESOURCE,
  executionQueueAttributes: MatchableResource.EXECUTION_QUEUE,
  executionClusterLabel: MatchableResource.EXECUTION_CLUSTER_LABEL,
  pluginOverrides: MatchableResource.PLUGIN_OVERRIDE,
  workflowExecutionConfig: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
  clusterAssignment: MatchableResource.CLUSTER_ASSIGNMENT,
}

/** FlyteAdmin's ResourceID printed with %+v (resource_repo.go). */
function scopeText(s: Scope, rt: MatchableResource): string {
  return `{Project:${s.project} Domain:${s.domain} Workflow:${s.workflow} LaunchPlan: ResourceType:${MatchableResource[rt] ?? rt}}`
}

function projectState(ctx: PlaneContext, project: string): number | undefined {
  return ctx.db.get<{state: number}>('SELECT state FROM projects WHERE identifier = ?', project)?.state
}

/** ValidateProjectExists (project attributes get): archived projects are fine. */
function requireProjectExists(ctx: PlaneContext, project: string): void {
  requireString(project, 'project')
  if (projectState(ctx, project) === undefined) {
    throw invalidArgument(`failed to validate that project [${project}] exists, err: [project [${project}] not found]`)
  }
}

/** ValidateProjectForUpdate (project attributes update/delete): registered and active. */
function requireProjectForUpdate(ctx: PlaneContext, project: string): void {
  requireString(project, 'project')
  const state = projectState(ctx, project)
  if (state === undefined) {
    throw invalidArgument(
      `failed to validate that project [${project}] is registered, err: [project [${project}] not found]`,
    )
  }
  if (state !== 0) throw invalidArgument(`project [${project}] is not active`)
}

function validateScope(ctx: PlaneContext, s: Scope, level: 'domain' | 'workflow'): void {
  requireString(s.project, 'project')
  requireString(s.domain, 'domain')
  requireActiveProjectAndDomain(ctx, s.project, s.domain)
  // FlyteAdmin names the workflow field `name` in this message.
  if (level === 'workflow') requireString(s.workflow, 'name')
}

function resourceOf(attrs: MatchingAttributes | undefined, identifier: string): MatchableResource {
  if (!attrs) throw missing('matching_attributes')
  const rt = attrs.target.case === undefined ? undefined : TARGET_TO_RESOURCE[attrs.target.case]
  if (rt === undefined) throw invalidArgument(`Unrecognized matching attributes type for request ${identifier}`)
  return rt
}

function upsert(ctx: PlaneContext, s: Scope, attrs: MatchingAttributes, rt: MatchableResource): void {
  const now = nowMicros()
  ctx.db.run(
    `INSERT INTO matchable_attributes (project, domain, workflow, launch_plan, resource_type, created_at, updated_at, data)
     VALUES (?, ?, ?, '', ?, ?, ?, ?)
     ON CONFLICT (project, domain, workflow, launch_plan, resource_type) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data`,
    s.project,
    s.domain,
    s.workflow,
    rt,
    now,
    now,
    toBinary(MatchingAttributesSchema, attrs),
  )
}

/**
 * The attributes at a scope or, as FlyteAdmin's ResourceRepo.Get does, the most specific broader
 * one (workflow → project-domain → project); the answer carries the scope that matched.
 */
function fetch(
  ctx: PlaneContext,
  s: Scope,
  rt: MatchableResource,
  exact = false,
): {scope: Scope; attrs: MatchingAttributes} {
  const rows = ctx.db.all<{project: string; domain: string; workflow: string; data: Uint8Array}>(
    `SELECT project, domain, workflow, data FROM matchable_attributes
     WHERE launch_plan = '' AND resource_type = ? AND project = ? AND domain IN (?, '') AND workflow IN (?, '')
     ORDER BY (workflow != '') DESC, (domain != '') DESC`,
    rt,
    s.project,
    s.domain,
    s.workflow,
  )
  const row = rows.find((r) => !exact || (r.domain === s.domain && r.workflow === s.workflow))
  if (!row) throw notFound(`Resource [${scopeText(s, rt)}] not found`)
  return {
    scope: {project: row.project, domain: row.domain, workflow: row.workflow},
    attrs: fromBinary(MatchingAttributesSchema, row.data),
  }
}

/** Deleting what is not set succeeds, as FlyteAdmin's ResourceRepo.Delete (GORM delete of no rows). */
function remove(ctx: PlaneContext, s: Scope, rt: MatchableResource): void {
  ctx.db.run(
    `DELETE FROM matchable_attributes WHERE project = ? AND domain = ? AND workflow = ? AND launch_plan = '' AND resource_type = ?`,
    s.project,
    s.domain,
    s.workflow,
    rt,
  )
}

// project

export function updateProjectAttributes(
  ctx: PlaneContext,
  req: ProjectAttributesUpdateRequest,
): ProjectAttributesUpdateResponse {
  if (!req.attributes) throw missing('attributes')
  const s = {project: req.attributes.project, domain: '', workflow: ''}
  requireProjectForUpdate(ctx, s.project)
  const attrs = req.attributes.matchingAttributes
  upsert(ctx, s, attrs!, resourceOf(attrs, s.project))
  return create(ProjectAttributesUpdateResponseSchema)
}

export function getProjectAttributes(
  ctx: PlaneContext,
  req: ProjectAttributesGetRequest,
): ProjectAttributesGetResponse {
  const s = {project: req.project, domain: '', workflow: ''}
  requireProjectExists(ctx, s.project)
  let matchingAttributes: MatchingAttributes
  try {
    matchingAttributes = fetch(ctx, s, req.resourceType, true).attrs
  } catch (err) {
    // FlyteAdmin answers an unset workflow execution config with its (here empty) platform defaults.
    if (req.resourceType !== MatchableResource.WORKFLOW_EXECUTION_CONFIG) throw err
    matchingAttributes = create(MatchingAttributesSchema, {target: {case: 'workflowExecutionConfig', value: {}}})
  }
  return create(ProjectAttributesGetResponseSchema, {
    attributes: create(ProjectAttributesSchema, {project: req.project, matchingAttributes}),
  })
}

export function deleteProjectAttributes(
  ctx: PlaneContext,
  req: ProjectAttributesDeleteRequest,
): ProjectAttributesDeleteResponse {
  const s = {project: req.project, domain: '', workflow: ''}
  requireProjectForUpdate(ctx, s.project)
  remove(ctx, s, req.resourceType)
  return create(ProjectAttributesDeleteResponseSchema)
}

// project-domain

export function updateProjectDomainAttributes(
  ctx: PlaneContext,
  req: ProjectDomainAttributesUpdateRequest,
): ProjectDomainAttributesUpdateResponse {
  if (!req.attributes) throw missing('attributes')
  const s = {project: req.attributes.project, domain: req.attributes.domain, workflow: ''}
  validateScope(ctx, s, 'domain')
  const attrs = req.attributes.matchingAttributes
  upsert(ctx, s, attrs!, resourceOf(attrs, `${s.project}-${s.domain}`))
  return create(ProjectDomainAttributesUpdateResponseSchema)
}

export function getProjectDomainAttributes(
  ctx: PlaneContext,
  req: ProjectDomainAttributesGetRequest,
): ProjectDomainAttributesGetResponse {
  const s = {project: req.project, domain: req.domain, workflow: ''}
  validateScope(ctx, s, 'domain')
  const found = fetch(ctx, s, req.resourceType)
  return create(ProjectDomainAttributesGetResponseSchema, {
    attributes: create(ProjectDomainAttributesSchema, {
      project: found.scope.project,
      domain: found.scope.domain,
      matchingAttributes: found.attrs,
    }),
  })
}

export function deleteProjectDomainAttributes(
  ctx: PlaneContext,
  req: ProjectDomainAttributesDeleteRequest,
): ProjectDomainAttributesDeleteResponse {
  const s = {project: req.project, domain: req.domain, workflow: ''}
  validateScope(ctx, s, 'domain')
  remove(ctx, s, req.resourceType)
  return create(ProjectDomainAttributesDeleteResponseSchema)
}

// workflow

export function updateWorkflowAttributes(
  ctx: PlaneContext,
  req: WorkflowAttributesUpdateRequest,
): WorkflowAttributesUpdateResponse {
  if (!req.attributes) throw missing('attributes')
  const s = {project: req.attributes.project, domain: req.attributes.domain, workflow: req.attributes.workflow}
  validateScope(ctx, s, 'workflow')
  const attrs = req.attributes.matchingAttributes
  upsert(ctx, s, attrs!, resourceOf(attrs, `${s.project}-${s.domain}-${s.workflow}`))
  return create(WorkflowAttributesUpdateResponseSchema)
}

export function getWorkflowAttributes(
  ctx: PlaneContext,
  req: WorkflowAttributesGetRequest,
): WorkflowAttributesGetResponse {
  const s = {project: req.project, domain: req.domain, workflow: req.workflow}
  validateScope(ctx, s, 'workflow')
  const found = fetch(ctx, s, req.resourceType)
  return create(WorkflowAttributesGetResponseSchema, {
    attributes: create(WorkflowAttributesSchema, {...found.scope, matchingAttributes: found.attrs}),
  })
}

export function deleteWorkflowAttributes(
  ctx: PlaneContext,
  req: WorkflowAttributesDeleteRequest,
): WorkflowAttributesDeleteResponse {
  const s = {project: req.project, domain: req.domain, workflow: req.workflow}
  validateScope(ctx, s, 'workflow')
  remove(ctx, s, req.resourceType)
  return create(WorkflowAttributesDeleteResponseSchema)
}

export function listMatchableAttributes(
  ctx: PlaneContext,
  req: ListMatchableAttributesRequest,
): ListMatchableAttributesResponse {
  const rows = ctx.db.all<{project: string; domain: string; workflow: string; launch_plan: string; data: Uint8Array}>(
    'SELECT project, domain, workflow, launch_plan, data FROM matchable_attributes WHERE resource_type = ? ORDER BY project, domain, workflow',
    req.resourceType,
  )
  return create(ListMatchableAttributesResponseSchema, {
    configurations: rows.map((r) =>
      create(MatchableAttributesConfigurationSchema, {
        attributes: fromBinary(MatchingAttributesSchema, r.data),
        project: r.project,
        domain: r.domain,
        workflow: r.workflow,
        launchPlan: r.launch_plan,
      }),
    ),
  })
}
