/**
 * `POST /console/api/launch` (JSON): the launch form's backend. The form sends plain values typed by
 * the interface it shows; they are checked and converted by the same code as `create execution`
 * (src/literals/launch-inputs.ts), then the execution is created. The backend is a parameter so the
 * plane (its own services) and `flytectl console --endpoint` (a remote FlyteAdmin) share this code.
 */
import {create, type DescMethod} from '@bufbuild/protobuf'
import {Code, ConnectError} from '@connectrpc/connect'
import {
  ExecutionCreateRequestSchema,
  ExecutionMetadata_ExecutionMode,
  type ExecutionCreateRequest,
} from '../../gen/flyteidl/admin/execution_pb.js'
import type {LaunchPlan} from '../../gen/flyteidl/admin/launch_plan_pb.js'
import type {Task} from '../../gen/flyteidl/admin/task_pb.js'
import {ObjectGetRequestSchema} from '../../gen/flyteidl/admin/common_pb.js'
import {ResourceType} from '../../gen/flyteidl/core/identifier_pb.js'
import {
  convertLaunchInputs,
  LaunchInputError,
  launchTargetFromLaunchPlan,
  launchTargetFromTask,
  type LaunchId,
} from '../../literals/launch-inputs.js'
import {AdminService} from '../../gen/flyteidl/service/admin_pb.js'
import type {Principal} from '../auth/principal.js'
import type {PlaneContext} from '../context.js'
import {getLaunchPlan, getTask} from '../services/definitions.js'
import {createExecution} from '../services/executions.js'
import {storeSink} from '../services/events.js'
import type {ConsoleRequest, ConsoleResponse} from './serve.js'
import {SECURITY_HEADERS} from './serve.js'

/** A launch form's body is small: a few typed values. */
export const MAX_LAUNCH_BODY = 1024 * 1024

export interface LaunchBody {
  kind: 'launch_plan' | 'task'
  project: string
  domain: string
  name: string
  version: string
  inputs: Record<string, unknown>
}

/** Where launches go: the plane's services, or a remote FlyteAdmin's client. */
export interface LaunchBackend {
  /** Who launches, recorded as the execution's principal (`console` when unknown). */
  principal?: string | undefined
  getLaunchPlan(id: LaunchId): Promise<LaunchPlan> | LaunchPlan
  getTask(id: LaunchId): Promise<Task> | Task
  createExecution(req: ExecutionCreateRequest): Promise<{id?: {name: string} | undefined}> | {id?: {name: string}}
}

/**
 * The plane's services; with auth on, each call is decided by the plane's policy as the RPC it is
 * (GetLaunchPlan, GetTask, CreateExecution) for `caller`, and audited like one.
 */
export function planeLaunchBackend(ctx: PlaneContext, caller?: Principal): LaunchBackend {
  const get = (id: LaunchId, type: ResourceType) => create(ObjectGetRequestSchema, {id: {...id, resourceType: type}})
  const as = <T>(method: DescMethod, message: unknown, fn: () => T): Promise<T> =>
    ctx.auth && caller ? ctx.auth.run(caller, method, message, async () => fn()) : Promise.resolve().then(fn)
  const m = AdminService.method
  return {
    principal: caller?.name,
    getLaunchPlan: (id) => {
      const req = get(id, ResourceType.LAUNCH_PLAN)
      return as(m.getLaunchPlan, req, () => getLaunchPlan(ctx, req))
    },
    getTask: (id) => {
      const req = get(id, ResourceType.TASK)
      return as(m.getTask, req, () => getTask(ctx, req))
    },
    createExecution: (req) => as(m.createExecution, req, () => createExecution(ctx, req, storeSink(ctx))),
  }
}

export class LaunchRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly input = '',
    readonly advice = '',
  ) {
    super(message)
  }
}

