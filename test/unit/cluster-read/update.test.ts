import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {runUpdate, yamlDiff} from '../../../src/cluster/update.js'
import {CliError} from '../../../src/cli/errors.js'

describe('update flow', () => {
  it('prints a before/after unified diff of the YAML', async () => {
    const diff = await yamlDiff({state: 'ACTIVE', name: 'x'}, {state: 'ARCHIVED', name: 'x'})
    assert.equal(diff, '--- before\n+++ after\n@@ -1,2 +1,2 @@\n-state: ACTIVE\n+state: ARCHIVED\n name: x\n')
  })

  it('skips when nothing changes, stops on --dryRun, applies on confirmation', async () => {
    const out: string[] = []
    let applied = 0
    const plan = (before: unknown, after: unknown) => ({
      before,
      after,
      apply: async () => void applied++,
      done: 'done it',
    })
    const same = await runUpdate(plan({a: 1}, {a: 1}), {out: (t) => out.push(t)})
    assert.deepEqual([same.changed, applied, out.pop()], [false, 0, 'No changes detected. Skipping the update.'])
    const dry = await runUpdate(plan({a: 1}, {a: 2}), {dryRun: true, out: (t) => out.push(t)})
    assert.deepEqual([dry.applied, applied], [false, 0])
    assert.match(out.join('\n'), /The following changes are to be applied.\n--- before\n\+\+\+ after/)
    const yes = await runUpdate(plan({a: 1}, {a: 2}), {out: (t) => out.push(t), confirm: async () => true})
    assert.deepEqual([yes.applied, applied, out.pop()], [true, 1, 'done it'])
    await assert.rejects(
      runUpdate(plan({a: 1}, {a: 2}), {out: () => {}, confirm: async () => false}),
      (e: unknown) => e instanceof CliError && e.message === 'update aborted by user' && e.exitCode === 9,
    )
    assert.equal(applied, 1)
  })
})
