/** Reading the release manifest from disk: YAML errors and schema errors become one-line config errors. */
import {readFile} from 'node:fs/promises'
import {CliError} from '../cli/errors.js'
import {ReleaseManifestError, validateReleaseManifest, type ReleaseManifest} from '../config/release-manifest.js'

export async function loadReleaseManifest(path: string): Promise<ReleaseManifest> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CliError('config-missing', `cannot read release manifest ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Pass --manifest <file>, or copy templates/release.yaml to release.yaml and edit it.',
    })
  }
  return parseReleaseManifestText(text, path)
}

export async function parseReleaseManifestText(text: string, where = 'release manifest'): Promise<ReleaseManifest> {
  const {parseDocument, LineCounter} = await import('yaml')
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {prettyErrors: false, lineCounter})
  const yamlError = doc.errors[0]
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0])
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new CliError(
      'config-invalid',
      `${where} is not valid YAML (line ${pos.line}, column ${pos.col}): ${reason}`,
      {
        hint: `Fix the YAML syntax in ${where}.`,
      },
    )
  }
  try {
    const {yamlToJs} = await import('../config/yaml-read.js')
    return validateReleaseManifest(yamlToJs(doc, where))
  } catch (err) {
    if (err instanceof ReleaseManifestError) {
      throw new CliError('config-invalid', `${where}: ${err.message}`, {
        hint: `Fix the key ${err.key} in ${where} (templates/release.yaml documents every key).`,
      })
    }
    throw err
  }
}
