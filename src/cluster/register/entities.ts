/**
 * Entity files as pyflyte writes them (`NNN_<name>_<k>.pb`: k=1 TaskSpec, 2 WorkflowSpec, 3 LaunchPlan):
 * decoding, and hydration of the registration placeholders (project, domain, version, fast-register
 * paths, launch-plan auth and output settings). Pure: no I/O.
 */
import {create, fromBinary, type JsonObject, type JsonValue} from '@bufbuild/protobuf'
import {TaskSpecSchema, type TaskSpec} from '../../gen/flyteidl/admin/task_pb.js'
import {WorkflowSpecSchema, type WorkflowSpec} from '../../gen/flyteidl/admin/workflow_pb.js'
import {LaunchPlanSchema, type LaunchPlan} from '../../gen/flyteidl/admin/launch_plan_pb.js'
import type {Identifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {AuthRoleSchema, RawOutputDataConfigSchema} from '../../gen/flyteidl/admin/common_pb.js'
import {IdentitySchema, SecurityContextSchema} from '../../gen/flyteidl/core/security_pb.js'
import type {Node, WorkflowTemplate} from '../../gen/flyteidl/core/workflow_pb.js'
import type {TaskTemplate} from '../../gen/flyteidl/core/tasks_pb.js'

export type EntityKind = 'task' | 'workflow' | 'launchplan'

export type Entity =
  {kind: 'task'; spec: TaskSpec} | {kind: 'workflow'; spec: WorkflowSpec} | {kind: 'launchplan'; spec: LaunchPlan}

export const PROJECT_PLACEHOLDER = '{{ registration.project }}'
export const DOMAIN_PLACEHOLDER = '{{ registration.domain }}'
export const VERSION_PLACEHOLDER = '{{ registration.version }}'
export const REMOTE_PACKAGE_PLACEHOLDER = '{{ .remote_package_path }}'
export const DEST_DIR_PLACEHOLDER = '{{ .dest_dir }}'

const KIND_BY_SUFFIX: Record<string, EntityKind> = {'1': 'task', '2': 'workflow', '3': 'launchplan'}
const KIND_ORDER: EntityKind[] = ['task', 'workflow', 'launchplan']

/** The kind pyflyte's file name announces (`..._1.pb` → task), if any. */
export function kindFromFileName(name: string): EntityKind | undefined {
  const m = /_(\d+)\.pb$/.exec(name)
  return m ? KIND_BY_SUFFIX[m[1]!] : undefined
}

function tryDecode(kind: EntityKind, bytes: Uint8Array): Entity | undefined {
  try {
    switch (kind) {
      case 'task': {
        const spec = fromBinary(TaskSpecSchema, bytes)
        return spec.template?.id && !spec.$unknown?.length && !spec.template.$unknown?.length ? {kind, spec} : undefined
      }
      case 'workflow': {
        const spec = fromBinary(WorkflowSpecSchema, bytes)
        return spec.template?.id && !spec.$unknown?.length && !spec.template.$unknown?.length ? {kind, spec} : undefined
      }
      case 'launchplan': {
        const spec = fromBinary(LaunchPlanSchema, bytes)
        return spec.id && spec.spec && !spec.$unknown?.length && !spec.spec.$unknown?.length ? {kind, spec} : undefined
      }
    }
  } catch {
    return undefined
  }
}

/**
 * Decode one file: the kind its name announces first, then task → workflow → launch plan, as flytectl
 * does. A decoding counts only if it has the entity's identifier and no unknown fields.
 */
export function decodeEntity(name: string, bytes: Uint8Array): Entity {
  const first = kindFromFileName(name)
  const order = first ? [first, ...KIND_ORDER.filter((k) => k !== first)] : KIND_ORDER
  for (const kind of order) {
    const entity = tryDecode(kind, bytes)
    if (entity) return entity
  }
  throw new Error('not a TaskSpec, WorkflowSpec or LaunchPlan protobuf')
}

export function entityId(entity: Entity): Identifier | undefined {
  switch (entity.kind) {
    case 'task':
      return entity.spec.template?.id
    case 'workflow':
      return entity.spec.template?.id
    case 'launchplan':
      return entity.spec.id
  }
}

export interface HydrateOptions {
  project: string
  domain: string
  /** --version; empty when not given. */
  version: string
  /** --force: the version replaces explicit versions too. */
  force?: boolean
  /** The uploaded fast-register archive URI, for `{{ .remote_package_path }}`. */
  remotePackagePath?: string
  /** --destinationDirectory, for `{{ .dest_dir }}` (default `.`). */
  destinationDirectory?: string
  assumableIamRole?: string
  k8sServiceAccount?: string
  outputLocationPrefix?: string
}

/** Fill project/domain when empty or a placeholder; version when empty, a placeholder, or under --force. */
export function hydrateIdentifier(id: Identifier | undefined, opts: HydrateOptions): void {
  if (!id) return
  if (id.project === '' || id.project === PROJECT_PLACEHOLDER) id.project = opts.project
  if (id.domain === '' || id.domain === DOMAIN_PLACEHOLDER) id.domain = opts.domain
  if (id.version === '' || id.version === VERSION_PLACEHOLDER || (opts.force && opts.version)) id.version = opts.version
}

function hydrateNode(node: Node | undefined, opts: HydrateOptions): void {
  if (!node) return
  const t = node.target
  switch (t.case) {
    case 'taskNode':
      if (t.value.reference.case === 'referenceId') hydrateIdentifier(t.value.reference.value, opts)
      if (t.value.overrides?.podTemplate?.podSpec) {
        t.value.overrides.podTemplate.podSpec = substituteInPodSpec(t.value.overrides.podTemplate.podSpec, opts)
      }
      break
    case 'workflowNode':
      if (t.value.reference.value) hydrateIdentifier(t.value.reference.value, opts)
      break
    case 'branchNode': {
      const ifElse = t.value.ifElse
      hydrateNode(ifElse?.case?.thenNode, opts)
      for (const block of ifElse?.other ?? []) hydrateNode(block.thenNode, opts)
      if (ifElse?.default.case === 'elseNode') hydrateNode(ifElse.default.value, opts)
      break
    }
    case 'arrayNode':
      hydrateNode(t.value.node, opts)
      break
    default:
      break
  }
}

function hydrateWorkflowTemplate(template: WorkflowTemplate | undefined, opts: HydrateOptions): void {
  if (!template) return
  hydrateIdentifier(template.id, opts)
  for (const node of template.nodes) hydrateNode(node, opts)
  hydrateNode(template.failureNode, opts)
}

function substituteArg(arg: string, opts: HydrateOptions): string {
  let out = arg
  if (opts.remotePackagePath !== undefined) out = out.split(REMOTE_PACKAGE_PLACEHOLDER).join(opts.remotePackagePath)
  return out.split(DEST_DIR_PLACEHOLDER).join(opts.destinationDirectory || '.')
}

function substituteInPodSpec(podSpec: JsonObject, opts: HydrateOptions): JsonObject {
  const containers = podSpec.containers
  if (!Array.isArray(containers)) return podSpec
  return {
    ...podSpec,
    containers: containers.map((c): JsonValue => {
      if (!c || typeof c !== 'object' || Array.isArray(c) || !Array.isArray(c.args)) return c
      return {...c, args: c.args.map((a) => (typeof a === 'string' ? substituteArg(a, opts) : a))}
    }),
  }
}

function hydrateTaskTemplate(template: TaskTemplate | undefined, opts: HydrateOptions): void {
  if (!template) return
  hydrateIdentifier(template.id, opts)
  if (template.target.case === 'container') {
    template.target.value.args = template.target.value.args.map((a) => substituteArg(a, opts))
  } else if (template.target.case === 'k8sPod' && template.target.value.podSpec) {
    template.target.value.podSpec = substituteInPodSpec(template.target.value.podSpec, opts)
  }
}

/** Hydrate an entity in place: identifiers everywhere they occur, fast-register args, LP settings. */
export function hydrateEntity(entity: Entity, opts: HydrateOptions): void {
  switch (entity.kind) {
    case 'task':
      hydrateTaskTemplate(entity.spec.template, opts)
      break
    case 'workflow':
      hydrateWorkflowTemplate(entity.spec.template, opts)
      for (const sub of entity.spec.subWorkflows) hydrateWorkflowTemplate(sub, opts)
      break
    case 'launchplan': {
      const lp = entity.spec
      hydrateIdentifier(lp.id, opts)
      const spec = lp.spec
      if (!spec) break
      hydrateIdentifier(spec.workflowId, opts)
      const role = opts.assumableIamRole ?? ''
      const account = opts.k8sServiceAccount ?? ''
      if (role || account) {
        spec.authRole = create(AuthRoleSchema, {assumableIamRole: role, kubernetesServiceAccount: account})
        spec.securityContext ??= create(SecurityContextSchema)
        spec.securityContext.runAs = create(IdentitySchema, {iamRole: role, k8sServiceAccount: account})
      }
      if (opts.outputLocationPrefix) {
        spec.rawOutputDataConfig = create(RawOutputDataConfigSchema, {outputLocationPrefix: opts.outputLocationPrefix})
      }
      break
    }
  }
}

/**
 * A scheduled launch plan must leave no workflow input without a value (other than the schedule's
 * kickoff-time argument). Returns the names of the inputs that have none.
 */
export function scheduledInputsMissing(lp: LaunchPlan): string[] {
  const schedule = lp.spec?.entityMetadata?.schedule
  if (!schedule) return []
  const fixed = lp.spec?.fixedInputs?.literals ?? {}
  const missing: string[] = []
  for (const [name, param] of Object.entries(lp.spec?.defaultInputs?.parameters ?? {})) {
    if (name === schedule.kickoffTimeInputArg || name in fixed) continue
    if (param.behavior.case !== 'default') missing.push(name)
  }
  return missing.sort()
}

/** Launch plans a workflow's nodes call (anywhere in its template and sub-workflows), as `name@version`. */
export function launchPlanRefs(spec: WorkflowSpec): string[] {
  const refs: string[] = []
  const visit = (node: Node | undefined): void => {
    if (!node) return
    const t = node.target
    if (t.case === 'workflowNode' && t.value.reference.case === 'launchplanRef') {
      const id = t.value.reference.value
      refs.push(`${id.project}/${id.domain}/${id.name}@${id.version}`)
    } else if (t.case === 'branchNode') {
      visit(t.value.ifElse?.case?.thenNode)
      for (const b of t.value.ifElse?.other ?? []) visit(b.thenNode)
      if (t.value.ifElse?.default.case === 'elseNode') visit(t.value.ifElse.default.value)
    } else if (t.case === 'arrayNode') visit(t.value.node)
  }
  for (const template of [spec.template, ...spec.subWorkflows]) {
    for (const node of template?.nodes ?? []) visit(node)
    visit(template?.failureNode)
  }
  return refs
}

export function idKey(id: Identifier | undefined): string {
  return id ? `${id.project}/${id.domain}/${id.name}@${id.version}` : ''
}
