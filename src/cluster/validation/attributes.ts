/**
 * What FlyteAdmin and the Kubernetes API would refuse in a matchable-attribute message, found
 * before anything is sent: enum values outside their enum (at any depth), resource quantities that
 * do not parse, negative parallelism, plugin overrides without a task type.
 */
import type {DescMessage, Message} from '@bufbuild/protobuf'
import {quantityProblem} from './quantity.js'

/** Every enum value in `message` that its enum does not define, as `path: value`. */
export function enumProblems(schema: DescMessage, message: Message, path = ''): string[] {
  const problems: string[] = []
  const record = message as unknown as Record<string, unknown>
  for (const field of schema.fields) {
    let value: unknown
    if (field.oneof) {
      const slot = record[field.oneof.localName] as {case?: string; value?: unknown} | undefined
      if (slot?.case !== field.localName) continue
      value = slot.value
    } else value = record[field.localName]
    const at = path ? `${path}.${field.name}` : field.name
    const checkEnum = (v: unknown, where: string, values: readonly {number: number}[], enumName: string) => {
      if (typeof v === 'number' && !values.some((e) => e.number === v)) {
        const allowed = values.map((e) => e.number).join(', ')
        problems.push(`${where}: ${v} is not a ${enumName} (allowed: ${allowed})`)
      }
    }
    if (field.fieldKind === 'enum') checkEnum(value, at, field.enum.values, field.enum.name)
    else if (field.fieldKind === 'message' && value) problems.push(...enumProblems(field.message, value as Message, at))
    else if (field.fieldKind === 'list' && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (field.listKind === 'enum') checkEnum(item, `${at}[${i}]`, field.enum.values, field.enum.name)
        if (field.listKind === 'message') problems.push(...enumProblems(field.message, item as Message, `${at}[${i}]`))
      })
    } else if (field.fieldKind === 'map' && value && typeof value === 'object') {
      for (const [k, item] of Object.entries(value)) {
        if (field.mapKind === 'enum') checkEnum(item, `${at}.${k}`, field.enum.values, field.enum.name)
        if (field.mapKind === 'message') problems.push(...enumProblems(field.message, item as Message, `${at}.${k}`))
      }
    }
  }
  return problems
}

const QUANTITY_FIELDS = ['cpu', 'gpu', 'memory', 'storage', 'ephemeralStorage'] as const
const SNAKE: Record<string, string> = {ephemeralStorage: 'ephemeral_storage'}

/** The first problem of an attribute message of kind `target`, or undefined. */
export function attributeProblem(target: string, schema: DescMessage, value: Message): string | undefined {
  const v = value as unknown as Record<string, unknown>
  if (target === 'taskResourceAttributes') {
    for (const part of ['defaults', 'limits'] as const) {
      const spec = v[part] as Record<string, string> | undefined
      if (!spec) continue
      for (const key of QUANTITY_FIELDS) {
        const q = spec[key]
        if (q === undefined || q === '') continue
        const problem = quantityProblem(q)
        if (problem) return `${part}.${SNAKE[key] ?? key}: ${problem}`
      }
    }
  }
  if (target === 'workflowExecutionConfig' && typeof v.maxParallelism === 'number' && v.maxParallelism < 0)
    return `max_parallelism: ${v.maxParallelism} is negative (0 means the platform default)`
  if (target === 'pluginOverrides') {
    const overrides = (v.overrides as Array<{taskType?: string}> | undefined) ?? []
    const i = overrides.findIndex((o) => !o.taskType)
    if (i >= 0) return `overrides[${i}].task_type is required`
  }
  return enumProblems(schema, value)[0]
}

/**
 * YAML reads `cpu: 2` and `memory: 1e9` as numbers where the attrFile wants quantity strings:
 * take them as the quantities they spell (Kubernetes does), in place, before decoding.
 */
export function quantitiesAsText(target: string, body: Record<string, unknown>): void {
  if (target !== 'taskResourceAttributes') return
  for (const part of ['defaults', 'limits']) {
    const spec = body[part]
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) continue
    for (const [key, value] of Object.entries(spec as Record<string, unknown>))
      if (typeof value === 'number') (spec as Record<string, unknown>)[key] = String(value)
  }
}

/** protobuf-es's decode error, said with the attrFile's own key names. */
export function decodeProblem(message: string): string {
  const field = /^cannot decode field [\w.]+\.(\w+) from JSON: (.*)$/s.exec(message)
  if (field) return `${field[1]}: ${field[2]}`
  return message.replace(/^cannot decode message [\w.]+ from JSON: /, '')
}
