/**
 * Fast registration against a control plane whose storage cannot sign URLs: FlyteAdmin answers
 * CreateUploadLocation with Internal "failed to create a signed url. Error: …" (flyteadmin/dataproxy/
 * service.go CreateUploadLocation). The CLI reports that answer with its exit code, not "could not be
 * reached". The server here is a real gRPC server (connect-node, HTTP/2) serving the real service
 * definitions with just the calls this needs.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Http2Server} from 'node:http2'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {Code, ConnectError} from '@connectrpc/connect'
import {connectNodeAdapter} from '@connectrpc/connect-node'
import {AdminService} from '../../../src/gen/flyteidl/service/admin_pb.js'
import {DataProxyService} from '../../../src/gen/flyteidl/service/dataproxy_pb.js'
import {runCli} from '../../support/cli.js'
import {pbFiles, trio, writePackage} from '../../fixtures/register/build-package.js'

const SIGN_ERROR = 'failed to create a signed url. Error: NoCredentialProviders: no valid providers in chain'

describe('fast registration when the control plane cannot sign upload URLs', () => {
  let server: Http2Server
  let dir: string
  let config: string
  let creates = 0

  before(async () => {
    server = createServer(
      connectNodeAdapter({
        routes: (router) => {
          router.service(AdminService, {
            getProject: (req) => ({id: req.id, name: req.id, state: 0}),
            createTask: () => {
              creates++
              return {}
            },
          })
          router.service(DataProxyService, {
            createUploadLocation: () => {
              throw new ConnectError(SIGN_ERROR, Code.Internal)
            },
          })
        },
      }),
    )
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    dir = mkdtempSync(join(tmpdir(), 'flytectl-upload-'))
    config = join(dir, 'config.yaml')
    const port = (server.address() as AddressInfo).port
    writeFileSync(config, `admin:\n  endpoint: dns:///127.0.0.1:${port}\n  insecure: true\n`)
  })

  after(async () => {
    await new Promise<void>((ok) => server.close(() => ok()))
    rmSync(dir, {recursive: true, force: true})
  })

  it("reports the server's answer with its exit code (1), not exit 6; nothing is registered", async () => {
    const files = [...pbFiles(trio('core.example')), {name: 'fastv1abc.tar.gz', bytes: new Uint8Array([31, 139, 8, 0])}]
    const archive = await writePackage(dir, 'pkg.tgz', files)
    const r = await runCli(
      ['register', 'files', '-p', 'flytesnacks', '-d', 'development', '--archive', archive, '--version', 'v1'],
      {env: {HOME: dir, FLYTECTL_CONFIG: config}},
    )
    assert.equal(r.code, 1, r.stderr)
    assert.match(
      r.stderr,
      new RegExp(`^Error: cannot get an upload location for fastv1abc\\.tar\\.gz: ${SIGN_ERROR}\\n`),
    )
    assert.doesNotMatch(r.stderr, /could not be reached|Connection Info/)
    assert.match(r.stderr, /storage/)
    assert.equal(creates, 0)
  })
})
