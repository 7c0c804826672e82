/** TLS by default: a server certificate is verified against caCertFilePath, or skipped with insecureSkipVerify. */
import assert from 'node:assert/strict'
import {readFileSync, mkdtempSync, rmSync} from 'node:fs'
import {createSecureServer} from 'node:http2'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {connectNodeAdapter} from '@connectrpc/connect-node'
import {createAdminClients} from '../../../src/admin/client.js'
import {TokenCache} from '../../../src/admin/auth/token-cache.js'
import {toCliError} from '../../../src/cli/errors.js'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {REPO_ROOT} from '../../support/cli.js'

const tlsDir = join(REPO_ROOT, 'test/fixtures/cluster/tls')
const dir = mkdtempSync(join(tmpdir(), 'flytectl-tls-'))
let port = 0
const server = createSecureServer(
  {cert: readFileSync(join(tlsDir, 'server.crt')), key: readFileSync(join(tlsDir, 'server.key')), allowHTTP1: false},
  connectNodeAdapter({
    routes: (r) => r.service(AdminService, {getVersion: () => ({controlPlaneVersion: {Version: 'tls'}})}),
  }),
)

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
after(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    setTimeout(resolve, 200).unref()
  })
  rmSync(dir, {recursive: true, force: true})
})

const call = async (config: Parameters<typeof createAdminClients>[0]) => {
  const c = createAdminClients(config, {tokenCache: new TokenCache(join(dir, 't.json')), baseBackoffMs: 1})
  try {
    return await c.admin.getVersion({})
  } finally {
    c.close()
  }
}

describe('TLS', () => {
  it('verifies the server against caCertFilePath', async () => {
    const v = await call({endpoint: `dns:///127.0.0.1:${port}`, caCertFilePath: join(tlsDir, 'server.crt')})
    assert.equal(v.controlPlaneVersion?.Version, 'tls')
  })

  it('rejects an unknown certificate, unless insecureSkipVerify', async () => {
    const err = toCliError(await call({endpoint: `127.0.0.1:${port}`, maxRetries: 1}).catch((e: unknown) => e))
    assert.equal(err.code, 'unavailable')
    assert.match(err.message, /certificate/i)
    assert.match(err.message, /InsecureConnection\?: false/)
    const v = await call({endpoint: `https://127.0.0.1:${port}`, insecureSkipVerify: true})
    assert.equal(v.controlPlaneVersion?.Version, 'tls')
  })

  it('a missing caCertFilePath is a config error', () => {
    assert.throws(
      () => createAdminClients({endpoint: 'h:1', caCertFilePath: join(dir, 'nope.pem')}),
      (e: unknown) => toCliError(e).code === 'config-invalid',
    )
  })
})
