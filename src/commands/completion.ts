import {Args} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'

const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Generates a shell completion script.'
  static override description = `Prints the completion script for your shell to stdout. Source it, or save it where your shell loads completions:

  bash: source <(flytectl completion bash)
  zsh:  flytectl completion zsh > "\${fpath[1]}/_flytectl"
  fish: flytectl completion fish > ~/.config/fish/completions/flytectl.fish
  powershell: flytectl completion powershell | Out-String | Invoke-Expression`
  static override examples = ['<%= config.bin %> completion bash', '<%= config.bin %> completion zsh']
  static override args = {
    shell: Args.string({description: 'shell to generate completions for', options: [...SHELLS], required: true}),
  }

  async run(): Promise<{shell: string; script: string}> {
    const {completionScript} = await import('../cli/completion.js')
    const script = await completionScript(this.config, this.args.shell as (typeof SHELLS)[number])
    this.out(script)
    return {shell: this.args.shell, script}
  }
}
