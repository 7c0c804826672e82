/**
 * `create project` and `create execution`: flag/file handling and the control-plane calls. The
 * admin client is a parameter. Execution inputs are converted against the launch plan's (or task's)
 * interface; a launch plan's defaults fill what the file leaves out, fixed inputs cannot change.
 */
import {Code, ConnectError} from '@connectrpc/connect'
import {create} from '@bufbuild/protobuf'
import {CliError, type ErrorCode} from '../cli/errors.js'
import type {AdminClient} from '../admin/client.js'
import {ResourceType, type Identifier} from '../gen/flyteidl/core/identifier_pb.js'
import {
  convertLaunchInputs,
  LaunchInputError,
  launchTargetFromLaunchPlan,
  launchTargetFromTask,
  type LaunchTarget,
} from '../literals/launch-inputs.js'
import {Sort_Direction} from '../gen/flyteidl/admin/common_pb.js'
import {ExecutionCreateRequestSchema, ExecutionMetadata_ExecutionMode} from '../gen/flyteidl/admin/execution_pb.js'
import type {ExecutionCreateRequest} from '../gen/flyteidl/admin/execution_pb.js'
import type {Literal} from '../gen/flyteidl/core/literals_pb.js'
import type {ExecFileConfig} from './execfile.js'

const RPC_CODES: Partial<Record<Code, ErrorCode>> = {
  [Code.NotFound]: 'not-found',
  [Code.AlreadyExists]: 'already-exists',
  [Code.InvalidArgument]: 'invalid-input',
  [Code.FailedPrecondition]: 'conflict',
  [Code.Unavailable]: 'unavailable',
  [Code.DeadlineExceeded]: 'unavailable',
  [Code.Unauthenticated]: 'unauthenticated',
  [Code.PermissionDenied]: 'permission-denied',
}

/** A control-plane error as a one-line CliError; `what` says what was being done. */
export function rpcError(err: unknown, what: string, hint?: string): CliError {
  if (err instanceof CliError) return err
  if (err instanceof ConnectError) {
    const code = RPC_CODES[err.code] ?? 'internal'
    return new CliError(code, `${what}: ${err.rawMessage.split('\n')[0]}`, {cause: err, ...(hint ? {hint} : {})})
  }
  return new CliError('internal', `${what}: ${err instanceof Error ? err.message : String(err)}`, {cause: err})
}

// ---------------------------------------------------------------------------------------------------
// create project

export interface ProjectFile {
  id?: string
  name?: string
  description?: string
  labels?: {values?: Record<string, string>}
}

export interface CreateProjectInput {
  /** -p, if given. */
  project?: string
  id?: string
  name?: string
  description?: string
  labels?: Record<string, string>
  /** Text of a --file, with its path for messages. */
  file?: {path: string; text: string}
  dryRun?: boolean
}

/** `k=v,k2=v2` (several flags allowed) → a map. */
export function parseKeyValues(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (values ?? []).flatMap((v) => v.split(','))) {
    if (part.trim() === '') continue
    const eq = part.indexOf('=')
    if (eq <= 0) {
      throw new CliError('usage', `--${flag} expects key=value pairs, got "${part}"`, {
        hint: `Example: --${flag} a=1,b=2`,
      })
    }
    out[part.slice(0, eq).trim()] = part.slice(eq + 1)
  }
  return out
}

