import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {CliError, EXIT_CODES, errorEnvelope, formatError, toCliError} from '../../../src/cli/errors.js'

describe('errors', () => {
  it('maps each code to its documented exit code', () => {
    assert.equal(new CliError('config-invalid', 'x').exitCode, EXIT_CODES.config)
    assert.equal(new CliError('not-found', 'x').exitCode, EXIT_CODES.notFound)
    assert.equal(new CliError('needs-confirmation', 'x').exitCode, EXIT_CODES.aborted)
    assert.equal(new CliError('partial-failure', 'x').exitCode, EXIT_CODES.partial)
    assert.equal(new CliError('unavailable', 'x').exitCode, EXIT_CODES.unavailable)
  })

  it('shows message and next step without a stack unless verbose', () => {
    const err = new CliError('unavailable', 'connection refused')
    const quiet = formatError(err, false)
    assert.equal(quiet.split('\n').length, 2)
    assert.match(quiet, /^Error: connection refused\nHint: .*flytectl demo start/)
    assert.match(formatError(err, true), /\n +at /)
  })

  it('wraps unknown errors as internal with the first line of their message', () => {
    const err = toCliError(new TypeError('boom\nsecond line'))
    assert.equal(err.code, 'internal')
    assert.equal(err.message, 'boom')
    assert.equal(err.exitCode, 1)
  })

  it('turns a refused flag value into a usage error naming the flag and the reason', () => {
    // The message oclif builds when a flag's parser throws (e.g. Flags.integer given "abc").
    const err = toCliError(
      new Error('Parsing --port \n\tExpected an integer but received: abc\nSee more help with --help'),
    )
    assert.equal(err.code, 'usage')
    assert.equal(err.exitCode, 2)
    assert.equal(err.message, '--port: Expected an integer but received: abc')
  })

  it('gives a stable JSON envelope', () => {
    const env = errorEnvelope(new CliError('not-found', 'no such project', {hint: 'list them', details: {id: 'x'}}))
    assert.deepEqual(env, {
      ok: false,
      error: {code: 'not-found', message: 'no such project', hint: 'list them', exitCode: 4, details: {id: 'x'}},
    })
  })
})
