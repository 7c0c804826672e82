/**
 * What a call does, for the policy: each RPC maps to an action (`read`, `projects:create`,
 * `executions:create`, `executions:terminate`, `launchplans:update`, `attributes:update`, …) and the
 * project, domain and resource name it touches, read from the request message.
 */
import type {DescMethod} from '@bufbuild/protobuf'

export interface CallTarget {
  action: string
  /** '' when the call names no project (ListProjects, GetVersion, …). */
  project: string
  domain: string
  /** The entity's name when the call names one (task, workflow, launch plan, execution). */
  resource: string
}

const ACTIONS: Record<string, string> = {
  RegisterProject: 'projects:create',
  UpdateProject: 'projects:update',
  CreateTask: 'tasks:create',
  CreateWorkflow: 'workflows:create',
  CreateLaunchPlan: 'launchplans:create',
  UpdateLaunchPlan: 'launchplans:update',
  CreateExecution: 'executions:create',
  RelaunchExecution: 'executions:create',
  RecoverExecution: 'executions:create',
  TerminateExecution: 'executions:terminate',
  UpdateExecution: 'executions:update',
  CreateWorkflowEvent: 'events:create',
  CreateNodeEvent: 'events:create',
  CreateTaskEvent: 'events:create',
  UpdateProjectDomainAttributes: 'attributes:update',
  UpdateProjectAttributes: 'attributes:update',
  UpdateWorkflowAttributes: 'attributes:update',
  DeleteProjectDomainAttributes: 'attributes:delete',
  DeleteProjectAttributes: 'attributes:delete',
  DeleteWorkflowAttributes: 'attributes:delete',
  UpdateNamedEntity: 'entities:update',
  CreateUploadLocation: 'blobs:create',
  CreateDownloadLocation: 'read',
  CreateDownloadLink: 'read',
  GetData: 'read',
  GetDomains: 'read',
  UserInfo: 'read',
  WatchExecutionEvents: 'read',
  SetSignal: 'signals:set',
  GetOrCreateSignal: 'signals:set',
}

/** The action of an RPC: from the table, `read` for Get… and List…, else `<Service>/<Method>` (admins only). */
export function actionOf(method: DescMethod): string {
  const name = method.name
  const known = ACTIONS[name]
  if (known) return known
  if (/^(Get|List)[A-Z]/.test(name)) return 'read'
  return `${method.parent.name}/${name}`
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Breadth-first: the first non-empty string field with this name, within a few levels. */
function find(message: unknown, field: string, maxDepth = 4): string {
  let level: Obj[] = isObj(message) ? [message] : []
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const next: Obj[] = []
    for (const o of level) {
      const v = o[field]
      if (typeof v === 'string' && v !== '') return v
      for (const [k, child] of Object.entries(o)) {
        if (k === '$typeName' || k === 'inputs' || k === 'literals' || k === 'spec' || k === 'closure') continue
        if (isObj(child)) next.push(child)
      }
    }
    level = next
  }
  return ''
}

export function targetOf(method: DescMethod, message: unknown): CallTarget {
  const action = actionOf(method)
  const m = isObj(message) ? message : {}
  let project: string
  if (method.name === 'RegisterProject') project = isObj(m.project) ? String(m.project.id ?? '') : ''
  else if (method.name === 'UpdateProject' || method.name === 'GetProject' || method.name === 'GetDomains')
    project = typeof m.id === 'string' ? m.id : ''
  else project = find(m, 'project')
  return {action, project, domain: find(m, 'domain'), resource: find(m, 'name')}
}