export async function parseProjectFile(path: string, text: string): Promise<ProjectFile> {
  const checked = (await import('../cli/validate-yaml.js')).parseYamlChecked(text)
  if (!checked.doc) throw new CliError('invalid-input', `project file ${path} ${checked.problem}`)
  const value = checked.doc.toJS({maxAliasCount: 100}) as unknown
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError('invalid-input', `project file ${path}: expected a map with id, name, description, labels`)
  }
  const file = value as Record<string, unknown>
  for (const key of ['id', 'name', 'description'] as const) {
    if (file[key] !== undefined && file[key] !== null && typeof file[key] !== 'string') {
      throw new CliError('invalid-input', `project file ${path}: "${key}" must be a string`)
    }
  }
  const labels = file.labels as {values?: unknown} | undefined
  if (labels !== undefined && labels !== null) {
    const values = labels.values
    if (typeof labels !== 'object' || (values !== undefined && (typeof values !== 'object' || Array.isArray(values)))) {
      throw new CliError('invalid-input', `project file ${path}: "labels" must look like {values: {key: value}}`)
    }
  }
  const {labelProblem, unknownProjectKeys} = await import('./validation/project-file.js')
  const values = (labels as {values?: Record<string, unknown>} | null | undefined)?.values
  const problem = values ? labelProblem(values) : undefined
  if (problem)
    throw new CliError('invalid-input', `project file ${path}: ${problem}`, {
      hint: 'Write labels as {values: {team: ml}}; quote a value that YAML would read as a number or boolean.',
    })
  for (const [key, value] of Object.entries(values ?? {})) values![key] = String(value)
  for (const warning of unknownProjectKeys(file, path))
    process.stderr.write(`Warning: ${warning}
`)
  return file as ProjectFile
}

export interface CreatedProject {
  id: string
  name: string
  description: string
  labels: Record<string, string>
  dryRun: boolean
}

export async function createProject(
  admin: AdminClient | undefined,
  input: CreateProjectInput,
): Promise<CreatedProject> {
  const file = input.file ? await parseProjectFile(input.file.path, input.file.text) : {}
  const id = input.id || file.id || ''
  if (input.project && id) {
    throw new CliError('usage', 'both project and id are passed', {hint: 'Give the project id once: --id or -p.'})
  }
  const project = {
    id: id || input.project || '',
    name: input.name || file.name || '',
    description: input.description || file.description || '',
    labels: {...(file.labels?.values ?? {}), ...(input.labels ?? {})},
  }
  if (!project.id) throw new CliError('usage', "project id wasn't passed", {hint: 'Pass --id <id> (or -p <id>).'})
  if (!project.name) throw new CliError('usage', 'project name is a required flag', {hint: 'Pass --name <name>.'})
  if (input.dryRun || !admin) return {...project, dryRun: true}
  try {
    await admin.registerProject({project: {...project, labels: {values: project.labels}}})
  } catch (err) {
    throw rpcError(err, `cannot create project ${project.id}`, 'List projects with `flytectl get project`.')
  }
  return {...project, dryRun: false}
}

// ---------------------------------------------------------------------------------------------------
// create execution

export interface CreateExecutionInput {
  /** -p/-d: where the launch plan or task is looked up, and the default target. */
  project: string
  domain: string
  /** Optional execution name (positional argument). */
  name?: string
  /** The parsed execFile, when one was given. */
  file?: ExecFileConfig
  relaunch?: string
  recover?: string
  targetProject?: string
  targetDomain?: string
  targetExecutionCluster?: string
  version?: string
  kubeServiceAcct?: string
  iamRoleARN?: string
  clusterPool?: string
  overwriteCache?: boolean
  envs?: Record<string, string>
  dryRun?: boolean
  /** `file` stands for --launchplan/--task/--input (messages name the flags). */
  fromFlags?: boolean
}

export interface CreatedExecution {
  project: string
  domain: string
  name: string
  dryRun: boolean
  /** The request sent (or, under --dryRun, that would be sent) as proto JSON. */
  request?: unknown
}

function needFile(): CliError {
  return new CliError(
    'usage',
    "executionConfig, relaunch and recover can't be empty. Run the flytectl get task/launchplan to generate the config",
    {
      hint: 'Pass --execFile <file> (write one with `flytectl get launchplan <name> --execFile <file>`), --relaunch or --recover.',
    },
  )
}

async function latestVersion(
  admin: AdminClient,
  kind: 'task' | 'launchplan',
  where: Omit<Identifier, '$typeName' | 'resourceType' | 'version' | 'org'>,
) {
  const request = {
    id: {project: where.project, domain: where.domain, name: where.name},
    limit: 1,
    sortBy: {key: 'created_at', direction: Sort_Direction.DESCENDING},
  }
  const list =
    kind === 'task' ? (await admin.listTasks(request)).tasks : (await admin.listLaunchPlans(request)).launchPlans
  const version = list[0]?.id?.version
  if (!version) {
    throw new CliError(
      'not-found',
      `${kind === 'task' ? 'task' : 'launch plan'} ${where.name} not found in ${where.project}/${where.domain}`,
      {
        hint: `Check the name with \`flytectl get ${kind} -p ${where.project} -d ${where.domain}\`.`,
      },
    )
  }
  return version
}

