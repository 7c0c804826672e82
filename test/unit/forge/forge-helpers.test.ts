import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {parseClosingKeywords} from '../../../src/forge/keywords.js'
import {redact, toForgeError} from '../../../src/forge/errors.js'
import {forgeOptionsFromEnv} from '../../../src/forge/github.js'
import {forgeCliError} from '../../../src/forge/cli.js'
import {ForgeError} from '../../../src/forge/types.js'
import {CliError, formatError, toCliError} from '../../../src/cli/errors.js'

describe('closing keywords', () => {
  const repo = 'flyteorg/flytekit'
  it('finds every GitHub keyword form, case-insensitive, with an optional colon', () => {
    const body = [
      'Fixes #1',
      'closes #2, resolved: #3',
      'This CLOSE #4 and fix #5 and FIXED #6',
      'resolves flyteorg/flytekit#7',
      'Resolve https://github.com/flyteorg/flytekit/issues/8',
      'close #9 and closed #10',
    ].join('\n')
    assert.deepEqual(
      parseClosingKeywords(body, repo).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    )
  })
  it('ignores other repositories, mentions without a keyword and words that merely contain one', () => {
    const body = 'fixes flyteorg/flyte#11\nsee #12\nprefix #13\nunfixed #14\nfixes#15\nfixes #16abc'
    assert.deepEqual(parseClosingKeywords(body, repo), [])
  })
  it('treats the owner/repo prefix case-insensitively', () => {
    assert.deepEqual(parseClosingKeywords('Closes FlyteOrg/FlyteKit#3', repo), [3])
  })
})

describe('ForgeError mapping', () => {
  const requestError = (status: number, message: string, headers: Record<string, string> = {}, data: object = {}) =>
    Object.assign(new Error(message), {status, response: {headers, data: {message, ...data}}})

  it('maps HTTP statuses to kinds', () => {
    assert.equal(toForgeError(requestError(404, 'Not Found'), 'x').kind, 'not-found')
    assert.equal(toForgeError(requestError(409, 'Conflict'), 'x').kind, 'conflict')
    assert.equal(
      toForgeError(requestError(422, 'Validation Failed', {}, {errors: [{code: 'already_exists', field: 'name'}]}), 'x')
        .kind,
      'conflict',
    )
    assert.equal(
      toForgeError(requestError(422, 'Validation Failed', {}, {errors: [{code: 'invalid', field: 'sha'}]}), 'x').kind,
      'invalid',
    )
    assert.equal(toForgeError(requestError(401, 'Bad credentials'), 'x').kind, 'auth')
    assert.equal(toForgeError(requestError(403, 'Resource not accessible by integration'), 'x').kind, 'auth')
    assert.equal(
      toForgeError(requestError(403, 'API rate limit exceeded', {'x-ratelimit-remaining': '0'}), 'x').kind,
      'rate-limited',
    )
    assert.equal(toForgeError(requestError(429, 'Too many'), 'x').kind, 'rate-limited')
    assert.equal(toForgeError(requestError(502, 'Server Error'), 'x').kind, 'unavailable')
    assert.equal(
      toForgeError(Object.assign(new Error('fetch failed'), {cause: {code: 'ECONNRESET'}}), 'x').kind,
      'unavailable',
    )
  })
  it('names the action, the status and the field errors', () => {
    const e = toForgeError(
      requestError(422, 'Validation Failed', {}, {errors: [{message: 'Object does not exist'}]}),
      'create tag v1 in a/b',
    )
    assert.equal(e.message, 'GitHub: cannot create tag v1 in a/b: 422 Validation Failed (Object does not exist)')
    assert.equal(e.status, 422)
  })
  it('scrubs known secrets and token-shaped strings', () => {
    assert.equal(redact('token s3cr3t-value leaked', ['s3cr3t-value']), 'token *** leaked')
    assert.equal(redact('ghp_abcdefghijklmnopqrstuvwxyz0123 and github_pat_11ABCDEFG0123456789_xyz'), '*** and ***')
    const e = toForgeError(requestError(401, 'Bad credentials for ghp_abcdefghijklmnopqrstuvwxyz0123'), 'x', [])
    assert.ok(!e.message.includes('ghp_abcdefghijklmnop'))
  })
})

