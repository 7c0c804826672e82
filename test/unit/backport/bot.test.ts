import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {reposFromManifest} from '../../../src/backport/audit.js'
import {actionOutputs, annotations, decideFromEvent, jobSummary} from '../../../src/backport/bot.js'
import {parseBackportConfig} from '../../../src/backport/config.js'
import type {BackportReport} from '../../../src/backport/model.js'

const config = parseBackportConfig({})

// The parts of a GitHub `pull_request` webhook payload that bot mode reads.
function event(action: string, patch: {merged?: boolean; labels?: string[]; label?: string; base?: string} = {}) {
  return {
    action,
    number: 2813,
    ...(patch.label ? {label: {name: patch.label}} : {}),
    pull_request: {
      number: 2813,
      merged: patch.merged ?? true,
      labels: (patch.labels ?? []).map((name) => ({name})),
      base: {ref: patch.base ?? 'master'},
    },
    repository: {full_name: 'flyteorg/flytekit', default_branch: 'master'},
  }
}

describe('bot mode', () => {
  it('runs for a merged PR with a backport label, and for a backport label added after the merge', () => {
    assert.deepEqual(decideFromEvent(event('closed', {labels: ['backport release-v1.13']}), config), {
      run: true,
      repo: 'flyteorg/flytekit',
      pr: 2813,
      reason: 'merged with backport labels',
    })
    assert.equal(decideFromEvent(event('labeled', {label: 'security', labels: ['security']}), config).run, true)
  })

  it('skips unmerged PRs, PRs nobody asked to backport, unrelated labels and other bases', () => {
    assert.equal(decideFromEvent(event('closed', {merged: false, labels: ['backport']}), config).run, false)
    assert.equal(decideFromEvent(event('closed', {labels: ['bug']}), config).run, false)
    assert.equal(decideFromEvent(event('labeled', {label: 'size/S'}), config).run, false)
    assert.equal(decideFromEvent(event('closed', {labels: ['backport'], base: 'release-v1.13'}), config).run, false)
    assert.throws(() => decideFromEvent({action: 'push'}, config), /not a pull_request event/)
  })

  it('reports failures loudly: outputs, summary and one ::error per target that did not land', () => {
    const report: BackportReport = {
      repo: 'flyteorg/flytekit',
      dryRun: false,
      api: {reads: 9, writes: 4},
      results: [
        {
          source: '2813',
          pr: 2813,
          target: 'release-v1.14',
          branch: 'b14',
          status: 'open',
          created: true,
          pull: {number: 40, url: 'u', draft: false},
        },
        {
          source: '2813',
          pr: 2813,
          target: 'release-v1.13',
          branch: 'b13',
          status: 'conflict',
          created: true,
          pull: {number: 41, url: 'u', draft: true},
          conflicts: ['flytekit/core/a.py'],
        },
        {
          source: '2813',
          pr: 2813,
          target: 'release-v1.12',
          branch: 'b12',
          status: 'failed',
          created: false,
          error: 'push of b12 rejected: frozen',
        },
      ],
    }
    const outputs = actionOutputs(report, false)
    assert.match(outputs, /^created_pull_numbers=40 41$/m)
    assert.match(outputs, /^was_successful=false$/m)
    const errors = annotations(report, {run: true, repo: 'flyteorg/flytekit', pr: 2813, reason: 'x'})
    assert.equal(errors.length, 2)
    assert.match(
      errors[0]!,
      /^::error title=Backport of #2813 to release-v1.13::conflicts in flytekit\/core\/a.py; draft PR #41/,
    )
    assert.match(errors[1]!, /push of b12 rejected/)
    assert.match(
      jobSummary(report, {run: true, repo: 'flyteorg/flytekit', pr: 2813, reason: 'x'}),
      /\| `release-v1.12` \| failed \| — \| push of b12 rejected: frozen \|/,
    )
  })
})

describe('audit manifest', () => {
  it('reads a repos: list or the release manifest repositories', () => {
    assert.deepEqual(reposFromManifest({repos: ['flyteorg/flyte', {repo: 'flyteorg/flytekit'}, 'not a repo']}), [
      'flyteorg/flyte',
      'flyteorg/flytekit',
    ])
    assert.deepEqual(
      reposFromManifest({
        release: {repository: 'flyteorg/flyte'},
        components: [{repository: 'flyteorg/flyte'}, {repository: 'flyteorg/flytekit'}],
        repositories: {'flyteorg/flyte-v2': {defaultBranch: 'main'}},
      }),
      ['flyteorg/flyte', 'flyteorg/flytekit', 'flyteorg/flyte-v2'],
    )
  })
})
