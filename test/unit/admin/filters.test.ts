import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {fieldSelectorToFilter, listAllPages, listParams, splitTerms} from '../../../src/admin/filters.js'
import {CliError} from '../../../src/cli/errors.js'

describe('fieldSelector → admin filter', () => {
  it('translates the documented flytectl example', () => {
    assert.equal(
      fieldSelectorToFilter(
        'project.name=flytesnacks,execution.duration<200,name contains flyte,execution.phase in (FAILED;SUCCEEDED)',
      ),
      'eq(project.name,flytesnacks)+lt(execution.duration,200)+contains(name,flyte)+value_in(execution.phase,FAILED;SUCCEEDED)',
    )
  })

  it('maps every operator', () => {
    assert.equal(fieldSelectorToFilter('a!=1'), 'ne(a,1)')
    assert.equal(fieldSelectorToFilter('a>=1'), 'gte(a,1)')
    assert.equal(fieldSelectorToFilter('a<=1'), 'lte(a,1)')
    assert.equal(fieldSelectorToFilter('a>1'), 'gt(a,1)')
    assert.equal(fieldSelectorToFilter('a<1'), 'lt(a,1)')
    assert.equal(fieldSelectorToFilter('phase not in (A;B)'), 'value_not_in(phase,A;B)')
  })

  it('keeps an escaped comma inside a value (Go flytectl cannot)', () => {
    assert.deepEqual(splitTerms('name=a\\,b,version=v1'), ['name=a\\,b', 'version=v1'])
    assert.equal(fieldSelectorToFilter('name=a\\,b,version=v1'), 'eq(name,a,b)+eq(version,v1)')
    assert.equal(fieldSelectorToFilter('name=x\\=y'), 'eq(name,x=y)')
    assert.equal(fieldSelectorToFilter('name=back\\\\slash'), 'eq(name,back\\slash)')
  })

  it('rejects bad selectors with one clear message', () => {
    for (const [sel, re] of [
      ['name=a=b', /unescaped = in value/],
      ['name=a\\qb', /invalid escape sequence \\q/],
      ['=x', /needs a key and a value/],
      ['name=', /needs a key and a value/],
      ['justaword', /has no operator/],
      ['name=a\\', /trailing/],
    ] as const) {
      assert.throws(
        () => fieldSelectorToFilter(sel),
        (e: unknown) => e instanceof CliError && e.code === 'invalid-input' && re.test(e.message),
        sel,
      )
    }
  })
})

describe('listParams', () => {
  it('uses page offsets as tokens, sorts created_at descending by default', () => {
    assert.deepEqual(listParams({}), {limit: 100, token: '', filters: '', sortBy: {key: 'created_at', direction: 0}})
    assert.deepEqual(listParams({limit: 10, page: 3, asc: true, sortBy: 'name', fieldSelector: 'a=b'}), {
      limit: 10,
      token: '20',
      filters: 'eq(a,b)',
      sortBy: {key: 'name', direction: 1},
    })
    assert.equal(listParams({limit: 10, page: 3, token: 'abc'}).token, 'abc')
  })

  it('rejects a zero limit or page', () => {
    assert.throws(() => listParams({limit: 0}), /--filter.limit must be a positive integer/)
    assert.throws(() => listParams({page: 0}), /--filter.page must be a positive integer/)
  })
})

describe('listAllPages', () => {
  it('follows tokens until the last page', async () => {
    const pages: Record<string, {items: number[]; token: string}> = {
      '': {items: [1, 2], token: '2'},
      '2': {items: [3, 4], token: '4'},
      '4': {items: [5], token: ''},
    }
    const seen: string[] = []
    const all = await listAllPages(async (t) => {
      seen.push(t)
      return pages[t]!
    })
    assert.deepEqual(all, [1, 2, 3, 4, 5])
    assert.deepEqual(seen, ['', '2', '4'])
  })
})
