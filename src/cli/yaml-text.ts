/**
 * The one YAML writer for everything the CLI writes (execFile, attrFile, `-o yaml`, update diffs).
 *
 * Go flytectl reads these files with YAML 1.1 parsers (go-yaml v2/v3 via sigs.k8s.io/yaml) and
 * flytekit users with PyYAML, also YAML 1.1. There, plain `n`, `yes`, `On`, `off` are booleans,
 * `2024-01-01` a timestamp, `1:20` a base-60 integer, `012` octal, and `=` / `<<` are special
 * (PyYAML's value and merge keys). A string that any of them — or a YAML 1.2 reader (`0o12`) —
 * would read as something else is written quoted, in keys and values alike, so every reader gets
 * back the same strings.
 */
import {Document, isScalar, visit, type ToStringOptions} from 'yaml'

/** Plain scalars no resolver list above knows, but PyYAML resolves to non-strings. */
const PYYAML_SPECIAL = new Set(['=', '<<'])
const MERGE_TAG = 'tag:yaml.org,2002:merge'

export interface YamlTextOptions {
  /** Sort mapping keys (as sigs.k8s.io/yaml does for `-o yaml`). */
  sortMapEntries?: boolean
  /** Indent sequences under their key (default true; execFiles use false, as yaml.v3 writes them). */
  indentSeq?: boolean
}

/** A document for `value` whose strings come out quoted wherever a YAML 1.1 or 1.2 reader would mistype them. */
export function yamlDocument(value: unknown, opts: YamlTextOptions = {}): Document {
  return new Document(value, {
    version: '1.1',
    compat: 'core',
    // Without this the string '<<' becomes a merge key and is written bare; it is quoted below.
    customTags: (tags) => tags.filter((t) => t !== 'merge' && (typeof t === 'string' || t.tag !== MERGE_TAG)),
    ...(opts.sortMapEntries ? {sortMapEntries: true} : {}),
  })
}

/** The text of a document made by `yamlDocument` (comments kept, no line folding). */
export function yamlDocumentText(doc: Document, opts: YamlTextOptions = {}): string {
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && PYYAML_SPECIAL.has(node.value)) {
        node.type = 'QUOTE_DOUBLE'
      }
    },
  })
  const options: ToStringOptions = {lineWidth: 0, indentSeq: opts.indentSeq ?? true}
  return doc.toString(options)
}

/** `value` as YAML text that YAML 1.1 (Go yaml.v2/v3, PyYAML) and 1.2 readers all read back the same. */
export function yamlText(value: unknown, opts: YamlTextOptions = {}): string {
  return yamlDocumentText(yamlDocument(value, opts), opts)
}
