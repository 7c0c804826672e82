/**
 * FlyteAdmin's list-request grammar, checked and turned into SQL over whitelisted columns:
 * filters `fn(field,value)` joined by `+` (fn: eq ne gt gte lt lte contains not_like value_in value_not_in,
 * list values separated by `;`), sort keys and offset tokens.
 */
import type {SQLInputValue} from 'node:sqlite'
import {invalidArgument} from './errors.js'

export type FieldKind = 'text' | 'int' | 'time' | 'duration' | 'bool'

export interface FieldSpec {
  column: string
  kind: FieldKind
  /** Enum names accepted in place of numbers (int fields) — e.g. state ACTIVE/ARCHIVED. */
  names?: Record<string, number>
  /** A multi-valued field in another table: the condition holds when any related row matches. */
  exists?: {table: string; correlate: string}
}

/** The fields one list endpoint accepts: the primary entity's own and those of entities it may join. */
export interface EntityFields {
  /** FlyteAdmin's entity code (common/entity.go): e, l, t, w, nen, nem, p, ne, te, … */
  entity: string
  /** Filterable columns the plane stores, by FlyteAdmin's column name (models/*.go). */
  fields: Record<string, FieldSpec>
  /** Other entities' columns, by entity code. */
  joins?: Record<string, Record<string, FieldSpec>>
  /** Sort keys (FlyteAdmin: the entity's model columns) → SQL column; the filter fields when absent. */
  sortKeys?: Record<string, string>
}

export interface Condition {
  fn: string
  field: string
  /** The entity code the field belongs to. */
  entity: string
  column: string
  sql: string
  params: SQLInputValue[]
}

/** Field prefixes naming another entity (manager/impl/util/filters.go filterFieldEntityPrefix). */
const ENTITY_PREFIXES: Record<string, string> = {
  task: 't',
  workflow: 'w',
  launch_plan: 'l',
  execution: 'e',
  node_execution: 'ne',
  task_execution: 'te',
  entities: 'nen',
  named_entity_metadata: 'nem',
  project: 'p',
  signal: 's',
  admin_tag: 'at',
  execution_admin_tag: 'eat',
  execution_tag: 'et',
}

/** Which entities a primary entity's filters may name (manager/impl/util/filters.go allowedJoinEntities). */
const ALLOWED_JOINS: Record<string, string[]> = {
  e: ['e', 'l', 'w', 't', 'at', 'et'],
  l: ['l', 'w'],
  ne: ['ne', 'e'],
  nee: ['nee'],
  t: ['t'],
  te: ['te', 't', 'e', 'ne'],
  w: ['w'],
  nen: ['nen', 'nem'],
  nem: ['nem'],
  p: ['p'],
  s: ['s'],
  at: ['at'],
  et: ['et'],
}

const BASE = ['id', 'created_at', 'updated_at', 'deleted_at']
const EXEC_KEY = ['execution_project', 'execution_domain', 'execution_name']
const ENTITY_KEY = ['project', 'domain', 'name', 'version']

