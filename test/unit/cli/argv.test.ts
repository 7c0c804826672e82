import assert from 'node:assert/strict'
import {test} from 'node:test'
import {globalFlagsAfterCommand as move} from '../../../src/cli/argv.js'

test('leading global flags move after the command words', () => {
  assert.deepEqual(move(['--config', 'x.yaml', 'get', 'project']), ['get', 'project', '--config', 'x.yaml'])
  assert.deepEqual(move(['-c', 'x', '-p', 'p', '-d', 'd', 'get', 'task', 't']), [
    'get',
    'task',
    't',
    '-c',
    'x',
    '-p',
    'p',
    '-d',
    'd',
  ])
  assert.deepEqual(move(['--verbose', '--config=x', '-ojson', 'get', 'project']), [
    'get',
    'project',
    '--verbose',
    '--config=x',
    '-ojson',
  ])
})

test('they stay in front of a `--` (after it everything is an argument)', () => {
  assert.deepEqual(move(['--verbose', 'demo', 'exec', '--', 'ls', '-l']), [
    'demo',
    'exec',
    '--verbose',
    '--',
    'ls',
    '-l',
  ])
})

test('anything else is left alone', () => {
  assert.deepEqual(move(['get', 'project', '--config', 'x']), ['get', 'project', '--config', 'x'])
  assert.deepEqual(move(['--help']), ['--help'])
  assert.deepEqual(move(['--unknown', 'get']), ['--unknown', 'get'])
  assert.deepEqual(move(['--config', 'x']), ['--config', 'x'])
})
