import {test} from 'node:test'
import assert from 'node:assert/strict'
import {FakeForge} from './fake-forge.js'
import {applySteps, describeStep, type TriageStep} from '../../../src/triage/steps.js'
import {failOnFailedSteps} from '../../../src/triage/cli-support.js'
import {CliError} from '../../../src/cli/errors.js'
import {ForgeError} from '../../../src/forge/types.js'

const REPO = 'flyteorg/flyte'

test('a failed step is recorded, later steps on the same issue are skipped, other issues go on; exit 8', async () => {
  const f = new FakeForge()
  f.issue(REPO, {number: 1})
  f.issue(REPO, {number: 2})
  const comment = f.createComment.bind(f)
  f.createComment = async (repo, number, body) => {
    if (number === 1) throw new ForgeError('unavailable', 'GitHub answered 502')
    return comment(repo, number, body)
  }
  const steps: TriageStep[] = [
    {kind: 'comment', repo: REPO, number: 1, body: 'closing'},
    {kind: 'close-issue', repo: REPO, number: 1, reason: 'stale'},
    {kind: 'comment', repo: REPO, number: 2, body: 'closing'},
    {kind: 'close-issue', repo: REPO, number: 2, reason: 'stale'},
  ]
  const outcomes = await applySteps(f, steps)
  assert.deepEqual(
    outcomes.map((o) => ['number' in o ? o.number : null, o.kind, o.status, o.error]),
    [
      [1, 'comment', 'failed', 'GitHub answered 502'],
      [1, 'close-issue', 'failed', 'skipped: an earlier step on this issue failed'],
      [2, 'comment', 'done', undefined],
      [2, 'close-issue', 'done', undefined],
    ],
  )
  assert.equal(f.issues.get(REPO)![0].state, 'open', 'no close without its notice')
  assert.throws(
    () => failOnFailedSteps({steps: outcomes}, 'triage stale', describeStep),
    (err: unknown) =>
      err instanceof CliError &&
      err.exitCode === 8 &&
      err.message === 'triage stale: 2 of 4 step(s) failed; first: flyteorg/flyte#1: comment: GitHub answered 502',
  )
})
