/**
 * `register files`: decode every file, upload the fast-register source, hydrate, then create the
 * entities — tasks first, then workflows, then launch plans (a workflow that calls a launch plan of
 * the same package waits for it) — with a bounded pool of concurrent creates. AlreadyExists counts as
 * success. The clients are parameters, so the same code runs against a real FlyteAdmin or the
 * embedded plane.
 */
import {createHash} from 'node:crypto'
import {basename} from 'node:path'
import {Code, ConnectError} from '@connectrpc/connect'
import {CliError, type ErrorCode} from '../../cli/errors.js'
import {isAdminRpcError} from '../../admin/errors.js'
import type {AdminClient, DataProxyClient} from '../../admin/client.js'
import {ResourceType} from '../../gen/flyteidl/core/identifier_pb.js'
import {LaunchPlanState} from '../../gen/flyteidl/admin/launch_plan_pb.js'
import type {CollectedInputs, InputFile} from './inputs.js'
import {
  decodeEntity,
  entityId,
  hydrateEntity,
  idKey,
  launchPlanRefs,
  scheduledInputsMissing,
  type Entity,
  type EntityKind,
  type HydrateOptions,
} from './entities.js'

export type RegisterStatus = 'Success' | 'Failed' | 'Skipped'

export interface RegisterRow {
  name: string
  status: RegisterStatus
  additionalInfo: string
}

export interface RegisterResult {
  rows: RegisterRow[]
  succeeded: number
  failed: number
  skipped: number
  /** Where the fast-register source went, when there was one. */
  remotePackagePath?: string
}

export interface RegisterOptions extends Omit<HydrateOptions, 'remotePackagePath'> {
  continueOnError?: boolean
  dryRun?: boolean
  enableSchedule?: boolean
  /** Creates in flight at once (default 8). */
  concurrency?: number
}

export interface RegisterClients {
  admin: AdminClient
  dataProxy: DataProxyClient
}

interface Item {
  file: InputFile
  entity?: Entity
  row: RegisterRow
}

const KIND_RANK: Record<EntityKind, number> = {task: 0, workflow: 1, launchplan: 2}
const KIND_LABEL: Record<EntityKind, string> = {task: 'task', workflow: 'workflow', launchplan: 'launch plan'}
const SUCCESS_INFO = 'Successfully registered file'

function errorText(err: unknown): string {
  if (err instanceof ConnectError) return `${Code[err.code] ?? err.code}: ${err.rawMessage}`
  return err instanceof Error ? err.message : String(err)
}

/** Upload the fast-register archive through DataProxyService.CreateUploadLocation and a PUT to its URL. */
export async function uploadFastArchive(
  dataProxy: DataProxyClient,
  file: InputFile,
  where: {project: string; domain: string},
): Promise<string> {
  const md5 = createHash('md5').update(file.bytes).digest()
  let location
  try {
    location = await dataProxy.createUploadLocation({...where, filename: basename(file.name), contentMd5: md5})
  } catch (err) {
    throw uploadLocationError(err, basename(file.name))
  }
  let res: Response
  try {
    res = await fetch(location.signedUrl, {
      method: 'PUT',
      body: file.bytes,
      headers: {
        ...location.headers,
        'Content-MD5': md5.toString('base64'),
        'Content-Length': String(file.bytes.byteLength),
      },
    })
  } catch (err) {
    throw new CliError('unavailable', `cannot upload ${basename(file.name)}: ${errorText(err)}`, {cause: err})
  }
  if (!res.ok) {
    // The blob store answered: a refusal, not an outage.
    const code: ErrorCode = res.status === 401 || res.status === 403 ? 'permission-denied' : 'internal'
    throw new CliError(code, `cannot upload ${basename(file.name)}: HTTP ${res.status} ${(await res.text()).trim()}`, {
      hint: 'The upload URL came from the control plane; check its storage configuration.',
    })
  }
  return location.nativeUrl
}

/**
 * CreateUploadLocation failed. When the control plane answered (e.g. Internal "failed to create a
 * signed url" from a FlyteAdmin whose storage cannot sign URLs), its message and code decide the
 * error and exit status; only an unreachable control plane is `unavailable`.
 */
