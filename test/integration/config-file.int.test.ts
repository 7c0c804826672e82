import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {initConfigFile} from '../../src/config/init-file.js'
import {discoverConfig, loadConfigFile} from '../../src/config/load.js'
import {tempHome} from '../support/cli.js'

const {home, cleanup} = tempHome()
after(cleanup)

describe('config file on disk', () => {
  it('init writes a file that loads back with the same endpoint, and refuses to overwrite without a terminal', async () => {
    const {path} = await initConfigFile({host: 'flyte.example.com:8089', insecure: true, home})
    assert.ok(existsSync(path))
    const loaded = await loadConfigFile(discoverConfig({env: {}, home, exists: existsSync}))
    assert.equal(loaded.location.source, 'home')
    assert.equal(loaded.config.admin?.endpoint, 'dns:///flyte.example.com:8089')
    assert.equal(loaded.config.admin?.insecure, true)

    writeFileSync(path, 'admin:\n  endpoint: dns:///keep:1\n')
    await assert.rejects(initConfigFile({home}), /already exists; not overwriting/)
    assert.equal(readFileSync(path, 'utf8'), 'admin:\n  endpoint: dns:///keep:1\n')
  })

  it('an unreadable path is a config error', async () => {
    await assert.rejects(
      loadConfigFile({path: join(home, 'missing.yaml'), source: 'flag'}),
      (err: Error & {exitCode?: number}) => {
        assert.equal(err.exitCode, 3)
        return true
      },
    )
  })
})
