import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {publishToActions} from '../../../src/release/actions.js'
import type {ReleaseReport} from '../../../src/release/types.js'

const report: ReleaseReport = {
  command: 'beta',
  version: '1.18.0-b0',
  dryRun: false,
  ok: false,
  components: [
    {component: 'flyte', repo: 'o/flyte', tag: 'v1.18.0-b0', version: '1.18.0-b0'},
    {component: 'flytekit', repo: 'o/flytekit', tag: 'v1.18.0b0', version: '1.18.0-b0'},
  ],
  steps: [
    {id: 'a', repo: 'o/flyte', kind: 'tag', target: 'v1.18.0-b0', status: 'applied'},
    {id: 'b', repo: 'o/flytekit', kind: 'tag', target: 'v1.18.0b0', status: 'failed', detail: 'unavailable | HTTP 502'},
  ],
  notes: ['flyteidl: master head abc1234 is already tagged flyteidl/v1.17.0b3'],
  api: {reads: 4, writes: 1},
}

describe('GitHub Actions summary and outputs', () => {
  it('appends a Markdown table to the job summary and the tags to the step outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'release-actions-'))
    try {
      const summary = join(dir, 'summary.md')
      const output = join(dir, 'output.txt')
      await publishToActions(report, {GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output})
      assert.equal(
        readFileSync(summary, 'utf8'),
        [
          '### release beta 1.18.0-b0: did not finish',
          '',
          '| repository | step | target | status | detail |',
          '|---|---|---|---|---|',
          '| o/flyte | tag | `v1.18.0-b0` | applied |  |',
          '| o/flytekit | tag | `v1.18.0b0` | failed | unavailable \\| HTTP 502 |',
          '',
          '- flyteidl: master head abc1234 is already tagged flyteidl/v1.17.0b3',
          '',
        ].join('\n'),
      )
      assert.equal(readFileSync(output, 'utf8'), 'version=1.18.0-b0\ntags=v1.18.0-b0 v1.18.0b0\nok=false\n')
      await publishToActions(report, {})
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
