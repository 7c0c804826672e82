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
  entity: string
  fields: Record<string, FieldSpec>
  joins?: Record<string, Record<string, FieldSpec>>
  /** Sort keys (FlyteAdmin: the entity's model columns) → SQL column; the filter fields when absent. */
  sortKeys?: Record<string, string>
}

export interface Condition {
  fn: string
  field: string
  /** Entity prefix as written, or the primary entity. */
  entity: string
  column: string
  sql: string
  params: SQLInputValue[]
}

const FUNCTIONS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_like', 'value_in', 'value_not_in'])
const TERM = /^([a-z_]+)\(([^,]+),\s?(.+)\)$/

export function parseFilters(filters: string, spec: EntityFields): Condition[] {
  const text = filters.trim()
  if (text === '') return []
  const out: Condition[] = []
  for (const raw of text.split('+')) {
    const term = raw.trim()
    const m = TERM.exec(term)
    if (!m) throw invalidArgument(`invalid value for filters: '${term}'`)
    const [, fn, rawField, rawValue] = m as unknown as [string, string, string, string]
    if (!FUNCTIONS.has(fn)) throw invalidArgument(`unrecognized filter function: ${fn}`)
    const {entity, field, fieldSpec} = resolveField(rawField.trim(), spec)
    const values = fn === 'value_in' || fn === 'value_not_in' ? rawValue.split(';') : [rawValue]
    const params = values.map((v) => convertValue(v.trim(), field, fieldSpec, fn))
    let sql = conditionSql(fn, fieldSpec.column, params.length)
    if (fieldSpec.exists) {
      sql = `EXISTS (SELECT 1 FROM ${fieldSpec.exists.table} WHERE ${fieldSpec.exists.correlate} AND ${sql})`
    }
    out.push({fn, field, entity, column: fieldSpec.column, sql, params})
  }
  return out
}

function resolveField(raw: string, spec: EntityFields): {entity: string; field: string; fieldSpec: FieldSpec} {
  let entity = spec.entity
  let field = raw
  const dot = raw.indexOf('.')
  if (dot >= 0) {
    entity = raw.slice(0, dot)
    field = raw.slice(dot + 1)
  }
  let fields: Record<string, FieldSpec> | undefined
  if (entity === spec.entity) fields = spec.fields
  else fields = spec.joins?.[entity]
  if (!fields) throw invalidArgument(`'${entity}' entity is not allowed in filters`)
  const fieldSpec = fields[field]
  if (!fieldSpec) throw invalidArgument(`'${entity}.${field}' is invalid filter`)
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
      if (micros === undefined) {
        throw invalidArgument(`invalid value '${value}' for filter on ${field}: expected an RFC3339 timestamp`)
      }
      return micros
    }
    case 'duration': {
      const micros = parseDurationMicros(value)
      if (micros === undefined) {
        throw invalidArgument(
          `invalid value '${value}' for filter on ${field}: expected seconds or a duration like 1m30s`,
        )
      }
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
  const column = spec.sortKeys ? spec.sortKeys[sort.key] : spec.fields[sort.key]?.column
  if (!column || !Object.hasOwn(spec.sortKeys ?? spec.fields, sort.key)) {
    throw invalidArgument(`invalid sort key '${sort.key}'`)
  }
  return `${column} ${sort.direction === 1 ? 'ASC' : 'DESC'}`
}

/** An offset token: empty = 0, otherwise a non-negative integer. */
export function parseToken(token: string, rpc?: string): number {
  if (token === '') return 0
  if (!/^\d+$/.test(token)) throw invalidArgument(`invalid pagination token ${token}${rpc ? ` for ${rpc}` : ''}`)
  return Number(token)
}
