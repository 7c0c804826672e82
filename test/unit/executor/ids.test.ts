import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {childExecutionName, childNodeId, fixedLengthUniqueId} from '../../../src/controlplane/executor/ids.js'

// Expected values are the engine's own (its encoder tests and a recorded launch-plan child name).
describe('engine ids', () => {
  it('joins short parts and hashes long ones with 32-bit FNV-1a', () => {
    assert.equal(fixedLengthUniqueId(['x', 'y', 'z'], 10), 'x-y-z')
    assert.equal(fixedLengthUniqueId(['x'], 2), 'x')
    assert.equal(fixedLengthUniqueId(['x', 'y', 'z'], 4), 'fxzsoqrq')
    assert.equal(fixedLengthUniqueId(['x', 'y'], 1), 'fz2jizji')
    assert.equal(fixedLengthUniqueId('xyzmnyzmnyzmn'.split(''), 15), 'fe63sz6y')
    assert.equal(fixedLengthUniqueId(['xxxxxxxxxxxxxxxxxxxxxxxx'], 20), 'fuaa3aji')
  })

  it('hashes with 64-bit FNV-1a when asked', () => {
    assert.equal(fixedLengthUniqueId('xyzmnyzmnyzmn'.split(''), 15, 64), 'fwp4bky2kucex5')
  })

  it('names child nodes and child executions as the engine does', () => {
    assert.equal(childNodeId('n0', 0, 'dn0'), 'n0-0-dn0')
    assert.match(childNodeId('n0-0-dn10-0-n12', 0, 'dn4'), /^f[a-z1-6]{7}$/)
    assert.equal(childExecutionName('abcdefghij0123456789', 'n0', 0), 'fwkurefyrxf6zw')
  })
})
