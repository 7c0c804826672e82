import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {nextRunOf} from '../../../src/cluster/next-run.js'
import {nextRunAfter, scheduleMinuteMs, scheduleSpecFromJson, scheduleTimes} from '../../../src/schedules/times.js'

describe('next run of a schedule', () => {
  it('steps a fixed rate from its activation, strictly after now', async () => {
    const times = await scheduleTimes({kind: 'rate', value: 5, unit: 'MINUTE'})
    assert.ok(typeof times !== 'string')
    const from = new Date('2026-12-06T05:00:10Z')
    const at = (iso: string) => nextRunAfter(times, from, new Date(iso))?.toISOString()
    assert.equal(at('2026-12-06T05:00:00Z'), '2026-12-06T05:05:10.000Z', 'before activation: one step after it')
    assert.equal(at('2026-12-06T05:00:10Z'), '2026-12-06T05:05:10.000Z')
    assert.equal(at('2026-12-06T05:05:10Z'), '2026-12-06T05:10:10.000Z', 'a time that just fired is not next')
    assert.equal(at('2026-12-06T07:12:00Z'), '2026-12-06T07:15:10.000Z')
  })

  it('takes a cron schedule’s next time after now, whatever the activation', async () => {
    const times = await scheduleTimes({kind: 'cron', schedule: '0 */2 * * *'})
    assert.ok(typeof times !== 'string')
    const from = new Date(2026, 11, 6, 3, 17)
    assert.equal(nextRunAfter(times, from, new Date(2026, 11, 6, 5, 1))?.getTime(), new Date(2026, 11, 6, 6).getTime())
    assert.equal(nextRunAfter(times, from, new Date(2026, 11, 6, 6))?.getTime(), new Date(2026, 11, 6, 8).getTime())
    // Not active yet at `now`: the first time after the activation.
    assert.equal(nextRunAfter(times, from, new Date(2026, 11, 6, 1))?.getTime(), new Date(2026, 11, 6, 4).getTime())
  })

  it('reads the protojson schedule, where zero values are left out', () => {
    assert.deepEqual(scheduleSpecFromJson({rate: {value: 2}}), {kind: 'rate', value: 2, unit: 'MINUTE'})
    assert.deepEqual(scheduleSpecFromJson({rate: {value: 1, unit: 'DAY'}}), {kind: 'rate', value: 1, unit: 'DAY'})
    assert.deepEqual(scheduleSpecFromJson({cronSchedule: {schedule: '@daily'}, kickoffTimeInputArg: 't'}), {
      kind: 'cron',
      schedule: '@daily',
    })
    assert.deepEqual(scheduleSpecFromJson({cronExpression: '0 * * * *'}), {kind: 'deprecated', expression: '0 * * * *'})
    assert.equal(scheduleSpecFromJson({}), undefined)
    assert.equal(scheduleSpecFromJson(undefined), undefined)
  })

  it('shows a next run only for active launch plans whose schedule can fire', async () => {
    const now = new Date('2026-12-06T05:02:00Z')
    const lp = (state: string | undefined, schedule: unknown) => ({
      spec: {entityMetadata: {schedule}},
      closure: {...(state ? {state} : {}), createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-06T05:00:00.250Z'},
    })
    assert.equal(await nextRunOf(lp('ACTIVE', {rate: {value: 1}}), now, 60_000), '2026-12-06T05:02:00.250Z')
    assert.equal(
      await nextRunOf(lp('ACTIVE', {rate: {value: 1, unit: 'HOUR'}}), now, 60_000),
      '2026-12-06T06:00:00.250Z',
    )
    assert.equal(await nextRunOf(lp(undefined, {rate: {value: 1}}), now, 60_000), '', 'INACTIVE is left out of JSON')
    assert.equal(await nextRunOf(lp('ACTIVE', undefined), now, 60_000), '')
    assert.equal(await nextRunOf(lp('ACTIVE', {rate: {value: 0}}), now, 60_000), '')
    assert.equal(await nextRunOf(lp('ACTIVE', {cronSchedule: {schedule: 'not cron'}}), now, 60_000), '')
    assert.equal(await nextRunOf(lp('ACTIVE', {cronExpression: '0 * * * *'}), now, 60_000), '')
    const cron = await nextRunOf(lp('ACTIVE', {cronSchedule: {schedule: '*/15 * * * *'}}), now, 60_000)
    assert.equal(new Date(cron).getTime() % (15 * 60_000), 0)
    assert.ok(new Date(cron) > now && new Date(cron).getTime() - now.getTime() <= 15 * 60_000, cron)
    assert.match(cron, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/, 'whole seconds without a fraction')
  })

  it('takes the test-only minute length only when it is a positive integer', () => {
    assert.equal(scheduleMinuteMs({}), 60_000)
    assert.equal(scheduleMinuteMs({FLYTECTL_DEMO_SCHEDULE_MINUTE_MS: '300'}), 300)
    assert.equal(scheduleMinuteMs({FLYTECTL_DEMO_SCHEDULE_MINUTE_MS: '-5'}), 60_000)
    assert.equal(scheduleMinuteMs({FLYTECTL_DEMO_SCHEDULE_MINUTE_MS: '1.5'}), 60_000)
  })
})
