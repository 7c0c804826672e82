import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {
  findSphinxRelease,
  updateHelmChart,
  updatePackageJsonVersion,
  updateSphinxRelease,
  updateYamlValues,
} from '../../../src/release/updaters.js'
import {REPO_ROOT} from '../../support/cli.js'

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/release', name), 'utf8')

describe('release file updaters (before/after on Flyte files)', () => {
  it('Chart.yaml: version and the # VERSION dependency, comments and spacing kept', () => {
    const out = updateHelmChart(fixture('flyte-core-Chart.yaml'), {version: 'v1.17.0', dependencyMarker: 'VERSION'})
    assert.equal(out, fixture('flyte-core-Chart.bumped.yaml'))
    assert.equal(updateHelmChart(out, {version: 'v1.17.0', dependencyMarker: 'VERSION'}), out)
  })

  it('Chart.yaml: appVersion keeps its double quotes', () => {
    const out = updateHelmChart(fixture('flyte-binary-Chart.yaml'), {version: 'v1.17.0', appVersion: '1.17.0'})
    assert.equal(out, 'apiVersion: v2\nname: flyte-binary\nversion: v1.17.0  # VERSION\nappVersion: "1.17.0"\n')
  })

  it('values.yaml: image tags by marker comment; console untouched; image:tag strings by template', () => {
    const out = updateYamlValues(
      fixture('flyte-core-values.yaml'),
      [
        {marker: 'FLYTEADMIN_TAG', value: 'v1.17.0'},
        {marker: 'FLYTESCHEDULER_TAG', value: 'v1.17.0'},
        {marker: 'DATACATALOG_TAG', value: 'v1.17.0'},
        {marker: 'FLYTEPROPELLER_TAG', value: 'v1.17.0'},
        {marker: 'FLYTECOPILOT_IMAGE', value: 'cr.flyte.org/flyteorg/flytecopilot:v1.17.0'},
      ],
      'values.yaml',
    )
    assert.equal(out, fixture('flyte-core-values.bumped.yaml'))
  })

  it('values.yaml: by YAML path', () => {
    const out = updateYamlValues(fixture('flyte-core-values.yaml'), [
      {yamlPath: 'flyteconsole.image.tag', value: 'v1.22.0'},
    ])
    assert.equal(out, fixture('flyte-core-values.yaml').replace('tag: v1.21.0', 'tag: v1.22.0'))
    assert.throws(
      () => updateYamlValues(out, [{yamlPath: 'flyteconsole.image', value: 'x{tag}'}], 'values.yaml'),
      /values\.yaml: flyteconsole\.image is not a scalar value/,
    )
  })

  it('a marker that matches nothing is an error; a case-only miss says which marker exists', () => {
    assert.throws(
      () =>
        updateYamlValues(
          fixture('flyteconnector-values.yaml'),
          [{marker: 'FLYTECONNECTOR_IMAGE', value: 'x'}],
          'v.yaml',
        ),
      /^UpdaterError: v\.yaml: no value is marked "# FLYTECONNECTOR_IMAGE"; did you mean "# FLYTEconnector_IMAGE"/,
    )
    assert.throws(
      () => updateYamlValues(fixture('flyte-core-values.yaml'), [{marker: 'FLYTEAGENT_TAG', value: 'x'}], 'v.yaml'),
      /no value is marked "# FLYTEAGENT_TAG"$/,
    )
  })

  it('docs conf.py: release = "…" replaced and the result still parses as Python', () => {
    const out = updateSphinxRelease(fixture('docs-conf.py'), '1.16.8')
    assert.equal(out, fixture('docs-conf.bumped.py'))
    assert.equal(findSphinxRelease(out)?.value, '1.16.8')
    assert.equal(findSphinxRelease("release = u'1.0.0-b1'\n")?.value, '1.0.0-b1')
    assert.equal(updateSphinxRelease("release = u'1.0.0-b1'\n", '1.0.0'), "release = u'1.0.0'\n")
    // The comment mentioning `1.16.0-b0` is not an assignment and stays as it was.
    assert.match(out, /For example, 0\.1\.1, 1\.16\.0-b0\n/)
    execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], {input: out})
    assert.throws(() => updateSphinxRelease('version = "1"\n', '2'), /no top-level `release = "<version>"`/)
  })

  it('package.json: version set, indentation kept', () => {
    const before = '{\n    "name": "@flyteorg/flyteidl",\n    "version": "0.0.0-develop"\n}\n'
    assert.equal(
      updatePackageJsonVersion(before, '1.17.0'),
      '{\n    "name": "@flyteorg/flyteidl",\n    "version": "1.17.0"\n}\n',
    )
  })
})
