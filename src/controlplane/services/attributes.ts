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

const TARGET_TO_RESOURCE: Record<string, MatchableResource> = {
  taskResourceAttributes: MatchableResource.TASK_RESOURCE,
  clusterResourceAttributes: MatchableResource.CLUSTER_RESOURCE,
  executionQueueAttributes: MatchableResource.EXECUTION_QUEUE,
  executionClusterLabel: MatchableResource.EXECUTION_CLUSTER_LABEL,
  qualityOfService: MatchableResource.QUALITY_OF_SERVICE_SPECIFICATION,
  pluginOverrides: MatchableResource.PLUGIN_OVERRIDE,
  workflowExecutionConfig: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
  clusterAssignment: MatchableResource.CLUSTER_ASSIGNMENT,
}

function scopeText(s: Scope, rt: MatchableResource): string {
  return `{Project:${s.project} Domain:${s.domain} Workflow:${s.workflow} LaunchPlan: ResourceType:${MatchableResource[rt]} Org:}`
}

function requireProject(ctx: PlaneContext, project: string): void {
  requireString(project, 'project')
  if (!ctx.db.get('SELECT 1 FROM projects WHERE identifier = ?', project)) {
    throw invalidArgument(
      `failed to validate that project [${project}] is registered, err: [project [${project}] not found]`,
    )
  }
}

function validateScope(ctx: PlaneContext, s: Scope, level: 'project' | 'domain' | 'workflow'): void {
  if (level === 'project') requireProject(ctx, s.project)
  else {
    requireString(s.project, 'project')
    requireString(s.domain, 'domain')
    requireActiveProjectAndDomain(ctx, s.project, s.domain)
  }
  if (level === 'workflow') requireString(s.workflow, 'workflow')
}

function upsert(ctx: PlaneContext, s: Scope, attrs: MatchingAttributes | undefined): void {
  if (!attrs || attrs.target.case === undefined) throw missing('matching_attributes')
  const rt = TARGET_TO_RESOURCE[attrs.target.case]!
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

function fetch(ctx: PlaneContext, s: Scope, rt: MatchableResource): MatchingAttributes {
  const row = ctx.db.get<{data: Uint8Array}>(
    `SELECT data FROM matchable_attributes WHERE project = ? AND domain = ? AND workflow = ? AND launch_plan = '' AND resource_type = ?`,
    s.project,
    s.domain,
    s.workflow,
    rt,
  )
  if (!row) throw notFound(`Resource [${scopeText(s, rt)}] not found`)
  return fromBinary(MatchingAttributesSchema, row.data)
}

function remove(ctx: PlaneContext, s: Scope, rt: MatchableResource): void {
  const r = ctx.db.run(
    `DELETE FROM matchable_attributes WHERE project = ? AND domain = ? AND workflow = ? AND launch_plan = '' AND resource_type = ?`,
    s.project,
    s.domain,
    s.workflow,
    rt,
  )
  if (r.changes === 0) throw notFound(`Resource [${scopeText(s, rt)}] not found`)
}

// project

export function updateProjectAttributes(
  ctx: PlaneContext,
  req: ProjectAttributesUpdateRequest,
): ProjectAttributesUpdateResponse {
  if (!req.attributes) throw missing('attributes')
  const s = {project: req.attributes.project, domain: '', workflow: ''}
  validateScope(ctx, s, 'project')
  upsert(ctx, s, req.attributes.matchingAttributes)
  return create(ProjectAttributesUpdateResponseSchema)
}

export function getProjectAttributes(
  ctx: PlaneContext,
  req: ProjectAttributesGetRequest,
): ProjectAttributesGetResponse {
  const s = {project: req.project, domain: '', workflow: ''}
  validateScope(ctx, s, 'project')
  const matchingAttributes = fetch(ctx, s, req.resourceType)
  return create(ProjectAttributesGetResponseSchema, {
    attributes: create(ProjectAttributesSchema, {project: req.project, matchingAttributes}),
  })
}

export function deleteProjectAttributes(
  ctx: PlaneContext,
  req: ProjectAttributesDeleteRequest,
): ProjectAttributesDeleteResponse {
  const s = {project: req.project, domain: '', workflow: ''}
  validateScope(ctx, s, 'project')
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
  upsert(ctx, s, req.attributes.matchingAttributes)
  return create(ProjectDomainAttributesUpdateResponseSchema)
}

export function getProjectDomainAttributes(
  ctx: PlaneContext,
  req: ProjectDomainAttributesGetRequest,
): ProjectDomainAttributesGetResponse {
  const s = {project: req.project, domain: req.domain, workflow: ''}
  validateScope(ctx, s, 'domain')
  const matchingAttributes = fetch(ctx, s, req.resourceType)
  return create(ProjectDomainAttributesGetResponseSchema, {
    attributes: create(ProjectDomainAttributesSchema, {project: req.project, domain: req.domain, matchingAttributes}),
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
  upsert(ctx, s, req.attributes.matchingAttributes)
  return create(WorkflowAttributesUpdateResponseSchema)
}

export function getWorkflowAttributes(
  ctx: PlaneContext,
  req: WorkflowAttributesGetRequest,
): WorkflowAttributesGetResponse {
  const s = {project: req.project, domain: req.domain, workflow: req.workflow}
  validateScope(ctx, s, 'workflow')
  const matchingAttributes = fetch(ctx, s, req.resourceType)
  return create(WorkflowAttributesGetResponseSchema, {
    attributes: create(WorkflowAttributesSchema, {...s, matchingAttributes}),
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
