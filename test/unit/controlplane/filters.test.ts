import assert from 'node:assert/strict'
import {test} from 'node:test'
import {
  parseDurationMicros,
  parseFilters,
  parseTimeMicros,
  parseToken,
  sortSql,
  type EntityFields,
} from '../../../src/controlplane/filters.js'

const FIELDS: EntityFields = {
  entity: 'e',
  fields: {
    execution_name: {column: 'name', kind: 'text'},
    phase: {column: 'phase', kind: 'text'},
    state: {column: 'state', kind: 'int', names: {ACTIVE: 0, ARCHIVED: 1}},
    created_at: {column: 'created_at', kind: 'time'},
    duration: {column: 'duration', kind: 'duration'},
  },
  joins: {l: {name: {column: 'launch_plan_name', kind: 'text'}}},
}

test('flytectl-shaped filter strings become parameterised SQL on whitelisted columns', () => {
  const conds = parseFilters(
    'eq(launch_plan.name,flytesnacks)+lt(execution.duration,200)+contains(execution_name,fly_te)+value_in(execution.phase,FAILED;SUCCEEDED)',
    FIELDS,
  )
  assert.deepEqual(
    conds.map((c) => [c.sql, c.params]),
    [
      ['launch_plan_name = ?', ['flytesnacks']],
      ['duration < ?', [200_000_000]],
      ["name LIKE ? ESCAPE '\\'", ['%fly\\_te%']],
      ['phase IN (?, ?)', ['FAILED', 'SUCCEEDED']],
    ],
  )
})

test('enum names and numbers are both accepted for int fields', () => {
  assert.deepEqual(parseFilters('eq(state,ARCHIVED)', FIELDS)[0]?.params, [1])
  assert.deepEqual(parseFilters('ne(state,0)', FIELDS)[0]?.params, [0])
  assert.throws(() => parseFilters('eq(state,maybe)', FIELDS), /invalid value 'maybe' for filter on state/)
})

test('unknown fields, entities and functions are rejected with FlyteAdmin messages and entity codes', () => {
  const rejects = (filter: string, message: string) =>
    assert.throws(
      () => parseFilters(filter, FIELDS),
      (e: Error) => e.message === `[invalid_argument] ${message}`,
      filter,
    )
  rejects('eq(version,1)', "'e.version' is invalid filter")
  // FlyteAdmin's execution column is execution_name; `name` is not one.
  rejects('contains(execution.name,x)', "'e.name' is invalid filter")
  rejects('eq(node_execution.node_id,x)', "'ne' entity is not allowed in filters")
  rejects('like(execution_name,x)', 'unrecognized filter function: like')
  rejects('like(bogus,x)', "'e.bogus' is invalid filter")
  rejects('eq(name)', 'invalid value for filters')
  rejects('gt(duration,soon)', 'Failed to parse duration [soon]')
  rejects('gt(created_at,yesterday)', 'Timestamp yesterday must conform to RFC3339 Nano spec')
  // A FlyteAdmin column the plane does not keep is named as such.
  rejects('eq(cluster,x)', "filter on 'e.cluster' is not supported by the embedded control plane")
})

test('times are RFC3339 with up to nanosecond fractions; durations are seconds or Go durations', () => {
  assert.equal(parseTimeMicros('2024-01-02T03:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5) * 1000)
  assert.equal(parseTimeMicros('2024-01-02T03:04:05.123456789+00:00'), Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123456)
  assert.equal(parseTimeMicros('yesterday'), undefined)
  assert.equal(parseDurationMicros('1.5'), 1_500_000)
  assert.equal(parseDurationMicros('1h2m3s'), (3600 + 120 + 3) * 1e6)
  assert.equal(parseDurationMicros('250ms'), 250_000)
  assert.equal(parseDurationMicros('5 minutes'), undefined)
  assert.equal(
    parseFilters('gte(created_at,2024-01-02T03:04:05Z)', FIELDS)[0]?.params[0],
    Date.UTC(2024, 0, 2, 3, 4, 5) * 1000,
  )
})

test('sort keys must be columns; tokens are non-negative integer offsets', () => {
  assert.equal(sortSql({key: 'created_at', direction: 0}, FIELDS), 'created_at DESC')
  assert.equal(sortSql({key: 'execution_name', direction: 1}, FIELDS), 'name ASC')
  assert.equal(sortSql(undefined, FIELDS), undefined)
  assert.throws(() => sortSql({key: 'name', direction: 0}, FIELDS), /invalid sort key 'name'/)
  assert.throws(() => sortSql({key: 'launch_plan.name', direction: 0}, FIELDS), /invalid sort key 'launch_plan\.name'/)
  assert.equal(parseToken(''), 0)
  assert.equal(parseToken('200'), 200)
  assert.throws(() => parseToken('-1', 'ListExecutions'), /invalid pagination token -1 for ListExecutions/)
})
