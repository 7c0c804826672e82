import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {applyPlan} from '../../../src/release/apply.js'
import {createListrRunner, plainLine} from '../../../src/release/progress.js'
import type {ReleasePlan} from '../../../src/release/types.js'
import {FakeForge} from './fake-forge.js'

describe('progress runners', () => {
  it('listr2: repositories run side by side; a failed step stops the rest of its repository only', async () => {
    const fake = new FakeForge()
    const a = fake.addRepo('o/a')
    const b = fake.addRepo('o/b')
    fake.failOn = {method: 'createTag', call: 1}
    const tag = (repo: string, name: string, sha: string) => ({
      id: `${repo}:tag:${name}`,
      repo,
      kind: 'tag' as const,
      summary: `tag ${name}`,
      component: 'c',
      tag: name,
      at: {sha},
      message: name,
    })
    const plan: ReleasePlan = {
      command: 'beta',
      version: '1.0.0-b0',
      components: [],
      notes: [],
      steps: [tag('o/a', 'v1.0.0-b0', a), tag('o/a', 'x/v1.0.0-b0', a), tag('o/b', 'v1.0.0-b0', b)],
    }
    const results = await applyPlan(fake.asForge(), plan, {runner: createListrRunner({silent: true})})
    assert.deepEqual(
      results.map((r) => [r.repo, r.target, r.status]),
      [
        ['o/a', 'v1.0.0-b0', 'failed'],
        ['o/a', 'x/v1.0.0-b0', 'not-run'],
        ['o/b', 'v1.0.0-b0', 'applied'],
      ],
    )
    assert.equal(
      plainLine(results[0]!),
      '[o/a] tag v1.0.0-b0: failed (unavailable (HTTP 502): injected failure in createTag)',
    )
  })
})
