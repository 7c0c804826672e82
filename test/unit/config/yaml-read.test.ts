/** An alias bomb in any YAML file we read is a config error naming the file (exit 3), not an internal error. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {CliError} from '../../../src/cli/errors.js'
import {parseConfigText} from '../../../src/config/load.js'
import {readYamlText} from '../../../src/config/yaml-read.js'
import {parseReleaseManifestText} from '../../../src/release/manifest.js'

/** "Billion laughs": nine levels of nine aliases each. */
export function aliasBomb(prefix = ''): string {
  const lines = [prefix, 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  const names = 'abcdefghi'
  for (let i = 1; i < names.length; i++) {
    const prev = `*${names[i - 1]}`
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(prev).join(',')}]`)
  }
  return lines.join('\n') + '\n'
}

function isBombError(where: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof CliError, String(err))
    assert.equal(err.exitCode, 3)
    assert.match(err.message, where)
    assert.match(err.message, /YAML aliases expand too far/)
    return true
  }
}

describe('YAML alias bombs', () => {
  it('the release manifest', async () => {
    await assert.rejects(parseReleaseManifestText(aliasBomb(), 'release.yaml'), isBombError(/^release\.yaml: /))
  })

  it('the flytectl config file', async () => {
    await assert.rejects(
      parseConfigText(aliasBomb(), {path: '/home/u/.flyte/config.yaml'} as never),
      isBombError(/^config file \/home\/u\/\.flyte\/config\.yaml: /),
    )
  })

  it('any other file read through readYamlText; a few honest anchors still work', async () => {
    await assert.rejects(readYamlText(aliasBomb(), 'manifest m.yaml'), isBombError(/^manifest m\.yaml: /))
    assert.deepEqual(await readYamlText('x: &x [1, 2]\ny: *x\n', 'f'), {x: [1, 2], y: [1, 2]})
  })
})
