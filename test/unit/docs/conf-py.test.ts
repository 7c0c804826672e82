import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pinConfPy, readConfPy} from '../../../src/docs-versioning/conf-py.js'
import {formatSlug, parseDocsVersion, splitRtdUrl} from '../../../src/docs-versioning/projects.js'
import {verifyWithPython} from '../../../src/docs-versioning/verify.js'

const FIXTURES = new URL('../../../../test/fixtures/conf/', import.meta.url).pathname
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')
const v = (s: string) => parseDocsVersion(s)!

test('pre-monorepo flyte conf.py: aligned projects pinned, flytectl and cookbook stay on latest, bytes kept', async () => {
  const result = pinConfPy(fixture('flyte-rsts.conf.py'), {version: v('1.3.0')})
  assert.equal(result.text, fixture('flyte-rsts.pinned-1.3.0.py'))
  const byKey = Object.fromEntries(result.entries.map((e) => [e.key, e]))
  assert.equal(byKey.flytekit.status, 'pinned')
  assert.equal(byKey.flyteidl.status, 'pinned')
  assert.equal(byKey.flytectl.status, 'unchanged')
  assert.equal(byKey.flytectl.after, 'latest')
  assert.equal(byKey.cookbook.aligned, false)
  assert.equal(byKey.pandas.status, 'third-party')
  assert.deepEqual(result.release, {line: 26, before: '1.0.0-b1', after: '1.3.0', status: 'set'})
  const check = await verifyWithPython(result.text, {mapping: result.expectedMapping, release: result.expectedRelease})
  assert.equal(check.ok, true, check.problems.join('\n'))
})

test('flytekit conf.py: `idl` is recognised by URL, not key', () => {
  const result = pinConfPy(fixture('flytekit.conf.py'), {version: v('1.3.0')})
  assert.equal(result.text, fixture('flytekit.pinned-1.3.0.py'))
  assert.equal(result.entries.find((e) => e.key === 'idl')?.project, 'flyteidl')
})

test('monodocs conf.py with third-party entries only: only release changes', () => {
  const before = fixture('flyte-monodocs.conf.py')
  const result = pinConfPy(before, {version: v('1.17.0')})
  assert.equal(result.text, fixture('flyte-monodocs.pinned-1.17.0.py'))
  assert.ok(result.entries.every((e) => e.status === 'third-party'))
  assert.equal(result.entries.find((e) => e.key === 'pandera')?.before, undefined)
})

test('.format() calls, implicit concatenation and multi-line tuples are edited in place; computed URLs are reported', async () => {
  const result = pinConfPy(fixture('formatted.conf.py'), {version: v('1.3')})
  assert.equal(result.text, fixture('formatted.pinned-1.3.py'))
  assert.equal(result.release, undefined, 'X.Y without a patch leaves release alone')
  assert.ok(result.notes.some((n) => n.includes('"flytekit_dev"') && n.includes('computed')))
  assert.ok(result.notes.some((n) => n.includes('"cookbook"') && n.includes('computed')))
  const check = await verifyWithPython(result.text, {mapping: result.expectedMapping})
  assert.equal(check.ok, true, check.problems.join('\n'))
  assert.equal(result.expectedMapping.idl, 'https://docs.flyte.org/projects/flyteidl/en/v1.3')
  assert.equal(result.expectedMapping.flyte, 'https://flyte.readthedocs.io/en/v1.3/')
})

test('a computed release is reported and left alone', () => {
  const result = pinConfPy(fixture('formatted.conf.py'), {version: v('1.3.0')})
  assert.equal(result.release?.status, 'computed')
  assert.ok(result.notes.some((n) => n.includes('release is computed')))
})

test('pinning is idempotent and independent projects move back to latest', () => {
  const once = pinConfPy(fixture('flyte-rsts.conf.py'), {version: v('1.3.0')})
  const twice = pinConfPy(once.text, {version: v('1.3.0')})
  assert.equal(twice.changed, false)
  const drifted = once.text.replace('flytectl.readthedocs.io/en/latest/', 'flytectl.readthedocs.io/en/v1.3/')
  const fixed = pinConfPy(drifted, {version: v('1.3.0')})
  assert.equal(fixed.text, once.text)
})

