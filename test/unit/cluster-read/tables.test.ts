import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {formattedDescriptions, scheduleText} from '../../../src/cluster/tables.js'
import {literalMapToNative} from '../../../src/cluster/execution-details.js'
import {LiteralMapSchema} from '../../../src/gen/flyteidl/core/literals_pb.js'
import {int, list, str, none} from '../executor/helpers.js'

describe('table cells', () => {
  it('formats interface descriptions as flytectl does', () => {
    assert.equal(
      formattedDescriptions({
        b: {description: 'b'},
        a: {description: 'the first number of a rather long list'},
        c: {var: {description: 'param c'}},
      }),
      'a: the first number of...\nb\nc: param c',
    )
    assert.equal(formattedDescriptions(undefined), '')
  })

  it('shows schedules as text instead of Go maps', () => {
    assert.equal(scheduleText({cronSchedule: {schedule: '0 * * * *'}}), '0 * * * *')
    assert.equal(scheduleText({rate: {value: 5, unit: 'MINUTE'}}), 'every 5 minute')
    assert.equal(scheduleText(undefined), '')
  })

  it('decodes literals to plain values for --details', () => {
    const m = create(LiteralMapSchema, {literals: {n: int(14), s: str('hi'), l: list(int(1), int(2)), z: none()}})
    assert.deepEqual(literalMapToNative(m), {l: [1, 2], n: 14, s: 'hi', z: null})
  })
})
