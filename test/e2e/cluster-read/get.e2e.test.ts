/** `get` against the embedded control plane, as the built CLI. */
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {REPO_ROOT, runCli} from '../../support/cli.js'
import {planeSession} from '../../support/cli-session.js'
import {seed} from './seed.js'

const session = planeSession(seed, (s) => s.plane.configPath)
const {home, cli} = session
const golden = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/cluster', name), 'utf8')
const pd = ['-p', 'flytesnacks', '-d', 'development']
/** Every test here only reads the plane (and writes its own local files), so they run side by side. */
const READ_ONLY = {concurrency: 3}

/** The header row and data rows of a flytectl table. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    )
}

describe('get project', READ_ONLY, () => {
  it('prints the flytectl table, JSON and YAML shapes', async () => {
    const t = await cli('get', 'project')
    assert.equal(t.code, 0, t.stderr)
    assert.equal(t.stdout, golden('get-project.table.txt'))
    const j = await cli('get', 'project', 'flytesnacks', '-o', 'json')
    assert.equal(j.stdout, golden('get-project-flytesnacks.json'))
    const y = await cli('get', 'projects', 'flytesnacks', '-o', 'yaml')
    assert.equal(y.stdout, golden('get-project-flytesnacks.yaml'))
  })

  it('an unknown project is a not-found error (Go prints nothing and exits 0)', async () => {
    const r = await cli('get', 'project', 'nope')
    assert.equal(r.code, 4)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^Error: .*nope.*not found/)
  })

  it('several results as JSON are an array', async () => {
    const r = await cli('get', 'project', '-o', 'json')
    const parsed = JSON.parse(r.stdout) as Array<{id: string}>
    assert.deepEqual(
      parsed.map((p) => p.id),
      ['other', 'flytesnacks'],
    )
  })
})

describe('global flags before the command (as Go flytectl takes them)', READ_ONLY, () => {
  it('--config, -c, -p/-d, -o and --verbose work in front of the command words', async () => {
    const config = session.server.plane.configPath
    const env = {env: {HOME: home}}
    const long = await runCli(['--config', config, 'get', 'project', 'flytesnacks', '-o', 'json'], env)
    assert.equal(long.code, 0, long.stderr)
    assert.equal(long.stdout, golden('get-project-flytesnacks.json'))
    const short = await runCli(
      ['-c', config, '-p', 'flytesnacks', '-d', 'development', '-o', 'json', 'get', 'task'],
      env,
    )
    assert.equal(short.code, 0, short.stderr)
    assert.ok(Array.isArray(JSON.parse(short.stdout)))
    const eq = await runCli([`--config=${config}`, '--verbose', 'get', 'project', 'nope'], env)
    assert.equal(eq.code, 4)
    assert.match(eq.stderr, /nope/)
  })
})

describe('get task', READ_ONLY, () => {
  it('lists every version with the flytectl columns', async () => {
    const r = await cli('get', 'task', ...pd)
    assert.equal(r.code, 0, r.stderr)
    const rows = tableRows(r.stdout)
    assert.deepEqual(rows[0], [
      'VERSION (4)',
      'NAME',
      'TYPE',
      'INPUTS',
      'OUTPUTS',
      'DISCOVERABLE',
      'DISCOVERY VERSION',
      'CREATED AT',
    ])
    assert.deepEqual(
      rows.slice(1).map((x) => x.slice(0, 5)),
      [
        ['v2', 'core.double', 'container', 'x', 'o0'],
        ['v2', 'core.add', 'container', 'a b', 'o0'],
        ['v1', 'core.double', 'container', 'x', 'o0'],
        ['v1', 'core.add', 'container', 'a b', 'o0'],
      ],
    )
    assert.match(r.stdout, /\n4 rows\n$/)
  })

  it('--latest is the newest version even with --filter.asc (Go returned the oldest)', async () => {
    const r = await cli('get', 'task', ...pd, 'core.add', '--latest', '--filter.asc', '-o', 'json')
    assert.equal(r.code, 0, r.stderr)
    const t = JSON.parse(r.stdout) as {id: {version: string; name: string}}
    assert.deepEqual([t.id.name, t.id.version], ['core.add', 'v2'])
  })

  it('--version fetches one version; a missing version is not found', async () => {
    const r = await cli('get', 'task', ...pd, 'core.add', '--version', 'v1', '-o', 'yaml')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^ {2}version: v1$/m)
    const missing = await cli('get', 'task', ...pd, 'core.add', '--version', 'v9')
    assert.equal(missing.code, 4)
    assert.equal(missing.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1)
  })

  it('fieldSelector, limit and page select rows; more pages are announced on stderr', async () => {
    const sel = await cli('get', 'task', ...pd, '--filter.fieldSelector', 'name=core.add', '-o', 'json')
    assert.deepEqual(
      (JSON.parse(sel.stdout) as Array<{id: {name: string; version: string}}>).map((t) => t.id.version),
      ['v2', 'v1'],
    )
    const page = await cli('get', 'task', ...pd, '--filter.limit', '1', '--filter.page', '2', '-o', 'json')
    assert.equal((JSON.parse(page.stdout) as {id: {name: string}}).id.name, 'core.add')
    assert.match(page.stderr, /More results exist: rerun with --filter.token 2/)
  })

  it('rejects a malformed field selector and missing -p/-d with one line each', async () => {
    const bad = await cli('get', 'task', ...pd, '--filter.fieldSelector', 'name=a=b')
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^Error: invalid field selector: unescaped = in value/)
    const noPd = await cli('get', 'task')
    assert.equal(noPd.code, 2)
    assert.match(noPd.stderr, /^Error: project and domain are required parameters\nHint: /)
  })

  it('--execFile writes an execution spec from the task interface', async () => {
    const file = join(home, 'task-exec.yaml')
    const r = await cli('get', 'task', ...pd, 'core.double', '--version', 'v1', '--execFile', file)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `wrote the execution spec to file ${file}\n`)
    const text = readFileSync(file, 'utf8')
    assert.match(text, /^inputs:\n {2}x: 0$/m)
    assert.match(text, /^task: core.double$/m)
    assert.match(text, /^version: v1$/m)
    const noName = await cli('get', 'task', ...pd, '--execFile', join(home, 'x.yaml'))
    assert.equal(noName.code, 2)
    assert.match(noName.stderr, /^Error: --execFile needs a task name/)
  })
})

describe('get workflow', READ_ONLY, () => {
  it('lists workflow names, then versions of one, then one version with its interface', async () => {
    const list = await cli('get', 'workflow', ...pd)
    assert.equal(list.code, 0, list.stderr)
    const rows = tableRows(list.stdout)
    assert.deepEqual(rows[0], ['PROJECT (1)', 'DOMAIN', 'NAME', 'DESCRIPTION', 'STATE'])
    assert.deepEqual(rows[1]!.slice(0, 3), ['flytesnacks', 'development', 'core.pipeline'])
    const versions = tableRows((await cli('get', 'workflow', ...pd, 'core.pipeline')).stdout)
    assert.deepEqual(versions[0], ['VERSION (2)', 'NAME', 'CREATED AT'])
    assert.deepEqual(
      versions.slice(1).map((x) => x[0]),
      ['v2', 'v1'],
    )
    const latest = tableRows((await cli('get', 'workflow', ...pd, 'core.pipeline', '--latest')).stdout)
    assert.deepEqual(latest[0], ['VERSION (1)', 'NAME', 'INPUTS', 'OUTPUTS', 'CREATED AT'])
    assert.deepEqual(latest[1]!.slice(0, 4), ['v2', 'core.pipeline', 'a b', 'result'])
  })

  it('-o dot renders the compiled graph; other nouns refuse dot', async () => {
    const r = await cli('get', 'workflow', ...pd, 'core.pipeline', '--version', 'v1', '-o', 'dot')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^digraph G \{/)
    assert.match(r.stdout, /"n0" -> "n1";/)
    assert.match(r.stdout, /"start-node" -> "n0";/)
    const task = await cli('get', 'task', ...pd, '-o', 'dot')
    assert.equal(task.code, 2)
    assert.match(task.stderr, /^Error: visualization is only supported on workflows/)
  })
})

describe('get launchplan', READ_ONLY, () => {
  it('lists, filters by workflow, shows one by name with real state/type columns', async () => {
    const list = tableRows((await cli('get', 'launchplan', ...pd)).stdout)
    assert.deepEqual(list[0], ['VERSION (2)', 'NAME', 'TYPE', 'CREATEDAT', 'NEXT RUN'])
    assert.deepEqual(list[1]!.slice(0, 3), ['v2', 'core.pipeline', 'LAUNCH_PLAN'])
    const byWf = await cli('get', 'launchplan', ...pd, '--workflow', 'core.pipeline', '-o', 'json')
    assert.equal(byWf.code, 0, byWf.stderr)
    assert.equal((JSON.parse(byWf.stdout) as unknown[]).length, 2)
    const both = await cli('get', 'launchplan', ...pd, '--workflow', 'x', '--filter.fieldSelector', 'name=y')
    assert.equal(both.code, 2)
    assert.match(both.stderr, /fieldSelector cannot be specified with workflow flag/)
    const one = tableRows((await cli('get', 'launchplan', ...pd, 'core.pipeline', '--latest')).stdout)
    assert.deepEqual(one[0], ['VERSION (1)', 'NAME', 'TYPE', 'STATE', 'SCHEDULE', 'INPUTS', 'OUTPUTS', 'NEXT RUN'])
    assert.deepEqual(one[1], ['v2', 'core.pipeline', 'LAUNCH_PLAN', 'INACTIVE', '', 'a b', 'result', ''])
  })

  it('--execFile writes the launch plan spec', async () => {
    const file = join(home, 'lp-exec.yaml')
    const r = await cli('get', 'launchplan', ...pd, 'core.pipeline', '--version', 'v1', '--execFile', file)
    assert.equal(r.code, 0, r.stderr)
    assert.ok(existsSync(file))
    assert.match(readFileSync(file, 'utf8'), /^workflow: core.pipeline\nversion: v1\n$/m)
  })
})

describe('get execution', READ_ONLY, () => {
  it('lists executions and shows one with the flytectl columns', async () => {
    const r = await cli('get', 'execution', ...pd)
    assert.equal(r.code, 0, r.stderr)
    const rows = tableRows(r.stdout)
    assert.deepEqual(rows[0], [
      'NAME (1)',
      'LAUNCH PLAN NAME',
      'VERSION',
      'TYPE',
      'PHASE',
      'SCHEDULED TIME',
      'STARTED',
      'ELAPSED TIME',
      'ABORT DATA (TRUNC)',
      'ERROR DATA (TRUNC)',
    ])
    assert.deepEqual(rows[1]!.slice(0, 5), [
      session.server.succeeded,
      'core.pipeline',
      'v1',
      'LAUNCH_PLAN',
      'SUCCEEDED',
    ])
    const one = await cli('get', 'execution', ...pd, session.server.succeeded, '-o', 'json')
    const e = JSON.parse(one.stdout) as {id: {name: string}; closure: {phase: string}}
    assert.deepEqual([e.id.name, e.closure.phase], [session.server.succeeded, 'SUCCEEDED'])
    const missing = await cli('get', 'execution', ...pd, 'nope')
    assert.equal(missing.code, 4)
  })
})

describe('version', READ_ONLY, () => {
  it('shows the control plane version; -o json is one valid document', async () => {
    const r = await cli('version', '-o', 'json')
    assert.equal(r.code, 0, r.stderr)
    const v = JSON.parse(r.stdout) as Array<{App: string; Version: string}>
    assert.deepEqual(
      v.map((x) => x.App),
      ['flytectl', 'controlPlane'],
    )
    assert.ok(v[1]!.Version.length > 0)
  })

  it('keeps the local version with a note when the plane is unreachable', async () => {
    const r = await runCli(['version', '-o', 'json'], {
      env: {HOME: home, FLYTECTL_CONFIG: join(REPO_ROOT, 'test/fixtures/cluster/unreachable.yaml')},
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal((JSON.parse(r.stdout) as {App: string}).App, 'flytectl')
    assert.match(
      r.stderr,
      /Control plane not reachable, showing the local version only: .*Connection Info: \[Endpoint: dns:\/\/\/127\.0\.0\.1:1/,
    )
  })
})
