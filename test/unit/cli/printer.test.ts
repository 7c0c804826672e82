import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseOutputFormat, renderJson, renderRows, renderTable, renderYaml} from '../../../src/cli/printer.js'
import {CliError} from '../../../src/cli/errors.js'

const projects = [
  {id: 'flytesnacks', name: 'flytesnacks', description: 'flytesnacks description'},
  {id: 'demo', name: 'Demo', description: ''},
]
const columns = [
  {header: 'Id', path: 'id'},
  {header: 'Name', path: 'name'},
  {header: 'Description', path: 'description'},
]

describe('renderTable', () => {
  it('draws flytectl’s bordered table with the count in the first header and a rows line', () => {
    assert.equal(
      renderTable(columns, projects),
      [
        ' ------------- ------------- ------------------------- ',
        '| ID (2)      | NAME        | DESCRIPTION             |',
        ' ------------- ------------- ------------------------- ',
        '| flytesnacks | flytesnacks | flytesnacks description |',
        ' ------------- ------------- ------------------------- ',
        '| demo        | Demo        |                         |',
        ' ------------- ------------- ------------------------- ',
        '2 rows',
        '',
      ].join('\n'),
    )
  })

  it('renders nested paths, missing paths as empty cells, objects as JSON and truncates', () => {
    const out = renderTable(
      [
        {header: 'Name', path: 'id.name'},
        {header: 'Missing', path: 'closure.nothing'},
        {header: 'Schedule', path: 'spec.schedule'},
        {header: 'Error', path: 'err', truncate: 5},
      ],
      [{id: {name: 'wf'}, spec: {schedule: {cron: '* * * * *'}}, err: 'abcdefghij'}],
    )
    assert.match(out, /\| wf +\| +\| \{"cron":"\* \* \* \* \*"\} \| abcde \|/)
  })
})

describe('json and yaml', () => {
  it('prints one result as an object and several as an array, TAB-indented', () => {
    assert.equal(renderJson([{a: 1}]), '{\n\t"a": 1\n}\n')
    assert.equal(renderJson([{a: 1}, {a: 2}]), '[\n\t{\n\t\t"a": 1\n\t},\n\t{\n\t\t"a": 2\n\t}\n]\n')
  })

  it('sorts YAML keys like sigs.k8s.io/yaml', async () => {
    assert.equal(await renderYaml([{b: 1, a: {d: 2, c: 3}}]), 'a:\n  c: 3\n  d: 2\nb: 1\n')
    assert.equal(await renderYaml([{a: 1}, {a: 2}]), '- a: 1\n- a: 2\n')
  })

  it('refuses dot output for resources that are not workflows', async () => {
    await assert.rejects(renderRows([{}], {format: 'dot', columns: []}), /visualization is only supported on workflows/)
  })
})

describe('parseOutputFormat', () => {
  it('is case-insensitive', () => {
    assert.equal(parseOutputFormat('JSON'), 'json')
    assert.equal(parseOutputFormat('Yaml'), 'yaml')
  })
  it('names the bad value like flytectl does', () => {
    assert.throws(
      () => parseOutputFormat('xml'),
      (err: unknown) =>
        err instanceof CliError && err.message === 'XML does not belong to OutputFormat values' && err.exitCode === 2,
    )
  })
})
