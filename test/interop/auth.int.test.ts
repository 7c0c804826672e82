/**
 * flytekit against `flytectl demo start --auth`: `pyflyte register` with the client credentials of
 * the written sandbox config (token from the plane's OAuth2 server, uploads through DataProxy), then
 * FlyteRemote with client credentials launching and reading an execution; a viewer may read but not
 * launch; a wrong secret is refused. Needs the test-only Python environment (scripts/setup-interop.sh).
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {REPO_ROOT, runCli, tempHome, type CliResult} from '../support/cli.js'
import {freePort} from '../support/net.js'

const run = promisify(execFile)
const INTEROP = join(REPO_ROOT, 'test', 'interop')
const VENV_BIN = join(INTEROP, '.venv', 'bin')
const SKIP = existsSync(join(VENV_BIN, 'pyflyte'))
  ? false
  : 'the interop environment is missing: run scripts/setup-interop.sh'
const P = ['-p', 'flytesnacks', '-d', 'development']

describe('flytekit client credentials against flytectl demo --auth', {skip: SKIP, timeout: 600_000}, () => {
  let home: {home: string; cleanup: () => void}
  let port: number
  let env: NodeJS.ProcessEnv
  const cli = (args: string[]): Promise<CliResult> => runCli(args, {env})

  before(async () => {
    home = tempHome()
    port = await freePort()
    env = {HOME: home.home, FLYTECTL_DEMO_PATH: VENV_BIN, PYTHONPATH: INTEROP}
    const started = await cli(['demo', 'start', '--auth', '--port', String(port)])
    assert.equal(started.code, 0, started.stderr)
    env.FLYTECTL_CONFIG = join(home.home, '.flyte', 'config-sandbox.yaml')
    // A viewer client, to see a denial through flytekit.
    const auth = join(home.home, '.flyte', 'demo', 'auth')
    const ids = readFileSync(join(auth, 'identities.yaml'), 'utf8')
    writeFileSync(
      join(auth, 'identities.yaml'),
      ids.replace('users:\n', '  - id: reader\n    secret: reader-secret\nusers:\n'),
    )
    writeFileSync(
      join(auth, 'policy.yaml'),
      readFileSync(join(auth, 'policy.yaml'), 'utf8') +
        '  - role: viewer\n    clients: [reader]\n    projects: ["*"]\n',
    )
  })

  after(async () => {
    if (env?.HOME) await cli(['demo', 'teardown', '--volume'])
    home?.cleanup()
  })

  it('pyflyte register and FlyteRemote authenticate with client credentials; a viewer cannot launch', async () => {
    await run(
      join(VENV_BIN, 'pyflyte'),
      [
        '--config',
        env.FLYTECTL_CONFIG!,
        'register',
        '--project',
        'flytesnacks',
        '--domain',
        'development',
        '--version',
        'auth1',
        'workflows',
      ],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
    )
    const lp = await cli(['get', 'launchplan', ...P, 'sum_lp', '--version', 'auth1', '-o', 'json'])
    assert.equal(lp.code, 0, lp.stderr)

    const secretFile = join(home.home, '.flyte', 'demo', 'auth', 'flytepropeller.secret')
    const {stdout} = await run(
      join(VENV_BIN, 'python'),
      [
        join(INTEROP, 'remote_auth.py'),
        `127.0.0.1:${port}`,
        'flytesnacks',
        'development',
        'auth1',
        'flytepropeller',
        secretFile,
        'reader',
        'reader-secret',
      ],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
    )
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>
    assert.deepEqual(out.admin, {phase: 4, o0: 35})
    assert.equal(out.reader_fetch, 'sum_lp')
    assert.match(String(out.reader_execute), /may not executions:create in project flytesnacks/)
    assert.match(String(out.bad_secret), /invalid_client|401/)

    // The audit log saw flytekit's calls as the clients it authenticated.
    const audit = readFileSync(join(home.home, '.flyte', 'demo', 'auth', 'audit.log'), 'utf8')
    assert.match(audit, /"principal":"flytepropeller","kind":"client","action":"blobs:create"/)
    assert.match(audit, /"principal":"reader","kind":"client","action":"executions:create".*"decision":"deny"/)
  })

  it('a task calls the plane with FlyteRemote on its execution token: its project only, token never in the environment', async () => {
    await run(
      join(VENV_BIN, 'pyflyte'),
      [
        '--config',
        env.FLYTECTL_CONFIG!,
        'register',
        '--project',
        'flytesnacks',
        '--domain',
        'development',
        '--version',
        'auth1',
        'auth_tasks',
      ],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
    )
    const secretFile = join(home.home, '.flyte', 'demo', 'auth', 'flytepropeller.secret')
    const {stdout} = await run(
      join(VENV_BIN, 'python'),
      [
        join(INTEROP, 'remote_in_task.py'),
        `127.0.0.1:${port}`,
        'flytesnacks',
        'development',
        'auth1',
        'flytepropeller',
        secretFile,
      ],
      {cwd: INTEROP, env: {...process.env, ...env}, timeout: 300_000},
    )
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>
    assert.equal(out.auth_mode, 'ExternalCommand')
    assert.equal(out.file_mode, '0o600')
    assert.equal(out.token_in_env, false)
    assert.deepEqual(out.child, {phase: 4, o0: 10})
    assert.match(
      String(out.other_project),
      /execution:flytesnacks\/development\/\S+ may not executions:create in project other/,
    )

    const audit = readFileSync(join(home.home, '.flyte', 'demo', 'auth', 'audit.log'), 'utf8')
    assert.match(
      audit,
      /"kind":"execution","action":"executions:create","project":"flytesnacks".*"decision":"allow".*"via":"execution token"/,
    )
  })
})
