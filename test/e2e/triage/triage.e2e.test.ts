/** The built CLI as a child process against the GitHub simulator (GITHUB_API_URL points at it). */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli, tempHome} from '../../support/cli.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const REPO = 'flyteorg/flyte'

describe('flytectl triage (CLI)', () => {
  let sim: GitHubSimulator
  let home: {home: string; cleanup: () => void}
  let scratch: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    sim = await startGitHubSimulator()
    home = tempHome()
    scratch = mkdtempSync(join(tmpdir(), 'flytectl-triage-'))
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
    env = {
      HOME: home.home,
      GITHUB_API_URL: sim.url,
      GITHUB_TOKEN: 'test-token',
      FLYTECTL_GITHUB_WRITE_INTERVAL_MS: '0',
      GITHUB_ACTIONS: '',
      GITHUB_REPOSITORY: '',
      GITHUB_STEP_SUMMARY: '',
    }
  })
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
    home.cleanup()
    rmSync(scratch, {recursive: true, force: true})
  })

  it('no repository: one-line usage error with a next step, exit 2', async () => {
    const r = await runCli(['triage', 'label'], {env, cwd: scratch})
    assert.equal(r.code, 2)
    assert.equal(
      r.stderr.trim(),
      'Error: no repository given\nHint: Pass --repo owner/name, --manifest release.yaml, or set $GITHUB_REPOSITORY.',
    )
  })

  it('triage label --dry-run prints the plan and writes nothing; --json then applies', async () => {
    sim.reset()
    const dry = await runCli(['triage', 'label', '--repo', REPO, '--dry-run'], {env, cwd: scratch})
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /would flyteorg\/flyte#3: add label "untriaged"/)
    assert.equal(sim.counters.writes, 0)
    const run = await runCli(['triage', 'label', '--repo', REPO, '--json'], {env, cwd: scratch})
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
    sim.reset()
    const run = await runCli(['triage', 'milestones', '--repo', REPO, '--rollover', '1.16.0', '--json'], {
      env,
      cwd: scratch,
    })
    assert.equal(run.code, 0, run.stderr)
    const result = JSON.parse(run.stdout).result
    assert.deepEqual(
      result.slipped.map((i: {number: number}) => i.number),
      [1],
    )
    assert.equal(result.target.title, '1.17.0')
    assert.deepEqual(result.api, {reads: result.api.reads, writes: 3})
    const again = await runCli(['triage', 'milestones', '--repo', REPO, '--rollover', '1.16.0', '--json'], {
      env,
      cwd: scratch,
    })
    assert.equal(JSON.parse(again.stdout).result.api.writes, 0)
  })

  it('triage report writes Markdown to stdout and the job summary file', async () => {
    const summary = join(scratch, 'summary.md')
    const r = await runCli(['triage', 'report', '--repo', REPO], {
      env: {...env, GITHUB_STEP_SUMMARY: summary},
      cwd: scratch,
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^## Triage report: flyteorg\/flyte/)
    assert.equal(readFileSync(summary, 'utf8').trimEnd(), r.stdout.trimEnd())
  })

  it('triage check-pr fails with an ::error annotation in GitHub Actions, exit 1', async () => {
    const pr = await sim.repo(REPO).pull({title: 'change', head: 'no-link', body: 'No issue here.'})
    const r = await runCli(['triage', 'check-pr', String(pr), '--repo', REPO], {
      env: {...env, GITHUB_ACTIONS: 'true'},
      cwd: scratch,
    })
    assert.equal(r.code, 1)
    assert.match(r.stdout, new RegExp(`^::error title=PR check::PR #${pr} does not link an issue`, 'm'))
  })

  it('triage owners takes its repositories from the release manifest', async () => {
    const kit = sim.repo('flyteorg/flytekit')
    await kit.create({defaultBranch: 'master'})
    await kit.commit('master', {'.github/CODEOWNERS': '* @flyteorg/fe-engineers\n'}, 'owners')
    sim.builder.team('flyteorg/fe-engineers', [])
    const manifest = join(scratch, 'release.yaml')
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
    const r = await runCli(['triage', 'owners', '--manifest', manifest, '--json'], {env, cwd: scratch})
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
    const r = await runCli(['triage', 'milestones', '--repo', REPO, '--due', '15/07/2026'], {env, cwd: scratch})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: --due "15\/07\/2026" is not a date\nHint: Use YYYY-MM-DD/)
  })
})
