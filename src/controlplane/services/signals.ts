/**
 * SignalService as FlyteAdmin implements it: gate nodes create their signal (GetOrCreateSignal, keyed
 * by execution and signal id), clients list them and set a value (SetSignal) that must be castable to
 * the signal's type; the gate picks the value up on its next round.
 */
import {create, fromBinary, toBinary} from '@bufbuild/protobuf'
import {
  SignalListSchema,
  SignalSchema,
  SignalSetResponseSchema,
  type Signal,
  type SignalGetOrCreateRequest,
  type SignalList,
  type SignalListRequest,
  type SignalSetRequest,
  type SignalSetResponse,
} from '../../gen/flyteidl/admin/signal_pb.js'
import {SignalIdentifierSchema, type SignalIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {LiteralSchema, type Literal} from '../../gen/flyteidl/core/literals_pb.js'
import {LiteralTypeSchema, SimpleType, type LiteralType} from '../../gen/flyteidl/core/types_pb.js'
import type {PlaneContext} from '../context.js'
import {invalidArgument, missing, notFound} from '../errors.js'
import type {EntityFields} from '../filters.js'
import {listPage} from '../store/list.js'
import {nowMicros} from '../time.js'
import {requireString} from '../validation.js'

export const SIGNAL_FIELDS: EntityFields = {
  entity: 's',
  fields: {
    project: {column: 'project', kind: 'text'},
    domain: {column: 'domain', kind: 'text'},
    name: {column: 'execution_name', kind: 'text'},
    execution_project: {column: 'project', kind: 'text'},
    execution_domain: {column: 'domain', kind: 'text'},
    execution_name: {column: 'execution_name', kind: 'text'},
    signal_id: {column: 'signal_id', kind: 'text'},
    created_at: {column: 'created_at', kind: 'time'},
    updated_at: {column: 'updated_at', kind: 'time'},
  },
}

interface SignalRow {
  project: string
  domain: string
  execution_name: string
  signal_id: string
  type: Uint8Array
  value: Uint8Array | null
}

function toSignal(row: SignalRow): Signal {
  return create(SignalSchema, {
    id: create(SignalIdentifierSchema, {
      signalId: row.signal_id,
      executionId: {project: row.project, domain: row.domain, name: row.execution_name},
    }),
    type: fromBinary(LiteralTypeSchema, row.type),
    ...(row.value ? {value: fromBinary(LiteralSchema, row.value)} : {}),
  })
}

function requireSignalId(id: SignalIdentifier | undefined): {
  project: string
  domain: string
  name: string
  signalId: string
} {
  if (!id) throw missing('id')
  const ex = id.executionId
  if (!ex) throw missing('execution_id')
  requireString(ex.project, 'project')
  requireString(ex.domain, 'domain')
  requireString(ex.name, 'name')
  requireString(id.signalId, 'signal_id')
  return {project: ex.project, domain: ex.domain, name: ex.name, signalId: id.signalId}
}

const SELECT = 'SELECT project, domain, execution_name, signal_id, type, value FROM signals'
const KEY = 'project = ? AND domain = ? AND execution_name = ? AND signal_id = ?'

export function getOrCreateSignal(ctx: PlaneContext, req: SignalGetOrCreateRequest): Signal {
  const k = requireSignalId(req.id)
  if (!req.type) throw missing('type')
  const type = req.type
  return ctx.db.transaction(() => {
    const params = [k.project, k.domain, k.name, k.signalId] as const
    let row = ctx.db.get<SignalRow>(`${SELECT} WHERE ${KEY}`, ...params)
    if (!row) {
      const now = nowMicros()
      ctx.db.run(
        `INSERT INTO signals (project, domain, execution_name, signal_id, type, value, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?)`,
        ...params,
        toBinary(LiteralTypeSchema, type),
        now,
        now,
      )
      row = ctx.db.get<SignalRow>(`${SELECT} WHERE ${KEY}`, ...params)!
    }
    return toSignal(row)
  })
}

export function listSignals(ctx: PlaneContext, req: SignalListRequest): SignalList {
  const ex = req.workflowExecutionId
  if (!ex) throw missing('workflow_execution_id')
  requireString(ex.project, 'project')
  requireString(ex.domain, 'domain')
  requireString(ex.name, 'name')
  const page = listPage<SignalRow>(ctx.db, {
    table: 'signals',
    select: 'project, domain, execution_name, signal_id, type, value',
    fields: SIGNAL_FIELDS,
    where: [{sql: 'project = ? AND domain = ? AND execution_name = ?', params: [ex.project, ex.domain, ex.name]}],
    filters: req.filters,
    sortBy: req.sortBy,
    defaultOrder: 'created_at ASC',
    limit: req.limit,
    token: req.token,
    rpc: 'ListSignals',
  })
  return create(SignalListSchema, {signals: page.rows.map(toSignal), token: page.token})
}

const PRIMITIVE_TYPES: Record<string, SimpleType> = {
  integer: SimpleType.INTEGER,
  floatValue: SimpleType.FLOAT,
  stringValue: SimpleType.STRING,
  boolean: SimpleType.BOOLEAN,
  datetime: SimpleType.DATETIME,
  duration: SimpleType.DURATION,
}

/** What can be told for sure: a primitive value for a different simple type is not castable. */
function castable(value: Literal, type: LiteralType): boolean {
  if (type.type.case !== 'simple') return true
  if (value.value.case !== 'scalar') return false
  const scalar = value.value.value.value
  if (scalar.case === 'noneType') return type.type.value === SimpleType.NONE
  if (scalar.case !== 'primitive') return true
  const given = PRIMITIVE_TYPES[scalar.value.value.case ?? '']
  return given === type.type.value
}

function literalText(l: Literal): string {
  if (l.value.case === 'scalar' && l.value.value.value.case === 'primitive') {
    const p = l.value.value.value.value.value
    return `${p.case}:${String(p.value)}`
  }
  return l.value.case ?? 'empty'
}

function typeText(t: LiteralType): string {
  return t.type.case === 'simple' ? `simple:${SimpleType[t.type.value]}` : (t.type.case ?? 'unknown')
}

export function setSignal(ctx: PlaneContext, req: SignalSetRequest): SignalSetResponse {
  const k = requireSignalId(req.id)
  if (!req.value) throw missing('value')
  const value = req.value
  ctx.db.transaction(() => {
    const params = [k.project, k.domain, k.name, k.signalId] as const
    const row = ctx.db.get<SignalRow>(`${SELECT} WHERE ${KEY}`, ...params)
    if (!row) {
      throw invalidArgument(
        `failed to validate that signal [${k.signalId}] exists, err: [signal [${k.signalId}] of execution [${k.project}/${k.domain}/${k.name}] does not exist; it is created when the gate node starts waiting]`,
      )
    }
    const type = fromBinary(LiteralTypeSchema, row.type)
    if (!castable(value, type)) {
      throw invalidArgument(
        `requested signal value [${literalText(value)}] is not castable to existing signal type [${typeText(type)}]`,
      )
    }
    const r = ctx.db.run(
      `UPDATE signals SET value = ?, updated_at = ? WHERE ${KEY}`,
      toBinary(LiteralSchema, value),
      nowMicros(),
      ...params,
    )
    if (r.changes === 0) throw notFound('signal does not exist')
  })
  return create(SignalSetResponseSchema)
}
