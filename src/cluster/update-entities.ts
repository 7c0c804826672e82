/** `update project|launchplan|*-meta|execution`: read the current state, plan the change, run the shared update flow. */
import type {AdminClient} from '../admin/client.js'
import {CliError} from '../cli/errors.js'
import {create} from '@bufbuild/protobuf'
import {LabelsSchema, NamedEntityState} from '../gen/flyteidl/admin/common_pb.js'
import {ExecutionState} from '../gen/flyteidl/admin/execution_pb.js'
import {LaunchPlanState} from '../gen/flyteidl/admin/launch_plan_pb.js'
import {Project_ProjectState} from '../gen/flyteidl/admin/project_pb.js'
import {ResourceType} from '../gen/flyteidl/core/identifier_pb.js'
import {getProject, type Scope} from './get.js'
import {runUpdate, type UpdateIo, type UpdateResult} from './update.js'

export type StateFlag = 'activate' | 'archive' | undefined

export function stateFlag(activate: boolean | undefined, archive: boolean | undefined): StateFlag {
  if (activate && archive)
    throw new CliError('usage', 'invalid state passed. Specify either activate or archive', {
      hint: 'Pass only one of --activate and --archive.',
    })
  return activate ? 'activate' : archive ? 'archive' : undefined
}

export interface ProjectChange {
  id: string
  name?: string | undefined
  description?: string | undefined
  labels?: Record<string, string> | undefined
  state?: StateFlag
}

/** `--file` for project create/update: `{id, name, description, labels: {values: {}}}`, unknown keys rejected. */
export async function readProjectFile(path: string): Promise<Omit<ProjectChange, 'state'>> {
  const [{readFile}, {parseYamlChecked}] = await Promise.all([
    import('node:fs/promises'),
    import('../cli/validate-yaml.js'),
  ])
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new CliError('invalid-input', `cannot read project file ${path}: ${code ?? (err as Error).message}`)
  }
  const checked = parseYamlChecked(text)
  if (!checked.doc) throw new CliError('invalid-input', `project file ${path} ${checked.problem}`)
  const raw: unknown = checked.doc.toJS({maxAliasCount: 100})
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError('invalid-input', `project file ${path} must be a YAML mapping (id:, name:, …)`)
  const known = new Set(['id', 'name', 'description', 'labels'])
  const unknown = Object.keys(raw).find((k) => !known.has(k))
  if (unknown)
    throw new CliError('invalid-input', `project file ${path}: unknown key "${unknown}"`, {
      hint: 'Allowed keys: id, name, description, labels.values.',
    })
  const r = raw as {id?: unknown; name?: unknown; description?: unknown; labels?: {values?: Record<string, string>}}
  return {
    id: String(r.id ?? ''),
    ...(r.name !== undefined ? {name: String(r.name)} : {}),
    ...(r.description !== undefined ? {description: String(r.description)} : {}),
    ...(r.labels?.values ? {labels: r.labels.values} : {}),
  }
}

export async function updateProject(admin: AdminClient, change: ProjectChange, io: UpdateIo): Promise<UpdateResult> {
  if (!change.id)
    throw new CliError('usage', "project id wasn't passed", {hint: 'Pass --id <project>, -p <project> or --file.'})
  const current = await getProject(admin, change.id)
  const view = (p: {
    name: string
    description: string
    labels?: {values: Record<string, string>} | undefined
    state: Project_ProjectState
  }) => ({
    name: p.name,
    description: p.description,
    labels: {...(p.labels?.values ?? {})},
    state: Project_ProjectState[p.state],
  })
  const next = {
    ...current,
    // Domains are system-wide; FlyteAdmin rejects requests carrying them.
    domains: [],
    name: change.name ?? current.name,
    description: change.description ?? current.description,
    labels: create(LabelsSchema, {values: change.labels ?? current.labels?.values ?? {}}),
    state:
      change.state === 'archive'
        ? Project_ProjectState.ARCHIVED
        : change.state === 'activate'
          ? Project_ProjectState.ACTIVE
          : current.state,
  }
  return runUpdate(
    {
      before: view(current),
      after: view(next as typeof current),
      apply: async () => {
        await admin.updateProject(next)
      },
      done: `project ${change.id} updated`,
    },
    io,
  )
}