async function resolveTarget(
  admin: AdminClient,
  input: CreateExecutionInput,
  file: ExecFileConfig,
): Promise<LaunchTarget> {
  const isTask = Boolean(file.task)
  const name = (file.task || file.workflow)!
  const kind = isTask ? 'task' : 'launchplan'
  const label = isTask ? 'task' : 'launch plan'
  const where = {project: input.project, domain: input.domain, name}
  try {
    const version = input.version || file.version || (await latestVersion(admin, kind, where))
    const id = {...where, version, resourceType: isTask ? ResourceType.TASK : ResourceType.LAUNCH_PLAN}
    if (isTask) return launchTargetFromTask(await admin.getTask({id}), id)
    return launchTargetFromLaunchPlan(await admin.getLaunchPlan({id}), id)
  } catch (err) {
    throw rpcError(
      err,
      `cannot find ${label} ${name} in ${input.project}/${input.domain}`,
      `List them with \`flytectl get ${kind} -p ${input.project} -d ${input.domain}\`.`,
    )
  }
}

/**
 * `--launchplan NAME` / `--task NAME` with `--input NAME=VALUE`: the execFile those flags stand for.
 * A VALUE starting with `[` or `{` is read as YAML (a list or map); any other stays text and is
 * converted by the input's type (`3`, `2.5`, `true`, dates, durations).
 */
