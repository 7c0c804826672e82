/**
 * Matchable attributes (six nouns) at project, project-domain or workflow scope: get, update
 * (full overwrite of that resource type at that scope) and delete, plus the attrFile format:
 * `{project, domain, workflow?}` + the admin message inlined with snake_case names, read strictly
 * (an unknown key is an error naming it).
 */
import {fromJson, toBinary, toJson, type DescMessage, type JsonObject, type Message} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import type {AdminClient} from '../admin/client.js'
import {CliError} from '../cli/errors.js'
import {
  ClusterResourceAttributesSchema,
  ExecutionClusterLabelSchema,
  ExecutionQueueAttributesSchema,
  MatchableResource,
  PluginOverridesSchema,
  TaskResourceAttributesSchema,
  WorkflowExecutionConfigSchema,
  type MatchingAttributes,
} from '../gen/flyteidl/admin/matchable_resource_pb.js'

export interface AttributeKind {
  noun: string
  resource: MatchableResource
  target: Exclude<MatchingAttributes['target']['case'], undefined>
  schema: DescMessage
}

export const ATTRIBUTE_KINDS = {
  'task-resource-attribute': {
    noun: 'task-resource-attribute',
    resource: MatchableResource.TASK_RESOURCE,
    target: 'taskResourceAttributes',
    schema: TaskResourceAttributesSchema,
  },
  'cluster-resource-attribute': {
    noun: 'cluster-resource-attribute',
    resource: MatchableResource.CLUSTER_RESOURCE,
    target: 'clusterResourceAttributes',
    schema: ClusterResourceAttributesSchema,
  },
  'execution-queue-attribute': {
    noun: 'execution-queue-attribute',
    resource: MatchableResource.EXECUTION_QUEUE,
    target: 'executionQueueAttributes',
    schema: ExecutionQueueAttributesSchema,
  },
  'execution-cluster-label': {
    noun: 'execution-cluster-label',
    resource: MatchableResource.EXECUTION_CLUSTER_LABEL,
    target: 'executionClusterLabel',
    schema: ExecutionClusterLabelSchema,
  },
  'plugin-override': {
    noun: 'plugin-override',
    resource: MatchableResource.PLUGIN_OVERRIDE,
    target: 'pluginOverrides',
    schema: PluginOverridesSchema,
  },
  'workflow-execution-config': {
    noun: 'workflow-execution-config',
    resource: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
    target: 'workflowExecutionConfig',
    schema: WorkflowExecutionConfigSchema,
  },
} as const satisfies Record<string, AttributeKind>

export type AttributeNoun = keyof typeof ATTRIBUTE_KINDS

export interface AttributeScope {
  project: string
  domain?: string | undefined
  workflow?: string | undefined
}

export function scopeText(s: AttributeScope): string {
  return `${s.project} project${s.domain ? ` and domain ${s.domain}` : ''}${s.workflow ? ` and workflow ${s.workflow}` : ''}`
}

export function checkScope(s: AttributeScope): void {
  if (!s.project)
    throw new CliError('usage', 'project is required', {
      hint: 'Pass -p <project> (and -d <domain>), or set them in the attrFile.',
    })
  if (s.workflow && !s.domain)
    throw new CliError('usage', 'domain is required', {
      hint: 'A workflow-level attribute needs -d <domain> (or domain: in the attrFile).',
    })
}

/**
 * The attribute message set at exactly this scope, or undefined when none is set there. FlyteAdmin
 * answers a project-domain or workflow lookup with the nearest broader scope that has one; an
 * answer for another scope is inherited, not set here, so it does not count (Go flytectl prints it).
 */
export async function fetchAttributes(
  admin: AdminClient,
  kind: AttributeKind,
  s: AttributeScope,
): Promise<Message | undefined> {
  checkScope(s)
  let matching: MatchingAttributes | undefined
  try {
    if (s.workflow) {
      const a = (
        await admin.getWorkflowAttributes({
          project: s.project,
          domain: s.domain!,
          workflow: s.workflow,
          resourceType: kind.resource,
        })
      ).attributes
      if (a && a.domain === s.domain && a.workflow === s.workflow) matching = a.matchingAttributes
    } else if (s.domain) {
      const a = (
        await admin.getProjectDomainAttributes({project: s.project, domain: s.domain, resourceType: kind.resource})
      ).attributes
      if (a && a.domain === s.domain) matching = a.matchingAttributes
    } else
      matching = (await admin.getProjectAttributes({project: s.project, resourceType: kind.resource})).attributes
        ?.matchingAttributes
  } catch (err) {
    if (err instanceof ConnectError && err.code === Code.NotFound) return undefined
    throw err
  }
  const t = matching?.target
  if (!t || t.case !== kind.target) return undefined
  // An unset project-level workflow execution config comes back as the platform defaults; an empty
  // one (the embedded plane's defaults) is "not set".
  if (
    !s.domain &&
    kind.resource === MatchableResource.WORKFLOW_EXECUTION_CONFIG &&
    toBinary(kind.schema, t.value as Message).length === 0
  )
    return undefined
  return t.value as Message
}

