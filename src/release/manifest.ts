/** Reading the release manifest from disk: YAML errors and schema errors become one-line config errors. */
import {readFile} from 'node:fs/promises'
import {CliError} from '../cli/errors.js'
import type {ReleaseManifest} from '../config/release-manifest.js'

/**
 * With `cache` (the CLI passes it), an unchanged manifest's validated form comes from the manifest
 * cache (see manifest-cache.ts); anything else is parsed and validated here.
 */
export async function loadReleaseManifest(path: string, options: {cache?: boolean} = {}): Promise<ReleaseManifest> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CliError('config-missing', `cannot read release manifest ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Pass --manifest <file>, or copy templates/release.yaml to release.yaml and edit it.',
    })
  }
  if (!options.cache) return parseReleaseManifestText(text, path)
  const {readCachedManifest, writeCachedManifest} = await import('./manifest-cache.js')
  const cached = readCachedManifest(text)
  if (cached) return cached
  const manifest = await parseReleaseManifestText(text, path)
  writeCachedManifest(text, manifest)
  return manifest
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
  const [{yamlToJs}, {ReleaseManifestError, validateReleaseManifest}] = await Promise.all([
    import('../config/yaml-read.js'),
    import('../config/release-manifest-schema.js'),
  ])
  try {
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