/** The body as the form sent it, checked field by field. */
export function parseLaunchBody(value: unknown): LaunchBody {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new LaunchRequestError(400, 'the launch request must be a JSON object')
  }
  const o = value as Record<string, unknown>
  const text = (k: string) => {
    const v = o[k]
    if (typeof v !== 'string' || v === '' || v.length > 256)
      throw new LaunchRequestError(400, `missing or invalid ${k}`)
    return v
  }
  const kind = o.kind
  if (kind !== 'launch_plan' && kind !== 'task') throw new LaunchRequestError(400, 'kind must be launch_plan or task')
  const inputs = o.inputs ?? {}
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new LaunchRequestError(400, 'inputs must be an object of values by input name')
  }
  return {
    kind,
    project: text('project'),
    domain: text('domain'),
    name: text('name'),
    version: text('version'),
    inputs: inputs as Record<string, unknown>,
  }
}

/** Resolves the target, converts the inputs with create execution's rules and creates the execution. */
export async function launchFromForm(backend: LaunchBackend, body: LaunchBody): Promise<{name: string}> {
  const id = {project: body.project, domain: body.domain, name: body.name, version: body.version}
  const target =
    body.kind === 'task'
      ? launchTargetFromTask(await backend.getTask(id), id)
      : launchTargetFromLaunchPlan(await backend.getLaunchPlan(id), id)
  let literals
  try {
    literals = convertLaunchInputs(target, body.inputs)
  } catch (err) {
    if (err instanceof LaunchInputError) throw new LaunchRequestError(400, err.message, err.input, err.advice)
    throw err
  }
  const request = create(ExecutionCreateRequestSchema, {
    project: body.project,
    domain: body.domain,
    inputs: {literals},
    spec: {
      launchPlan: target.id,
      inputs: {literals},
      metadata: {mode: ExecutionMetadata_ExecutionMode.MANUAL, principal: backend.principal || 'console'},
    },
  })
  const res = await backend.createExecution(request)
  return {name: res.id?.name ?? ''}
}

const STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.FailedPrecondition]: 400,
  [Code.PermissionDenied]: 403,
  [Code.Unauthenticated]: 401,
}

function reply(res: ConsoleResponse, status: number, body: unknown): void {
  res.writeHead(status, {...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store'})
  res.end(JSON.stringify(body))
}

function readBody(req: ConsoleRequest, max: number): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > max) {
        fail(new LaunchRequestError(413, `the launch request is larger than ${max} bytes`))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => ok(Buffer.concat(chunks)))
  })
}

function header(req: ConsoleRequest, name: string): string {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(',') : (v ?? '')
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host || undefined
  } catch {
    return undefined
  }
}

/**
 * The HTTP side: POST with a JSON body only (a cross-site form cannot send one without a CORS
 * preflight, which is never granted), and, when the browser names an Origin, it must be this host.
 */
export async function handleLaunchWith(
  backend: LaunchBackend,
  req: ConsoleRequest,
  res: ConsoleResponse,
): Promise<void> {
  try {
    if ((req.method ?? '').toUpperCase() !== 'POST') throw new LaunchRequestError(405, 'launch with POST')
    if (!/^application\/json(;|$)/i.test(header(req, 'content-type').trim())) {
      throw new LaunchRequestError(415, 'the launch request must be application/json')
    }
    const origin = header(req, 'origin')
    const host = header(req, 'host') || header(req, ':authority')
    if (origin && originHost(origin) !== host) {
      throw new LaunchRequestError(403, `origin ${origin.slice(0, 100)} may not launch on this plane`)
    }
    const raw = await readBody(req, MAX_LAUNCH_BODY)
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      throw new LaunchRequestError(400, 'the launch request is not valid JSON')
    }
    const result = await launchFromForm(backend, parseLaunchBody(parsed))
    reply(res, 200, result)
  } catch (err) {
    if (err instanceof LaunchRequestError) {
      reply(res, err.status, {message: err.message, input: err.input, advice: err.advice})
      return
    }
    const e = ConnectError.from(err)
    reply(res, STATUS[e.code] ?? 500, {message: e.rawMessage})
  }
}

export function handleLaunch(
  ctx: PlaneContext,
  req: ConsoleRequest,
  res: ConsoleResponse,
  caller?: Principal,
): Promise<void> {
  return handleLaunchWith(planeLaunchBackend(ctx, caller), req, res)
}