export async function execFileFromFlags(f: {
  launchplan?: string | undefined
  task?: string | undefined
  input?: string[] | undefined
}): Promise<ExecFileConfig | undefined> {
  if (!f.launchplan && !f.task) {
    if (f.input?.length)
      throw new CliError('usage', '--input needs --launchplan or --task', {
        hint: 'Example: flytectl create execution --launchplan examples.arithmetic --input a=7 --input b=2',
      })
    return undefined
  }
  const inputs: Record<string, unknown> = {}
  for (const item of f.input ?? []) {
    const eq = item.indexOf('=')
    if (eq <= 0) {
      throw new CliError('usage', `--input expects NAME=VALUE, got ${JSON.stringify(item)}`, {
        hint: 'Example: --input a=7 --input numbers=[1,2,3]',
      })
    }
    const name = item.slice(0, eq).trim()
    const text = item.slice(eq + 1)
    if (/^\s*[[{]/.test(text)) {
      const {parseYamlChecked} = await import('../cli/validate-yaml.js')
      const checked = parseYamlChecked(text)
      if (!checked.doc) throw new CliError('usage', `--input ${name}: ${checked.problem}`)
      inputs[name] = checked.doc.toJS({maxAliasCount: 100}) as unknown
    } else inputs[name] = text
  }
  return f.launchplan ? {workflow: f.launchplan, inputs} : {task: f.task!, inputs}
}

function convertInputs(
  target: LaunchTarget,
  values: Record<string, unknown>,
  fromFlags = false,
): Record<string, Literal> {
  try {
    return convertLaunchInputs(target, values)
  } catch (err) {
    if (!(err instanceof LaunchInputError)) throw err
    const hints: Record<LaunchInputError['problem'], string> = {
      fixed: fromFlags
        ? 'Drop that --input, or register a launch plan that does not fix it.'
        : 'Remove it from the execFile inputs, or register a launch plan that does not fix it.',
      unknown: err.known.length
        ? `Known inputs: ${err.known.join(', ')}.`
        : fromFlags
          ? 'It takes no inputs; drop the --input flags.'
          : 'It takes no inputs; remove the inputs section.',
      type: err.advice,
      missing: fromFlags ? 'Pass each with --input NAME=VALUE.' : 'Add them under inputs: in the execFile.',
    }
    throw new CliError('invalid-input', err.message, {hint: hints[err.problem]})
  }
}

export async function createExecution(
  admin: AdminClient | undefined,
  input: CreateExecutionInput,
): Promise<CreatedExecution> {
  const name = input.name ?? ''
  if (input.relaunch || input.recover) return relaunchOrRecover(admin, input, name)
  const file = input.file
  if (!file) throw needFile()
  if (Boolean(file.task) === Boolean(file.workflow)) {
    throw new CliError('invalid-input', 'either task or workflow name should be specified to launch an execution', {
      hint: 'Set exactly one of task: or workflow: in the execFile.',
    })
  }
  const dryRun = Boolean(input.dryRun || file.dryRun)
  if (!admin) throw new CliError('internal', 'create execution needs a control-plane client')
  const target = await resolveTarget(admin, input, file)
  const inputs = convertInputs(target, file.inputs ?? {}, input.fromFlags === true)
  const project = input.targetProject || file.targetProject || input.project
  const domain = input.targetDomain || file.targetDomain || input.domain
  const account = input.kubeServiceAcct || file.kubeServiceAcct || ''
  const role = input.iamRoleARN || file.iamRoleARN || ''
  const envs = {...(file.envs ?? {}), ...(input.envs ?? {})}
  const pool = input.clusterPool || file.clusterPool || ''
  const cluster = input.targetExecutionCluster || file.targetExecutionCluster || ''
  const request: ExecutionCreateRequest = create(ExecutionCreateRequestSchema, {
    project,
    domain,
    name,
    inputs: {literals: inputs},
    spec: {
      launchPlan: target.id,
      inputs: {literals: inputs},
      metadata: {mode: ExecutionMetadata_ExecutionMode.MANUAL, principal: 'sdk'},
      ...(account || role
        ? {
            authRole: {assumableIamRole: role, kubernetesServiceAccount: account},
            securityContext: {runAs: {iamRole: role, k8sServiceAccount: account}},
          }
        : {}),
      ...(pool ? {clusterAssignment: {clusterPoolName: pool}} : {}),
      ...(cluster ? {executionClusterLabel: {value: cluster}} : {}),
      overwriteCache: Boolean(input.overwriteCache || file.overwriteCache),
      ...(Object.keys(envs).length ? {envs: {values: Object.entries(envs).map(([key, value]) => ({key, value}))}} : {}),
    },
  })
  const {toJson} = await import('@bufbuild/protobuf')
  const requestJson = toJson(ExecutionCreateRequestSchema, request)
  if (dryRun) return {project, domain, name, dryRun: true, request: requestJson}
  try {
    const res = await admin.createExecution(request)
    return {
      project: res.id?.project ?? project,
      domain: res.id?.domain ?? domain,
      name: res.id?.name ?? name,
      dryRun: false,
      request: requestJson,
    }
  } catch (err) {
    throw rpcError(err, `cannot create the execution in ${project}/${domain}`)
  }
}

async function relaunchOrRecover(
  admin: AdminClient | undefined,
  input: CreateExecutionInput,
  name: string,
): Promise<CreatedExecution> {
  const source = (input.relaunch || input.recover)!
  const verb = input.relaunch ? 'relaunch' : 'recover'
  const id = {project: input.project, domain: input.domain, name: source}
  if (input.dryRun || !admin) return {...id, name, dryRun: true}
  try {
    const res = input.relaunch
      ? await admin.relaunchExecution({id, name, overwriteCache: Boolean(input.overwriteCache)})
      : await admin.recoverExecution({id, name})
    return {
      project: res.id?.project ?? id.project,
      domain: res.id?.domain ?? id.domain,
      name: res.id?.name ?? name,
      dryRun: false,
    }
  } catch (err) {
    throw rpcError(
      err,
      `cannot ${verb} execution ${source}`,
      `Check the name with \`flytectl get execution -p ${input.project} -d ${input.domain}\`.`,
    )
  }
}

/** flytectl's confirmation line (the Go proto text form of the identifier). */
export function executionIdentifierLine(e: {project: string; domain: string; name: string}): string {
  return `execution identifier project:"${e.project}" domain:"${e.domain}" name:"${e.name}"`
}
