/** `register files` from flags and the config's `files` section to a printed result table. */
import {CliError} from '../../cli/errors.js'
import type {OutputFormat} from '../../cli/printer.js'
import type {FlytectlConfig} from '../../config/schema.js'
import type {AdminClients} from '../../admin/client.js'
import {collectInputs} from './inputs.js'
import {registerFiles, type RegisterOptions, type RegisterResult, type RegisterRow} from './service.js'

export interface RegisterFlags {
  version?: string
  force?: boolean
  continueOnError?: boolean
  archive?: boolean
  assumableIamRole?: string
  k8sServiceAccount?: string
  outputLocationPrefix?: string
  sourceUploadPath?: string
  destinationDirectory?: string
  dryRun?: boolean
  enableSchedule?: boolean
}

export interface RegisterCommandInput {
  files: string[]
  flags: RegisterFlags
  fileDefaults: NonNullable<FlytectlConfig['files']>
  where: {project: string; domain: string}
  format: OutputFormat
  clients: () => Promise<Pick<AdminClients, 'admin' | 'dataProxy'>>
  out: (text: string) => void
  note: (text: string) => void
}

export const REGISTER_COLUMNS = [
  {header: 'Name', path: 'name'},
  {header: 'Status', path: 'status'},
  {header: 'Additional Info', path: 'additionalInfo'},
]

/** Flags win over the config's `files.*` defaults. */
export function registerOptions(
  flags: RegisterFlags,
  defaults: RegisterCommandInput['fileDefaults'],
  where: {project: string; domain: string},
): RegisterOptions & {archive: boolean} {
  const pick = <K extends keyof RegisterFlags>(k: K) => flags[k] || defaults[k as keyof typeof defaults]
  return {
    ...where,
    version: String(pick('version') ?? ''),
    force: Boolean(pick('force')),
    continueOnError: Boolean(pick('continueOnError')),
    archive: Boolean(pick('archive')),
    dryRun: Boolean(pick('dryRun')),
    enableSchedule: Boolean(pick('enableSchedule')),
    assumableIamRole: (pick('assumableIamRole') as string | undefined) || undefined,
    k8sServiceAccount: flags.k8sServiceAccount || defaults.k8sServiceAccount || defaults.k8ServiceAccount || undefined,
    outputLocationPrefix: (pick('outputLocationPrefix') as string | undefined) || undefined,
    destinationDirectory: (pick('destinationDirectory') as string | undefined) || undefined,
  }
}

export async function registerCommand(input: RegisterCommandInput): Promise<RegisterResult> {
  const opts = registerOptions(input.flags, input.fileDefaults, input.where)
  if (input.flags.sourceUploadPath) {
    input.note('Warning: --sourceUploadPath is deprecated and ignored; the source is uploaded through the data proxy.')
  }
  const inputs = await collectInputs(input.files, {archive: opts.archive})
  const clients = opts.dryRun ? undefined : await input.clients()
  const result = await registerFiles(clients, inputs, opts)
  const {renderRows} = await import('../../cli/printer.js')
  const format = input.format === 'dot' || input.format === 'doturl' ? 'table' : input.format
  input.out(await renderRows<RegisterRow>(result.rows, {format, columns: REGISTER_COLUMNS}))
  if (result.failed > 0 || result.skipped > 0) {
    throw new CliError(
      'partial-failure',
      `${result.failed} of ${result.rows.length} files failed to register` +
        (result.skipped ? `, ${result.skipped} not attempted` : ''),
      {
        hint: 'Fix the files marked Failed and run the same command again; registered entities count as done.',
        details: result,
      },
    )
  }
  return result
}
