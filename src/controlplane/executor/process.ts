/**
 * Runs one attempt of a container task as a local subprocess, with Flyte's conventions: templated
 * arguments, inputs.pb in, outputs.pb or error.pb out, stdout+stderr captured to a per-attempt log.
 */
import {spawn} from 'node:child_process'
import {constants as fsConstants, writeSync} from 'node:fs'
import {access, mkdir, open, stat, writeFile} from 'node:fs/promises'
import {delimiter, dirname, join} from 'node:path'
import {create, fromBinary} from '@bufbuild/protobuf'
import {timestampFromDate} from '@bufbuild/protobuf/wkt'
import {ContainerError_Kind} from '../../gen/flyteidl/core/errors_pb.js'
import {ExecutionError_ErrorKind} from '../../gen/flyteidl/core/execution_pb.js'
import {
  BlobSchema,
  LiteralMapSchema,
  LiteralSchema,
  PrimitiveSchema,
  ScalarSchema,
  type Literal,
  type LiteralMap,
} from '../../gen/flyteidl/core/literals_pb.js'
import {
  DataLoadingConfig_LiteralMapFormat,
  type Container,
  type TaskTemplate,
} from '../../gen/flyteidl/core/tasks_pb.js'
import {SimpleType, type LiteralType} from '../../gen/flyteidl/core/types_pb.js'
import {fileUri, localPath, readErrorDocument, readLiteralMap, readOptional, writeLiteralMap} from './storage.js'
import {renderArgs, serializeLiteral, TemplateError, type TemplateParams} from './template.js'
import {taskEnvironment} from './task-env.js'

/** The environment variable whose directories are searched before PATH for task commands. */
export const DEMO_PATH_ENV = 'FLYTECTL_DEMO_PATH'