describe('forge options from flags and environment', () => {
  it('prefers --token, then a GitHub App, then GITHUB_TOKEN, then GH_TOKEN', () => {
    const env = {GITHUB_TOKEN: 'gt', GH_TOKEN: 'gh'}
    assert.equal(forgeOptionsFromEnv({token: 'flag'}, env).token, 'flag')
    assert.equal(forgeOptionsFromEnv({}, env).token, 'gt')
    assert.equal(forgeOptionsFromEnv({}, {GH_TOKEN: 'gh'}).token, 'gh')
    const app = forgeOptionsFromEnv(
      {},
      {
        ...env,
        FLYTECTL_GITHUB_APP_ID: '1',
        FLYTECTL_GITHUB_APP_PRIVATE_KEY: '-----BEGIN KEY-----\\nabc\\n-----END KEY-----',
        FLYTECTL_GITHUB_APP_INSTALLATION_ID: '9',
      },
    )
    assert.deepEqual(app, {
      app: {appId: '1', privateKey: '-----BEGIN KEY-----\nabc\n-----END KEY-----', installationId: 9},
    })
  })
  it('reads a private key file path and takes the base URL from --github-url or GITHUB_API_URL', () => {
    const opts = forgeOptionsFromEnv(
      {},
      {
        FLYTECTL_GITHUB_APP_ID: '1',
        FLYTECTL_GITHUB_APP_PRIVATE_KEY: '/keys/app.pem',
        FLYTECTL_GITHUB_APP_INSTALLATION_ID: '2',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      },
      {readFile: (p) => `PEM from ${p}`},
    )
    assert.equal(opts.app?.privateKey, 'PEM from /keys/app.pem')
    assert.equal(opts.baseUrl, 'https://ghe.example.com/api/v3')
    assert.equal(
      forgeOptionsFromEnv({token: 't', 'github-url': 'https://x/api/v3'}, {GITHUB_API_URL: 'https://y'}).baseUrl,
      'https://x/api/v3',
    )
  })
  it('takes write pacing and retry delay from the environment', () => {
    const opts = forgeOptionsFromEnv(
      {token: 't'},
      {FLYTECTL_GITHUB_WRITE_INTERVAL_MS: '0', FLYTECTL_GITHUB_RETRY_DELAY_MS: '5'},
    )
    assert.equal(opts.minWriteIntervalMs, 0)
    assert.equal(opts.retryBaseDelayMs, 5)
    assert.throws(
      () => forgeOptionsFromEnv({token: 't'}, {FLYTECTL_GITHUB_WRITE_INTERVAL_MS: 'fast'}),
      /must be a number/,
    )
  })

  it('fails with a typed auth error when there are no credentials (unless anonymous is allowed)', () => {
    assert.throws(
      () => forgeOptionsFromEnv({}, {}),
      (e: unknown) => e instanceof ForgeError && e.kind === 'auth' && /GITHUB_TOKEN/.test(e.message),
    )
    assert.throws(() => forgeOptionsFromEnv({}, {FLYTECTL_GITHUB_APP_ID: '1'}), /FLYTECTL_GITHUB_APP_PRIVATE_KEY/)
    assert.deepEqual(forgeOptionsFromEnv({}, {}, {anonymous: true}), {})
  })
})

describe('ForgeError is a CliError', () => {
  it('carries the exit code and a next step for its kind', () => {
    const cases: [ForgeError, string, number][] = [
      [new ForgeError('not-found', 'm'), 'not-found', 4],
      [new ForgeError('conflict', 'm'), 'conflict', 5],
      [new ForgeError('auth', 'm', {status: 401}), 'unauthenticated', 7],
      [new ForgeError('auth', 'm', {status: 403}), 'permission-denied', 7],
      [new ForgeError('rate-limited', 'm'), 'unavailable', 6],
      [new ForgeError('unavailable', 'm'), 'unavailable', 6],
      [new ForgeError('invalid', 'm'), 'invalid-input', 2],
      [new ForgeError('internal', 'm'), 'internal', 1],
    ]
    for (const [err, code, exit] of cases) {
      assert.ok(err instanceof CliError)
      assert.equal(err.code, code)
      assert.equal(err.exitCode, exit)
      assert.equal(err.name, 'ForgeError')
      const cli = toCliError(err)
      assert.equal(cli, err, 'the CLI reports it as it is')
      assert.match(formatError(cli, false), /^Error: m\nHint: .{20,}/)
    }
  })
})

describe('forgeCliError', () => {
  it('returns a ForgeError as the CliError it is, and leaves other errors alone', () => {
    const forgeErr = new ForgeError('conflict', 'tag exists')
    const out = forgeCliError(forgeErr)
    assert.ok(out instanceof CliError)
    assert.equal((out as CliError).exitCode, 5)
    const other = new Error('x')
    assert.equal(forgeCliError(other), other)
  })
})