/** Each entity's columns as FlyteAdmin's GORM models name them (repositories/models/*.go). */
export const ADMIN_COLUMNS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    e: [
      ...BASE,
      ...EXEC_KEY,
      'launch_plan_id',
      'workflow_id',
      'task_id',
      'phase',
      'closure',
      'spec',
      'started_at',
      'execution_created_at',
      'execution_updated_at',
      'duration',
      'abort_cause',
      'mode',
      'source_execution_id',
      'parent_node_execution_id',
      'cluster',
      'inputs_uri',
      'user_inputs_uri',
      'error_kind',
      'error_code',
      'user',
      'state',
      'launch_entity',
      // The plane's own, by name (FlyteAdmin filters on the row ids in parent_node_execution_id and
      // source_execution_id, which clients cannot know): documented in the README.
      'parent_execution',
      'source_execution',
    ],
    l: [
      ...BASE,
      ...ENTITY_KEY,
      'spec',
      'workflow_id',
      'closure',
      'state',
      'digest',
      'schedule_type',
      'launch_condition_type',
    ],
    t: [...BASE, ...ENTITY_KEY, 'closure', 'digest', 'type', 'short_description'],
    w: [...BASE, ...ENTITY_KEY, 'typed_interface', 'remote_closure_identifier', 'digest', 'short_description'],
    nen: ['resource_type', 'project', 'domain', 'name', 'description', 'state'],
    nem: [...BASE, 'resource_type', 'project', 'domain', 'name', 'description', 'state'],
    p: [...BASE, 'identifier', 'name', 'description', 'labels', 'state'],
    ne: [
      ...BASE,
      ...EXEC_KEY,
      'node_id',
      'phase',
      'input_uri',
      'closure',
      'started_at',
      'node_execution_created_at',
      'node_execution_updated_at',
      'duration',
      'node_execution_metadata',
      'parent_id',
      'parent_task_execution_id',
      'error_kind',
      'error_code',
      'cache_status',
      'dynamic_workflow_remote_closure_reference',
      'internal_data',
    ],
    te: [
      ...BASE,
      ...ENTITY_KEY,
      ...EXEC_KEY,
      'node_id',
      'retry_attempt',
      'phase',
      'phase_version',
      'input_uri',
      'closure',
      'started_at',
      'task_execution_created_at',
      'task_execution_updated_at',
      'duration',
    ],
    s: [...BASE, ...EXEC_KEY, 'signal_id', 'type', 'value'],
    at: [...BASE, 'name'],
    et: [...BASE, ...EXEC_KEY, 'key', 'value'],
  }).map(([k, v]) => [k, new Set(v)]),
)

const FUNCTIONS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_like', 'value_in', 'value_not_in'])

// Matches filters of the form `func(field,value)` or `func(field, value)`, as FlyteAdmin's regex
// (unanchored and greedy: `eq(name,a,b)` has the field `name,a`).
const TERM = /(.+)\((.+),\s?(.+)\)/

export function parseFilters(filters: string, spec: EntityFields): Condition[] {
  if (filters === '') return []
  const out: Condition[] = []
  for (const term of filters.split('+')) {
    const m = TERM.exec(term)
    if (!m) throw invalidArgument('invalid value for filters')
    const [, fn, rawField, rawValue] = m as unknown as [string, string, string, string]
    const {entity, field, fieldSpec} = resolveField(rawField, spec)
    const repeated = fn === 'value_in' || fn === 'value_not_in'
    const values = rawValue.split(';')
    const params = values.map((v) => convertValue(v, field, fieldSpec, fn))
    if (!FUNCTIONS.has(fn)) throw invalidArgument(`unrecognized filter function: ${fn}`)
    let sql = conditionSql(fn, fieldSpec.column, repeated ? params.length : 1)
    if (fieldSpec.exists) {
      sql = `EXISTS (SELECT 1 FROM ${fieldSpec.exists.table} WHERE ${fieldSpec.exists.correlate} AND ${sql})`
    }
    out.push({fn, field, entity, column: fieldSpec.column, sql, params: repeated ? params : params.slice(0, 1)})
  }
  return out
}

function resolveField(raw: string, spec: EntityFields): {entity: string; field: string; fieldSpec: FieldSpec} {
  let entity = spec.entity
  let field = raw
  for (const [prefix, code] of Object.entries(ENTITY_PREFIXES)) {
    if (raw.startsWith(`${prefix}.`)) {
      entity = code
      field = raw.slice(prefix.length + 1)
      break
    }
  }
  if (!(ALLOWED_JOINS[spec.entity] ?? [spec.entity]).includes(entity)) {
    throw invalidArgument(`'${entity}' entity is not allowed in filters`)
  }
  if (!ADMIN_COLUMNS[entity]?.has(field)) throw invalidArgument(`'${entity}.${field}' is invalid filter`)
  const fields = entity === spec.entity ? spec.fields : spec.joins?.[entity]
  const fieldSpec = fields?.[field]
  if (!fieldSpec) {
    throw invalidArgument(`filter on '${entity}.${field}' is not supported by the embedded control plane`)
  }
  return {entity, field, fieldSpec}
}

