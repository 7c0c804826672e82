/** `delete execution <name…>`: terminate each, report each, fail partially when some could not be. */
import type {AdminClient} from '../admin/client.js'
import {CliError, toCliError} from '../cli/errors.js'
import type {Scope} from './get.js'

export interface TerminateReport {
  name: string
  status: 'terminated' | 'skipped' | 'failed'
  error?: string
}

/** The next step for the two refusals a user meets: a finished run (conflict) and a wrong name. */
function withHint(e: CliError, scope: Scope, name: string): CliError {
  const where = `-p ${scope.project} -d ${scope.domain}`
  const hint =
    e.code === 'conflict'
      ? `It has already ended; see how with \`flytectl get execution ${name} ${where}\`.`
      : e.code === 'not-found'
        ? `List the executions with \`flytectl get execution ${where}\`.`
        : undefined
  return hint ? new CliError(e.code, e.message, {hint, cause: e, ...(e.details ? {details: e.details} : {})}) : e
}

export async function terminateExecutions(
  admin: AdminClient,
  scope: Scope,
  names: string[],
  o: {dryRun?: boolean; cause?: string; out: (t: string) => void},
): Promise<TerminateReport[]> {
  const reports: TerminateReport[] = []
  for (const name of names) {
    if (o.dryRun) {
      o.out(`skipping TerminateExecution request for ${name} (--dryRun)`)
      reports.push({name, status: 'skipped'})
      continue
    }
    try {
      await admin.terminateExecution({id: {...scope, name}, cause: o.cause ?? 'Terminated by flytectl'})
      o.out(`terminated execution ${name}`)
      reports.push({name, status: 'terminated'})
    } catch (err) {
      const e = withHint(toCliError(err), scope, name)
      // One name: its error is the command's error; several: a line each, then a partial failure.
      if (names.length === 1) throw e
      o.out(`failed to terminate execution ${name}: ${e.message}`)
      reports.push({name, status: 'failed', error: e.message})
    }
  }
  const failed = reports.filter((r) => r.status === 'failed')
  if (failed.length > 0)
    throw new CliError(
      'partial-failure',
      `${failed.length} of ${names.length} executions could not be terminated: ${failed.map((f) => f.name).join(', ')}`,
      {
        details: reports,
        hint: 'See the line for each execution above.',
      },
    )
  return reports
}
