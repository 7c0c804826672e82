/** Flags shared by cluster commands (flytectl's `--filter.*`, `--dryRun`, `--force`, `--attrFile`). */
import {Flags} from '@oclif/core'
import type {FilterFlags} from '../admin/filters.js'
import {boundedInteger, INT32_MAX, UINT32_MAX} from '../cli/validate-flags.js'
import type {EntityQuery} from './get.js'

export const filterFlags = {
  'filter.fieldSelector': Flags.string({
    description:
      'Specifies the Field selector, e.g. name=x,phase in (FAILED;SUCCEEDED); escape commas in values as \\,',
    default: '',
  }),
  'filter.sortBy': Flags.string({
    description:
      'Specifies which field to sort results (default created_at; the workflow list is in server order unless given)',
  }),
  'filter.asc': Flags.boolean({
    description: 'Specifies the sorting order. By default sorts result in descending order',
  }),
  'filter.limit': boundedInteger({
    description: 'Specifies the number of results to return',
    default: 100,
    min: 1,
    max: UINT32_MAX,
  }),
  'filter.page': boundedInteger({
    description: 'Specifies the page number, in case there are multiple pages of results',
    default: 1,
    min: 1,
    max: INT32_MAX,
  }),
  'filter.token': Flags.string({
    description: 'Specifies the server token of the page to fetch (overrides --filter.page)',
  }),
}

export function filterFrom(flags: Record<string, unknown>): FilterFlags {
  const f: FilterFlags = {
    fieldSelector: (flags['filter.fieldSelector'] as string | undefined) ?? '',
    asc: Boolean(flags['filter.asc']),
    limit: (flags['filter.limit'] as number | undefined) ?? 100,
    page: (flags['filter.page'] as number | undefined) ?? 1,
  }
  const sortBy = flags['filter.sortBy'] as string | undefined
  if (sortBy !== undefined) f.sortBy = sortBy
  const token = flags['filter.token'] as string | undefined
  if (token) f.token = token
  return f
}

export const entityFlags = {
  version: Flags.string({description: 'version of the entity to fetch'}),
  latest: Flags.boolean({
    description: 'flag to indicate to fetch the latest version, version flag will be ignored in this case',
  }),
}

/**
 * The query of `get task|workflow|launchplan [name]`: --latest wins over --version (with a note,
 * as flytectl ignores the version then).
 */
export function entityQueryFrom(
  flags: {latest?: boolean; version?: string} & Record<string, unknown>,
  name: string | undefined,
  note: (text: string) => void,
): EntityQuery {
  if (flags.latest && flags.version) note('--latest given: the version flag will be ignored.')
  return {
    filter: filterFrom(flags),
    latest: flags.latest,
    ...(flags.latest ? {} : {version: flags.version}),
    name,
  }
}

export const dryRunFlag = {
  dryRun: Flags.boolean({description: 'execute command without making any modifications.'}),
}

export const forceFlag = {
  force: Flags.boolean({description: 'do not ask for an acknowledgement during updates.'}),
}
