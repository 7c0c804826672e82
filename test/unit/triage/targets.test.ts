import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {targetsFromManifest} from '../../../src/triage/targets.js'
import {annotation} from '../../../src/triage/cli-support.js'

const TEMPLATE = new URL('../../../../templates/release.yaml', import.meta.url).pathname

test('the release manifest template gives repositories, aligned docs projects, cadence and milestone titles', async () => {
  const manifest = await parseReleaseManifestText(readFileSync(TEMPLATE, 'utf8'))
  const t = targetsFromManifest(manifest)
  assert.equal(t.primary, 'flyteorg/flyte')
  assert.equal(t.repos[0], 'flyteorg/flyte')
  assert.ok(t.repos.includes('flyteorg/flytekit'))
  assert.equal(new Set(t.repos).size, t.repos.length)
  assert.ok(t.alignedDocs!.includes('flyteidl'), 'flyteidl is tagged with the release numbers')
  assert.ok(!t.alignedDocs!.includes('cookbook'), 'flytesnacks (the cookbook docs) is on its own line')
  assert.equal(t.cadenceMonths, 3)
  assert.equal(t.milestoneFormat, '{major}.{minor}.0')
})

test('annotations escape newlines, percent signs and property separators', () => {
  assert.equal(annotation('error', 'a\nb 100%', 'PR: check, one'), '::error title=PR%3A check%2C one::a%0Ab 100%25')
})

test('targets: --repo wins over the manifest (whose policy still applies), then $GITHUB_REPOSITORY', async () => {
  const {resolveTargets} = await import('../../../src/triage/targets.js')
  const saved = process.env.GITHUB_REPOSITORY
  try {
    const both = await resolveTargets({repo: ['flyteorg/flytekit'], manifest: TEMPLATE})
    assert.deepEqual([both.source, both.repos, both.cadenceMonths], ['flag', ['flyteorg/flytekit'], 3])
    process.env.GITHUB_REPOSITORY = 'flyteorg/flytesnacks'
    const env = await resolveTargets({})
    assert.deepEqual([env.source, env.primary], ['environment', 'flyteorg/flytesnacks'])
    await assert.rejects(resolveTargets({repo: 'not a repo'}), /--repo "not a repo" is not owner\/name/)
    await assert.rejects(resolveTargets({manifest: '/nonexistent/release.yaml'}), /cannot read release manifest/)
  } finally {
    if (saved === undefined) delete process.env.GITHUB_REPOSITORY
    else process.env.GITHUB_REPOSITORY = saved
  }
})
