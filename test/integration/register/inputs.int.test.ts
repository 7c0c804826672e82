/** Reading real files and archives from disk and over HTTP. */
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectInputs} from '../../../src/cluster/register/inputs.js'
import {CliError} from '../../../src/cli/errors.js'
import {pbFiles, trio, writePackage} from '../../fixtures/register/build-package.js'

let dir: string
let server: Server
let baseUrl: string

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flytectl-register-inputs-'))
  server = createServer((req, res) => {
    try {
      res.end(readFileSync(join(dir, req.url!.slice(1))))
    } catch {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address() as {port: number}
  baseUrl = `http://127.0.0.1:${address.port}`
})
after(() => {
  server.close()
  rmSync(dir, {recursive: true, force: true})
})

const isCli = (code: string, message: RegExp) => (err: unknown) =>
  err instanceof CliError && err.code === code && message.test(err.message)

describe('collectInputs', () => {
  it('reads a pyflyte .tgz in memory, with its fast-register archive', async () => {
    const files = [...pbFiles(trio('a')), {name: 'fastabc123.tar.gz', bytes: new Uint8Array([1, 2, 3])}]
    const archive = await writePackage(dir, 'flyte-package.tgz', files)
    const inputs = await collectInputs([archive], {archive: true})
    assert.deepEqual(
      inputs.entities.map((f) => f.name),
      ['flyte-package.tgz/00_a.t_1.pb', 'flyte-package.tgz/01_a.wf_2.pb', 'flyte-package.tgz/02_a.wf_3.pb'],
    )
    assert.deepEqual([...inputs.entities[0]!.bytes], [...files[0]!.bytes])
    assert.equal(inputs.fastArchive?.name, 'flyte-package.tgz/fastabc123.tar.gz')
    assert.deepEqual([...inputs.fastArchive!.bytes], [1, 2, 3])
  })

  it('reads an uncompressed .tar and orders unpadded indices numerically', async () => {
    const files = pbFiles(Array.from({length: 4}, (_, i) => trio(`n${i}`)).flat()).map((f) => ({
      ...f,
      name: f.name.replace(/^0*(\d)/, '$1'),
    }))
    const archive = await writePackage(dir, 'plain.tar', files)
    const inputs = await collectInputs([archive], {archive: true})
    assert.deepEqual(
      inputs.entities.slice(8, 11).map((f) => f.name.split('/')[1]),
      ['8_n2.wf_3.pb', '9_n3.t_1.pb', '10_n3.wf_2.pb'],
    )
  })

  it('downloads an archive from an http URL', async () => {
    await writePackage(dir, 'remote.tgz', pbFiles(trio('r')))
    const inputs = await collectInputs([`${baseUrl}/remote.tgz`], {archive: true})
    assert.equal(inputs.entities.length, 3)
    await assert.rejects(collectInputs([`${baseUrl}/missing.tgz`], {archive: true}), isCli('not-found', /HTTP 404/))
  })

  it('expands globs of loose .pb files and reads a package given without --archive', async () => {
    const loose = mkdtempSync(join(dir, 'loose-'))
    for (const f of pbFiles(trio('g'))) writeFileSync(join(loose, f.name), f.bytes)
    const inputs = await collectInputs([join(loose, '*.pb')])
    assert.deepEqual(
      inputs.entities.map((f) => f.name.slice(loose.length + 1)),
      ['00_g.t_1.pb', '01_g.wf_2.pb', '02_g.wf_3.pb'],
    )
    const archive = await writePackage(dir, 'again.tgz', pbFiles(trio('h')))
    assert.equal((await collectInputs([archive])).entities.length, 3)
  })

  it('refuses packages with stray files, non-archives under --archive, missing files and empty globs', async () => {
    const archive = await writePackage(dir, 'stray.tgz', [
      ...pbFiles(trio('s')),
      {name: 'notes.txt', bytes: new Uint8Array([65])},
    ])
    await assert.rejects(
      collectInputs([archive], {archive: true}),
      isCli('invalid-input', /not \.pb entities: stray\.tgz\/notes\.txt/),
    )
    await assert.rejects(
      collectInputs(['x.zip'], {archive: true}),
      isCli('invalid-input', /only \.tar, \.tar\.gz and \.tgz/),
    )
    await assert.rejects(collectInputs([join(dir, 'nope.pb')]), isCli('not-found', /cannot read/))
    await assert.rejects(collectInputs([join(dir, 'none-*.pb')]), isCli('not-found', /no files match/))
    await assert.rejects(collectInputs([]), isCli('usage', /no files to register/))
  })

  it('a corrupt archive is an invalid-input error', async () => {
    const bad = join(dir, 'corrupt.tgz')
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]))
    await assert.rejects(
      collectInputs([bad], {archive: true}),
      isCli('invalid-input', /archive corrupt\.tgz is a damaged gzip file/),
    )
  })
})
