import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {registerOptions} from '../../../src/cluster/register/command.js'

const where = {project: 'p', domain: 'development'}

describe('registerOptions', () => {
  it("takes the config's files.* defaults when flags are absent", () => {
    const o = registerOptions(
      {},
      {version: 'v7', continueOnError: true, k8ServiceAccount: 'legacy-sa', archive: true},
      where,
    )
    assert.equal(o.version, 'v7')
    assert.equal(o.continueOnError, true)
    assert.equal(o.archive, true)
    assert.equal(o.k8sServiceAccount, 'legacy-sa')
    assert.equal(o.force, false)
    assert.equal(o.project, 'p')
  })
  it('flags win over the config', () => {
    const o = registerOptions(
      {version: 'v8', k8sServiceAccount: 'sa'},
      {version: 'v7', k8sServiceAccount: 'cfg-sa'},
      where,
    )
    assert.equal(o.version, 'v8')
    assert.equal(o.k8sServiceAccount, 'sa')
  })
  it('no version anywhere leaves it empty (registration then reports it)', () => {
    assert.equal(registerOptions({}, {}, where).version, '')
  })
})
