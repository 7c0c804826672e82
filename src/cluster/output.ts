/** Prints a `get` listing in the requested format, with a note when more pages exist. */
import {renderRows, type Column, type OutputFormat} from '../cli/printer.js'
import type {Listing} from './get.js'

export interface PrintedListing {
  text: string
  /** stderr note about further pages, if any. */
  note?: string
}

export async function renderListing(
  listing: Listing,
  format: OutputFormat,
  columns: Column<Record<string, unknown>>[],
  toDot?: (rows: Record<string, unknown>[]) => string,
): Promise<PrintedListing> {
  const text = await renderRows(listing.rows, {format, columns, ...(toDot ? {toDot} : {})})
  return {
    text,
    ...(listing.nextToken
      ? {note: `More results exist: rerun with --filter.token ${listing.nextToken} (or the next --filter.page).`}
      : {}),
  }
}

/** Where a command prints: results to stdout, notes to stderr. */
export interface ListingSink {
  out(text: string): void
  note(text: string): void
}

/** Renders a listing, prints it (and any further-pages note) and returns its rows. */
export async function printListing(
  listing: Listing,
  format: OutputFormat,
  columns: Column<Record<string, unknown>>[],
  sink: ListingSink,
): Promise<Record<string, unknown>[]> {
  const printed = await renderListing(listing, format, columns)
  sink.out(printed.text)
  if (printed.note) sink.note(printed.note)
  return listing.rows
}
