/**
 * Reading YAML we did not write (the flytectl config, the release manifest, a backport manifest,
 * charts read by lint): a document whose aliases expand past a small budget (a "billion laughs"
 * alias bomb) is refused as a config error naming the file (exit 3), never a generic internal
 * error and never a runaway expansion. Real files use a handful of anchors at most.
 */
import type {Document} from 'yaml'
import {CliError} from '../cli/errors.js'

/** Alias nodes one document may resolve; the `yaml` library counts each expansion. */
export const MAX_YAML_ALIASES = 100

/** The JavaScript value of a parsed document, or exit 3 naming `where` when its aliases explode. */
export function yamlToJs(doc: Document, where: string): unknown {
  try {
    return doc.toJS({maxAliasCount: MAX_YAML_ALIASES})
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new CliError(
        'config-invalid',
        `${where}: its YAML aliases expand too far (more than ${MAX_YAML_ALIASES}; an alias bomb?)`,
        {hint: `Remove the nested anchors and aliases from ${where}.`, cause: err},
      )
    }
    throw err
  }
}

/** Parse and convert in one step (syntax errors are config errors too). */
export async function readYamlText(text: string, where: string): Promise<unknown> {
  const {parseDocument} = await import('yaml')
  const doc = parseDocument(text, {prettyErrors: false})
  const first = doc.errors[0]
  if (first) {
    throw new CliError('config-invalid', `${where} is not valid YAML: ${first.message.split('\n')[0]}`, {
      hint: `Fix the YAML syntax in ${where}.`,
    })
  }
  return yamlToJs(doc, where)
}
