/**
 * Completion scripts. bash, zsh and PowerShell come from @oclif/plugin-autocomplete (it writes them
 * into the cache dir); fish, which that plugin lacks, is generated here from the command manifest.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {Config} from '@oclif/core'

export type Shell = 'bash' | 'zsh' | 'fish' | 'powershell'

export async function completionScript(config: Config, shell: Shell): Promise<string> {
  if (shell === 'fish') return fishScript(config)
  await config.runCommand('autocomplete:create')
  const dir = join(config.cacheDir, 'autocomplete', 'functions')
  const file =
    shell === 'bash'
      ? join(dir, 'bash', `${config.bin}.bash`)
      : shell === 'zsh'
        ? join(dir, 'zsh', `_${config.bin}`)
        : join(dir, 'powershell', `${config.bin}.ps1`)
  return readFile(file, 'utf8')
}

function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** fish: complete each topic path word by word, then the flags of each command. */
export function fishScript(config: Pick<Config, 'bin' | 'commands'>): string {
  const bin = config.bin
  const lines = [`# fish completion for ${bin}`, `complete -c ${bin} -f`]
  const seen = new Set<string>()
  for (const cmd of config.commands) {
    if (cmd.hidden) continue
    const words = cmd.id.split(':')
    for (let i = 0; i < words.length; i++) {
      const parents = words.slice(0, i)
      const key = [...parents, words[i]].join(' ')
      if (seen.has(key)) continue
      seen.add(key)
      const condition =
        parents.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${parents[parents.length - 1]}`
      const desc = i === words.length - 1 ? (cmd.summary ?? cmd.description ?? '').split('\n')[0]! : ''
      lines.push(`complete -c ${bin} -n '${condition}' -a ${words[i]}${desc ? ` -d ${quote(desc)}` : ''}`)
    }
    const last = words[words.length - 1]!
    for (const [name, flag] of Object.entries(cmd.flags)) {
      if (flag.hidden) continue
      const short = flag.char ? ` -s ${flag.char}` : ''
      const desc = flag.summary ?? flag.description
      lines.push(
        `complete -c ${bin} -n '__fish_seen_subcommand_from ${last}' -l ${name}${short}${desc ? ` -d ${quote(desc.split('\n')[0]!)}` : ''}`,
      )
    }
  }
  return lines.join('\n') + '\n'
}
