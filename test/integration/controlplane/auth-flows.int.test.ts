/**
 * Our CLI's interactive auth flows against the plane's own authorization server: Pkce (the browser
 * step driven headlessly with plain HTTP: the login page, the form post, the redirect to the CLI's
 * loopback listener), refresh tokens, DeviceFlow (the user code approved on the plane's device page)
 * and ExternalCommand (a command that prints a token).
 */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {createAdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import type {AdminConfig} from '../../../src/config/schema.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

let plane: TestControlPlane
let tmp: string
let password: string

before(async () => {
  plane = await startControlPlane({auth: {}})
  tmp = mkdtempSync(join(tmpdir(), 'flytectl-auth-flows-'))
  password = readFileSync(join(plane.dataDir, 'auth', 'admin.password'), 'utf8').trim()
})

after(async () => {
  await plane.stop()
  rmSync(tmp, {recursive: true, force: true})
})

/** The hidden fields of the first form on an HTML page. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
  }
  return fields
}

/** What a person does in the browser: open the login page, submit the form, follow the redirect. */
async function browserLogin(authUrl: string, user: string, pass: string): Promise<{status: number; text: string}> {
  const page = await fetch(authUrl)
  assert.equal(page.status, 200, await page.clone().text())
  const html = await page.text()
  assert.match(html, /Sign in to Flyte/)
  const post = await fetch(`${plane.url}/oauth2/authorize`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({...formFields(html), username: user, password: pass}),
    redirect: 'manual',
  })
  if (post.status !== 302) return {status: post.status, text: await post.text()}
  const callback = await fetch(post.headers.get('location')!)
  return {status: callback.status, text: await callback.text()}
}

const config = (over: AdminConfig): AdminConfig => ({endpoint: plane.endpoint, insecure: true, ...over})

describe('Pkce', () => {
  test('logs in through the plane’s login page, caches the token, and refreshes it without a browser', async () => {
    const cachePath = join(tmp, 'pkce-tokens.json')
    const opened: string[] = []
    const logins: Array<Promise<{status: number; text: string}>> = []
    const c = createAdminClients(config({authType: 'Pkce'}), {
      tokenCache: new TokenCache(cachePath),
      interactive: true,
      note: () => {},
      openBrowser: async (url) => {
        opened.push(url)
        logins.push(browserLogin(url, 'admin', password))
        return true
      },
    })
    try {
      const me = await c.identity.userInfo({})
      assert.equal(me.subject, 'admin')
    } finally {
      c.close()
    }
    assert.equal(opened.length, 1)
    const auth = new URL(opened[0]!)
    assert.equal(auth.origin + auth.pathname, `${plane.url}/oauth2/authorize`)
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(auth.searchParams.get('client_id'), 'flytectl')
    assert.deepEqual(await logins[0], {status: 200, text: 'Logged in. You can close this window.'})

    // Expire the cached access token: the next client refreshes it with the refresh token, no browser.
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<
      string,
      {accessToken: string; refreshToken?: string; expiresAt?: number}
    >
    const key = Object.keys(cache)[0]!
    assert.ok(cache[key]!.refreshToken, 'offline scope gives a refresh token')
    const stale = cache[key]!.accessToken
    cache[key]!.expiresAt = Date.now() - 1000
    writeFileSync(cachePath, JSON.stringify(cache))
    const again = createAdminClients(config({authType: 'Pkce'}), {
      tokenCache: new TokenCache(cachePath),
      interactive: true,
      note: () => {},
      openBrowser: async () => assert.fail('no browser on refresh'),
    })
    try {
      assert.equal((await again.identity.userInfo({})).subject, 'admin')
    } finally {
      again.close()
    }
    const after = JSON.parse(readFileSync(cachePath, 'utf8')) as typeof cache
    assert.notEqual(after[key]!.accessToken, stale)
  })

  test('a wrong password stays on the login page; a forged code or verifier is invalid_grant', async () => {
    const url = new URL(`${plane.url}/oauth2/authorize`)
    const verifier = 'v'.repeat(43)
    const {createHash} = await import('node:crypto')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    for (const [k, v] of Object.entries({
      client_id: 'flytectl',
      redirect_uri: 'http://localhost:53593/callback',
      response_type: 'code',
      scope: 'all offline',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(k, v)
    const wrong = await browserLogin(url.toString(), 'admin', 'not-it')
    assert.equal(wrong.status, 401)
    assert.match(wrong.text, /Unknown user or wrong password/)

    // A registered redirect only; no PKCE, no login page.
    const evil = new URL(url)
    evil.searchParams.set('redirect_uri', 'http://evil.example/cb')
    assert.equal((await fetch(evil)).status, 400)
    const noPkce = new URL(url)
    noPkce.searchParams.delete('code_challenge')
    assert.match(await (await fetch(noPkce)).text(), /PKCE is required/)

    // The right password gives a code; redeeming it with another verifier fails, and the code is then used up.
    const page = await (await fetch(url)).text()
    const post = await fetch(`${plane.url}/oauth2/authorize`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({...formFields(page), username: 'admin', password}),
      redirect: 'manual',
    })
    assert.equal(post.status, 302)
    const loc = new URL(post.headers.get('location')!)
    assert.equal(loc.searchParams.get('state'), 's1')
    const redeem = (v: string) =>
      fetch(`${plane.url}/oauth2/token`, {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: loc.searchParams.get('code')!,
          redirect_uri: 'http://localhost:53593/callback',
          client_id: 'flytectl',
          code_verifier: v,
        }),
      }).then(async (r) => ({status: r.status, body: (await r.json()) as Record<string, string>}))
    const bad = await redeem('w'.repeat(43))
    assert.equal(bad.body.error, 'invalid_grant')
    const reused = await redeem(verifier)
    assert.equal(reused.body.error, 'invalid_grant', 'a code is good for one try')
  })
})