function uploadLocationError(err: unknown, name: string): CliError {
  const base = isAdminRpcError(err) ? err.toCliError() : undefined
  const code: ErrorCode =
    base?.code ??
    (err instanceof ConnectError && err.code !== Code.Unavailable && err.code !== Code.DeadlineExceeded
      ? 'internal'
      : 'unavailable')
  let hint = base?.hint
  if (err instanceof ConnectError && err.code === Code.Unimplemented)
    hint = 'The control plane must offer DataProxyService.CreateUploadLocation for fast registration.'
  else if (err instanceof ConnectError && err.code === Code.Internal)
    hint =
      'The control plane could not prepare the upload (its storage may not sign URLs); check its storage configuration, or register a package built without fast registration.'
  return new CliError(code, `cannot get an upload location for ${name}: ${base?.message ?? errorText(err)}`, {
    cause: err,
    ...(hint ? {hint} : {}),
  })
}

async function createEntity(admin: AdminClient, entity: Entity, opts: RegisterOptions): Promise<string> {
  const id = {...entityId(entity)!, project: opts.project, domain: opts.domain}
  try {
    switch (entity.kind) {
      case 'task':
        await admin.createTask({id: {...id, resourceType: ResourceType.TASK}, spec: entity.spec})
        break
      case 'workflow':
        await admin.createWorkflow({id: {...id, resourceType: ResourceType.WORKFLOW}, spec: entity.spec})
        break
      case 'launchplan':
        await admin.createLaunchPlan({id: {...id, resourceType: ResourceType.LAUNCH_PLAN}, spec: entity.spec.spec})
        break
    }
  } catch (err) {
    if (!(err instanceof ConnectError && err.code === Code.AlreadyExists)) throw err
    await activateSchedule(admin, entity, id, opts)
    return 'AlreadyExists'
  }
  return (await activateSchedule(admin, entity, id, opts)) ? `${SUCCESS_INFO} (schedule activated)` : SUCCESS_INFO
}

async function activateSchedule(
  admin: AdminClient,
  entity: Entity,
  id: {project: string; domain: string; name: string; version: string},
  opts: RegisterOptions,
): Promise<boolean> {
  if (!opts.enableSchedule || entity.kind !== 'launchplan' || !entity.spec.spec?.entityMetadata?.schedule) return false
  await admin.updateLaunchPlan({id: {...id, resourceType: ResourceType.LAUNCH_PLAN}, state: LaunchPlanState.ACTIVE})
  return true
}

/** Run `work` over `items` with at most `limit` in flight; stops starting new ones once `stop()` says so. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>, stop: () => boolean) {
  let next = 0
  const runners = Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length && !stop()) await work(items[next++]!)
  })
  await Promise.all(runners)
}

/**
 * Waves of items whose dependencies inside this batch are registered: all tasks; then workflows
 * (waiting for launch plans of the batch they call) and launch plans (waiting for their workflow).
 */
function nextWave(pending: Item[], done: Set<string>, inBatch: Set<string>): Item[] {
  const ready = pending.filter((item) => {
    const e = item.entity!
    if (e.kind === 'task') return true
    if (pending.some((p) => p.entity!.kind === 'task')) return false
    if (e.kind === 'workflow') return launchPlanRefs(e.spec).every((ref) => !inBatch.has(ref) || done.has(ref))
    const wf = idKey(e.spec.spec?.workflowId)
    return !inBatch.has(wf) || done.has(wf)
  })
  // A dependency cycle (or a failed dependency): let the control plane report what is missing.
  return ready.length > 0 ? ready : pending
}

