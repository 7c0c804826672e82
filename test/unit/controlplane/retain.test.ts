import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseDaemonArgs} from '../../../src/controlplane/daemon.js'
import {parseRetain} from '../../../src/controlplane/retain.js'

describe('--retain', () => {
  it('reads a whole number and a unit', () => {
    assert.equal(parseRetain('30d'), 30 * 86_400_000)
    assert.equal(parseRetain('12h'), 12 * 3_600_000)
    assert.equal(parseRetain('90m'), 90 * 60_000)
    assert.equal(parseRetain('45s'), 45_000)
    assert.equal(parseRetain('2w'), 14 * 86_400_000)
    assert.equal(parseRetain(' 1s '), 1000)
  })

  it('refuses anything else, naming the value and the form it wants', () => {
    for (const bad of ['', '0s', '30', 'd', '1.5d', '-1d', '2y', '30 days', '9'.repeat(20) + 'w'])
      assert.equal(
        parseRetain(bad),
        `invalid --retain ${JSON.stringify(bad)}: give a whole number and a unit (s, m, h, d or w), at least 1s, e.g. 30d`,
      )
  })

  it('is checked when the daemon reads its flags, and off when not given', () => {
    assert.equal(parseDaemonArgs(['--data-dir', '/tmp/x']).retain, undefined)
    assert.equal(parseDaemonArgs(['--data-dir', '/tmp/x', '--retain', '30d']).retain, '30d')
    assert.throws(() => parseDaemonArgs(['--data-dir', '/tmp/x', '--retain', '0d']), /invalid --retain "0d"/)
  })
})