export async function updateAttributes(
  admin: AdminClient,
  kind: AttributeKind,
  s: AttributeScope,
  value: Message,
): Promise<void> {
  checkScope(s)
  const matchingAttributes = {target: {case: kind.target, value}} as unknown as MatchingAttributes
  if (s.workflow)
    await admin.updateWorkflowAttributes({
      attributes: {project: s.project, domain: s.domain!, workflow: s.workflow, matchingAttributes},
    })
  else if (s.domain)
    await admin.updateProjectDomainAttributes({attributes: {project: s.project, domain: s.domain, matchingAttributes}})
  else await admin.updateProjectAttributes({attributes: {project: s.project, matchingAttributes}})
}

export async function deleteAttributes(admin: AdminClient, kind: AttributeKind, s: AttributeScope): Promise<void> {
  checkScope(s)
  if (s.workflow)
    await admin.deleteWorkflowAttributes({
      project: s.project,
      domain: s.domain!,
      workflow: s.workflow,
      resourceType: kind.resource,
    })
  else if (s.domain)
    await admin.deleteProjectDomainAttributes({project: s.project, domain: s.domain, resourceType: kind.resource})
  else await admin.deleteProjectAttributes({project: s.project, resourceType: kind.resource})
}

/** The attrFile object: scope first, then the message with snake_case names (enums as numbers, as Go writes them). */
export function toAttrFile(
  kind: AttributeKind,
  s: AttributeScope,
  value: Message | undefined,
): Record<string, unknown> {
  const body = value
    ? (toJson(kind.schema, value as never, {useProtoFieldName: true, enumAsInteger: true}) as Record<string, unknown>)
    : {}
  // Go's struct has BoolValue wrappers as {value: x}.
  if (typeof body.interruptible === 'boolean') body.interruptible = {value: body.interruptible}
  return {
    project: s.project,
    ...(s.domain ? {domain: s.domain} : {}),
    ...(s.workflow ? {workflow: s.workflow} : {}),
    ...body,
  }
}

/** Parses an attrFile strictly: unknown keys, wrong types and bad YAML are one-line errors naming the problem. */
export async function parseAttrFile(
  kind: AttributeKind,
  text: string,
  where: string,
): Promise<{scope: AttributeScope; value: Message}> {
  const checked = (await import('../cli/validate-yaml.js')).parseYamlChecked(text)
  if (!checked.doc) throw new CliError('invalid-input', `attrFile ${where} ${checked.problem}`)
  const raw: unknown = checked.doc.toJS({maxAliasCount: 100})
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError('invalid-input', `attrFile ${where} must be a YAML mapping (project:, domain:, …)`)
  const {project, domain, workflow, ...rest} = raw as Record<string, unknown>
  for (const [k, v] of Object.entries({project, domain, workflow}))
    if (v !== undefined && typeof v !== 'string')
      throw new CliError('invalid-input', `attrFile ${where}: ${k} must be a string`)
  const interruptible = rest.interruptible as unknown
  if (interruptible && typeof interruptible === 'object' && !Array.isArray(interruptible)) {
    const {value, ...others} = interruptible as Record<string, unknown>
    const extra = Object.keys(others)[0]
    if (extra) throw new CliError('invalid-input', `attrFile ${where}: unknown key interruptible.${extra}`)
    rest.interruptible = value
  }
  const {attributeProblem, decodeProblem, quantitiesAsText} = await import('./validation/attributes.js')
  quantitiesAsText(kind.target, rest)
  let value: Message
  try {
    value = fromJson(kind.schema, rest as JsonObject) as Message
  } catch (err) {
    const msg = (err as Error).message
    const unknown = /key "([^"]+)" is unknown/.exec(msg)
    if (unknown)
      throw new CliError('invalid-input', `attrFile ${where}: unknown key "${unknown[1]}" for ${kind.noun}`, {
        hint: `See \`flytectl update ${kind.noun} --help\` for the file format.`,
      })
    throw new CliError('invalid-input', `attrFile ${where}: ${decodeProblem(msg)}`)
  }
  const problem = attributeProblem(kind.target, kind.schema, value)
  if (problem)
    throw new CliError('invalid-input', `attrFile ${where}: ${problem}`, {
      hint: `Fix the value; \`flytectl update ${kind.noun} --help\` shows the file format.`,
    })
  const scope: AttributeScope = {
    project: (project as string | undefined) ?? '',
    domain: domain as string | undefined,
    workflow: workflow as string | undefined,
  }
  return {scope, value}
}

/** The sample `workflow-execution-config --gen` writes (flytectl's values). */
export function sampleWorkflowExecutionConfig(s: AttributeScope): Record<string, unknown> {
  return {
    project: s.project,
    ...(s.domain ? {domain: s.domain} : {}),
    ...(s.workflow ? {workflow: s.workflow} : {}),
    max_parallelism: 10,
    security_context: {run_as: {k8s_service_account: 'default'}},
    raw_output_data_config: {output_location_prefix: 'cliOutputLocationPrefix'},
    labels: {values: {cliLabelKey: 'cliLabelValue'}},
    annotations: {values: {cliAnnotationKey: 'cliAnnotationValue'}},
  }
}