export interface AttemptSpec {
  task: TaskTemplate
  inputs: LiteralMap
  /** Absolute paths; the caller has written inputs.pb already. */
  inputPath: string
  outputPrefix: string
  rawOutputPrefix: string
  prevCheckpointPrefix: string
  logPath: string
  perRetryUniqueKey: string
  namespace: string
  /** FLYTE_* variables describing the execution, added to the process environment. */
  flyteEnv: Record<string, string>
  timeoutMs?: number
  signal: AbortSignal
  /** Base environment (defaults to this process's). */
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export type AttemptResult =
  | {outcome: 'succeeded'; outputs: LiteralMap; outputsPath: string}
  | {outcome: 'failed'; retryable: boolean; code: string; message: string; kind: ExecutionError_ErrorKind}
  | {outcome: 'aborted'}
  /** The task returned a workflow to run instead of outputs (a DynamicJobSpec in futures.pb). */
  | {outcome: 'dynamic'; futuresPath: string}

const fail = (
  code: string,
  message: string,
  retryable: boolean,
  kind = ExecutionError_ErrorKind.USER,
): AttemptResult => ({outcome: 'failed', code, message, retryable, kind})

/** `pyflyte-fast-execute … --dest-dir X -- …`: X becomes `dir` (only before the `--` that starts the inner command). */
export function localDestDir(argv: string[], dir: string): string[] {
  if (!argv[0]?.endsWith('pyflyte-fast-execute')) return argv
  const out = [...argv]
  for (let i = 1; i < out.length && out[i] !== '--'; i++) {
    if (out[i] === '--dest-dir' && i + 1 < out.length) out[i + 1] = dir
    else if (out[i]!.startsWith('--dest-dir=')) out[i] = `--dest-dir=${dir}`
  }
  return out
}

/** PATH with FLYTECTL_DEMO_PATH's directories in front. */
export function searchPath(env: NodeJS.ProcessEnv): string {
  return [env[DEMO_PATH_ENV], env.PATH].filter((p) => p && p.length > 0).join(delimiter)
}

/** The absolute path of an executable, or null. Names with a slash are checked as given. */
export async function findExecutable(command: string, pathList: string): Promise<string | null> {
  const isExec = async (p: string) => {
    try {
      await access(p, fsConstants.X_OK)
      return (await stat(p)).isFile()
    } catch {
      return false
    }
  }
  if (command.includes('/')) return (await isExec(command)) ? command : null
  for (const dir of pathList.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    if (await isExec(candidate)) return candidate
  }
  return null
}

export function containerOf(task: TaskTemplate): Container | null {
  return task.target.case === 'container' ? task.target.value : null
}

export async function runAttempt(spec: AttemptSpec): Promise<AttemptResult> {
  const {task} = spec
  const name = task.id?.name ?? 'task'
  const container = containerOf(task)
  if (!container) {
    const target = task.target.case ?? 'no target'
    return fail(
      'UnsupportedTask',
      `task [${name}] of type [${task.type}] (${target}) cannot run locally: only container tasks run on this machine`,
      false,
      ExecutionError_ErrorKind.SYSTEM,
    )
  }
  const template = [...container.command, ...container.args]
  if (template.length === 0) {
    return fail('UnsupportedTask', `task [${name}] has no command to run (image [${container.image}])`, false)
  }

  await mkdir(spec.outputPrefix, {recursive: true})
  await mkdir(spec.rawOutputPrefix, {recursive: true})
  await mkdir(dirname(spec.logPath), {recursive: true})
  if (spec.cwd) await mkdir(spec.cwd, {recursive: true})

  const params: TemplateParams = {
    inputUri: fileUri(spec.inputPath),
    inputPrefix: fileUri(dirname(spec.inputPath)),
    outputPrefix: fileUri(spec.outputPrefix),
    // A plain path: flytekit builds FlyteFile/FlyteDirectory/dataframe URIs from it and reads them as paths.
    rawOutputDataPrefix: spec.rawOutputPrefix,
    checkpointOutputPrefix: fileUri(join(spec.outputPrefix, '_flytecheckpoints')),
    prevCheckpointPrefix: spec.prevCheckpointPrefix,
    perRetryUniqueKey: spec.perRetryUniqueKey,
    namespace: spec.namespace,
    inputs: spec.inputs,
  }
  let argv: string[]
  try {
    argv = renderArgs(template, params)
  } catch (err) {
    if (err instanceof TemplateError) return fail('TemplateRenderFailed', `task [${name}]: ${err.message}`, false)
    throw err
  }

  // Raw containers (copilot data loading): map their input/output directories onto local ones.
  const io = container.dataConfig?.enabled ? await mapDataDirs(container, spec) : null
  if (io) argv = argv.map((a) => io.rewrite(a))

  // Fast-registered code: `pyflyte-fast-execute --dest-dir <dir in the image>` would unpack into
  // that path on this machine (e.g. /root); unpack into the attempt's own working directory instead.
  if (spec.cwd) argv = localDestDir(argv, spec.cwd)

  // Never the daemon's whole environment: the allow-list plus what the user passed with `demo start --env`.
  const baseEnv = spec.env ?? taskEnvironment(process.env)
  const pathList = searchPath(baseEnv)
  const executable = await findExecutable(argv[0]!, pathList)
  if (!executable) {
    return fail(
      'CommandNotFound',
      `task [${name}]: command [${argv[0]}] not found on this machine (image [${container.image}] is not run locally); ` +
        `install it or add its directory to ${DEMO_PATH_ENV}, then restart the control plane so it picks the new path up ` +
        `(\`flytectl demo start --restart\` with ${DEMO_PATH_ENV} set; the running plane has ${DEMO_PATH_ENV}=${baseEnv[DEMO_PATH_ENV] || '(unset)'})`,
      false,
    )
  }

  const env: NodeJS.ProcessEnv = {...baseEnv, PATH: pathList, ...spec.flyteEnv}
  for (const kv of container.env) env[kv.key] = kv.value

  const log = await open(spec.logPath, 'a')
  let exit: {code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; aborted: boolean}
  try {
    await log.write(`$ ${argv.join(' ')}\n`)
    exit = await runProcess(executable, argv.slice(1), {
      env,
      cwd: spec.cwd,
      fd: log.fd,
      timeoutMs: spec.timeoutMs,
      signal: spec.signal,
    })
  } finally {
    await log.close()
  }
  if (exit.aborted) return {outcome: 'aborted'}
  if (exit.timedOut) {
    return fail('TaskTimeout', `task [${name}] exceeded its timeout of ${(spec.timeoutMs ?? 0) / 1000}s`, true)
  }

  const errorDoc = await readOptional(join(spec.outputPrefix, 'error.pb'), readErrorDocument)
  if (errorDoc?.error) {
    const e = errorDoc.error
    return fail(
      e.code || 'UserError',
      e.message,
      e.kind === ContainerError_Kind.RECOVERABLE,
      e.origin === ExecutionError_ErrorKind.SYSTEM ? ExecutionError_ErrorKind.SYSTEM : ExecutionError_ErrorKind.USER,
    )
  }
  if (exit.code !== 0) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
    return fail('NonZeroExit', `task [${name}] ${how}; see its log ${fileUri(spec.logPath)}`, true)
  }

