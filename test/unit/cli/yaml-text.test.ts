import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parse} from 'yaml'
import {yamlText} from '../../../src/cli/yaml-text.js'

// Plain, each of these is not a string to some YAML reader (1.1: Go yaml.v2, PyYAML; 1.2: yaml.v3).
const MISREAD = [
  'n',
  'Y',
  'yes',
  'No',
  'ON',
  'off',
  'true',
  '1e3',
  '0o12',
  '012',
  '0x1F',
  '.5',
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '1:20',
  '=',
  '<<',
  '~',
  'null',
  '',
]

test('strings readers would mistype are quoted, as keys and as values', () => {
  for (const s of MISREAD) {
    const text = yamlText({[s]: s, list: [s]})
    assert.match(text, new RegExp(`^"${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": "`, 'm'), text)
    for (const version of ['1.1', '1.2'] as const)
      assert.deepEqual(parse(text, {version}), {[s]: s, list: [s]}, `${s} ${version}`)
  }
})

test('ordinary strings stay plain; numbers and booleans stay what they are', () => {
  assert.equal(yamlText({name: 'hello', n: 3, b: true, f: 1.5}), 'name: hello\n"n": 3\nb: true\nf: 1.5\n')
})

test('sortMapEntries sorts keys; no line folding of long strings', () => {
  const long = 'word '.repeat(40).trim()
  assert.equal(yamlText({b: 1, a: long}, {sortMapEntries: true}), `a: ${long}\nb: 1\n`)
})
