import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {create} from '@bufbuild/protobuf'
import {FixedRateUnit, ScheduleSchema} from '../../../src/gen/flyteidl/admin/schedule_pb.js'
import {scheduledExecutionName, scheduleTimes} from '../../../src/controlplane/scheduler.js'

describe('scheduler', () => {
  it('names executions as flytescheduler does', () => {
    // flytescheduler's name for flytesnacks/development/my_lp/v1 at unix 1700000000.
    const id = {project: 'flytesnacks', domain: 'development', name: 'my_lp', version: 'v1'}
    assert.equal(scheduledExecutionName(id, new Date(1_700_000_000_000)), 'fe78f98ee34240c83000')
    assert.notEqual(scheduledExecutionName(id, new Date(1_700_000_060_000)), 'fe78f98ee34240c83000')
  })

  it('steps fixed rates by value × unit, with a shorter minute when asked', async () => {
    const every = (value: number, unit: FixedRateUnit) =>
      create(ScheduleSchema, {ScheduleExpression: {case: 'rate', value: {value, unit}}})
    const t0 = new Date('2026-01-01T00:00:00Z')
    const hourly = await scheduleTimes(every(2, FixedRateUnit.HOUR))
    assert.ok(typeof hourly !== 'string')
    assert.equal(hourly.next(t0)?.toISOString(), '2026-01-01T02:00:00.000Z')
    const fast = await scheduleTimes(every(3, FixedRateUnit.MINUTE), 100)
    assert.ok(typeof fast !== 'string')
    assert.equal(fast.next(t0)!.getTime() - t0.getTime(), 300)
    assert.match(String(await scheduleTimes(every(0, FixedRateUnit.DAY))), /unsupported fixed rate/)
  })

  it('finds the next cron time strictly after the given one, and refuses bad or deprecated expressions', async () => {
    const cron = (schedule: string) =>
      create(ScheduleSchema, {ScheduleExpression: {case: 'cronSchedule', value: {schedule}}})
    const quarter = await scheduleTimes(cron('*/15 * * * *'))
    assert.ok(typeof quarter !== 'string')
    const t = new Date(2026, 0, 1, 10, 15, 0)
    assert.equal(quarter.next(t)?.getTime(), new Date(2026, 0, 1, 10, 30, 0).getTime())
    assert.equal(quarter.next(new Date(2026, 0, 1, 10, 16, 0))?.getTime(), t.getTime() + 15 * 60_000)
    assert.match(String(await scheduleTimes(cron('61 * * * *'))), /invalid cron expression \[61 \* \* \* \*\]/)
    const old = create(ScheduleSchema, {ScheduleExpression: {case: 'cronExpression', value: '0 * * * *'}})
    assert.equal(await scheduleTimes(old), 'failed adding schedule for unknown schedule expression type')
  })
})
