/**
 * The validators behind the bad-input suite, in process: tables of values that must be refused
 * (with the words the message must contain) and values that must still pass.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseEndpoint} from '../../../src/admin/endpoint.js'
import {isCliError} from '../../../src/cli/errors.js'
import {booleanWithValue, parseBoundedInteger} from '../../../src/cli/validate-flags.js'
import {quantityProblem} from '../../../src/cluster/validation/quantity.js'
import {branchNameProblem, calendarDate, pullNumber} from '../../../src/cli/validate-forge.js'
import {parseYamlChecked} from '../../../src/cli/validate-yaml.js'
import {memberNameProblem, readCheckedTar} from '../../../src/cluster/register/archive.js'
import {Readable} from 'node:stream'
import {tarOf} from '../../e2e/bad-input/cases.js'

describe('Kubernetes quantities', () => {
  const good = [
    '0',
    '1',
    '500m',
    '0.5',
    '.5',
    '1.',
    '2Gi',
    '150Mi',
    '1Ki',
    '3Ti',
    '1Pi',
    '1Ei',
    '1k',
    '1M',
    '1G',
    '1T',
    '1P',
    '1E',
    '1e3',
    '1E3',
    '1e-3',
    '+1',
    '-0',
    '12345678',
  ]
  for (const q of good) it(`accepts ${q}`, () => assert.equal(quantityProblem(q), undefined))
  const bad: Array<[string, string]> = [
    ['', 'empty'],
    ['-1', 'negative'],
    ['-0.5', 'negative'],
    ['-5Mi', 'negative'],
    ['lots', 'not a Kubernetes quantity'],
    ['1.5.5', 'not a Kubernetes quantity'],
    ['10 Gi', 'not a Kubernetes quantity'],
    ['10gi', 'not a Kubernetes quantity'],
    ['10GB', 'not a Kubernetes quantity'],
    ['1Ki ', 'not a Kubernetes quantity'],
    ['0x10', 'not a Kubernetes quantity'],
    ['1e', 'not a Kubernetes quantity'],
    ['e3', 'not a Kubernetes quantity'],
    ['1mi', 'not a Kubernetes quantity'],
    ['NaN', 'not a Kubernetes quantity'],
    ['Infinity', 'not a Kubernetes quantity'],
    ['1e99', 'exponent'],
    ['1e-40', 'exponent'],
  ]
  for (const [q, words] of bad)
    it(`refuses ${JSON.stringify(q)}`, () => assert.match(quantityProblem(q) ?? 'accepted', new RegExp(words)))
})

describe('endpoints', () => {
  const good: Array<[string, string]> = [
    ['dns:///localhost:30080', 'http://localhost:30080'],
    ['localhost', 'http://localhost:80'],
    ['flyte.example.com:443', 'http://flyte.example.com:443'],
    ['https://flyte.example.com', 'http://flyte.example.com:80'],
    ['HTTP://flyte.example.com:8080/', 'http://flyte.example.com:8080'],
    ['[::1]:30080', 'http://[::1]:30080'],
    ['dns:///[2001:db8::1]:81', 'http://[2001:db8::1]:81'],
    ['dns://8.8.8.8/flyte.example.com:81', 'http://flyte.example.com:81'],
    ['  localhost:1  ', 'http://localhost:1'],
  ]
  for (const [text, url] of good) it(`accepts ${text}`, () => assert.equal(parseEndpoint(text, true).url, url))
  const bad: Array<[string, string]> = [
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['local host', 'contains a space'],
    ['local\thost', 'control character (U+0009)'],
    ['local\u0000host', 'control character (U+0000)'],
    ['localhost\n', 'control character (U+000a)'],
    ['ftp://h', 'unknown scheme ftp://'],
    ['grpc://h:80', 'unknown scheme grpc://'],
    ['file:///etc/passwd', 'unknown scheme file://'],
    ['h:0', 'invalid port 0'],
    ['h:65536', 'invalid port 65536'],
    ['h:99999', 'invalid port 99999'],
    ['h:123456', 'invalid port "123456"'],
    ['h:-1', 'invalid port "-1"'],
    ['h:', 'invalid port ""'],
    ['h:80:81', 'invalid port "80:81"'],
    ['[::1', 'malformed IPv6'],
    ['::1]', 'malformed IPv6'],
    ['[]:80', 'malformed IPv6'],
    ['[1.2.3.4]:80', 'malformed IPv6'],
    ['[::1]x', 'malformed IPv6'],
    ['https://h/api', 'has a path'],
    ['u:p@h:80', 'user information'],
    ['h_h', 'characters other than'],
    ['hé', 'characters other than'],
    [':80', 'has no host'],
    ['a'.repeat(254), 'host name of 254 characters'],
    [`${'a'.repeat(64)}.com`, 'label longer than 63'],
    ['a'.repeat(3000), 'too long'],
  ]
  for (const [text, words] of bad)
    it(`refuses ${JSON.stringify(text.slice(0, 30))}`, () => {
      assert.throws(
        () => parseEndpoint(text, true),
        (err: unknown) =>
          isCliError(err) && err.exitCode === 3 && err.message.includes(words) && err.message.length < 200,
      )
    })
})

describe('bounded integers', () => {
  const ok: Array<[string, number]> = [
    ['1', 1],
    ['+5', 5],
    [' 7 ', 7],
    ['4294967295', 4294967295],
    ['007', 7],
  ]
  for (const [text, n] of ok) it(`reads ${text}`, () => assert.equal(parseBoundedInteger(text, 1, 4294967295), n))
  const bad = ['0', '-1', '4294967296', '1e3', '0x10', '1.0', '', 'ten', '99999999999999999999999', 'NaN', '1_000']
  for (const text of bad)
    it(`refuses ${JSON.stringify(text)}`, () => {
      const r = parseBoundedInteger(text, 1, 4294967295)
      assert.equal(typeof r, 'string')
      assert.match(r as string, /^must be an integer from 1 to 4294967295 \(got /)
    })
})

describe('switches given a value', () => {
  const flags = {'filter.asc': {type: 'boolean'}, force: {type: 'boolean', allowNo: true}, name: {type: 'option'}}
  const cases: Array<[string[], string | undefined]> = [
    [['--filter.asc=maybe'], '--filter.asc'],
    [['--force=yes'], '--force'],
    [['--no-force=x'], '--no-force'],
    [['--filter.asc=true'], undefined],
    [['--filter.asc=0'], undefined],
    [['--name=x'], undefined],
    [['--', '--force=yes'], undefined],
    [['--unknown=1'], undefined],
  ]
  for (const [argv, flag] of cases)
    it(`${argv.join(' ')} → ${flag ?? 'fine'}`, () => assert.equal(booleanWithValue(argv, flags)?.flag, flag))
})

describe('maintainer inputs', () => {
  const pulls: Array<[string, number | undefined]> = [
    ['1', 1],
    ['#42', 42],
    ['2147483647', 2147483647],
    ['0', undefined],
    ['-1', undefined],
    ['2147483648', undefined],
    ['1.0', undefined],
    ['abc', undefined],
    ['', undefined],
    ['##1', undefined],
  ]
  for (const [text, n] of pulls)
    it(`pull ${JSON.stringify(text)}`, () => {
      if (n === undefined)
        assert.throws(
          () => pullNumber(text),
          (e: unknown) => isCliError(e) && e.exitCode === 2,
        )
      else assert.equal(pullNumber(text), n)
    })
  const branches: Array<[string, string | undefined]> = [
    ['release-v1.16', undefined],
    ['feature/x.y', undefined],
    ['', 'empty'],
    ['a..b', '".."'],
    ['a b', 'a space'],
    ['a~1', 'one of'],
    ['a^', 'one of'],
    ['a:b', 'one of'],
    ['a?', 'one of'],
    ['a*', 'one of'],
    ['a[b', 'one of'],
    ['a\\b', 'one of'],
    ['-x', 'starts with "-"'],
    ['@', 'is "@"'],
    ['a@{1}', '"@{"'],
    ['a//b', 'empty path component'],
    ['/a', 'empty path component'],
    ['a/', 'empty path component'],
    ['a.', 'ends with'],
    ['a.lock', 'ends with'],
    ['a/.b', 'starting with "."'],
    ['x'.repeat(256), 'at most 255'],
  ]
  for (const [name, words] of branches)
    it(`branch ${JSON.stringify(name.slice(0, 20))}`, () => {
      const problem = branchNameProblem(name)
      if (words === undefined) assert.equal(problem, undefined)
      else assert.ok(problem?.includes(words), `${problem}`)
    })
  const dates: Array<[string, boolean]> = [
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-1-1', false],
    ['tomorrow', false],
  ]
  for (const [text, ok] of dates)
    it(`date ${text}`, () => {
      if (ok) assert.equal(calendarDate(text, '--due'), text)
      else assert.throws(() => calendarDate(text, '--due'), /is not a calendar date/)
    })
})

describe('YAML limits', () => {
  const cases: Array<[string, string | undefined]> = [
    ['a: 1\nb: 2\n', undefined],
    ['a: 1\na: 2\n', '"a" twice in one map (line 2)'],
    ['m:\n  x: 1\n  y: 2\n  x: 3\n', '"x" twice in one map (line 4)'],
    ['- a: 1\n- a: 2\n', undefined],
    ['base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n', undefined],
    ['a: [1\n', 'not valid YAML (line'],
    ['k'.repeat(101), 'characters long'],
    [Array.from({length: 11}, (_, i) => `k${i}: v`).join('\n'), 'more than 10 keys'],
  ]
  for (const [text, words] of cases)
    it(`${JSON.stringify(text.slice(0, 24))} → ${words ?? 'fine'}`, () => {
      const r = parseYamlChecked(text, {}, {maxChars: 100, maxKeys: 10})
      if (words === undefined) assert.equal(r.problem, undefined)
      else assert.ok(r.problem?.includes(words), r.problem)
    })
})

describe('archives', () => {
  const tar = (entries: Array<{name: string; body: string}>) => tarOf(entries)
  const read = (bytes: Uint8Array, limits = {maxTotalBytes: 1000, maxMembers: 3}) =>
    readCheckedTar(Readable.from(Buffer.from(bytes)), 'pkg.tgz', limits)
  it('reads plain members', async () => {
    const members = await read(tar([{name: './a.pb', body: 'x'}]))
    assert.deepEqual(
      members.map((m) => m.name),
      ['a.pb'],
    )
  })
  it('stops at the size cap (a gzip bomb)', async () => {
    await assert.rejects(read(tar([{name: 'a.pb', body: 'x'.repeat(5000)}])), /expands past/)
  })
  it('stops at the member cap', async () => {
    const many = Array.from({length: 5}, (_, i) => ({name: `${i}.pb`, body: 'x'}))
    await assert.rejects(read(tar(many)), /more than 3 files/)
  })
  const names: Array<[string, string | undefined]> = [
    ['a/b.pb', undefined],
    ['a..b.pb', undefined],
    ['../a.pb', 'outside the archive'],
    ['a/../../b.pb', 'outside the archive'],
    ['a\\..\\b.pb', 'outside the archive'],
    ['/a.pb', 'absolute path'],
    ['C:\\a.pb', 'absolute path'],
    ['a\u0001.pb', 'control character'],
    ['', 'empty name'],
  ]
  for (const [name, words] of names)
    it(`member ${JSON.stringify(name)}`, () => {
      const problem = memberNameProblem(name)
      if (words === undefined) assert.equal(problem, undefined)
      else assert.ok(problem?.includes(words), problem)
    })
})
