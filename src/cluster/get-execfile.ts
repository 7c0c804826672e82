/**
 * `get task|launchplan <name> --execFile f`: writes an execution spec for `create execution`.
 * The conversion from the interface lives with `create execution` (src/cluster/execfile.ts).
 */
import {CliError} from '../cli/errors.js'

export async function writeExecFile(
  kind: 'task' | 'launchplan',
  _row: Record<string, unknown>,
  _path: string,
): Promise<string> {
  throw new CliError('usage', `--execFile for get ${kind} is not yet available in this build`, {
    hint: 'Write the execution file by hand (see `flytectl create execution --help`).',
  })
}
