import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {Journal, defaultStateDir, runName, type RunArgs} from '../../../src/backport/journal.js'

const dir = mkdtempSync(join(tmpdir(), 'flytectl-journal-'))
after(() => rmSync(dir, {recursive: true, force: true}))
const args: RunArgs = {pulls: [2813], commits: [], to: ['release-v1.13'], conflicts: 'draft'}

describe('backport journal', () => {
  it('an unfinished run is continued with its steps; a finished one starts over', async () => {
    const first = await Journal.open(dir, 'flyteorg/flytekit', args)
    await first.record('backport-2813-to-release-v1.13', {pick: {sha: 'abc', conflicts: ['a.py'], empty: false}})
    const again = await Journal.open(dir, 'flyteorg/flytekit', args)
    assert.deepEqual(again.item('backport-2813-to-release-v1.13').pick, {sha: 'abc', conflicts: ['a.py'], empty: false})
    assert.equal((await Journal.latestUnfinished(dir, 'flyteorg/flytekit'))?.data.run, 'pr2813_to-release-v1.13')
    await again.finish(true)
    assert.equal(await Journal.latestUnfinished(dir, 'flyteorg/flytekit'), undefined)
    const fresh = await Journal.open(dir, 'flyteorg/flytekit', args)
    assert.deepEqual(fresh.data.items, {})
  })

  it('names runs by their sources and targets; state lives under XDG_STATE_HOME', () => {
    assert.equal(
      runName({pulls: [1, 2], commits: ['0123456789abcdef'], label: 'needs backport', to: [], conflicts: 'abort'}),
      'pr1_pr2_0123456789ab_label-needs_backport',
    )
    assert.equal(defaultStateDir({XDG_STATE_HOME: '/s'}, '/h'), '/s/flytectl')
    assert.equal(defaultStateDir({}, '/h'), '/h/.local/state/flytectl')
  })

  it('an unreadable journal is a conflict error naming the file, not a crash', async () => {
    const path = join(Journal.dir(dir, 'o/broken'), 'pr1.json')
    const {mkdirSync} = await import('node:fs')
    mkdirSync(Journal.dir(dir, 'o/broken'), {recursive: true})
    writeFileSync(path, '{not json')
    await assert.rejects(
      Journal.open(dir, 'o/broken', {...args, pulls: [1], to: []}),
      (err: Error & {exitCode?: number}) => {
        assert.match(err.message, /backport journal .*pr1\.json is unreadable/)
        assert.equal(err.exitCode, 5)
        return true
      },
    )
  })
})
