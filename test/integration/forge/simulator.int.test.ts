import {after, before, beforeEach, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGitHubForge, forgeFromEnv} from '../../../src/forge/github.js'
import {createGitLayer} from '../../../src/git/git.js'
import {startGitHubSimulator, type GitHubSimulator} from '../../support/github/index.js'

const REPO = 'flyteorg/flyteidl'

async function post(sim: GitHubSimulator, path: string, body: unknown): Promise<{status: number; json: unknown}> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(body),
  })
  return {status: res.status, json: await res.json()}
}

describe('GitHub simulator: schema validation', () => {
  let sim: GitHubSimulator

  before(async () => {
    sim = await startGitHubSimulator(`
repos:
  - name: ${REPO}
    branches:
      main:
        - {message: init, files: {README.md: "idl\\n"}}
    issues:
      - {title: first}
`)
  })
  beforeEach(() => {
    sim.reset()
    sim.tamper = undefined
    sim.strict = false
  })
  after(async () => sim.close())

  it('records a response that breaks the published schema (a deliberately broken handler)', async () => {
    sim.tamper = (operation, body) => {
      if (operation !== 'GET /repos/{owner}/{repo}') return body
      const {default_branch: _dropped, ...rest} = body as Record<string, unknown>
      return {...rest, archived: 'no'}
    }
    const forge = createGitHubForge({baseUrl: sim.url, maxRetries: 0})
    await forge.getRepo(REPO)
    assert.equal(sim.violations.length, 1)
    assert.equal(sim.violations[0]!.operation, 'GET /repos/{owner}/{repo}')
    assert.equal(sim.violations[0]!.where, 'response')
    assert.match(sim.violations[0]!.message, /default_branch|archived/)
    assert.throws(() => sim.assertNoViolations(), /schema violation/)
  })

  it('strict mode answers a schema violation with a 500 that names it', async () => {
    sim.strict = true
    sim.tamper = (operation, body) =>
      operation === 'GET /repos/{owner}/{repo}/issues/{issue_number}' ? {...(body as object), number: 'one'} : body
    const res = await fetch(`${sim.url}/repos/${REPO}/issues/1`)
    assert.equal(res.status, 500)
    assert.match(((await res.json()) as {message: string}).message, /\/number must be integer/)
  })

  it('checks requests too: body, query parameters and unknown routes', async () => {
    const bad = await post(sim, `/repos/${REPO}/labels`, {name: 'x', color: 123})
    assert.equal(bad.status, 201, 'non-strict mode still answers')
    assert.ok(sim.violations.some((v) => v.where === 'request' && /body: \/color must be string/.test(v.message)))
    await fetch(`${sim.url}/repos/${REPO}/issues?per_page=100&colour=red`)
    assert.ok(sim.violations.some((v) => /unknown query parameter colour/.test(v.message)))
    await fetch(`${sim.url}/repos/${REPO}/issues?state=sideways`)
    assert.ok(sim.violations.some((v) => /query parameter state="sideways"/.test(v.message)))
    const missing = await fetch(`${sim.url}/repos/${REPO}/not-an-endpoint`)
    assert.equal(missing.status, 404)
    assert.ok(sim.violations.some((v) => v.where === 'route'))
  })

  it('rejects GraphQL that GitHub would reject: unknown fields and syntax errors', async () => {
    const unknownField = await post(sim, '/graphql', {
      query:
        '{ repository(owner: "flyteorg", name: "flyteidl") { pullRequest(number: 1) { closingIssues { nodes { number } } } } }',
    })
    assert.equal(unknownField.status, 200)
    const messages = (r: {json: unknown}) =>
      ((r.json as {errors?: {message: string}[]}).errors ?? []).map((e) => e.message).join('\n')
    assert.match(messages(unknownField), /Cannot query field "closingIssues" on type "PullRequest"/)
    const syntax = await post(sim, '/graphql', {query: '{ repository(owner: "a" { id }'})
    assert.match(messages(syntax), /Syntax Error/)
    const badArg = await post(sim, '/graphql', {
      query: '{ repository(owner: "a", name: "b") { issues(first: "ten") { totalCount } } }',
    })
    assert.match(messages(badArg), /Int cannot represent/)
    assert.deepEqual(
      sim.violations.map((v) => v.where),
      ['graphql', 'graphql', 'graphql'],
    )
  })

  it('answers valid GraphQL from its state (issues with labels and milestones in one query)', async () => {
    const res = await post(sim, '/graphql', {
      query: `query($owner: String!, $name: String!) {
        repository(owner: $owner, name: $name) {
          issues(first: 10, states: [OPEN]) { totalCount nodes { number title author { login } labels(first: 5) { nodes { name } } milestone { title } } }
        }
        rateLimit { remaining }
      }`,
      variables: {owner: 'flyteorg', name: 'flyteidl'},
    })
    const data = (
      res.json as {data: {repository: {issues: {totalCount: number; nodes: {number: number; title: string}[]}}}}
    ).data
    assert.equal(data.repository.issues.totalCount, 1)
    assert.deepEqual(
      data.repository.issues.nodes.map((n) => [n.number, n.title]),
      [[1, 'first']],
    )
    sim.assertNoViolations()
  })

  it('answers 401 to a wrong token when tokens are configured, and counts reads and writes', async () => {
    sim.state.tokens.set('ghp_goodtoken', 'release-bot[bot]')
    try {
      const denied = await fetch(`${sim.url}/repos/${REPO}`, {headers: {authorization: 'token ghp_wrong'}})
      assert.equal(denied.status, 401)
      const allowed = await fetch(`${sim.url}/repos/${REPO}`, {headers: {authorization: 'token ghp_goodtoken'}})
      assert.equal(allowed.status, 200)
      await fetch(`${sim.url}/repos/${REPO}/issues/1/comments`, {
        method: 'POST',
        headers: {authorization: 'token ghp_goodtoken', 'content-type': 'application/json'},
        body: JSON.stringify({body: 'hi'}),
      })
      assert.deepEqual({...sim.counters}, {reads: 2, writes: 1})
      const res = await fetch(`${sim.url}/repos/${REPO}/issues/1/comments`, {
        headers: {authorization: 'token ghp_goodtoken'},
      })
      const comments = (await res.json()) as {user: {login: string; type: string}}[]
      assert.equal(comments.at(-1)?.user.login, 'release-bot[bot]', 'writes are attributed to the token owner')
      assert.equal(comments.at(-1)?.user.type, 'Bot')
    } finally {
      sim.state.tokens.clear()
    }
  })
})

