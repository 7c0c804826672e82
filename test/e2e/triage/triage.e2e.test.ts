/** The built CLI as a child process against the GitHub simulator (GITHUB_API_URL points at it). */
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {simulatorSession} from '../../support/cli-session.js'

const REPO = 'flyteorg/flyte'

describe('flytectl triage (CLI)', () => {
  const session = simulatorSession(
    'flytectl-triage-',
    async (sim) => {
      const rb = sim.repo(REPO)
      await rb.create({defaultBranch: 'master'})
      await rb.commit('master', {'README.md': 'flyte\n'}, 'init')
      await rb.commit('no-link', {'x.go': 'package x\n'}, 'change')
      await rb.milestone('1.16.0', {dueOn: '2026-04-15T00:00:00Z'})
      await rb.issues([
        {title: 'crash', labels: ['bug'], milestone: '1.16.0'},
        {title: 'docs typo', labels: ['documentation', 'untriaged']},
        {title: 'no form'},
      ])
    },
    {GITHUB_REPOSITORY: '', GITHUB_STEP_SUMMARY: ''},
  )

  it('no repository: one-line usage error with a next step, exit 2', async () => {
    const r = await session.cli(['triage', 'label'])
    assert.equal(r.code, 2)
    assert.equal(
      r.stderr.trim(),
      'Error: no repository given\nHint: Pass --repo owner/name, --manifest release.yaml, or set $GITHUB_REPOSITORY.',
    )
  })

  it('triage label --dry-run prints the plan and writes nothing; --json then applies', async () => {
    session.sim.reset()
    const dry = await session.cli(['triage', 'label', '--repo', REPO, '--dry-run'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /would flyteorg\/flyte#3: add label "untriaged"/)
    assert.equal(session.sim.counters.writes, 0)
    const run = await session.cli(['triage', 'label', '--repo', REPO, '--json'])
    assert.equal(run.code, 0, run.stderr)
    const out = JSON.parse(run.stdout)
    assert.equal(out.ok, true)
    assert.equal(out.command, 'triage:label')
    assert.deepEqual(
      out.result.steps.map((s: {number: number; status: string}) => [s.number, s.status]),
      [[3, 'done']],
    )
  })

  it('triage milestones --rollover moves, closes and reports; the re-run writes nothing', async () => {
    session.sim.reset()
    const run = await session.cli(['triage', 'milestones', '--repo', REPO, '--rollover', '1.16.0', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const result = JSON.parse(run.stdout).result
    assert.deepEqual(
      result.slipped.map((i: {number: number}) => i.number),
      [1],
    )
    assert.equal(result.target.title, '1.17.0')
    assert.deepEqual(result.api, {reads: result.api.reads, writes: 3})
    const again = await session.cli(['triage', 'milestones', '--repo', REPO, '--rollover', '1.16.0', '--json'])
    assert.equal(JSON.parse(again.stdout).result.api.writes, 0)
  })

  it('triage report writes Markdown to stdout and the job summary file', async () => {
    const summary = join(session.scratch, 'summary.md')
    const r = await session.cli(['triage', 'report', '--repo', REPO], {
      env: {GITHUB_STEP_SUMMARY: summary},
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^## Triage report: flyteorg\/flyte/)
    assert.equal(readFileSync(summary, 'utf8').trimEnd(), r.stdout.trimEnd())
  })

  it('triage check-pr fails with an ::error annotation in GitHub Actions, exit 1', async () => {
    const pr = await session.sim.repo(REPO).pull({title: 'change', head: 'no-link', body: 'No issue here.'})
    const r = await session.cli(['triage', 'check-pr', String(pr), '--repo', REPO], {env: {GITHUB_ACTIONS: 'true'}})
    assert.equal(r.code, 1)
    assert.match(r.stdout, new RegExp(`^::error title=PR check::PR #${pr} does not link an issue`, 'm'))
  })

  it('triage owners takes its repositories from the release manifest', async () => {
    const kit = session.sim.repo('flyteorg/flytekit')
    await kit.create({defaultBranch: 'master'})
    await kit.commit('master', {'.github/CODEOWNERS': '* @flyteorg/fe-engineers\n'}, 'owners')
    session.sim.builder.team('flyteorg/fe-engineers', [])
    const manifest = join(session.scratch, 'release.yaml')
    writeFileSync(
      manifest,
      [
        'release: {repository: flyteorg/flyte}',
        'components:',
        '  - {name: flyte, repository: flyteorg/flyte}',
        '  - {name: flytekit, repository: flyteorg/flytekit, scheme: pep440}',
        '',
      ].join('\n'),
    )
    const r = await session.cli(['triage', 'owners', '--manifest', manifest, '--json'])
    assert.equal(r.code, 1, 'flyteorg/flyte has no CODEOWNERS')
    const result = JSON.parse(r.stdout).result
    assert.deepEqual(
      result.repos.map((x: {repo: string; file: string | null; ok: boolean}) => [x.repo, x.file, x.ok]),
      [
        ['flyteorg/flyte', null, false],
        ['flyteorg/flytekit', '.github/CODEOWNERS', true],
      ],
    )
  })

  it('bad input: --due that is not a date is a usage error', async () => {
    const r = await session.cli(['triage', 'milestones', '--repo', REPO, '--due', '15/07/2026'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: --due "15\/07\/2026" is not a calendar date\nHint: Use YYYY-MM-DD/)
  })

  it("triage stale: the manifest passes (Flyte's by default) decide; --days-* runs one pass; --dry-run writes nothing", async () => {
    const day = 86_400_000
    const ago = (d: number) => new Date(Date.now() - d * day).toISOString()
    const [old, younger, bug] = await session.sim.repo(REPO).issues([
      {title: 'old idea', labels: ['enhancement'], author: 'alice', createdAt: ago(400), updatedAt: ago(400)},
      {title: 'newer idea', labels: ['enhancement'], author: 'alice', createdAt: ago(200), updatedAt: ago(200)},
      {title: 'old bug', labels: ['bug'], author: 'alice', createdAt: ago(200), updatedAt: ago(200)},
    ])
    const mine = (stdout: string) =>
      (JSON.parse(stdout).result.decisions as {number: number; action: string; pass?: string}[])
        .filter((d) => [old, younger, bug].includes(d.number))
        .sort((a, b) => a.number - b.number)
        .map((d) => [d.number, d.action, d.pass])
    session.sim.reset()
    const dry = await session.cli(['triage', 'stale', '--repo', REPO, '--dry-run', '--json'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.deepEqual(mine(dry.stdout), [
      [old, 'mark', 'enhancements'],
      [bug, 'mark', 'default'],
    ])
    // A manifest with its own pass: enhancements after 100 days.
    const manifest = join(session.scratch, 'stale.yaml')
    writeFileSync(
      manifest,
      [
        'release: {repository: flyteorg/flyte}',
        'triage: {stale: {passes: [{name: ideas, onlyLabels: [enhancement], daysBeforeStale: 100}]}}',
        'components: [{name: flyte, repository: flyteorg/flyte}]',
        '',
      ].join('\n'),
    )
    const own = await session.cli(['triage', 'stale', '--manifest', manifest, '--dry-run', '--json'])
    assert.equal(own.code, 0, own.stderr)
    assert.deepEqual(mine(own.stdout), [
      [old, 'mark', undefined],
      [younger, 'mark', undefined],
    ])
    const flags = await session.cli([
      'triage',
      'stale',
      '--repo',
      REPO,
      '--days-before-stale',
      '1000',
      '--dry-run',
      '--json',
    ])
    assert.deepEqual(mine(flags.stdout), [])
    assert.equal(session.sim.counters.writes, 0)
  })
})
