/**
 * The console's pure parts, imported from the browser sources as the bundle has them: FlyteConsole's
 * routes, the runs grid's filters and rows, the launch form's field checks and typed literal values.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {encode} from '@msgpack/msgpack'

const SRC = new URL('../../../../src/console-web/', import.meta.url)
type Route = {page: string; project?: string; domain?: string; name?: string; kindSegment?: string; version?: string}
const {matchRoute} = (await import(new URL('routes.js', SRC).href)) as {matchRoute(p: string): Route & {to?: string}}
const runs = (await import(new URL('runs.js', SRC).href)) as {
  runFilters(s: {phases?: string[]; name?: string; hours?: number | string}, now?: number): string
  gridRows(e: unknown[]): {name: string; runs: {id: {name: string}}[]}[]
}
const entity = (await import(new URL('entity.js', SRC).href)) as {
  parseField(text: string, type: unknown): {value?: unknown; error?: string}
  describeType(type: unknown): string
  formFields(
    kind: string,
    entity: unknown,
  ): {fields: {name: string; text: string; required: boolean}[]; fixed: unknown[]}
}
const literal = (await import(new URL('literal.js', SRC).href)) as {plainValue(l: unknown): unknown}

describe('console routes', () => {
  it('maps FlyteConsole paths and the links flytekit prints to pages', () => {
    assert.deepEqual(matchRoute('/console'), {page: 'projects'})
    assert.deepEqual(matchRoute('/console/select-project'), {page: 'projects'})
    assert.deepEqual(matchRoute('/console/projects/flytesnacks/domains/development/executions'), {
      page: 'runs',
      project: 'flytesnacks',
      domain: 'development',
    })
    assert.deepEqual(matchRoute('/console/projects/flytesnacks/domains/development/executions/a1b2c3/'), {
      page: 'execution',
      project: 'flytesnacks',
      domain: 'development',
      name: 'a1b2c3',
    })
    // a task-execution link opens its execution
    assert.equal(
      matchRoute('/console/projects/p/domains/d/executions/x/nodeId/n0/taskId/t/attempt/0/view/logs').name,
      'x',
    )
    assert.deepEqual(matchRoute('/console/projects/p/domains/d/launch_plan/wf.hello/version/abc%2F1'), {
      page: 'entity',
      project: 'p',
      domain: 'd',
      kindSegment: 'launch_plan',
      name: 'wf.hello',
      version: 'abc/1',
    })
    assert.equal(matchRoute('/console/projects/p/domains/d/tasks').page, 'entities')
    assert.equal(matchRoute('/console/projects/p').to, '/console/projects/p/domains/development/executions')
    assert.equal(matchRoute('/console/projects/p/domains/d/nonsense/x').page, 'notFound')
    assert.equal(matchRoute('/console/projects/%E0%A4%A/domains/d').page, 'notFound', 'malformed escapes')
    assert.equal(matchRoute('/other').page, 'notFound')
  })
})

describe('runs grid', () => {
  it('turns the form into FlyteAdmin filters', () => {
    assert.equal(runs.runFilters({}), '')
    const now = Date.parse('2026-12-06T03:00:00Z')
    assert.equal(
      runs.runFilters({phases: ['FAILED', 'ABORTED'], name: 'etl', hours: 24}, now),
      'value_in(phase,FAILED;ABORTED)+contains(launch_plan.name,etl)+gte(created_at,2026-12-05T03:00:00.000Z)',
    )
  })

  it('groups runs by launch plan, rows by name, newest run first as listed', () => {
    const e = (name: string, lp: string) => ({id: {name}, spec: {launch_plan: {name: lp}}})
    const rows = runs.gridRows([e('r3', 'b'), e('r2', 'a'), e('r1', 'b')])
    assert.deepEqual(
      rows.map((r) => [r.name, r.runs.map((x) => x.id.name)]),
      [
        ['a', ['r2']],
        ['b', ['r3', 'r1']],
      ],
    )
  })
})

describe('launch form', () => {
  const INT = {simple: 'INTEGER'}
  it('checks values by type before sending them', () => {
    assert.deepEqual(entity.parseField('42', INT), {value: 42})
    assert.deepEqual(entity.parseField('9007199254740993', INT), {value: '9007199254740993'}, 'kept exact')
    assert.equal(entity.parseField('4.5', INT).error, 'an integer')
    assert.deepEqual(entity.parseField('4.5', {simple: 'FLOAT'}), {value: 4.5})
    assert.equal(entity.parseField('x', {simple: 'FLOAT'}).error, 'a number')
    assert.deepEqual(entity.parseField('[1, 2]', {collection_type: INT}), {value: [1, 2]})
    assert.match(entity.parseField('[1,', {collection_type: INT}).error ?? '', /JSON for list of integer/)
    assert.deepEqual(entity.parseField('red', {enum_type: {values: ['red', 'green']}}), {value: 'red'})
    assert.ok(entity.parseField('blue', {enum_type: {values: ['red', 'green']}}).error)
    assert.equal(entity.describeType({map_value_type: {collection_type: INT}}), 'map of string to list of integer')
  })

  it('fills defaults and shows fixed inputs of a launch plan', () => {
    const lp = {
      closure: {
        expected_inputs: {
          parameters: {
            n: {var: {type: INT}, default: {scalar: {primitive: {integer: '3'}}}},
            who: {var: {type: {simple: 'STRING'}}, required: true},
          },
        },
      },
      spec: {fixed_inputs: {literals: {k: {scalar: {primitive: {integer: '1'}}}}}},
    }
    const {fields, fixed} = entity.formFields('launch_plan', lp)
    assert.deepEqual(
      fields.map((f) => [f.name, f.text, f.required]),
      [
        ['n', '3', false],
        ['who', '', true],
      ],
    )
    assert.equal(fixed.length, 1)
  })
})

describe('typed literals', () => {
  it('reads dataclasses written as MessagePack and plain values', () => {
    const value = Buffer.from(encode({a: 1, b: ['x']})).toString('base64')
    assert.deepEqual(literal.plainValue({scalar: {binary: {value, tag: 'msgpack'}}}), {a: 1, b: ['x']})
    assert.deepEqual(
      literal.plainValue({
        collection: {literals: [{scalar: {primitive: {string_value: 's'}}}, {scalar: {none_type: {}}}]},
      }),
      ['s', null],
    )
    assert.equal(literal.plainValue({scalar: {blob: {uri: 's3://b/k'}}}), 's3://b/k')
  })
})
