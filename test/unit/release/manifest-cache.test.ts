import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {CliError} from '../../../src/cli/errors.js'
import {readCachedManifest, writeCachedManifest} from '../../../src/release/manifest-cache.js'
import {loadReleaseManifest, parseReleaseManifestText} from '../../../src/release/manifest.js'
import {REPO_ROOT} from '../../support/cli.js'

const template = readFileSync(join(REPO_ROOT, 'templates/release.yaml'), 'utf8')
let dir: string
let saved: string | undefined

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flytectl-manifest-cache-'))
  saved = process.env.XDG_CACHE_HOME
  process.env.XDG_CACHE_HOME = join(dir, 'cache')
})
after(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME
  else process.env.XDG_CACHE_HOME = saved
  rmSync(dir, {recursive: true, force: true})
})

const entries = () => {
  try {
    return readdirSync(join(dir, 'cache', 'flytectl', 'release-manifest'))
  } catch {
    return []
  }
}

describe('release manifest cache', () => {
  it('gives back the validated manifest for the same text only', async () => {
    const manifest = await parseReleaseManifestText(template)
    writeCachedManifest(template, manifest)
    assert.deepEqual(readCachedManifest(template), manifest)
    assert.equal(readCachedManifest(template.replace('cadence: quarterly', 'cadence: monthly ')), undefined)
    assert.equal(readCachedManifest(template + ' '), undefined)
  })

  it('ignores an entry whose stored text is not this text', async () => {
    const text = 'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}]\n'
    writeCachedManifest(text, await parseReleaseManifestText(text))
    const written = entries().map((f) => join(dir, 'cache', 'flytectl', 'release-manifest', f))
    for (const f of written) {
      const entry = JSON.parse(readFileSync(f, 'utf8')) as {key: string}
      if (entry.key !== text) continue
      writeFileSync(f, JSON.stringify({...entry, key: text.replace('o/r', 'o/x')}))
    }
    assert.equal(readCachedManifest(text), undefined)
  })

  it('re-validates a changed manifest: a broken byte is the parser’s error, not the cached result', async () => {
    const path = join(dir, 'release.yaml')
    // A text no other test stored.
    const text = template + '# only this test\n'
    writeFileSync(path, text)
    const before = entries().length
    const first = await loadReleaseManifest(path, {cache: true})
    assert.equal(entries().length, before + 1)
    assert.deepEqual(await loadReleaseManifest(path, {cache: true}), first)
    assert.equal(entries().length, before + 1)

    writeFileSync(path, text.replace('cadence: quarterly', 'cadence: weekly   '))
    const uncached = await loadReleaseManifest(path).catch((err: unknown) => err)
    const cached = await loadReleaseManifest(path, {cache: true}).catch((err: unknown) => err)
    assert.ok(uncached instanceof CliError)
    assert.ok(cached instanceof CliError)
    assert.match(cached.message, /release\.cadence/)
    assert.equal(cached.message, uncached.message)
    assert.equal(cached.code, uncached.code)

    // A valid change is a miss too: the new value, not the old one.
    writeFileSync(path, text.replace('cadence: quarterly', 'cadence: monthly  '))
    const monthly = await loadReleaseManifest(path, {cache: true})
    assert.equal(monthly.release.cadence, 'monthly')
    assert.equal(first.release.cadence, 'quarterly')
  })

  it('stores nothing for a manifest that does not validate', async () => {
    const before = entries().length
    await assert.rejects(
      loadReleaseManifestText('release: {repository: o/r}\ncomponents: []\n'),
      (err: unknown) => err instanceof CliError,
    )
    assert.equal(entries().length, before)
  })
})

async function loadReleaseManifestText(text: string) {
  const path = join(dir, 'other.yaml')
  writeFileSync(path, text)
  return loadReleaseManifest(path, {cache: true})
}
