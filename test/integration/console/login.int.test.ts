/**
 * The console on a plane with auth on (`demo start --auth`), in headless Chromium: a page's first
 * REST call gets 401 and the browser goes through `/login` (authorization code + PKCE against the
 * plane's own login page) and back with HttpOnly cookies; the launch form then goes through the
 * plane's policy as CreateExecution for the signed-in user (launched as admin, refused for a viewer
 * with the policy's reason); sign-out clears the session.
 */
import assert from 'node:assert/strict'
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {createAdminClients, type AdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {LocalExecutor} from '../../../src/controlplane/executor/local.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'
import {browserMissing, launchBrowser, SCREENSHOTS} from './browser.js'
import {DOMAIN, PROJECT, seedTicker} from './seed.js'

const skip = browserMissing()
if (skip) console.log(`# console sign-in browser tests skipped: ${skip}`)

describe('console sign-in with auth on', {skip}, () => {
  let plane: TestControlPlane
  let c: AdminClients
  let browser: Browser
  let adminPassword: string
  const pageErrors: string[] = []
  const contexts: BrowserContext[] = []

  before(async () => {
    plane = await startControlPlane({auth: {}, executor: new LocalExecutor({log: () => {}})})
    const auth = join(plane.dataDir, 'auth')
    const identities = join(auth, 'identities.yaml')
    writeFileSync(
      identities,
      readFileSync(identities, 'utf8').replace(
        'users:\n',
        'users:\n  - name: vera\n    password: vera-password\n    groups: [readers]\n',
      ),
    )
    appendFileSync(join(auth, 'policy.yaml'), '  - role: viewer\n    groups: [readers]\n    projects: ["*"]\n')
    adminPassword = readFileSync(join(auth, 'admin.password'), 'utf8').trim()
    const secretFile = join(auth, 'flytepropeller.secret')
    c = createAdminClients(
      {
        endpoint: plane.endpoint,
        insecure: true,
        authType: 'ClientSecret',
        clientId: 'flytepropeller',
        clientSecretLocation: secretFile,
      },
      {tokenCache: new TokenCache(join(plane.dataDir, 'tokens.json')), interactive: false},
    )
    await seedTicker(c.admin, ['console.tick'])
    browser = await launchBrowser()
  })
  after(async () => {
    for (const ctx of contexts) await ctx.close()
    await browser?.close()
    c?.close()
    await plane?.stop()
    assert.deepEqual(pageErrors, [], 'no script errors on any page')
  })

  async function signedIn(user: string, password: string, path: string): Promise<Page> {
    const ctx = await browser.newContext({viewport: {width: 1280, height: 800}})
    contexts.push(ctx)
    const page = await ctx.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(`${plane.url}${path}`)
    // the page's first call got 401: the browser is on the plane's login page now
    await page.waitForURL(/\/oauth2\/authorize\?/)
    assert.match(page.url(), /code_challenge_method=S256/)
    await page.getByLabel('User').fill(user)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await page
      .waitForURL((u) => u.pathname === path, {timeout: 5000})
      .catch(async (e: Error) => {
        throw new Error(`${e.message}: at ${page.url()}: ${(await page.content()).slice(0, 600)}`)
      })
    await page.locator('[data-testid="account"]', {hasText: user}).waitFor()
    return page
  }

  const lpPage = `/console/projects/${PROJECT}/domains/${DOMAIN}/launchPlans/console.tick`

  it('signs in through /login and launches as the signed-in user, through the policy', async () => {
    const page = await signedIn('admin', adminPassword, lpPage)
    const cookies = await page.context().cookies()
    const at = cookies.find((k) => k.name === 'flyte_at')
    assert.ok(at?.httpOnly && at.sameSite === 'Strict', 'the access token is an HttpOnly, SameSite=Strict cookie')
    assert.equal(await page.evaluate(() => (globalThis as unknown as {document: {cookie: string}}).document.cookie), '')
    const n = page.getByLabel(/^n \*?\s*integer/)
    await n.fill('1')
    await page.getByRole('button', {name: 'Launch', exact: true}).click()
    await page.waitForURL(/\/executions\/[a-z0-9]+$/)
    await page.locator('[data-testid="execution-phase"]', {hasText: 'SUCCEEDED'}).waitFor({timeout: 30_000})
    const name = new URL(page.url()).pathname.split('/').pop()!
    const ex = await c.admin.getExecution({id: {project: PROJECT, domain: DOMAIN, name}})
    assert.equal(ex.spec?.metadata?.principal, 'admin', 'the execution names who launched it')
    // the live stream and the log tail pass too (read in this project)
    await page.getByRole('button', {name: 'expand n0'}).click()
    await page.locator('pre.log-text', {hasText: 'tick 0'}).waitFor({timeout: 20_000})
    await page.screenshot({path: join(SCREENSHOTS, 'signed-in.png'), fullPage: true})

    // sign out: the session cookies are gone and the next page load asks to sign in again
    await page.getByRole('link', {name: 'Sign out'}).click()
    await page.waitForURL(/\/oauth2\/authorize\?/)
    assert.equal(
      (await page.context().cookies()).filter((k) => k.name.startsWith('flyte_')).length,
      1,
      'only the pending sign-in',
    )
  })

  it('refuses a viewer the launch with the policy reason, and lets them read', async () => {
    const page = await signedIn('vera', 'vera-password', lpPage)
    await page.getByRole('button', {name: 'Launch', exact: true}).click()
    await page.getByText(/permission denied: user vera may not executions:create in project flytesnacks/).waitFor()
    await page.goto(`${plane.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions`)
    await page.locator('table.grid tr[data-row="console.tick"]').waitFor()
  })
})
