/**
 * String→string updaters for the files a release bumps. Each is a pure function
 * `(text, params) → text`. YAML and Python are located with real parsers (the `yaml` Document API,
 * @lezer/python) and only the bytes of the changed scalar are replaced, so comments, spacing and
 * quoting stay exactly as they were (Flyte's `tag: v1.16.8  # FLYTEADMIN_TAG` keeps its two spaces).
 */
import {parseDocument, visit, isScalar, isMap, type Scalar} from 'yaml'
import {parser as pythonParser} from '@lezer/python'
import {UpdaterError} from './updater-error.js'

export {UpdaterError}

interface Edit {
  start: number
  end: number
  text: string
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  return out
}

function parseYaml(text: string, path: string) {
  const doc = parseDocument(text, {keepSourceTokens: true, prettyErrors: false})
  if (doc.errors.length > 0)
    throw new UpdaterError(`${path} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`)
  return doc
}

/** The replacement bytes for a scalar, in the quoting style it had. */
function scalarEdit(node: Scalar, value: string): Edit | undefined {
  if (node.value === value) return undefined
  const [start, end] = node.range!
  let text: string
  if (node.type === 'QUOTE_DOUBLE') text = JSON.stringify(value)
  else if (node.type === 'QUOTE_SINGLE') text = `'${value.replace(/'/g, "''")}'`
  else if (/^[A-Za-z0-9v][\w.+/:@-]*$/.test(value) && !/^\d+(\.\d+)?$/.test(value)) text = value
  else text = JSON.stringify(value)
  return {start, end, text}
}

/** Scalars whose trailing comment is exactly the marker (`# FLYTEADMIN_TAG`). */
function scalarsWithMarker(doc: ReturnType<typeof parseDocument>, marker: string): Scalar[] {
  const found: Scalar[] = []
  visit(doc, {
    Scalar(_key, node) {
      if (node.comment && node.comment.trim() === marker) found.push(node)
    },
  })
  return found
}

/** Every marker comment in a YAML text (for lint and "did you mean"). */
export function yamlMarkers(text: string): string[] {
  const doc = parseDocument(text, {prettyErrors: false})
  const markers: string[] = []
  visit(doc, {
    Scalar(_key, node) {
      if (node.comment) markers.push(node.comment.trim())
    },
  })
  return markers
}

function markerMiss(text: string, marker: string, path: string): UpdaterError {
  const close = yamlMarkers(text).find((m) => m.toLowerCase() === marker.toLowerCase())
  return new UpdaterError(
    `${path}: no value is marked "# ${marker}"${close ? `; did you mean "# ${close}" (markers are case-sensitive)?` : ''}`,
  )
}

export type YamlSetting = {marker: string; value: string} | {yamlPath: string; value: string}

/**
 * values.yaml and friends: set scalars found by marker comment (all matches) or by dotted path. A
 * marker that matches nothing throws, or goes to `onMissingMarker` when one is given (a warning).
 */
export function updateYamlValues(
  text: string,
  settings: YamlSetting[],
  path = 'file',
  options: {onMissingMarker?: (err: UpdaterError) => void} = {},
): string {
  const doc = parseYaml(text, path)
  const edits: Edit[] = []
  for (const s of settings) {
    if ('marker' in s) {
      const nodes = scalarsWithMarker(doc, s.marker)
      if (nodes.length === 0) {
        const miss = markerMiss(text, s.marker, path)
        if (!options.onMissingMarker) throw miss
        options.onMissingMarker(miss)
        continue
      }
      for (const n of nodes) {
        const e = scalarEdit(n, s.value)
        if (e) edits.push(e)
      }
    } else {
      const keys = s.yamlPath.split('.')
      const node = doc.getIn(keys, true)
      if (!isScalar(node)) throw new UpdaterError(`${path}: ${s.yamlPath} is not a scalar value in this file`)
      const e = scalarEdit(node, s.value)
      if (e) edits.push(e)
    }
  }
  return applyEdits(text, edits)
}

/** Chart.yaml: `version`, optionally `appVersion` and dependency versions carrying the marker comment. */
export function updateHelmChart(
  text: string,
  params: {version?: string; appVersion?: string; dependencyMarker?: string},
  path = 'Chart.yaml',
): string {
  const doc = parseYaml(text, path)
  if (!isMap(doc.contents)) throw new UpdaterError(`${path}: expected a YAML mapping`)
  const edits: Edit[] = []
  const setTop = (key: string, value: string) => {
    const node = doc.get(key, true)
    if (!isScalar(node)) throw new UpdaterError(`${path}: no top-level "${key}" to set`)
    const e = scalarEdit(node, value)
    if (e) edits.push(e)
  }
  if (params.version !== undefined) setTop('version', params.version)
  if (params.appVersion !== undefined) setTop('appVersion', params.appVersion)
  if (params.dependencyMarker !== undefined && params.version !== undefined) {
    const top = doc.get('version', true)
    for (const n of scalarsWithMarker(doc, params.dependencyMarker)) {
      if (n === top) continue
      const e = scalarEdit(n, params.version)
      if (e) edits.push(e)
    }
  }
  return applyEdits(text, edits)
}

/** Sphinx conf.py: the top-level `release = "…"` string (quote style and `u` prefix kept). */
export function updateSphinxRelease(text: string, value: string, path = 'conf.py'): string {
  const found = findSphinxRelease(text)
  if (!found) throw new UpdaterError(`${path}: no top-level \`release = "<version>"\` assignment`)
  if (found.value === value) return text
  return applyEdits(text, [{start: found.start, end: found.end, text: value}])
}

/** The value of `release = "…"` in a conf.py and the byte range of its contents. */
export function findSphinxRelease(text: string): {value: string; start: number; end: number} | undefined {
  const tree = pythonParser.parse(text)
  const top = tree.topNode
  for (let stmt = top.firstChild; stmt; stmt = stmt.nextSibling) {
    if (stmt.name !== 'AssignStatement') continue
    const target = stmt.firstChild
    if (!target || target.name !== 'VariableName' || text.slice(target.from, target.to) !== 'release') continue
    const value = stmt.lastChild
    if (!value || value.name !== 'String' || target.nextSibling?.name !== 'AssignOp') continue
    const raw = text.slice(value.from, value.to)
    const m = /^([uU]?)("|')(.*)\2$/s.exec(raw)
    if (!m || m[3]!.includes('\\')) continue
    const start = value.from + m[1]!.length + 1
    return {value: m[3]!, start, end: start + m[3]!.length}
  }
  return undefined
}

/** package.json `version` (the file's indentation and final newline kept). */
export function updatePackageJsonVersion(text: string, value: string, path = 'package.json'): string {
  let data: Record<string, unknown>
  try {
    data = JSON.parse(text) as Record<string, unknown>
  } catch (err) {
    throw new UpdaterError(`${path} is not valid JSON: ${(err as Error).message}`)
  }
  if (data.version === value) return text
  data.version = value
  const indent = /^\{\n([ \t]+)"/.exec(text)?.[1] ?? '  '
  return JSON.stringify(data, null, indent) + (text.endsWith('\n') ? '\n' : '')
}
