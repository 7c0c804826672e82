/** register files / create: what the built CLI does before (or without) talking to a control plane. */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli, tempHome} from '../../support/cli.js'
import {pbFiles, trio, writePackage} from '../../fixtures/register/build-package.js'

let home: {home: string; cleanup: () => void}
let dir: string
let config: string
let pkg: string

before(async () => {
  home = tempHome()
  dir = mkdtempSync(join(home.home, 'work-'))
  config = join(dir, 'config.yaml')
  // Port 9 (discard) on loopback: nothing in these tests may reach a server.
  writeFileSync(config, 'admin:\n  endpoint: dns:///127.0.0.1:9\n  insecure: true\n')
  pkg = await writePackage(dir, 'flyte-package.tgz', pbFiles(trio('example')))
})
after(() => home.cleanup())

/** No test here reaches a server and each writes its own files, so they run side by side. */
const INDEPENDENT = {concurrency: 3}

const run = (args: string[]) => runCli([...args, '--config', config], {env: {HOME: home.home}})

/** One `Error:` line, at most one `Hint:` line, no stack trace. */
function assertOneLineError(stderr: string, message: RegExp) {
  const lines = stderr.trim().split('\n')
  assert.match(lines[0]!, /^Error: /)
  assert.match(lines[0]!, message)
  assert.ok(lines.length <= 2, stderr)
  if (lines[1]) assert.match(lines[1], /^Hint: /)
  assert.ok(!/\n\s+at /.test(stderr), 'no stack trace')
}

describe('register files (offline)', INDEPENDENT, () => {
  it('--dryRun prints what would be registered, in kind order, without a server', async () => {
    const r = await run([
      'register',
      'files',
      '-p',
      'flytesnacks',
      '-d',
      'development',
      '--archive',
      pkg,
      '--version',
      'v1',
      '--dryRun',
    ])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.trim().split('\n')
    assert.match(lines[1]!, /^\| NAME \(3\) +\| STATUS +\| ADDITIONAL INFO +\|$/)
    assert.match(
      r.stdout,
      /flyte-package\.tgz\/00_example\.t_1\.pb +\| Success \| Dry run: would register task flytesnacks\/development\/example\.t@v1/,
    )
    assert.equal(lines.at(-1), '3 rows')
  })
  it('-o json prints the rows (flytectl ignored -o here)', async () => {
    const r = await run([
      'register',
      'files',
      '-p',
      'p',
      '-d',
      'development',
      '--archive',
      pkg,
      '--version',
      'v1',
      '--dryRun',
      '-o',
      'json',
    ])
    assert.equal(r.code, 0, r.stderr)
    const rows = JSON.parse(r.stdout) as {name: string; status: string}[]
    assert.deepEqual(
      rows.map((x) => x.status),
      ['Success', 'Success', 'Success'],
    )
  })
  it('missing -p/-d is a usage error (exit 2)', async () => {
    const r = await run(['register', 'files', '--archive', pkg, '--version', 'v1'])
    assert.equal(r.code, 2)
    assertOneLineError(r.stderr, /project and domain are required parameters/)
  })
  it('a package without versions and no --version is a usage error before any call', async () => {
    const r = await run(['register', 'files', '-p', 'p', '-d', 'development', '--archive', pkg])
    assert.equal(r.code, 2)
    assertOneLineError(r.stderr, /version is required: 3 file\(s\) carry no version/)
  })
  it('a non-archive under --archive, and a missing file, are one-line errors', async () => {
    const bad = await run(['register', 'files', '-p', 'p', '-d', 'development', '--archive', 'x.zip'])
    assert.equal(bad.code, 2)
    assertOneLineError(bad.stderr, /only \.tar, \.tar\.gz and \.tgz extension archives are supported/)
    const missing = await run([
      'register',
      'files',
      '-p',
      'p',
      '-d',
      'development',
      join(dir, 'nope.pb'),
      '--version',
      'v1',
    ])
    assert.equal(missing.code, 4)
    assertOneLineError(missing.stderr, /cannot read .*nope\.pb: ENOENT/)
  })
})

describe('create (offline)', INDEPENDENT, () => {
  it('create execution without an execFile, relaunch or recover says how to get one', async () => {
    const r = await run(['create', 'execution', '-p', 'p', '-d', 'development'])
    assert.equal(r.code, 2)
    assertOneLineError(r.stderr, /executionConfig, relaunch and recover can't be empty/)
  })
  it('create execution with a malformed or mistyped execFile is a one-line error', async () => {
    const malformed = join(dir, 'malformed.yaml')
    writeFileSync(malformed, 'workflow: [oops\nversion: v1\n')
    const r = await run(['create', 'execution', '-p', 'p', '-d', 'development', '--execFile', malformed])
    assert.equal(r.code, 2)
    assertOneLineError(r.stderr, /execFile .*malformed\.yaml: not valid YAML \(line 2, column 1\)/)
    const mistyped = join(dir, 'mistyped.yaml')
    writeFileSync(mistyped, 'workflow: wf\nversion: 2\n')
    const t = await run(['create', 'execution', '-p', 'p', '-d', 'development', '--execFile', mistyped])
    assert.equal(t.code, 2)
    assertOneLineError(t.stderr, /"version" must be a string, got number 2/)
    const both = join(dir, 'both.yaml')
    writeFileSync(both, 'workflow: wf\ntask: t\nversion: v1\n')
    const b = await run(['create', 'execution', '-p', 'p', '-d', 'development', '--execFile', both])
    assert.equal(b.code, 2)
    assertOneLineError(b.stderr, /either task or workflow name should be specified/)
  })
  it('create execution without -p/-d is a usage error', async () => {
    const r = await run(['create', 'execution', '--execFile', join(dir, 'x.yaml')])
    assert.equal(r.code, 2)
    assertOneLineError(r.stderr, /project and domain are required parameters/)
  })
  it('create project checks its flags and file before calling anything', async () => {
    const noName = await run(['create', 'project', '--id', 'demo'])
    assert.equal(noName.code, 2)
    assertOneLineError(noName.stderr, /project name is a required flag/)
    const both = await run(['create', 'project', '--id', 'demo', '-p', 'demo', '--name', 'Demo'])
    assertOneLineError(both.stderr, /both project and id are passed/)
    const file = join(dir, 'project.yaml')
    writeFileSync(file, 'id: from-file\nname: From File\nlabels:\n  values:\n    team: ml\n')
    const dry = await run(['create', 'project', '--file', file, '--dryRun', '--json'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.deepEqual(JSON.parse(dry.stdout).result, {
      id: 'from-file',
      name: 'From File',
      description: '',
      labels: {team: 'ml'},
      dryRun: true,
    })
  })
})