describe('DeviceFlow', () => {
  test('shows a code, the user approves it on the plane’s device page, and the call goes through', async () => {
    let approval: Promise<Response> | undefined
    const c = createAdminClients(config({authType: 'DeviceFlow'}), {
      tokenCache: new TokenCache(join(tmp, 'device-tokens.json')),
      interactive: false,
      note: (text) => {
        const m = /visit (\S+)/.exec(text)
        if (!m) return
        const verify = new URL(m[1]!)
        assert.equal(verify.origin + verify.pathname, `${plane.url}/oauth2/device`)
        approval = fetch(verify).then(async (page) => {
          assert.match(await page.text(), /Sign in a device/)
          return fetch(`${plane.url}/oauth2/device`, {
            method: 'POST',
            headers: {'content-type': 'application/x-www-form-urlencoded'},
            body: new URLSearchParams({user_code: verify.searchParams.get('user_code')!, username: 'admin', password}),
          })
        })
      },
    })
    try {
      assert.equal((await c.identity.userInfo({})).subject, 'admin')
    } finally {
      c.close()
    }
    const approved = await approval!
    assert.equal(approved.status, 200)
    assert.match(await approved.text(), /The device is signed in/)
  })

  test('a code nobody approves is pending, and an unknown code is refused on the device page', async () => {
    const start = await fetch(`${plane.url}/oauth2/device_authorization`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({client_id: 'flytectl', scope: 'all'}),
    })
    const d = (await start.json()) as {device_code: string; interval: number}
    const poll = await fetch(`${plane.url}/oauth2/token`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: d.device_code,
        client_id: 'flytectl',
      }),
    })
    assert.equal(((await poll.json()) as {error: string}).error, 'authorization_pending')
    const unknown = await fetch(`${plane.url}/oauth2/device`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({user_code: 'BBBBBBBB', username: 'admin', password}),
    })
    assert.equal(unknown.status, 401)
    assert.match(await unknown.text(), /Unknown or expired code/)
  })
})

describe('ExternalCommand', () => {
  test('uses the token the command prints; a command printing a bad token ends Unauthenticated', async () => {
    const script = join(tmp, 'token.mjs')
    writeFileSync(
      script,
      [
        'const [url, secretFile] = process.argv.slice(2)',
        "const {readFileSync} = await import('node:fs')",
        "const secret = readFileSync(secretFile, 'utf8').trim()",
        'const res = await fetch(url, {',
        "  method: 'POST',",
        "  headers: {'content-type': 'application/x-www-form-urlencoded'},",
        "  body: new URLSearchParams({grant_type: 'client_credentials', client_id: 'flytepropeller', client_secret: secret}),",
        '})',
        'process.stdout.write((await res.json()).access_token + "\\n")',
      ].join('\n'),
    )
    const secretFile = join(plane.dataDir, 'auth', 'flytepropeller.secret')
    const c = createAdminClients(
      config({
        authType: 'ExternalCommand',
        command: [process.execPath, script, `${plane.url}/oauth2/token`, secretFile],
      }),
      {tokenCache: new TokenCache(join(tmp, 'ext-tokens.json')), interactive: false},
    )
    try {
      assert.equal((await c.identity.userInfo({})).subject, 'flytepropeller')
    } finally {
      c.close()
    }
    const bad = createAdminClients(
      config({authType: 'ExternalCommand', command: [process.execPath, '-e', 'console.log("a.b.c")']}),
      {tokenCache: new TokenCache(join(tmp, 'ext-bad.json')), interactive: false},
    )
    try {
      await assert.rejects(bad.admin.listProjects({}), (e: unknown) => {
        assert.ok(e instanceof ConnectError)
        assert.equal(e.code, Code.Unauthenticated)
        assert.match(e.message, /token refused/)
        return true
      })
    } finally {
      bad.close()
    }
  })
})
