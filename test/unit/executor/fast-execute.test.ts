import assert from 'node:assert/strict'
import {test} from 'node:test'
import {localDestDir} from '../../../src/controlplane/executor/process.js'

test('fast-registered tasks unpack into the attempt directory, not the image path pyflyte recorded', () => {
  // As `pyflyte register` writes it for an image whose workdir is /root.
  const argv = ['pyflyte-fast-execute', '--additional-distribution', 'file:///b/fast.tar.gz', '--dest-dir', '/root']
  const inner = ['--', 'pyflyte-execute', '--inputs', 'file:///i.pb', '--dest-dir', '/keep']
  assert.deepEqual(localDestDir([...argv, ...inner], '/work/a0'), [
    'pyflyte-fast-execute',
    '--additional-distribution',
    'file:///b/fast.tar.gz',
    '--dest-dir',
    '/work/a0',
    ...inner,
  ])
  assert.deepEqual(localDestDir(['pyflyte-fast-execute', '--dest-dir=/root', '--'], '/w'), [
    'pyflyte-fast-execute',
    '--dest-dir=/w',
    '--',
  ])
})

test('other commands are left alone', () => {
  const argv = ['pyflyte-execute', '--dest-dir', '/root']
  assert.deepEqual(localDestDir(argv, '/w'), argv)
})
