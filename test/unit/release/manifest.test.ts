import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {rootComponent} from '../../../src/config/release-manifest.js'
import {CliError} from '../../../src/cli/errors.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'
import {docsPaths} from '../../../src/release/plan.js'
import {REPO_ROOT} from '../../support/cli.js'

const template = readFileSync(join(REPO_ROOT, 'templates/release.yaml'), 'utf8')

describe('release manifest', () => {
  it('the shipped template validates and carries the RFC defaults', async () => {
    const m = await parseReleaseManifestText(template)
    const aligned = m.components.filter((c) => c.aligned).map((c) => c.name)
    const independent = m.components.filter((c) => !c.aligned).map((c) => c.name)
    // v1-create_release.yml tags the root and six component directories with one version;
    // flyteidl's own workflow tags the same numbers; flytekit gets X.Y.0 with Flyte.
    assert.deepEqual(aligned.sort(), [
      'datacatalog',
      'flyte',
      'flyteadmin',
      'flytecopilot',
      'flyteidl',
      'flytekit',
      'flyteplugins',
      'flytepropeller',
      'flytestdlib',
    ])
    // Their own lines: flytectl/v0.9.x, flyteconsole v1.21.x, flytesnacks v0.3.x, flytekit-java 0.4.x.
    assert.deepEqual(independent.sort(), ['flyteconsole', 'flytectl', 'flytekit-java', 'flytesnacks'])
    assert.equal(m.components.find((c) => c.name === 'flyteidl')!.scheme, 'semver')
    assert.equal(m.components.find((c) => c.name === 'flytekit')!.scheme, 'pep440')
    assert.equal(m.components.find((c) => c.name === 'flyteadmin')!.tagPrefix, 'flyteadmin/')
    assert.equal(m.components.find((c) => c.name === 'flytekit-java')!.vPrefix, false)
    assert.equal(rootComponent(m).name, 'flyte')
    assert.equal(m.release.cadence, 'quarterly')
    assert.equal(m.changelog.path, 'CHANGELOG/CHANGELOG-v{version}.md')
    assert.equal(m.release.releaseBranch, 'release-v{major}.{minor}')
  })

  it('docs: a conf.py path per repository, false for none, detection otherwise', async () => {
    const t = await parseReleaseManifestText(template)
    const candidates = ['docs/conf.py', 'rsts/conf.py']
    const fromTemplate = docsPaths(t, candidates)
    assert.deepEqual(fromTemplate['flyteorg/flyte'], ['docs/conf.py'])
    assert.deepEqual(fromTemplate['flyteorg/flytekit'], ['docs/source/conf.py'])
    assert.equal(fromTemplate['flyteorg/flyteconsole'], undefined, 'on its own line: no release branch, no pin')
    const m = await parseReleaseManifestText(
      [
        'release: {repository: o/r}',
        'components:',
        '  - {name: r, repository: o/r}',
        '  - {name: sub, repository: o/r, tagPrefix: sub/, docs: false}',
        '  - {name: nodocs, repository: o/nodocs, docs: false}',
        '  - {name: own, repository: o/own, aligned: false, docs: docs/conf.py}',
        '',
      ].join('\n'),
    )
    // One component without `docs: false` keeps detection for its repository; independent repos get no branch.
    assert.deepEqual(docsPaths(m, candidates), {'o/r': candidates})
    await assert.rejects(
      parseReleaseManifestText('release: {repository: o/r}\ncomponents: [{name: r, repository: o/r, docs: true}]\n'),
      (err: unknown) => err instanceof CliError && /components\.0\.docs/.test(err.message),
    )
  })

  it('fills defaults for a minimal manifest', async () => {
    const m = await parseReleaseManifestText('release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}]\n')
    assert.equal(m.components[0]!.scheme, 'semver')
    assert.equal(m.components[0]!.prereleaseLabel, 'b')
    assert.equal(m.components[0]!.aligned, true)
    assert.equal(m.release.milestone, '{version}')
    assert.equal(m.changelog.groups[0]!.title, 'Added')
  })

  const bad: Array<[string, string, RegExp]> = [
    ['bad YAML', 'release: [x\n', /is not valid YAML \(line \d+, column \d+\)/],
    ['missing repository', 'release: {}\ncomponents: [{name: r, repository: o/r}]', /release\.repository: /],
    [
      'bad scheme',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r, scheme: calver}]',
      /components\.0\.scheme: .*"semver"/,
    ],
    [
      'bad prefix',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}, {name: a, repository: o/r, tagPrefix: admin}]',
      /components\.1\.tagPrefix: expected a prefix ending in "\/"/,
    ],
    [
      'unknown key',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r, algined: true}]',
      /components\.0: unknown key\(s\) "algined"/,
    ],
    [
      'duplicate name',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}, {name: r, repository: o/s}]',
      /components\.1\.name: "r" is already used by components\.0/,
    ],
    [
      'unknown file kind',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}]\nfiles: [{kind: toml, path: x}]',
      /files\.0\.kind: unknown kind/,
    ],
    [
      'file names an unknown component',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}]\nfiles: [{kind: sphinx-release, path: c.py, component: x}]',
      /files\.0\.component: no component named "x"/,
    ],
    [
      'no root component',
      'release: {repository: o/r}\ncomponents: [{name: a, repository: o/r, tagPrefix: a/}]',
      /components: no component tags the release repository o\/r without a prefix/,
    ],
    [
      'bad template',
      'release: {repository: o/r}\ncomponents: [{name: r, repository: o/r}]\nfiles: [{kind: sphinx-release, path: c.py, value: latest}]',
      /files\.0\.value: expected a template containing \{version\} or \{tag\}/,
    ],
  ]
  for (const [name, text, pattern] of bad) {
    it(`${name}: one config error naming the key`, async () => {
      await assert.rejects(parseReleaseManifestText(text, 'release.yaml'), (err: unknown) => {
        assert.ok(err instanceof CliError)
        assert.equal(err.exitCode, 3)
        assert.match(err.message, /^release\.yaml/)
        assert.match(err.message, pattern)
        assert.equal(err.message.includes('\n'), false)
        assert.ok(err.hint)
        return true
      })
    })
  }
})
