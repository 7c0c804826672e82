import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {readCachedConfig, writeCachedConfig} from '../../../src/config/parse-cache.js'

const cache = mkdtempSync(join(tmpdir(), 'flytectl-parse-cache-'))
const saved = process.env.XDG_CACHE_HOME
process.env.XDG_CACHE_HOME = cache
after(() => {
  process.env.XDG_CACHE_HOME = saved
  rmSync(cache, {recursive: true, force: true})
})

describe('config parse cache', () => {
  const value = {config: {admin: {endpoint: 'dns:///localhost:30080', insecure: true}}, warnings: ['w']}

  it('gives back what was stored for the same path and text only', () => {
    writeCachedConfig('file /a.yaml', 'admin: {}\n', value)
    assert.deepEqual(readCachedConfig('file /a.yaml', 'admin: {}\n'), value)
    assert.equal(readCachedConfig('file /a.yaml', 'admin: {} \n'), undefined)
    assert.equal(readCachedConfig('file /b.yaml', 'admin: {}\n'), undefined)
  })

  it('treats an entry made from other text under the same name as a miss (a hash collision)', () => {
    writeCachedConfig('file /c.yaml', 'one\n', value)
    const dir = join(cache, 'flytectl', 'config')
    const name = readdirSync(dir).find(
      (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).key === 'file /c.yaml\0one\n',
    )!
    const entry = JSON.parse(readFileSync(join(dir, name), 'utf8'))
    assert.deepEqual(entry.value, value)
    writeFileSync(join(dir, name), JSON.stringify({...entry, key: 'file /c.yaml\0two\n'}))
    assert.equal(readCachedConfig('file /c.yaml', 'one\n'), undefined)
  })
})
