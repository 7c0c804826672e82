/**
 * flytectl's output shapes. JSON/YAML: one result prints as one object, several as an array
 * (JSON indented with a TAB, YAML keys sorted as sigs.k8s.io/yaml does). TABLE: landoop tableprinter
 * with borders and row lines, upper-cased headers, the row count in the first header and
 * `<N> rows` after the table.
 */
import {CliError} from './errors.js'

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'dot', 'doturl'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** `-o` is case-insensitive as in flytectl (`-o JSON`, `-o yaml`). */
export function parseOutputFormat(value: string): OutputFormat {
  const lower = value.toLowerCase()
  if ((OUTPUT_FORMATS as readonly string[]).includes(lower)) return lower as OutputFormat
  throw new CliError('usage', `${value.toUpperCase()} does not belong to OutputFormat values`, {
    hint: `Use one of: ${OUTPUT_FORMATS.join(', ')}.`,
  })
}

export interface Column<Row = unknown> {
  header: string
  /** A dotted path into the row (`id.name`, `closure.createdAt`) or a function of the row. */
  path: string | ((row: Row) => unknown)
  /** Cut cells longer than this (flytectl truncates abort/error data at 100). */
  truncate?: number
}

export function valueAt(row: unknown, path: string): unknown {
  let current: unknown = row
  for (const part of path.replace(/^\$\./, '').split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

/** A cell as text. Objects render as compact JSON rather than Go's `map[...]` (a deliberate fix). */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value)
}

export function renderTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const headers = columns.map((c, i) =>
    i === 0 ? `${c.header.toUpperCase()} (${rows.length})` : c.header.toUpperCase(),
  )
  const cells = rows.map((row) =>
    columns.map((c) => {
      const raw = typeof c.path === 'function' ? c.path(row) : valueAt(row, c.path)
      let text = cellText(raw).replace(/\r?\n/g, ' ')
      if (c.truncate !== undefined && text.length > c.truncate) text = text.slice(0, c.truncate)
      return text
    }),
  )
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]!))))
  const rule = ' ' + widths.map((w) => '-'.repeat(w + 2)).join(' ') + ' '
  const line = (values: string[]) =>
    '|' + values.map((v, i) => ` ${v}${' '.repeat(widths[i]! - width(v))} `).join('|') + '|'
  const out = [rule, line(headers), rule]
  for (const r of cells) out.push(line(r), rule)
  out.push(`${rows.length} rows`)
  return out.join('\n') + '\n'
}

/** Display width: counts code points, so accented names line up. */
function width(text: string): number {
  return [...text].length
}

export function renderJson(values: unknown[]): string {
  const body = values.length === 1 ? values[0] : values
  return JSON.stringify(body, null, '\t') + '\n'
}

export async function renderYaml(values: unknown[]): Promise<string> {
  const {yamlText} = await import('./yaml-text.js')
  const body = values.length === 1 ? values[0] : values
  return yamlText(body, {sortMapEntries: true})
}

export interface PrintOptions<Row> {
  format: OutputFormat
  columns: Column<Row>[]
  /** The JSON form of each row (proto JSON for control-plane entities). Defaults to the row itself. */
  toJson?: (row: Row) => unknown
  /** DOT rendering, for workflows only. */
  toDot?: (rows: Row[]) => string
}

export async function renderRows<Row>(rows: Row[], opts: PrintOptions<Row>): Promise<string> {
  const json = () => rows.map((r) => (opts.toJson ? opts.toJson(r) : r))
  switch (opts.format) {
    case 'table':
      return renderTable(opts.columns, rows)
    case 'json':
      return renderJson(json())
    case 'yaml':
      return renderYaml(json())
    case 'dot':
    case 'doturl':
      if (!opts.toDot)
        throw new CliError('usage', 'visualization is only supported on workflows', {
          hint: 'Use -o table, json or yaml for this resource.',
        })
      return opts.toDot(rows)
  }
}
