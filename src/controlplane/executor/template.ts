/**
 * Flyte's container argument templates, rendered the way the engine renders them before a container
 * starts: `{{.input}}`, `{{.inputPrefix}}`, `{{.outputPrefix}}`, `{{.rawOutputDataPrefix}}`,
 * `{{.checkpointOutputPrefix}}`, `{{.prevCheckpointPrefix}}`, `{{.perRetryUniqueKey}}`,
 * `{{.taskTemplatePath}}`, `{{.namespace}}` and `{{.inputs.<name>}}`. Names are case-insensitive,
 * the leading `.` may be `$`, spaces inside the braces are allowed. Pure; no I/O.
 */
import {timestampDate} from '@bufbuild/protobuf/wkt'
import {decode as msgpackDecode} from '@msgpack/msgpack'
import type {Literal, LiteralMap, Primitive} from '../../gen/flyteidl/core/literals_pb.js'

export interface TemplateParams {
  inputUri: string
  inputPrefix: string
  outputPrefix: string
  rawOutputDataPrefix: string
  checkpointOutputPrefix: string
  /** Empty on the first attempt; rendered as `""` then, like the engine does. */
  prevCheckpointPrefix: string
  perRetryUniqueKey: string
  taskTemplatePath?: string
  namespace: string
  inputs: LiteralMap
}

export class TemplateError extends Error {
  override name = 'TemplateError'
}

const re = (name: string) => new RegExp(`\\{\\{\\s*[.$]${name}\\s*\\}\\}`, 'gi')
const INPUT_FILE = re('Input')
const INPUT_PREFIX = re('InputPrefix')
const OUTPUT_PREFIX = re('OutputPrefix')
const RAW_OUTPUT = re('RawOutputDataPrefix')
const PREV_CHECKPOINT = re('PrevCheckpointPrefix')
const CHECKPOINT = re('CheckpointOutputPrefix')
const PER_RETRY_KEY = re('PerRetryUniqueKey')
const TASK_TEMPLATE = re('TaskTemplatePath')
const NAMESPACE = re('Namespace')
const INPUT_VAR = /\{\{\s*[.$]Inputs\.([^}\s]+)\s*\}\}/gi

export function renderArgs(args: readonly string[], params: TemplateParams): string[] {
  return args.map((a) => renderArg(a, params))
}

export function renderArg(arg: string, p: TemplateParams): string {
  // Function replacers: a `$` in a path must not be read as a replacement pattern.
  let val = arg.replace(INPUT_FILE, () => p.inputUri)
  val = val.replace(OUTPUT_PREFIX, () => p.outputPrefix)
  val = val.replace(INPUT_PREFIX, () => p.inputPrefix)
  val = val.replace(RAW_OUTPUT, () => p.rawOutputDataPrefix)
  val = val.replace(PREV_CHECKPOINT, () => p.prevCheckpointPrefix || '""')
  val = val.replace(CHECKPOINT, () => p.checkpointOutputPrefix)
  val = val.replace(PER_RETRY_KEY, () => p.perRetryUniqueKey)
  if (TASK_TEMPLATE.test(val)) {
    TASK_TEMPLATE.lastIndex = 0
    if (!p.taskTemplatePath) throw new TemplateError('{{.taskTemplatePath}} is not available for this task')
    val = val.replace(TASK_TEMPLATE, () => p.taskTemplatePath!)
  }
  val = val.replace(NAMESPACE, () => p.namespace)
  const errors: string[] = []
  val = val.replace(INPUT_VAR, (whole, name: string) => {
    const lit = p.inputs.literals[name]
    if (!lit) {
      errors.push(`input template [${whole}]: requested input is not found [${name}]`)
      return ''
    }
    try {
      return serializeLiteral(lit)
    } catch (err) {
      errors.push(`input template [${whole}]: failed to bind a value to inputName [${name}]: ${(err as Error).message}`)
      return ''
    }
  })
  if (errors.length > 0) throw new TemplateError(errors.join('; '))
  return val
}

/** How an input value is spelled on a command line (lists as `[a,b]`, files as their URI). */
export function serializeLiteral(l: Literal): string {
  switch (l.value.case) {
    case 'collection':
      return `[${l.value.value.literals.map(serializeLiteral).join(',')}]`
    case 'scalar': {
      const s = l.value.value.value
      switch (s.case) {
        case 'primitive':
          return serializePrimitive(s.value)
        case 'blob':
          return s.value.uri
        case 'schema':
          return s.value.uri
        case 'structuredDataset':
          return s.value.uri
        case 'binary': {
          if (s.value.tag !== 'msgpack') throw new TemplateError(`unsupported binary tag [${s.value.tag}]`)
          const v = msgpackDecode(s.value.value)
          return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)
        }
        default:
          throw new TemplateError(`received an unexpected scalar type [${s.case ?? 'empty'}]`)
      }
    }
    default:
      throw new TemplateError(`received an unexpected literal type [${l.value.case ?? 'empty'}]`)
  }
}

function serializePrimitive(p: Primitive): string {
  switch (p.value.case) {
    case 'integer':
      return p.value.value.toString()
    case 'floatValue':
      return String(p.value.value)
    case 'stringValue':
      return p.value.value
    case 'boolean':
      return String(p.value.value)
    case 'datetime':
      return timestampDate(p.value.value).toISOString()
    case 'duration': {
      const d = p.value.value
      const nanos = d.nanos === 0 ? '' : `.${String(Math.abs(d.nanos)).padStart(9, '0').replace(/0+$/, '')}`
      return `${d.seconds.toString()}${nanos}s`
    }
    default:
      throw new TemplateError('received an empty primitive')
  }
}
