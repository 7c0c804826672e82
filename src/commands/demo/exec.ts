import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'

export default class DemoExec extends BaseCommand<typeof DemoExec> {
  static override summary = 'Runs a command with FLYTECTL_CONFIG pointing at the local control plane.'
  static override description =
    'The command runs on this machine (there is no container) with FLYTECTL_CONFIG set to ~/.flyte/config-sandbox.yaml; its exit code becomes flytectl’s.'
  static override examples = [
    '<%= config.bin %> demo exec -- flytectl get project',
    '<%= config.bin %> demo exec -- pyflyte run --remote wf.py wf',
  ]
  static override strict = false
  static override flags = {
    dataDir: Flags.string({description: 'Data directory of the control plane (default ~/.flyte/demo)'}),
  }

  async run(): Promise<{exitCode: number}> {
    const {execWithDemoConfig} = await import('../../demo/service.js')
    const exitCode = await execWithDemoConfig(this.commandArgs(), {dataDir: this.flags.dataDir})
    if (exitCode !== 0) this.exit(exitCode)
    return {exitCode}
  }

  /** Everything after `--`; without one, the words that are not flytectl's own flags. */
  private commandArgs(): string[] {
    const dd = this.argv.indexOf('--')
    if (dd >= 0) return this.argv.slice(dd + 1)
    const out: string[] = []
    for (let i = 0; i < this.argv.length; i++) {
      const a = this.argv[i]!
      if (a === '--dataDir' || a === '--config' || a === '-c') i++
      else if (!/^--(dataDir|config|verbose|json)(=|$)/.test(a)) out.push(a)
    }
    return out
  }
}
