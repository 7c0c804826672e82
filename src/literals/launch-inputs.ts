/**
 * Launch inputs, checked once for every way of launching: `create execution` (execFile values) and
 * the console's launch form (typed form values). A launch plan's defaults fill what is left out,
 * its fixed inputs cannot change, required inputs must be given, and each value must fit its type.
 */
import {create} from '@bufbuild/protobuf'
import {IdentifierSchema, ResourceType, type Identifier} from '../gen/flyteidl/core/identifier_pb.js'
import type {LaunchPlan} from '../gen/flyteidl/admin/launch_plan_pb.js'
import type {Task} from '../gen/flyteidl/admin/task_pb.js'
import type {Literal} from '../gen/flyteidl/core/literals_pb.js'
import {LiteralTypeSchema, SimpleType, type LiteralType} from '../gen/flyteidl/core/types_pb.js'
import {describeType, literalFromValue, LiteralConversionError, sameValue} from './convert.js'

/** A launch plan's or task's id as callers have it. */
export interface LaunchId {
  project: string
  domain: string
  name: string
  version: string
}

/** What can be launched and the inputs it takes. */
export interface LaunchTarget {
  id: Identifier
  variables: Record<string, {type?: LiteralType | undefined}>
  defaults: Record<string, Literal>
  required: string[]
  fixed: Record<string, Literal>
}

export type LaunchInputProblem = 'fixed' | 'unknown' | 'type' | 'missing'

/** An input the target refuses; `input` names it (or the missing ones, comma-separated). */
export class LaunchInputError extends Error {
  constructor(
    readonly problem: LaunchInputProblem,
    readonly input: string,
    message: string,
    /** For `type`: what to give instead (`Give [n] as integer; the input is integer.`). */
    readonly advice = '',
    /** For `unknown`: the inputs the target does take. */
    readonly known: string[] = [],
  ) {
    super(message)
    this.name = 'LaunchInputError'
  }
}

export function launchTargetFromTask(task: Task, id: LaunchId): LaunchTarget {
  const vars = task.closure?.compiledTask?.template?.interface?.inputs?.variables ?? {}
  return {
    id: create(IdentifierSchema, {...id, resourceType: ResourceType.TASK}),
    variables: vars,
    defaults: {},
    required: Object.keys(vars),
    fixed: {},
  }
}

export function launchTargetFromLaunchPlan(lp: LaunchPlan, id: LaunchId): LaunchTarget {
  const params = {...(lp.spec?.defaultInputs?.parameters ?? {}), ...(lp.closure?.expectedInputs?.parameters ?? {})}
  const defaults: Record<string, Literal> = {}
  const required: string[] = []
  for (const [k, p] of Object.entries(params)) {
    if (p.behavior.case === 'default') defaults[k] = p.behavior.value
    else if (p.behavior.case === 'required' && p.behavior.value) required.push(k)
  }
  return {
    id: create(IdentifierSchema, {...id, resourceType: ResourceType.LAUNCH_PLAN}),
    variables: Object.fromEntries(Object.entries(params).map(([k, p]) => [k, {type: p.var?.type}])),
    defaults,
    required,
    fixed: lp.spec?.fixedInputs?.literals ?? {},
  }
}

/** Values by input name → the literals to launch with (defaults included). Throws LaunchInputError. */
export function convertLaunchInputs(target: LaunchTarget, values: Record<string, unknown>): Record<string, Literal> {
  const literals: Record<string, Literal> = {...target.defaults}
  const known = Object.keys(target.variables).sort()
  for (const [name, value] of Object.entries(values)) {
    const variable = target.variables[name]
    if (target.fixed[name] && !variable) {
      const fixedType = inferType(target.fixed[name])
      const given = fixedType ? safe(() => literalFromValue(value, fixedType, name)) : undefined
      if (given && sameValue(given, target.fixed[name])) continue
      throw new LaunchInputError('fixed', name, `input [${name}] is fixed by the launch plan and cannot be overridden`)
    }
    if (!variable?.type) {
      throw new LaunchInputError(
        'unknown',
        name,
        `no matching type for [${name}]: the ${target.id.resourceType === ResourceType.TASK ? 'task' : 'launch plan'} has no input of that name`,
        '',
        known,
      )
    }
    try {
      literals[name] = literalFromValue(value, variable.type, name)
    } catch (err) {
      if (err instanceof LiteralConversionError) {
        throw new LaunchInputError(
          'type',
          err.path,
          err.message,
          `Give [${err.path}] as ${err.expected}; the input is ${describeType(variable.type)}.`,
        )
      }
      throw err
    }
  }
  const missing = target.required.filter((r) => !(r in literals))
  if (missing.length > 0) {
    throw new LaunchInputError(
      'missing',
      missing.sort().join(', '),
      `missing required input${missing.length > 1 ? 's' : ''} [${missing.join(', ')}]`,
    )
  }
  return literals
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch {
    return undefined
  }
}

/** The type of a fixed literal's value, for comparing a given value with it (scalars only). */
function inferType(literal: Literal | undefined): LiteralType | undefined {
  if (literal?.value.case !== 'scalar' || literal.value.value.value.case !== 'primitive') return undefined
  const p = literal.value.value.value.value.value
  const codes: Record<string, SimpleType> = {
    integer: SimpleType.INTEGER,
    floatValue: SimpleType.FLOAT,
    stringValue: SimpleType.STRING,
    boolean: SimpleType.BOOLEAN,
    datetime: SimpleType.DATETIME,
    duration: SimpleType.DURATION,
  }
  const simple = p.case ? codes[p.case] : undefined
  return simple === undefined ? undefined : create(LiteralTypeSchema, {type: {case: 'simple', value: simple}})
}
