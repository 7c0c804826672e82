/**
 * The update flow every `update` noun shares (flytectl `fc/cmd/update/diff.go`): YAML of the state
 * before and after, a unified diff, `--dryRun` stops after showing it, otherwise a confirmation
 * unless `--force` (no terminal and no --force → a needs-confirmation error, never a hang).
 */
import {CliError} from '../cli/errors.js'

export interface UpdatePlan {
  before: unknown
  after: unknown
  apply: () => Promise<void>
  /** Printed after a successful apply. */
  done: string
}

export interface UpdateIo {
  dryRun?: boolean
  force?: boolean
  out: (text: string) => void
  /** Defaults to src/cli/prompt.ts confirm. */
  confirm?: (question: string, force: boolean) => Promise<boolean>
}

export interface UpdateResult {
  changed: boolean
  applied: boolean
  diff: string
}

export async function yamlDiff(before: unknown, after: unknown): Promise<string> {
  const [{yamlText}, {createTwoFilesPatch}] = await Promise.all([import('../cli/yaml-text.js'), import('diff')])
  const text = (v: unknown) => (v === undefined || v === null ? '' : yamlText(v))
  const a = text(before)
  const b = text(after)
  if (a === b) return ''
  return createTwoFilesPatch('before', 'after', a, b, '', '', {context: 3})
    .split('\n')
    .filter((l) => !/^={10,}$/.test(l))
    .join('\n')
    .replace(/\t$/gm, '')
}

export async function runUpdate(plan: UpdatePlan, io: UpdateIo): Promise<UpdateResult> {
  const diff = await yamlDiff(plan.before, plan.after)
  if (!diff) {
    io.out('No changes detected. Skipping the update.')
    return {changed: false, applied: false, diff}
  }
  io.out(`The following changes are to be applied.\n${diff}`)
  if (io.dryRun) {
    io.out('skipping the update (--dryRun).')
    return {changed: true, applied: false, diff}
  }
  const ask =
    io.confirm ??
    (async (q: string, force: boolean) => {
      const {confirm} = await import('../cli/prompt.js')
      return confirm(q, {force, nonInteractiveMessage: 'update needs confirmation and there is no terminal to ask on'})
    })
  if (!(await ask('Continue?', Boolean(io.force)))) throw new CliError('aborted', 'update aborted by user')
  await plan.apply()
  io.out(plan.done)
  return {changed: true, applied: true, diff}
}
