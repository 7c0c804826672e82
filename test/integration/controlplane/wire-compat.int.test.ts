/**
 * Wire compatibility: a stock gRPC client (@grpc/grpc-js with the .proto files loaded at test time,
 * no generated code of ours) makes the same smoke calls against the embedded control plane.
 */
import assert from 'node:assert/strict'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {after, before, test} from 'node:test'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import {REPO_ROOT} from '../../support/cli.js'
import {startControlPlane, type TestControlPlane} from '../../support/controlplane.js'

const require = createRequire(import.meta.url)

type Callback = (err: grpc.ServiceError | null, res: Record<string, unknown>) => void
type UnaryClient = grpc.Client & Record<string, (req: unknown, cb: Callback) => void>

let plane: TestControlPlane
let admin: UnaryClient
let dataProxy: UnaryClient

function call(client: UnaryClient, method: string, req: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => client[method]!(req, (err, res) => (err ? reject(err) : resolve(res))))
}

before(async () => {
  plane = await startControlPlane()
  const googleProtos = dirname(require.resolve('google-proto-files/package.json'))
  const def = protoLoader.loadSync(['flyteidl/service/admin.proto', 'flyteidl/service/dataproxy.proto'], {
    includeDirs: [
      join(REPO_ROOT, 'node_modules/@flyteorg/flyteidl/protos'),
      join(REPO_ROOT, 'proto/vendor'),
      googleProtos,
    ],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  })
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    flyteidl: {service: {AdminService: grpc.ServiceClientConstructor; DataProxyService: grpc.ServiceClientConstructor}}
  }
  const target = `127.0.0.1:${plane.port}`
  admin = new pkg.flyteidl.service.AdminService(target, grpc.credentials.createInsecure()) as unknown as UnaryClient
  dataProxy = new pkg.flyteidl.service.DataProxyService(
    target,
    grpc.credentials.createInsecure(),
  ) as unknown as UnaryClient
})

after(async () => {
  admin.close()
  dataProxy.close()
  await plane.stop()
})

test('grpc-js: version, domains, project register/list, task create/get, executions list', async () => {
  const version = await call(admin, 'GetVersion', {})
  assert.equal((version.control_plane_version as {Version: string}).Version, '0.1.0')
  const domains = await call(admin, 'GetDomains', {})
  assert.deepEqual(
    (domains.domains as {id: string}[]).map((d) => d.id),
    ['development', 'staging', 'production'],
  )
  await call(admin, 'RegisterProject', {project: {id: 'wire', name: 'Wire'}})
  const projects = await call(admin, 'ListProjects', {limit: 10})
  assert.deepEqual(
    (projects.projects as {id: string}[]).map((p) => p.id),
    ['wire'],
  )
  const id = {resource_type: 'TASK', project: 'wire', domain: 'development', name: 't', version: 'v1'}
  await call(admin, 'CreateTask', {
    id,
    spec: {template: {id, type: 'python-task', metadata: {}, container: {image: 'alpine', args: ['echo']}}},
  })
  const task = await call(admin, 'GetTask', {id})
  const closure = task.closure as {compiled_task: {template: {type: string; container: {image: string}}}}
  assert.equal(closure.compiled_task.template.type, 'python-task')
  assert.equal(closure.compiled_task.template.container.image, 'alpine')
  const list = await call(admin, 'ListExecutions', {id: {project: 'wire', domain: 'development'}, limit: 10})
  assert.deepEqual(list.executions, [])
})

test('grpc-js: status codes and messages come through (NotFound, InvalidArgument)', async () => {
  await assert.rejects(call(admin, 'GetProject', {id: 'ghost'}), (e: grpc.ServiceError) => {
    assert.equal(e.code, grpc.status.NOT_FOUND)
    assert.equal(e.details, 'project [ghost] not found')
    return true
  })
  await assert.rejects(call(admin, 'RegisterProject', {project: {id: 'Bad Id', name: 'x'}}), (e: grpc.ServiceError) => {
    assert.equal(e.code, grpc.status.INVALID_ARGUMENT)
    assert.match(e.details, /^invalid project id \[Bad Id\]/)
    return true
  })
})

test('grpc-js: DataProxyService.CreateUploadLocation', async () => {
  const res = await call(dataProxy, 'CreateUploadLocation', {
    project: 'wire',
    domain: 'development',
    filename: 'f.txt',
    filename_root: 'root1',
  })
  assert.match(res.signed_url as string, new RegExp(`^${plane.url}/blobs/uploads/wire/development/root1/f.txt`))
  assert.match(res.native_url as string, /^\/.*\/blobs\/uploads\/wire\/development\/root1\/f\.txt$/)
})
