import {after, before, beforeEach, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {inspect} from 'node:util'
import {createGitHubForge} from '../../../src/forge/github.js'
import {ForgeError, type Forge, type ForgeOptions} from '../../../src/forge/types.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const REPO = 'flyteorg/flyte'
const TOKEN = 'ghp_faultsuitetoken0000000000000000000000'

function isForgeError(kind: ForgeError['kind']) {
  return (e: unknown) => e instanceof ForgeError && e.kind === kind
}

describe('GitHub Forge reliability (faults injected by the simulator)', () => {
  let sim: GitHubSimulator
  const forge = (extra: Partial<ForgeOptions> = {}): Forge =>
    createGitHubForge({
      baseUrl: sim.url,
      token: TOKEN,
      retryBaseDelayMs: 1,
      minWriteIntervalMs: 0,
      maxRetries: 3,
      maxRetryAfterMs: 5000,
      ...extra,
    })

  before(async () => {
    sim = await startGitHubSimulator(undefined, {tokens: [TOKEN]})
    await sim.repo(REPO).create({defaultBranch: 'master'})
    await sim.repo(REPO).commit('master', {'README.md': 'flyte\n'}, 'initial')
    await sim.repo(REPO).issue({title: 'one'})
  })
  beforeEach(() => sim.reset())
  after(async () => {
    sim.assertNoViolations()
    await sim.close()
  })

  it('retries 5xx answers and succeeds', async () => {
    sim.fault({times: 2, status: 502})
    const f = forge()
    const repo = await f.getRepo(REPO)
    assert.equal(repo?.defaultBranch, 'master')
    assert.deepEqual(f.counters, {reads: 3, writes: 0}, 'every attempt counts against the rate limit')
    assert.deepEqual(
      sim.log.map((r) => r.status),
      [502, 502, 200],
    )
  })

  it('retries a write after a 500 without writing twice', async () => {
    sim.fault({times: 1, status: 500, match: 'POST /repos/flyteorg/flyte/issues/1/comments'})
    const f = forge()
    await f.createComment(REPO, 1, 'hello')
    const comments = await f.listComments(REPO, 1)
    assert.deepEqual(
      comments.map((c) => c.body),
      ['hello'],
    )
    assert.deepEqual(
      sim.log.filter((r) => r.method === 'POST').map((r) => r.status),
      [500, 201],
    )
  })

  it('gives a typed unavailable error when 5xx retries run out', async () => {
    sim.fault({times: 100, status: 500})
    await assert.rejects(forge({maxRetries: 2}).getRepo(REPO), (e: unknown) => {
      assert.ok(e instanceof ForgeError)
      assert.equal(e.kind, 'unavailable')
      assert.equal(e.status, 500)
      assert.match(e.message, /get repository flyteorg\/flyte/)
      return true
    })
    assert.equal(sim.log.length, 3, 'one try and two retries')
  })

  it('honours Retry-After on a primary rate limit (429, x-ratelimit-remaining: 0)', async () => {
    sim.fault({kind: 'rate-limit', status: 429, retryAfter: 1})
    const started = Date.now()
    assert.equal((await forge().getRepo(REPO))?.slug, REPO)
    assert.ok(Date.now() - started >= 900, 'waited for the reset before retrying')
    assert.deepEqual(
      sim.log.map((r) => r.status),
      [429, 200],
    )
  })

  it('honours Retry-After on a secondary rate limit (403 with GitHub message)', async () => {
    sim.fault({kind: 'secondary-rate-limit', retryAfter: 1})
    const started = Date.now()
    const warnings: string[] = []
    const f = forge({log: (level, message) => level === 'warn' && warnings.push(message)})
    await f.addLabels(REPO, 1, ['bug'])
    assert.ok(Date.now() - started >= 900)
    assert.deepEqual((await f.getIssue(REPO, 1))?.labels, ['bug'])
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0]!,
      /secondary rate limit on POST \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/labels: waiting 1s \(retry 1 of 3\)/,
    )
    assert.deepEqual(
      sim.log.filter((r) => r.method === 'POST').map((r) => r.status),
      [403, 200],
    )
  })

  it('does not wait longer than maxRetryAfterMs: a long Retry-After is a typed rate-limited error', async () => {
    sim.fault({kind: 'secondary-rate-limit', retryAfter: 600})
    await assert.rejects(forge({maxRetryAfterMs: 2000}).getRepo(REPO), (e: unknown) => {
      assert.ok(e instanceof ForgeError)
      assert.equal(e.kind, 'rate-limited')
      assert.match(e.message, /wait 600s/)
      return true
    })
    assert.equal(sim.log.length, 1, 'no retry was attempted')
  })

  it('gives up on rate limits after maxRetries', async () => {
    sim.fault({kind: 'secondary-rate-limit', times: 10, retryAfter: 1})
    await assert.rejects(forge({maxRetries: 1}).getRepo(REPO), isForgeError('rate-limited'))
    assert.equal(sim.log.length, 2)
  })

  it('GraphQL: retries a 502 and waits out a RATE_LIMITED answer', async () => {
    sim.fault({times: 1, status: 502, match: 'POST /graphql'})
    const f = forge()
    assert.deepEqual(await f.linkedIssues(REPO, 1), [])
    sim.fault({kind: 'rate-limit', retryAfter: 1, match: 'POST /graphql'})
    const started = Date.now()
    assert.deepEqual(await f.linkedIssues(REPO, 1), [])
    assert.ok(Date.now() - started >= 900, 'waited for the reset')
    assert.deepEqual(
      sim.log.map((r) => r.status),
      [502, 200, 200, 200],
    )
    assert.equal(f.counters.reads, 4)
  })

  it('retries a connection reset', async () => {
    sim.fault({kind: 'reset'})
    assert.equal((await forge().getRepo(REPO))?.slug, REPO)
    assert.equal(sim.log.length, 2)
  })

  it('reports repeated connection resets as unavailable', async () => {
    sim.fault({kind: 'reset', times: 10})
    await assert.rejects(forge({maxRetries: 1}).getRepo(REPO), isForgeError('unavailable'))
  })

  it('never shows the token: bad credentials give an auth error without it', async () => {
    const secret = 'ghp_thisIsTheSecretValue1234567890abcdef'
    const logs: string[] = []
    const f = forge({token: secret, log: (_level, message) => logs.push(message)})
    const err = await f.getRepo(REPO).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(err instanceof ForgeError)
    assert.equal(err.kind, 'auth')
    assert.equal(err.status, 401)
    for (const text of [
      err.message,
      String(err),
      inspect(err, {depth: 10}),
      JSON.stringify(err),
      err.stack ?? '',
      ...logs,
    ]) {
      assert.ok(!text.includes(secret), `token leaked into: ${text.slice(0, 200)}`)
    }
  })

  it('lookups of missing things are undefined, writes to missing things are not-found', async () => {
    const f = forge()
    assert.equal(await f.getIssue(REPO, 404), undefined)
    assert.equal(await f.getRepo('flyteorg/absent'), undefined)
    await assert.rejects(f.createComment(REPO, 404, 'x'), isForgeError('not-found'))
    await assert.rejects(f.addLabels('flyteorg/absent', 1, ['x']), isForgeError('not-found'))
  })

  it('works against a GitHub Enterprise base URL (/api/v3 and /api/graphql)', async () => {
    const f = createGitHubForge({baseUrl: `${sim.url}/api/v3`, token: TOKEN, minWriteIntervalMs: 0})
    assert.equal((await f.getRepo(REPO))?.defaultBranch, 'master')
    assert.deepEqual(await f.linkedIssues(REPO, 1), [])
    assert.ok(sim.log.some((r) => r.path === '/api/graphql'))
  })
})