  const futuresPath = join(spec.outputPrefix, 'futures.pb')
  if (await readOptional(futuresPath, (p) => stat(p))) return {outcome: 'dynamic', futuresPath}
  const outputsPath = join(spec.outputPrefix, 'outputs.pb')
  let outputs = await readOptional(outputsPath, readLiteralMap)
  const declared = Object.keys(task.interface?.outputs?.variables ?? {})
  if (!outputs && io) {
    const mapped = await io.readOutputs(task)
    if ('error' in mapped) return fail('OutputsNotFound', `task [${name}]: ${mapped.error}`, false)
    outputs = mapped.outputs
  }
  if (!outputs) {
    if (declared.length > 0) {
      const hint = container.dataConfig?.enabled
        ? ''
        : ' (raw containers must enable data loading so their output directory can be mapped)'
      return fail(
        'OutputsNotFound',
        `task [${name}] declares outputs [${declared.join(', ')}] but wrote no outputs.pb under ${fileUri(spec.outputPrefix)}${hint}`,
        false,
      )
    }
    outputs = create(LiteralMapSchema, {literals: {}})
  }
  const missing = declared.filter((v) => !(v in outputs.literals))
  if (missing.length > 0) {
    return fail('OutputsNotFound', `task [${name}] did not produce declared outputs [${missing.join(', ')}]`, false)
  }
  await writeLiteralMap(outputsPath, outputs)
  return {outcome: 'succeeded', outputs, outputsPath}
}

interface ProcessOptions {
  env: NodeJS.ProcessEnv
  cwd?: string
  fd: number
  timeoutMs?: number
  signal: AbortSignal
}

/** Runs to exit in its own process group, so a timeout or abort stops its children too. */
function runProcess(
  file: string,
  args: string[],
  o: ProcessOptions,
): Promise<{code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; aborted: boolean}> {
  return new Promise((resolve) => {
    let timedOut = false
    let aborted = false
    let killTimer: NodeJS.Timeout | undefined
    const child = spawn(file, args, {env: o.env, cwd: o.cwd, stdio: ['ignore', o.fd, o.fd], detached: true})
    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      killGroup(child.pid, 'SIGTERM')
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000)
      killTimer.unref()
    }
    const onAbort = () => {
      aborted = true
      stop()
    }
    const timer =
      o.timeoutMs && o.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            stop()
          }, o.timeoutMs)
        : undefined
    if (o.signal.aborted) onAbort()
    else o.signal.addEventListener('abort', onAbort, {once: true})
    let settled = false
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      if (killTimer) clearTimeout(killTimer)
      o.signal.removeEventListener('abort', onAbort)
      resolve({code: code ?? (signal ? null : 127), signal, timedOut, aborted})
    }
    child.on('error', (err) => {
      // Spawn failed after the lookup (permissions, ENOEXEC): say so in the log, report exit 127.
      try {
        writeSync(o.fd, `spawn failed: ${err.message}\n`)
      } catch {
        // the log is best effort here; the exit code still reports the failure
      }
      finish(127, null)
    })
    child.on('close', finish)
  })
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

/**
 * Copilot-style data loading for raw containers: the task's declared input directory (e.g.
 * `/var/inputs`) and output directory (`/var/outputs`) become local directories under the raw output
 * prefix, and every argument naming them is rewritten. Inputs are written one file per variable
 * (primitives as text, files as copies' paths) plus `inputs.pb`; outputs are read back per declared
 * variable.
 */
