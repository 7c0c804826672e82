import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {Code, ConnectError} from '@connectrpc/connect'
import {
  createProject,
  executionIdentifierLine,
  parseKeyValues,
  parseProjectFile,
  rpcError,
} from '../../../src/cluster/create.js'
import {CliError} from '../../../src/cli/errors.js'

const cliError = (code: string, message: RegExp) => (err: unknown) =>
  err instanceof CliError && err.code === code && message.test(err.message)

describe('parseKeyValues', () => {
  it('reads comma lists and repeated flags; later keys win', () => {
    assert.deepEqual(parseKeyValues(['a=1,b=2', 'c=x=y', 'a=3'], 'labels'), {a: '3', b: '2', c: 'x=y'})
    assert.deepEqual(parseKeyValues(undefined, 'labels'), {})
  })
  it('rejects a pair without a key', () => {
    assert.throws(
      () => parseKeyValues(['team'], 'labels'),
      cliError('usage', /--labels expects key=value pairs, got "team"/),
    )
    assert.throws(() => parseKeyValues(['=v'], 'envs'), cliError('usage', /--envs/))
  })
})

describe('create project', () => {
  it('merges the file with flags (flags win) and needs an id and a name', async () => {
    const text = 'id: p1\nname: From file\ndescription: d\nlabels:\n  values:\n    a: "1"\n'
    const made = await createProject(undefined, {
      file: {path: 'p.yaml', text},
      name: 'Flag name',
      labels: {b: '2'},
      dryRun: true,
    })
    assert.deepEqual(made, {id: 'p1', name: 'Flag name', description: 'd', labels: {a: '1', b: '2'}, dryRun: true})
    await assert.rejects(
      createProject(undefined, {name: 'n', dryRun: true}),
      cliError('usage', /project id wasn't passed/),
    )
    await assert.rejects(
      createProject(undefined, {id: 'x', dryRun: true}),
      cliError('usage', /project name is a required flag/),
    )
    await assert.rejects(
      createProject(undefined, {id: 'x', project: 'y', name: 'n', dryRun: true}),
      cliError('usage', /both project and id are passed/),
    )
    assert.equal((await createProject(undefined, {project: 'from-p', name: 'n', dryRun: true})).id, 'from-p')
  })
  it('rejects malformed and mistyped project files', async () => {
    await assert.rejects(
      parseProjectFile('p.yaml', 'id: [x'),
      cliError('invalid-input', /not valid YAML \(line 1, column \d+\)/),
    )
    await assert.rejects(parseProjectFile('p.yaml', '- a'), cliError('invalid-input', /expected a map/))
    await assert.rejects(parseProjectFile('p.yaml', 'id: 5'), cliError('invalid-input', /"id" must be a string/))
    await assert.rejects(parseProjectFile('p.yaml', 'labels:\n  values: [a]'), cliError('invalid-input', /labels/))
  })
})

describe('rpcError / executionIdentifierLine', () => {
  it('maps gRPC codes to CLI codes with a one-line message', () => {
    const e = rpcError(new ConnectError('missing entity\nmore detail', Code.NotFound), 'cannot find launch plan x')
    assert.equal(e.code, 'not-found')
    assert.equal(e.message, 'cannot find launch plan x: missing entity')
    assert.equal(rpcError(new ConnectError('dup', Code.AlreadyExists), 'c').code, 'already-exists')
    assert.equal(rpcError(new Error('boom'), 'c').code, 'internal')
  })
  it("prints flytectl's identifier line", () => {
    assert.equal(
      executionIdentifierLine({project: 'flytesnacks', domain: 'development', name: 'f1'}),
      'execution identifier project:"flytesnacks" domain:"development" name:"f1"',
    )
  })
})
