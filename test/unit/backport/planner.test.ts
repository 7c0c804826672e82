import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {COMMENT_MARKER, finishCommands, mergeRows, readRows, renderComment} from '../../../src/backport/comment.js'
import {parseBackportConfig} from '../../../src/backport/config.js'
import type {BackportSource, ObservedTarget} from '../../../src/backport/model.js'
import {backportBranch, backportTitle, planBackport} from '../../../src/backport/plan.js'
import {labelTargets, releaseBranches, resolveTargets} from '../../../src/backport/targets.js'

const config = parseBackportConfig({})
// Real flytekit release branches (shared/reference/flyte-release-practice.md §1.4).
const flytekitBranches = [
  'master',
  'release-0.7',
  'release-0.22',
  'release-v0.26',
  'release-v1.0',
  'release-v1.2',
  'release-v1.8',
  'release-v1.13',
  'release-v1.14',
  'release-v1.15',
  'backport-2813-to-release-v1.13',
]

const source: BackportSource = {
  key: '2813',
  pr: 2813,
  title: 'More instance generic checks',
  url: 'https://github.com/flyteorg/flytekit/pull/2813',
  labels: ['bug', 'backport release-v1.13', 'size/S'],
  method: 'squash',
  commits: [{sha: 'a'.repeat(40), message: 'More instance generic checks (#2813)'}],
}

function observed(patch: Partial<ObservedTarget>): ObservedTarget {
  return {
    source: '2813',
    target: {branch: 'release-v1.13', reason: 'label'},
    targetExists: true,
    present: false,
    branchExists: false,
    branchHasPicks: false,
    ...patch,
  }
}

describe('backport targets', () => {
  it('orders release branches by version, not by name', () => {
    assert.deepEqual(releaseBranches(flytekitBranches, config.releaseBranchPattern).slice(0, 4), [
      'release-v1.15',
      'release-v1.14',
      'release-v1.13',
      'release-v1.8',
    ])
  })

  it('policy: the previous release branch; two back for security fixes', () => {
    assert.deepEqual(resolveTargets({labels: ['bug'], branches: flytekitBranches, config}), [
      {branch: 'release-v1.15', reason: 'policy'},
    ])
    assert.deepEqual(resolveTargets({labels: ['security'], branches: flytekitBranches, config}), [
      {branch: 'release-v1.15', reason: 'security'},
      {branch: 'release-v1.14', reason: 'security'},
    ])
  })

  it('labels name targets; --to overrides everything', () => {
    assert.deepEqual(
      labelTargets(['backport release-v1.13', 'backport: release-v1.14', 'backport'], config.targetLabelPattern),
      ['release-v1.13', 'release-v1.14'],
    )
    assert.deepEqual(resolveTargets({labels: source.labels, branches: flytekitBranches, config}), [
      {branch: 'release-v1.13', reason: 'label'},
    ])
    assert.deepEqual(
      resolveTargets({labels: ['security', 'backport release-v1.13'], branches: flytekitBranches, config}),
      [
        {branch: 'release-v1.13', reason: 'label'},
        {branch: 'release-v1.15', reason: 'security'},
        {branch: 'release-v1.14', reason: 'security'},
      ],
    )
    assert.deepEqual(
      resolveTargets({labels: source.labels, branches: flytekitBranches, config, to: ['release-v1.2']}),
      [{branch: 'release-v1.2', reason: 'flag'}],
    )
  })

  it('bot runs give no policy target to a PR nobody asked to backport', () => {
    assert.deepEqual(
      resolveTargets({labels: ['bug'], branches: flytekitBranches, config, policyOnlyWhenAsked: true}),
      [],
    )
    assert.deepEqual(
      resolveTargets({labels: ['backport'], branches: flytekitBranches, config, policyOnlyWhenAsked: true}),
      [{branch: 'release-v1.15', reason: 'policy'}],
    )
  })
})

