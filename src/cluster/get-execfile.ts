/**
 * `get task|launchplan <name> --execFile f`: writes an execution spec for `create execution`
 * (generation in src/cluster/execfile.ts), asking before overwriting an existing file.
 */
import {fromJson, type JsonObject} from '@bufbuild/protobuf'
import {existsSync} from 'node:fs'
import {CliError} from '../cli/errors.js'
import {LaunchPlanSchema} from '../gen/flyteidl/admin/launch_plan_pb.js'
import {TaskSchema} from '../gen/flyteidl/admin/task_pb.js'

export async function writeExecFile(
  kind: 'task' | 'launchplan',
  name: string | undefined,
  row: Record<string, unknown> | undefined,
  path: string,
): Promise<string> {
  if (!name)
    throw new CliError('usage', `--execFile needs a ${kind} name`, {
      hint: `flytectl get ${kind} <name> --latest --execFile ${path}`,
    })
  if (!row) throw new CliError('not-found', `no ${kind} to write an execution spec for`)
  const [{execFileFromInterface}, io] = await Promise.all([import('./execfile.js'), import('./execfile-io.js')])
  const entity =
    kind === 'task' ? fromJson(TaskSchema, row as JsonObject) : fromJson(LaunchPlanSchema, row as JsonObject)
  if (existsSync(path)) {
    const {confirm} = await import('../cli/prompt.js')
    const ok = await confirm(`warning file ${path} will be overwritten`, {
      nonInteractiveMessage: `file ${path} exists; not overwriting it without confirmation`,
    })
    if (!ok) throw new CliError('aborted', `not overwriting ${path}`)
  }
  await io.writeExecFile(path, execFileFromInterface(entity, kind))
  return `wrote the execution spec to file ${path}`
}