/** Register the collected files. `clients` may be undefined only under `dryRun`. */
export async function registerFiles(
  clients: RegisterClients | undefined,
  inputs: CollectedInputs,
  opts: RegisterOptions,
): Promise<RegisterResult> {
  if (!clients && !opts.dryRun) throw new CliError('internal', 'register needs control-plane clients')
  const items: Item[] = inputs.entities.map((file) => {
    const row: RegisterRow = {name: file.name, status: 'Success', additionalInfo: ''}
    try {
      return {file, row, entity: decodeEntity(file.name, file.bytes)}
    } catch (err) {
      return {
        file,
        row: {...row, status: 'Failed', additionalInfo: `Error unmarshalling file due to ${errorText(err)}`},
      }
    }
  })

  if (!opts.dryRun && items.some((i) => i.entity)) await checkProject(clients!.admin, opts.project, opts.domain)
  let remotePackagePath: string | undefined
  if (inputs.fastArchive && !opts.dryRun && items.some((i) => i.entity)) {
    remotePackagePath = await uploadFastArchive(clients!.dataProxy, inputs.fastArchive, opts)
  }

  const unversioned: string[] = []
  for (const item of items) {
    if (!item.entity) continue
    hydrateEntity(item.entity, {...opts, remotePackagePath})
    if (!entityId(item.entity)?.version) unversioned.push(item.file.name)
    if (item.entity.kind === 'launchplan') {
      const missing = scheduledInputsMissing(item.entity.spec)
      if (missing.length > 0) {
        item.row.status = 'Failed'
        item.row.additionalInfo = `Error hydrating spec due to param values are missing on scheduled workflow for the following params [${missing.join(', ')}]`
      }
    }
  }
  if (unversioned.length > 0) {
    throw new CliError(
      'usage',
      `version is required: ${unversioned.length} file(s) carry no version (${unversioned[0]}${unversioned.length > 1 ? ', …' : ''})`,
      {
        hint: 'Pass --version <v> (or set files.version in the config).',
      },
    )
  }

  const ordered = [...items].sort(
    (a, b) => (a.entity ? KIND_RANK[a.entity.kind] : -1) - (b.entity ? KIND_RANK[b.entity.kind] : -1),
  )
  const ready = ordered.filter((i) => i.row.status === 'Success')
  const failedEarly = ordered.length - ready.length
  let aborted = failedEarly > 0 && !opts.continueOnError

  if (opts.dryRun || aborted) {
    for (const item of ready) {
      item.row.status = opts.dryRun ? 'Success' : 'Skipped'
      item.row.additionalInfo = opts.dryRun
        ? `Dry run: would register ${KIND_LABEL[item.entity!.kind]} ${idKey(entityId(item.entity!))}`
        : 'Not registered: an earlier file failed (use --continueOnError to register the rest)'
    }
    return summarize(ordered, remotePackagePath)
  }

  const inBatch = new Set(ready.map((i) => idKey(entityId(i.entity!))))
  const done = new Set<string>()
  let pending = ready
  const unavailable: string[] = []
  while (pending.length > 0 && !aborted) {
    const wave = nextWave(pending, done, inBatch)
    pending = pending.filter((p) => !wave.includes(p))
    await pool(
      wave,
      opts.concurrency ?? 8,
      async (item) => {
        try {
          item.row.additionalInfo = await createEntity(clients!.admin, item.entity!, opts)
          done.add(idKey(entityId(item.entity!)))
        } catch (err) {
          item.row.status = 'Failed'
          item.row.additionalInfo = `Error registering file due to ${errorText(err)}`
          if (err instanceof ConnectError && err.code === Code.Unavailable) unavailable.push(errorText(err))
          if (!opts.continueOnError) aborted = true
        }
      },
      () => aborted,
    )
  }
  for (const item of ready) {
    if (item.row.additionalInfo === '') {
      item.row.status = 'Skipped'
      item.row.additionalInfo = 'Not registered: an earlier file failed (use --continueOnError to register the rest)'
    }
  }
  const attempted = ready.filter((i) => i.row.status !== 'Skipped').length
  if (attempted > 0 && unavailable.length === attempted) {
    throw new CliError('unavailable', `cannot reach the control plane: ${unavailable[0]}`)
  }
  return summarize(ordered, remotePackagePath)
}

/** One clear error for a project that does not exist, instead of one failed row per file. */
async function checkProject(admin: AdminClient, project: string, domain: string): Promise<void> {
  try {
    await admin.getProject({id: project})
  } catch (err) {
    if (err instanceof ConnectError && err.code === Code.NotFound) {
      throw new CliError('not-found', `project ${project} not found`, {
        hint: `Create it with \`flytectl create project --id ${project} --name ${project}\`, or check -p/-d (domain ${domain}).`,
      })
    }
    // Older control planes have no GetProject: the creates will tell.
  }
}

function summarize(items: Item[], remotePackagePath: string | undefined): RegisterResult {
  const rows = items.map((i) => i.row)
  const count = (s: RegisterStatus) => rows.filter((r) => r.status === s).length
  return {
    rows,
    succeeded: count('Success'),
    failed: count('Failed'),
    skipped: count('Skipped'),
    ...(remotePackagePath ? {remotePackagePath} : {}),
  }
}