export async function updateLaunchPlanState(
  admin: AdminClient,
  scope: Scope,
  name: string,
  version: string | undefined,
  target: 'activate' | 'deactivate' | undefined,
  io: UpdateIo,
): Promise<UpdateResult> {
  if (!version) throw new CliError('usage', "launch plan version wasn't passed", {hint: 'Pass --version <version>.'})
  if (!target)
    throw new CliError('usage', 'pass --activate or --deactivate', {
      hint: 'update launchplan changes the active version; say which state you want.',
    })
  const id = {resourceType: ResourceType.LAUNCH_PLAN, ...scope, name, version}
  const lp = await admin.getLaunchPlan({id})
  const state = target === 'activate' ? LaunchPlanState.ACTIVE : LaunchPlanState.INACTIVE
  return runUpdate(
    {
      before: {state: LaunchPlanState[lp.closure?.state ?? LaunchPlanState.INACTIVE]},
      after: {state: LaunchPlanState[state]},
      apply: async () => {
        await admin.updateLaunchPlan({id, state})
      },
      done: `updated launch plan ${name} version ${version} to ${LaunchPlanState[state]}`,
    },
    io,
  )
}

export const META_RESOURCES = {
  'task-meta': ResourceType.TASK,
  'workflow-meta': ResourceType.WORKFLOW,
  'launchplan-meta': ResourceType.LAUNCH_PLAN,
} as const

export async function updateNamedEntityMeta(
  admin: AdminClient,
  noun: keyof typeof META_RESOURCES,
  scope: Scope,
  name: string,
  change: {state?: StateFlag; description?: string | undefined},
  io: UpdateIo,
): Promise<UpdateResult> {
  const resourceType = META_RESOURCES[noun]
  const id = {...scope, name}
  const entity = await admin.getNamedEntity({resourceType, id})
  const before = {
    description: entity.metadata?.description ?? '',
    state: NamedEntityState[entity.metadata?.state ?? NamedEntityState.NAMED_ENTITY_ACTIVE],
  }
  const state =
    change.state === 'archive'
      ? NamedEntityState.NAMED_ENTITY_ARCHIVED
      : change.state === 'activate'
        ? NamedEntityState.NAMED_ENTITY_ACTIVE
        : (entity.metadata?.state ?? NamedEntityState.NAMED_ENTITY_ACTIVE)
  const description = change.description ?? before.description
  return runUpdate(
    {
      before,
      after: {description, state: NamedEntityState[state]},
      apply: async () => {
        await admin.updateNamedEntity({resourceType, id, metadata: {description, state}})
      },
      done: `updated metadata successfully on ${name}`,
    },
    io,
  )
}

export async function updateExecutionState(
  admin: AdminClient,
  scope: Scope,
  name: string,
  target: StateFlag,
  io: UpdateIo,
): Promise<UpdateResult> {
  if (!target)
    throw new CliError('usage', 'pass --activate or --archive', {hint: 'update execution changes its state.'})
  const id = {...scope, name}
  const exec = await admin.getExecution({id})
  const current = exec.closure?.stateChangeDetails?.state ?? ExecutionState.EXECUTION_ACTIVE
  const state = target === 'archive' ? ExecutionState.EXECUTION_ARCHIVED : ExecutionState.EXECUTION_ACTIVE
  return runUpdate(
    {
      before: {state: ExecutionState[current]},
      after: {state: ExecutionState[state]},
      apply: async () => {
        await admin.updateExecution({id, state})
      },
      done: `updated execution ${name} to ${ExecutionState[state]}`,
    },
    io,
  )
}