describe('GitHub simulator: git remotes over smart HTTP', () => {
  let sim: GitHubSimulator
  let cacheDir: string

  before(async () => {
    sim = await startGitHubSimulator()
    await sim.repo(REPO).commit('main', {'README.md': 'idl\n', 'big.bin': 'x'.repeat(10000)}, 'init')
    cacheDir = mkdtempSync(join(tmpdir(), 'gh-sim-cache-'))
  })
  after(async () => {
    await sim.close()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('the git layer clones (blobless), sees API writes, pushes, and a rejected push reports the refs', async () => {
    const forge = createGitHubForge({baseUrl: sim.url, minWriteIntervalMs: 0})
    const repo = await forge.getRepo(REPO)
    assert.equal(repo?.cloneUrl, sim.gitUrl(REPO))
    const git = createGitLayer({cacheDir, identity: {name: 'Test', email: 'test@example.com'}})
    const clone = await git.clone(repo!.cloneUrl)
    assert.equal(await clone.revParse('origin/main'), await forge.getBranchSha(REPO, 'main'))

    // A write through the API is a real commit the clone can fetch.
    const apiCommit = await forge.putFile(REPO, 'VERSION', {branch: 'main', text: '1.0.0\n', message: 'pin version'})
    await clone.fetch()
    assert.equal(await clone.revParse('origin/main'), apiCommit)

    // A push from the clone is visible through the API.
    const wt = await clone.worktree('main')
    await wt.writeFile('CHANGELOG.md', '# 1.0.0\n')
    const local = await wt.commitAll('changelog')
    const pushed = await wt.push([`HEAD:refs/heads/release-v1.0`])
    assert.deepEqual(pushed.rejected, [])
    assert.equal(pushed.ok, true)
    assert.equal(await forge.getBranchSha(REPO, 'release-v1.0'), local)
    assert.equal((await forge.getFile(REPO, 'CHANGELOG.md', 'release-v1.0'))?.text, '# 1.0.0\n')

    // A pre-receive hook refuses the next push; the one after goes through.
    await sim.rejectPushes(REPO, {times: 1, message: 'protected branch hook declined'})
    await wt.writeFile('CHANGELOG.md', '# 1.0.1\n')
    await wt.commitAll('changelog 1.0.1')
    const refused = await wt.push(['HEAD:refs/heads/release-v1.0', 'HEAD:refs/heads/release-v1.0-copy'])
    assert.equal(refused.ok, false)
    assert.ok(refused.rejected.length > 0)
    assert.equal(await forge.getBranchSha(REPO, 'release-v1.0'), local, 'nothing moved')
    assert.equal(await forge.getBranchSha(REPO, 'release-v1.0-copy'), undefined, 'atomic: no ref created')
    const retried = await wt.push(['HEAD:refs/heads/release-v1.0'])
    assert.equal(retried.ok, true)
  })
})

describe('Forge from the environment: GitHub App installation tokens', () => {
  let sim: GitHubSimulator
  before(async () => {
    sim = await startGitHubSimulator(undefined, {tokens: ['ghp_unused_but_enforced']})
    await sim.repo(REPO).commit('main', {'README.md': 'x\n'}, 'init')
  })
  after(async () => sim.close())

  it('exchanges the App JWT for an installation token and uses it', async () => {
    const {privateKey} = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: {type: 'pkcs8', format: 'pem'},
      publicKeyEncoding: {type: 'spki', format: 'pem'},
    })
    const forge = forgeFromEnv(
      {},
      {
        FLYTECTL_GITHUB_APP_ID: '12345',
        FLYTECTL_GITHUB_APP_PRIVATE_KEY: privateKey.replace(/\n/g, '\\n'),
        FLYTECTL_GITHUB_APP_INSTALLATION_ID: '777',
        GITHUB_TOKEN: 'ghp_ambient_should_not_be_used',
        GITHUB_API_URL: sim.url,
      },
      {minWriteIntervalMs: 0},
    )
    assert.equal((await forge.getRepo(REPO))?.defaultBranch, 'main')
    assert.deepEqual(
      sim.log.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['POST /app/installations/777/access_tokens 201', `GET /repos/${REPO} 200`],
    )
    sim.assertNoViolations()
  })
})
