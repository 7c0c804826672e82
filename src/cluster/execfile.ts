/**
 * The execution spec file flytectl reads with `create execution --execFile` and writes with
 * `get task|launchplan <name> --execFile`. Same keys and order as Go flytectl; reading is lenient
 * (an unknown key is a warning with the closest known key), but a wrong type is an error.
 */
import {isMap, isScalar, type Pair, type Scalar, type YAMLMap} from 'yaml'
import {parseYamlChecked} from '../cli/validate-yaml.js'
import {yamlDocument, yamlDocumentText} from '../cli/yaml-text.js'
import {CliError} from '../cli/errors.js'
import {closest} from '../config/keys.js'
import type {Task} from '../gen/flyteidl/admin/task_pb.js'
import type {LaunchPlan} from '../gen/flyteidl/admin/launch_plan_pb.js'
import type {LiteralType} from '../gen/flyteidl/core/types_pb.js'
import {defaultValueForType, valueFromLiteral} from '../literals/convert.js'

/** The file's fields (Go `ExecutionConfig`); every one optional. */
export interface ExecFileConfig {
  execFile?: string
  targetDomain?: string
  targetProject?: string
  targetExecutionCluster?: string
  kubeServiceAcct?: string
  iamRoleARN?: string
  relaunch?: string
  recover?: string
  dryRun?: boolean
  version?: string
  clusterPool?: string
  overwriteCache?: boolean
  workflow?: string
  task?: string
  inputs?: Record<string, unknown>
  envs?: Record<string, string>
}

type FieldKind = 'string' | 'boolean' | 'inputs' | 'envs'

const FIELDS: Record<keyof ExecFileConfig, FieldKind> = {
  execFile: 'string',
  targetDomain: 'string',
  targetProject: 'string',
  targetExecutionCluster: 'string',
  kubeServiceAcct: 'string',
  iamRoleARN: 'string',
  relaunch: 'string',
  recover: 'string',
  dryRun: 'boolean',
  version: 'string',
  clusterPool: 'string',
  overwriteCache: 'boolean',
  workflow: 'string',
  task: 'string',
  inputs: 'inputs',
  envs: 'envs',
}

export interface ParsedExecFile {
  config: ExecFileConfig
  /** Unknown keys, each with a suggestion when one is close. */
  warnings: string[]
}

function invalid(source: string, message: string, hint?: string): CliError {
  return new CliError('invalid-input', `execFile ${source}: ${message}`, {
    hint: hint ?? 'Generate a valid file with `flytectl get launchplan|task <name> --execFile <file>`.',
  })
}

/**
 * Parse an execFile's text. `source` (the path) names the file in messages. Exactly one of `task` and
 * `workflow` is required; everything else is optional.
 */
export function parseExecFile(text: string, source = 'execFile'): ParsedExecFile {
  const checked = parseYamlChecked(text, {intAsBigInt: true})
  if (!checked.doc) throw invalid(source, checked.problem.replace(/^is /, ''))
  const doc = checked.doc
  const root: unknown = doc.toJS({maxAliasCount: 100})
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw invalid(source, 'expected a map of keys such as workflow, version and inputs at the top level')
  }
  const config: Record<string, unknown> = {}
  const warnings: string[] = []
  const known = Object.keys(FIELDS)
  for (const [key, value] of Object.entries(root as Record<string, unknown>)) {
    const kind = FIELDS[key as keyof ExecFileConfig]
    if (!kind) {
      const suggestion = closest(key, known)
      warnings.push(`execFile ${source}: unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`)
      continue
    }
    if (value === null || value === undefined) continue
    config[key] = checkField(source, key, kind, value)
  }
  if (Boolean(config.task) === Boolean(config.workflow)) {
    throw invalid(source, 'either task or workflow name should be specified to launch an execution')
  }
  return {config: config as ExecFileConfig, warnings}
}

function checkField(source: string, key: string, kind: FieldKind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw invalid(source, `"${key}" must be a string, got ${describe(value)}`)
      return value
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(source, `"${key}" must be true or false, got ${describe(value)}`)
      return value
    case 'inputs':
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw invalid(source, `"inputs" must be a map of input name to value, got ${describe(value)}`)
      }
      return value
    case 'envs': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw invalid(source, `"envs" must be a map of name to string, got ${describe(value)}`)
      }
      const envs: Record<string, string> = {}
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw invalid(source, `"envs.${k}" must be a string, got ${describe(v)}`)
        envs[k] = v
      }
      return envs
    }
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object' && value !== null) return 'a map'
  return `${typeof value === 'bigint' ? 'number' : typeof value} ${String(value)}`
}

export type ExecFileEntityKind = 'task' | 'launchplan'

interface InputSpec {
  name: string
  type?: LiteralType
  description: string
  value: unknown
}

function inputsOf(entity: Task | LaunchPlan, kind: ExecFileEntityKind, now: Date): InputSpec[] {
  if (kind === 'task') {
    const vars = (entity as Task).closure?.compiledTask?.template?.interface?.inputs?.variables ?? {}
    return Object.entries(vars).map(([name, v]) => ({
      name,
      type: v.type,
      description: v.description,
      value: defaultValueForType(v.type, now),
    }))
  }
  const lp = entity as LaunchPlan
  const fixed = lp.spec?.fixedInputs?.literals ?? {}
  const params = lp.closure?.expectedInputs?.parameters ?? lp.spec?.defaultInputs?.parameters ?? {}
  return Object.entries(params)
    .filter(([name]) => !(name in fixed))
    .map(([name, p]) => ({
      name,
      type: p.var?.type,
      description: p.var?.description ?? '',
      value: p.behavior.case === 'default' ? valueFromLiteral(p.behavior.value) : defaultValueForType(p.var?.type, now),
    }))
}

/**
 * The execFile text for a task or launch plan: every input with its default (the launch plan's default
 * when it has one, else a placeholder of the right type), descriptions as line comments, and the keys
 * in flytectl's order. Fixed launch-plan inputs are left out: they cannot be overridden.
 */
export function execFileFromInterface(entity: Task | LaunchPlan, kind: ExecFileEntityKind, now = new Date()): string {
  const inputs = inputsOf(entity, kind, now).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const body: Record<string, unknown> = {
    iamRoleARN: '',
    inputs: Object.fromEntries(inputs.map((i) => [i.name, i.value])),
    envs: {},
    kubeServiceAcct: '',
    targetDomain: '',
    targetProject: '',
    [kind === 'task' ? 'task' : 'workflow']: entity.id?.name ?? '',
    version: entity.id?.version ?? '',
  }
  const doc = yamlDocument(body)
  const inputsNode = doc.get('inputs', true)
  if (isMap(inputsNode)) {
    for (const pair of (inputsNode as YAMLMap).items as Pair<Scalar, unknown>[]) {
      const spec = inputs.find((i) => i.name === pair.key.value)
      const description = spec?.description.trim().replace(/\s*\n\s*/g, ' ')
      if (!description || description === spec?.name) continue
      if (isScalar(pair.value)) pair.value.comment = ` ${description}`
      else pair.key.comment = ` ${description}`
    }
  }
  return yamlDocumentText(doc, {indentSeq: false})
}
