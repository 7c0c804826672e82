/** Root help with the exit codes appended; everything else is oclif's own help. */
import {Help} from '@oclif/core'
import {EXIT_CODES, EXIT_CODE_HELP, type ExitCodeName} from './errors.js'

export function exitCodeSection(): string {
  const rows = (Object.keys(EXIT_CODES) as ExitCodeName[]).map(
    (name) => `  ${String(EXIT_CODES[name]).padStart(3)}  ${EXIT_CODE_HELP[name]}`,
  )
  return ['EXIT CODES', ...rows].join('\n')
}

export default class FlytectlHelp extends Help {
  protected override async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    this.log(exitCodeSection() + '\n')
  }
}
