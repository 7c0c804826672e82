/**
 * YAML inputs with many keys: the `yaml` package's own duplicate-key check (`uniqueKeys`, every key
 * compared with every other) against parseYamlChecked (one set per map), on an attrFile-shaped
 * document of N keys, in one run so the ratio is measured under the same load.
 *
 *   npm run bench:yaml-keys            # 5,000 / 10,000 / 20,000 keys
 *   npm run bench:yaml-keys -- 40000
 */
import {loadavg} from 'node:os'
import {parseDocument} from 'yaml'
import {parseYamlChecked} from '../src/cli/validate-yaml.js'

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [5_000, 10_000, 20_000]

function attrFile(keys: number): string {
  const lines = ['project: p', 'domain: development', 'attributes:']
  for (let i = 0; i < keys; i++) lines.push(`  key${i}: value${i}`)
  return lines.join('\n') + '\n'
}

function time(fn: () => void): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

console.log(`load average ${loadavg()[0]!.toFixed(2)}`)
console.log('keys      uniqueKeys(ms)  checked(ms)  ratio')
for (const n of sizes) {
  const text = attrFile(n)
  const limits = {maxChars: Infinity, maxKeys: Infinity}
  const checked = time(() => {
    if (!parseYamlChecked(text, {}, limits).doc) throw new Error('unexpected problem')
  })
  const library = time(() => {
    if (parseDocument(text, {uniqueKeys: true}).errors.length) throw new Error('unexpected error')
  })
  const row = [String(n).padEnd(9), library.toFixed(0).padStart(14), checked.toFixed(0).padStart(12)]
  console.log(`${row.join('  ')}  ${(library / checked).toFixed(1)}×`)
}
