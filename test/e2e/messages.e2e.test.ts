/**
 * What a newcomer meets first when a word is mistyped: one usage error (exit 2) naming the problem
 * and the nearest valid spelling, a hint with the real command to run, and no stack trace.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {runCli, tempHome} from '../support/cli.js'

const {home, cleanup} = tempHome()
after(cleanup)
const env = {HOME: home}

async function usageError(argv: string[]): Promise<string> {
  const r = await runCli(argv, {env})
  assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`)
  assert.equal(r.stdout, '')
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  return r.stderr
}

describe('did you mean', () => {
  it('names the closest command under the topic typed', async () => {
    assert.equal(
      await usageError(['get', 'projct']),
      'Error: `flytectl get projct` is not a command; did you mean `flytectl get project`?\n' +
        'Hint: Run `flytectl get --help` to see the commands.\n',
    )
    assert.match(
      await usageError(['get', 'projct', 'flytesnacks', '-o', 'yaml']),
      /did you mean `flytectl get project`/,
    )
    assert.match(await usageError(['release', 'pln', '1.4.0']), /did you mean `flytectl release plan`\?/)
  })

  it('names the closest topic, and says when nothing is close', async () => {
    assert.match(
      await usageError(['gte', 'project']),
      /^Error: `flytectl gte` is not a command; did you mean `flytectl get`\?\n/,
    )
    assert.equal(
      await usageError(['frobnicate']),
      'Error: `flytectl frobnicate` is not a command\nHint: Run `flytectl --help` to see the commands.\n',
    )
  })

  it('names the closest flag, before or after the command', async () => {
    assert.match(await usageError(['--versoin']), /^Error: unknown flag --versoin; did you mean --version\?\n/)
    assert.equal(
      await usageError(['get', 'project', '--filter.limt', '5']),
      'Error: unknown flag --filter.limt; did you mean --filter.limit?\n' +
        'Hint: Run `flytectl get project --help` to see its arguments and flags.\n',
    )
  })

  it('names a missing argument and what it is', async () => {
    assert.equal(
      await usageError(['release', 'plan']),
      'Error: missing required argument VERSION (the minor release, X.Y.0)\n' +
        'Hint: Run `flytectl release plan --help` to see its arguments and flags.\n',
    )
  })

  it('leaves the commands oclif runs itself alone', async () => {
    const r = await runCli(['help', 'get'], {env})
    assert.equal(r.code, 0)
    assert.match(r.stdout, /get project/)
  })
})