test('aligned set and slug format are configurable', () => {
  const result = pinConfPy(fixture('flyte-rsts.conf.py'), {
    version: v('1.4.2'),
    aligned: ['flytectl'],
    slugFormat: 'release-v{major}.{minor}',
  })
  assert.match(result.text, /"flytectl": \("https:\/\/flytectl\.readthedocs\.io\/en\/release-v1\.4\/"/)
  assert.match(result.text, /projects\/flytekit\/en\/latest\//)
  assert.throws(() => formatSlug('v{major}"', v('1.4')), /use letters, digits/)
})

test('subscript assignments and .update() are read; escapes in the version block an in-place edit', () => {
  const text = [
    'intersphinx_mapping = {}',
    'intersphinx_mapping["flyte"] = ("https://flyte.readthedocs.io/en/latest/", None)',
    'intersphinx_mapping.update({"flytekit": ("https://flytekit.readthedocs.io/en/lat\\x65st/", None)})',
    '',
  ].join('\n')
  const info = readConfPy(text)
  assert.deepEqual(
    info.entries.map((e) => [e.key, e.url.text]),
    [
      ['flyte', 'https://flyte.readthedocs.io/en/latest/'],
      ['flytekit', 'https://flytekit.readthedocs.io/en/latest/'],
    ],
  )
  const result = pinConfPy(text, {version: v('1.5')})
  assert.match(result.text, /flyte\.readthedocs\.io\/en\/v1\.5\//)
  assert.match(result.text, /lat\\x65st/)
  assert.ok(result.notes.some((n) => n.includes('cannot be rewritten in place')))
})

test('python3 catches a mapping that does not evaluate to what was intended', async () => {
  const check = await verifyWithPython('intersphinx_mapping = {"a": ("https://x/en/latest/", None)}\n', {
    mapping: {a: 'https://x/en/v1.3/'},
  })
  if (!check.ran) return // python3 missing on this machine: verifyWithPython says so in its note
  assert.equal(check.ok, false)
  assert.match(check.problems[0], /expected "https:\/\/x\/en\/v1\.3\/"/)
  const broken = await verifyWithPython('intersphinx_mapping = {\n', {mapping: {}})
  assert.match(broken.problems[0], /does not parse/)
})

test('parseDocsVersion and splitRtdUrl', () => {
  assert.deepEqual(parseDocsVersion('v1.16.0b0'), {major: 1, minor: 16, patch: 0, release: '1.16.0b0'})
  assert.deepEqual(parseDocsVersion('1.3'), {major: 1, minor: 3})
  assert.equal(parseDocsVersion('one'), undefined)
  assert.equal(
    splitRtdUrl('https://docs.flyte.org/projects/flyteidl/en/latest')?.root,
    'docs.flyte.org/projects/flyteidl',
  )
  assert.equal(splitRtdUrl('https://numpy.org/doc/stable'), undefined)
})

test('without python3 the check is skipped with a note, not failed', async () => {
  const check = await verifyWithPython('release = "1"\n', {mapping: {}}, '/nonexistent/python3')
  assert.equal(check.ran, false)
  assert.equal(check.ok, true)
  assert.match(check.note!, /\/nonexistent\/python3 not found; the edited conf.py was not checked with Python/)
})

test('a mapping assigned inside a block is reported, not edited', () => {
  const text = 'if True:\n    intersphinx_mapping = {"flyte": ("https://flyte.readthedocs.io/en/latest/", None)}\n'
  const result = pinConfPy(text, {version: v('1.3')})
  assert.equal(result.changed, false)
  assert.deepEqual(result.notes, ['line 2: intersphinx_mapping is not assigned at the top level; left unchanged'])
})

test('docs versions go through the one strict parser: the reason names the wrong part, values are cut at 64', async () => {
  const {requireDocsVersion} = await import('../../../src/docs-versioning/pin.js')
  const {parseDocsVersionStrict} = await import('../../../src/docs-versioning/projects.js')
  assert.deepEqual(parseDocsVersion('v1.16.0-rc1'), {major: 1, minor: 16, patch: 0, release: '1.16.0-rc1'})
  const bad: [string, RegExp][] = [
    ['01.2.3', /major number "01" has a leading zero/],
    ['v1.02', /minor number "02" has a leading zero/],
    ['1.2.3.4', /has 4 numbers/],
    ['1.2.3-', /ends with a dash/],
    ['1.2.3--b0', /doubled dash/],
    ['1.2.3.dev0', /dev part/],
    ['1.2.3-foo1', /prerelease label "foo" is not/],
    ['1.2.3+local', /local\/build part/],
  ]
  for (const [input, reason] of bad) {
    const parsed = parseDocsVersionStrict(input)
    assert.ok(!parsed.ok && reason.test(parsed.reason), `${input}: ${JSON.stringify(parsed)}`)
    assert.throws(
      () => requireDocsVersion(input),
      (e: Error) =>
        e.message.startsWith(`version ${JSON.stringify(input)} is not a release version: `) && reason.test(e.message),
    )
  }
  const long = `1.2.3-${'x'.repeat(200)}`
  assert.throws(
    () => requireDocsVersion(long),
    (e: Error) => e.message.includes(`${JSON.stringify(long.slice(0, 64))}…`) && !e.message.includes('x'.repeat(65)),
  )
})
