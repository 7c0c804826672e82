/** One page of a list request: whitelisted filters, sort key, offset token and limit. */
import type {SQLInputValue} from 'node:sqlite'
import {invalidArgument} from '../errors.js'
import {parseFilters, parseToken, sortSql, type EntityFields} from '../filters.js'
import type {Database, Row} from './db.js'

export interface ListQuery {
  table: string
  /** Parameters of placeholders inside `table` (a subquery). */
  tableParams?: SQLInputValue[]
  fields: EntityFields
  /** Conditions always applied (the request's project/domain/name…). */
  where: {sql: string; params: SQLInputValue[]}[]
  filters: string
  sortBy?: {key: string; direction: number}
  defaultOrder: string
  limit: number
  token: string
  /** Named in the bad-token message, as FlyteAdmin does for some lists. */
  rpc?: string
  /** ListProjects treats limit 0 as "no limit"; everything else rejects it. */
  zeroLimitMeansAll?: boolean
  select?: string
  /** Adds conditions when the request's filters do not mention a field (e.g. hide archived). */
  defaults?: (fieldsUsed: Set<string>) => {sql: string; params: SQLInputValue[]}[]
}

export interface Page<T> {
  rows: T[]
  token: string
}

export function listPage<T = Row>(db: Database, q: ListQuery): Page<T> {
  if (q.limit < 0 || (q.limit === 0 && !q.zeroLimitMeansAll)) throw invalidArgument('invalid value for limit')
  const offset = parseToken(q.token, q.rpc)
  const conditions = parseFilters(q.filters, q.fields)
  const order = sortSql(q.sortBy, q.fields) ?? q.defaultOrder
  const used = new Set(conditions.map((c) => c.field))
  const clauses = [...q.where, ...(q.defaults?.(used) ?? []), ...conditions]
  const where = clauses.length > 0 ? ` WHERE ${clauses.map((c) => `(${c.sql})`).join(' AND ')}` : ''
  const params = [...(q.tableParams ?? []), ...clauses.flatMap((c) => c.params)]
  const limit = q.limit === 0 ? -1 : q.limit
  const sql = `SELECT ${q.select ?? 'data'} FROM ${q.table}${where} ORDER BY ${order} LIMIT ? OFFSET ?`
  const rows = db.all<T>(sql, ...params, limit, offset)
  const token = q.limit > 0 && rows.length === q.limit ? String(offset + rows.length) : ''
  return {rows, token}
}