async function mapDataDirs(container: Container, spec: AttemptSpec) {
  const dc = container.dataConfig!
  const localIn = join(spec.rawOutputPrefix, 'inputs')
  const localOut = join(spec.rawOutputPrefix, 'outputs')
  await mkdir(localIn, {recursive: true})
  await mkdir(localOut, {recursive: true})
  const {copyFile} = await import('node:fs/promises')
  for (const [k, lit] of Object.entries(spec.inputs.literals)) {
    const s = lit.value.case === 'scalar' ? lit.value.value.value : undefined
    if (s?.case === 'blob') {
      try {
        await copyFile(localPath(s.value.uri), join(localIn, k))
      } catch {
        // not local or a directory: the value stays reachable through inputs.pb
      }
      continue
    }
    try {
      await writeFile(join(localIn, k), serializeLiteral(lit))
    } catch {
      // maps, structs, unions: only in inputs.pb
    }
  }
  const {toBinary} = await import('@bufbuild/protobuf')
  await writeFile(join(localIn, 'inputs.pb'), toBinary(LiteralMapSchema, spec.inputs))
  const rewrite = (arg: string): string => {
    let out = arg
    if (dc.inputPath) out = out.split(dc.inputPath).join(localIn)
    if (dc.outputPath) out = out.split(dc.outputPath).join(localOut)
    return out
  }
  const readOutputs = async (task: TaskTemplate): Promise<{outputs: LiteralMap} | {error: string}> => {
    const {readFile} = await import('node:fs/promises')
    const pb = await readOptional(join(localOut, 'outputs.pb'), async (p) =>
      fromBinary(LiteralMapSchema, await readFile(p)),
    )
    if (pb && dc.format === DataLoadingConfig_LiteralMapFormat.PROTO) return {outputs: pb}
    const literals: Record<string, Literal> = {}
    for (const [k, v] of Object.entries(task.interface?.outputs?.variables ?? {})) {
      const file = join(localOut, k)
      const text = await readOptional(file, (p) => readFile(p, 'utf8'))
      if (text === null)
        return {error: `output [${k}] was not written to ${dc.outputPath || 'the output directory'}/${k}`}
      try {
        literals[k] = parseOutputFile(text, file, v.type)
      } catch (err) {
        return {error: `output [${k}]: ${(err as Error).message}`}
      }
    }
    return {outputs: create(LiteralMapSchema, {literals})}
  }
  return {rewrite, readOutputs}
}

function parseOutputFile(text: string, path: string, type: LiteralType | undefined): Literal {
  const scalar = (v: Parameters<typeof create<typeof ScalarSchema>>[1]) =>
    create(LiteralSchema, {value: {case: 'scalar', value: create(ScalarSchema, v)}})
  const prim = (v: Parameters<typeof create<typeof PrimitiveSchema>>[1]) =>
    scalar({value: {case: 'primitive', value: create(PrimitiveSchema, v)}})
  if (type?.type.case === 'blob') {
    return scalar({
      value: {case: 'blob', value: create(BlobSchema, {uri: path, metadata: {type: type.type.value}})},
    })
  }
  const t = type?.type.case === 'simple' ? type.type.value : SimpleType.STRING
  const trimmed = text.trim()
  switch (t) {
    case SimpleType.INTEGER:
      if (!/^[-+]?\d+$/.test(trimmed)) throw new Error(`[${trimmed}] is not an integer`)
      return prim({value: {case: 'integer', value: BigInt(trimmed)}})
    case SimpleType.FLOAT: {
      const n = Number(trimmed)
      if (trimmed === '' || Number.isNaN(n)) throw new Error(`[${trimmed}] is not a float`)
      return prim({value: {case: 'floatValue', value: n}})
    }
    case SimpleType.BOOLEAN:
      if (!/^(true|false)$/i.test(trimmed)) throw new Error(`[${trimmed}] is not a boolean`)
      return prim({value: {case: 'boolean', value: trimmed.toLowerCase() === 'true'}})
    case SimpleType.DATETIME: {
      const d = new Date(trimmed)
      if (Number.isNaN(d.getTime())) throw new Error(`[${trimmed}] is not a datetime`)
      return prim({value: {case: 'datetime', value: timestampFromDate(d)}})
    }
    case SimpleType.STRING:
      return prim({value: {case: 'stringValue', value: text.replace(/\r?\n$/, '')}})
    default:
      throw new Error(`outputs of type [${SimpleType[t]}] cannot be read from a file`)
  }
}
