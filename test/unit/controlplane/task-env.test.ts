/** The task environment allow-list, `--env` parsing and `--max*Size` values. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseEnvOptions, taskEnvironment} from '../../../src/controlplane/executor/task-env.js'
import {parseByteSize, resolveEnvFlags} from '../../../src/demo/start-flags.js'

const shell = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'UTC',
  VIRTUAL_ENV: '/v',
  PYTHONPATH: '/src',
  FLYTECTL_DEMO_PATH: '/v/bin',
  GITHUB_TOKEN: 'ghp_x',
  AWS_SECRET_ACCESS_KEY: 'k',
  FLYTE_AWS_SECRET_ACCESS_KEY: 'k2',
  SSH_AUTH_SOCK: '/tmp/agent',
  MINE: '1',
}

test('only allow-listed variables reach tasks, plus the ones passed by name', () => {
  assert.deepEqual(Object.keys(taskEnvironment(shell, [])).sort(), [
    'FLYTECTL_DEMO_PATH',
    'HOME',
    'LANG',
    'LC_ALL',
    'PATH',
    'PYTHONPATH',
    'TZ',
    'VIRTUAL_ENV',
  ])
  assert.equal(taskEnvironment(shell, ['MINE']).MINE, '1')
  // The daemon learns the passed names from FLYTECTL_DEMO_ENV.
  const daemon = taskEnvironment({...shell, FLYTECTL_DEMO_ENV: 'MINE'})
  assert.equal(daemon.MINE, '1')
  assert.equal(daemon.GITHUB_TOKEN, undefined)
})

test('--env NAME takes this shell’s value, NAME=value a literal; bad names and unset names are refused', () => {
  assert.deepEqual(parseEnvOptions(['MINE', 'X=a=b', 'EMPTY='], shell).vars, {MINE: '1', X: 'a=b', EMPTY: ''})
  assert.deepEqual(resolveEnvFlags(['MINE'], shell), {MINE: '1'})
  assert.throws(() => resolveEnvFlags(['NOPE'], shell), /--env NOPE: it is not set in this shell/)
  assert.throws(() => resolveEnvFlags(['1BAD=x'], shell), /invalid --env "1BAD=x"/)
})

test('sizes: bytes or K/M/G units (powers of 1024); anything else is a usage error', () => {
  assert.equal(parseByteSize('1048576', 'maxMessageSize'), 1048576)
  assert.equal(parseByteSize('64MiB', 'maxMessageSize'), 64 * 1024 * 1024)
  assert.equal(parseByteSize('2g', 'maxUploadSize'), 2 * 1024 ** 3)
  for (const bad of ['0', '-1', '1.5G', 'big', '12 parsecs']) {
    assert.throws(() => parseByteSize(bad, 'maxUploadSize'), /invalid --maxUploadSize/)
  }
})
