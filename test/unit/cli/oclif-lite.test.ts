/**
 * The bundle's small argv parser against oclif's own, on every command's real flag definitions:
 * for each argv it either gives oclif's result or declines (UseOclif), never a different answer.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Config, Parser} from '@oclif/core'
import {CliError} from '../../../src/cli/errors.js'
import {parseArgv, UseOclif} from '../../../src/cli/oclif-lite.js'
import {REPO_ROOT} from '../../support/cli.js'

const config = await Config.load(REPO_ROOT)

async function both(id: string, argv: string[]) {
  const cmd = await config.findCommand(id)!.load()
  const opts = {
    flags: cmd.flags,
    baseFlags: cmd.baseFlags,
    args: cmd.args,
    strict: cmd.strict,
    enableJsonFlag: cmd.enableJsonFlag,
  }
  let lite: Awaited<ReturnType<typeof parseArgv>> | 'declined' | 'rejected'
  try {
    lite = await parseArgv(argv, opts as never, {})
  } catch (err) {
    if (err instanceof UseOclif) lite = 'declined'
    else if (err instanceof CliError && err.exitCode === 2) lite = 'rejected'
    else throw err
  }
  let real: {flags: unknown; args: unknown; argv: unknown} | 'error'
  try {
    const flags = {...opts.baseFlags, ...opts.flags, ...(opts.enableJsonFlag ? {json: jsonFlag} : {})}
    const parsed = await Parser.parse(argv, {...opts, flags, context: {}} as never)
    real = {flags: parsed.flags, args: parsed.args, argv: parsed.argv}
  } catch {
    real = 'error'
  }
  return {lite, real}
}

const jsonFlag = {type: 'boolean', name: 'json', allowNo: false, parse: async (b: boolean) => b}

const cases: [string, string[]][] = [
  ['get:project', []],
  ['get:project', ['flytesnacks']],
  ['get:project', ['flytesnacks', '-o', 'yaml']],
  ['get:project', ['-oyaml', '--filter.limit', '5']],
  ['get:project', ['--filter.limit=5', '--filter.asc', '--json']],
  ['get:project', ['--filter.limit', 'x']],
  ['get:project', ['--filter.limit', '-3']],
  ['get:project', ['a', 'b']],
  ['get:project', ['--nope']],
  ['get:project', ['-o']],
  ['get:project', ['-o', 'json', '-o', 'yaml']],
  ['get:project', ['--', '-o']],
  ['get:execution', ['-p', 'p', '-d', 'd', 'abc', '--details']],
  ['get:execution', ['-p', 'p', '-d', 'd', '--filter.fieldSelector', 'phase=FAILED']],
  ['update:launchplan', ['-p', 'p', '-d', 'd', 'lp', '--version', 'v1', '--activate']],
  ['update:launchplan', ['-p', 'p', '-d', 'd', 'lp', '--version', 'v1', '--activate', '--deactivate']],
  ['demo:start', ['--port', '30081']],
  ['demo:start', ['--port', '0']],
  ['demo:start', ['--port', '99999']],
  ['demo:start', ['--restart', '--dataDir', '/tmp/x']],
  ['config:discover', []],
  ['config:discover', ['-c', '/tmp/c.yaml']],
  ['version', ['-o', 'json']],
  ['backport', ['12', '34', '--to', 'release-v1.1']],
  ['backport', ['--to', 'a', 'b']],
  ['backport', ['--conflicts', 'abort', '7']],
  ['backport', ['--conflicts', 'maybe']],
  ['triage:check-pr', ['12']],
  ['triage:check-pr', []],
  ['triage:report', ['--limit', '3']],
]

describe('oclif-lite argv parser', () => {
  it('names the closest flag when a flag is unknown, and a missing argument by name', async () => {
    await assert.rejects(
      parseArgv(['--filter.limt', '5'], {flags: (await config.findCommand('get:project')!.load()).flags}, {}),
      (err: CliError) =>
        err.exitCode === 2 && err.message === 'unknown flag --filter.limt; did you mean --filter.limit?',
    )
    const checkPr = await config.findCommand('triage:check-pr')!.load()
    await assert.rejects(parseArgv([], {args: checkPr.args, flags: checkPr.flags}, {}), (err: CliError) =>
      /^missing required argument PR \(Pull request number\)$/.test(err.message),
    )
  })

  for (const [id, argv] of cases) {
    it(`${id} ${argv.join(' ')}: same as oclif or declined`, async () => {
      const {lite, real} = await both(id, argv)
      if (lite === 'declined') return
      if (lite === 'rejected') {
        assert.equal(real, 'error', `the lite parser rejects ${argv.join(' ')} but oclif accepts it`)
        return
      }
      assert.notEqual(real, 'error', `oclif rejects ${argv.join(' ')} but the lite parser accepted it`)
      if (real === 'error') return
      assert.deepEqual(lite.flags, real.flags)
      assert.deepEqual(lite.args, real.args)
      assert.deepEqual(lite.argv, real.argv)
    })
  }

  it('takes the everyday forms itself', async () => {
    for (const argv of [
      ['flytesnacks', '-o', 'yaml'],
      ['-oyaml', '--filter.limit', '5'],
      ['--filter.limit=5', '--json'],
    ]) {
      const {lite} = await both('get:project', argv)
      assert.notEqual(lite, 'declined', argv.join(' '))
    }
  })

  it('declines what only oclif reports well', async () => {
    for (const argv of [['a', 'b'], ['-o'], ['--filter.limit', 'x']]) {
      const {lite} = await both('get:project', argv)
      assert.equal(lite, 'declined', argv.join(' '))
    }
  })
})
