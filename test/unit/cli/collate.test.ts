import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {compareRootAscii, localeCompareText} from '../../../src/cli/collate.js'

const printable = Array.from({length: 95}, (_, i) => String.fromCharCode(32 + i))
const sign = (n: number) => Math.sign(n)

/** Deterministic pseudo-random strings over `alphabet` (lengths 0..max). */
function* strings(seed: number, count: number, alphabet: string[], max: number): Generator<string> {
  let s = seed
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0)
  for (let k = 0; k < count; k++) {
    const len = next() % (max + 1)
    let out = ''
    for (let i = 0; i < len; i++) out += alphabet[next() % alphabet.length]
    yield out
  }
}

describe('localeCompare in root order', () => {
  for (const locale of ['en-US', 'en', 'en-GB']) {
    it(`agrees with ICU (${locale}) on every pair of printable ASCII characters and on random strings`, () => {
      const icu = new Intl.Collator(locale)
      for (const a of printable) {
        for (const b of printable) assert.equal(compareRootAscii(a, b), sign(icu.compare(a, b)), `${a} ${b}`)
      }
      // Strings like the ones sorted (tags, paths, markers), and shared prefixes differing in case.
      const alphabet = [...'aAbBzZ019-._/@ :vV', 'v1.', 'files.', 'FLYTE', 'flyte']
      const list = [...strings(7, 3000, alphabet, 8), ...strings(11, 2000, printable, 6)]
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1]!
        const b = list[i]!
        assert.equal(compareRootAscii(a, b), sign(icu.compare(a, b)), JSON.stringify([a, b]))
        assert.equal(compareRootAscii(a, a.toUpperCase()), sign(icu.compare(a, a.toUpperCase())), a)
      }
    })
  }

  it('leaves text outside printable ASCII to localeCompare', () => {
    assert.equal(compareRootAscii('é', 'e'), undefined)
    assert.equal(compareRootAscii('a\tb', 'a b'), undefined)
    for (const [a, b] of [
      ['é', 'f'],
      ['a\tb', 'a b'],
      ['Ä', 'a'],
    ] as const) {
      assert.equal(sign(localeCompareText(a, b)), sign(a.localeCompare(b)))
    }
  })

  it('sorts findings as localeCompare does under the default locale', () => {
    const subjects = [
      'files.3 FLYTEADMIN_TAG',
      'files.10 FLYTEADMIN_TAG',
      'files.3 flyteadmin_tag',
      'charts/flyte-binary/Chart.yaml@v1.16.0',
      'docs/conf.py@v1.16.0',
      'v1.16.0',
      'v1.16.0-b0',
      'flyteadmin/v1.16.0',
      'V1.16.0',
      'datacatalog',
    ]
    assert.deepEqual(
      [...subjects].sort(localeCompareText),
      [...subjects].sort((a, b) => a.localeCompare(b)),
    )
  })
})