function conditionSql(fn: string, column: string, count: number): string {
  switch (fn) {
    case 'eq':
      return `${column} = ?`
    case 'ne':
      return `${column} != ?`
    case 'gt':
      return `${column} > ?`
    case 'gte':
      return `${column} >= ?`
    case 'lt':
      return `${column} < ?`
    case 'lte':
      return `${column} <= ?`
    case 'contains':
      return `${column} LIKE ? ESCAPE '\\'`
    case 'not_like':
      return `${column} NOT LIKE ?`
    case 'value_in':
      return `${column} IN (${new Array(count).fill('?').join(', ')})`
    default:
      return `${column} NOT IN (${new Array(count).fill('?').join(', ')})`
  }
}

function convertValue(value: string, field: string, spec: FieldSpec, fn: string): SQLInputValue {
  if (fn === 'contains') {
    return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  }
  switch (spec.kind) {
    case 'text':
      return value
    case 'bool':
      if (value === 'true' || value === '1') return 1
      if (value === 'false' || value === '0') return 0
      throw invalidArgument(`invalid value '${value}' for filter on ${field}: expected true or false`)
    case 'int': {
      if (spec.names && value.toUpperCase() in spec.names) return spec.names[value.toUpperCase()]!
      if (/^-?\d+$/.test(value)) return Number(value)
      throw invalidArgument(`invalid value '${value}' for filter on ${field}: expected an integer`)
    }
    case 'time': {
      const micros = parseTimeMicros(value)
      // FlyteAdmin's message for a timestamp it cannot parse (manager/impl/util/filters.go prepareValues).
      if (micros === undefined) throw invalidArgument(`Timestamp ${value} must conform to RFC3339 Nano spec`)
      return micros
    }
    case 'duration': {
      const micros = parseDurationMicros(value)
      if (micros === undefined) throw invalidArgument(`Failed to parse duration [${value}]`)
      return micros
    }
  }
}

/** RFC3339 (with optional fractional seconds up to nanoseconds) → microseconds since the epoch. */
export function parseTimeMicros(value: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value)
  if (!m) return undefined
  const ms = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(ms)) return undefined
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6)
  return ms * 1000 + Number(frac)
}

const DURATION_UNITS: Record<string, number> = {ns: 0.001, us: 1, µs: 1, ms: 1000, s: 1e6, m: 60e6, h: 3600e6}

/** Seconds (`200`, `1.5`) or a Go duration (`1h2m3.5s`) → microseconds. */
export function parseDurationMicros(value: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1e6)
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
  let total = 0
  let consumed = 0
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!
    consumed = re.lastIndex
  }
  if (consumed === 0 || consumed !== value.length) return undefined
  return Math.round(total)
}

/** `ORDER BY` for a sort key (a column of the primary entity), or undefined when none is given. */
export function sortSql(sort: {key: string; direction: number} | undefined, spec: EntityFields): string | undefined {
  if (!sort) return undefined
  const known = spec.sortKeys ? Object.hasOwn(spec.sortKeys, sort.key) : ADMIN_COLUMNS[spec.entity]?.has(sort.key)
  if (!known) throw invalidArgument(`invalid sort key '${sort.key}'`)
  const column = spec.sortKeys ? spec.sortKeys[sort.key] : spec.fields[sort.key]?.column
  if (!column) throw invalidArgument(`sort key '${sort.key}' is not supported by the embedded control plane`)
  return `${column} ${sort.direction === 1 ? 'ASC' : 'DESC'}`
}

/** An offset token: empty = 0, otherwise a non-negative integer. */
export function parseToken(token: string, rpc?: string): number {
  if (token === '') return 0
  if (!/^\d+$/.test(token)) throw invalidArgument(`invalid pagination token ${token}${rpc ? ` for ${rpc}` : ''}`)
  return Number(token)
}