describe('backport plan', () => {
  it('uses the real Flyte branch and title forms', () => {
    assert.equal(backportBranch('2813', 'release-v1.13'), 'backport-2813-to-release-v1.13')
    assert.equal(backportTitle(source, 'release-v1.13'), '[release-v1.13] More instance generic checks (#2813)')
  })

  it('a fresh target gets every step; labels are copied per config', () => {
    const plan = planBackport({
      repo: 'flyteorg/flytekit',
      sources: [source],
      observed: [observed({})],
      config,
      conflicts: 'draft',
    })
    const [item] = plan.items
    assert.equal(item!.state, 'todo')
    assert.deepEqual(item!.steps, ['pick', 'push', 'pull', 'labels'])
    assert.deepEqual(item!.labels, ['backport', 'bug'])
    assert.match(item!.body, /Backport of #2813 to `release-v1\.13`/)
    assert.match(item!.body, /https:\/\/github\.com\/flyteorg\/flytekit\/pull\/2813/)
  })

  it('reuses what exists: pushed branch → open the PR; open PR with labels → nothing', () => {
    const pushed = planBackport({
      repo: 'o/r',
      sources: [source],
      observed: [observed({branchExists: true, branchHasPicks: true})],
      config,
      conflicts: 'draft',
    })
    assert.deepEqual(pushed.items[0]!.steps, ['pull', 'labels'])
    const pull = {
      number: 7,
      url: 'u',
      state: 'open' as const,
      merged: false,
      draft: false,
      labels: ['backport', 'bug'],
      body: '',
    }
    const open = planBackport({
      repo: 'o/r',
      sources: [source],
      observed: [observed({pull})],
      config,
      conflicts: 'draft',
    })
    assert.equal(open.items[0]!.state, 'open')
    assert.deepEqual(open.items[0]!.steps, [])
  })

  it('never touches a branch of the same name without the picks, and reports a missing target', () => {
    const plan = planBackport({
      repo: 'o/r',
      sources: [source],
      observed: [
        observed({branchExists: true, branchHasPicks: false}),
        observed({target: {branch: 'release-v9.9', reason: 'flag'}, targetExists: false}),
      ],
      config,
      conflicts: 'abort',
    })
    assert.deepEqual(
      plan.items.map((i) => [i.state, i.steps.length]),
      [
        ['branch-taken', 0],
        ['missing-target', 0],
      ],
    )
  })

  it('already on the target branch: nothing to do', () => {
    const plan = planBackport({
      repo: 'o/r',
      sources: [source],
      observed: [observed({present: true})],
      config,
      conflicts: 'draft',
    })
    assert.equal(plan.items[0]!.state, 'present')
    assert.deepEqual(plan.items[0]!.steps, [])
  })
})

describe('result comment', () => {
  it('keeps rows of other targets, is stable for the same rows, and tells how to finish a conflict', () => {
    const first = renderComment('o/r', source, [{target: 'release-v1.13', branch: 'b13', status: 'open', pull: 5}])
    assert.ok(first.startsWith(COMMENT_MARKER))
    const rows = mergeRows(readRows(first), [
      {
        target: 'release-v1.12',
        branch: 'backport-2813-to-release-v1.12',
        status: 'conflict',
        pull: 6,
        conflicts: ['a.py'],
      },
    ])
    assert.deepEqual(
      rows.map((r) => r.target),
      ['release-v1.13', 'release-v1.12'],
    )
    const second = renderComment('o/r', source, rows)
    assert.equal(renderComment('o/r', source, readRows(second)), second)
    assert.match(second, /\| `release-v1\.13` \| opened \| #5 \|/)
    assert.match(second, /git switch backport-2813-to-release-v1\.12/)
    assert.match(second, /flytectl backport --continue 2813 --to release-v1\.12 --repo o\/r/)
    const local = finishCommands(
      'o/r',
      {...source, method: 'merge-commit', commits: [{sha: 'b'.repeat(40), mainline: 1, message: 'm'}]},
      {
        target: 'release-v1.12',
        branch: 'backport-2813-to-release-v1.12',
        status: 'conflict',
      },
    )
    assert.ok(local.includes(`git cherry-pick -x -m 1 ${'b'.repeat(40)}`))
  })
})

describe('backport config', () => {
  it('rejects a bad pattern naming the key', () => {
    assert.throws(
      () => parseBackportConfig({releaseBranchPattern: '('}),
      /backport\.releaseBranchPattern: not a valid regular expression/,
    )
    assert.throws(() => parseBackportConfig({policyDepht: 2}), /backport/)
  })
})
