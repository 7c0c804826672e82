/**
 * The bundled entry (scripts/bundle.js builds dist/bundle/main.js around it). It finds the command
 * in an index built from oclif.manifest.json, prints build-time help text for `--help`, and runs the
 * command class on the small runtime in oclif-lite.ts, loading only that command's chunk. Whatever
 * it does not handle (plugin commands, `help`, unknown commands, argv its parser leaves to oclif)
 * it returns as `false`, and bin/run.js hands the argv to oclif.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ExitError, UseOclif, type Command, type LiteConfig} from './oclif-lite.js'

type CommandClass = (new (argv: string[], config: LiteConfig) => Command) & {id: string}

export interface CommandIndex {
  version: string
  /** Command id → loader of its module. */
  loaders: Record<string, () => Promise<{default: unknown}>>
  /** Command id → loader of its one-file build (scripts/bundle.js, HOT), which then runs the argv itself. */
  hot?: Record<string, () => Promise<{run: (root: string, argv: string[]) => Promise<boolean>}>>
  /** Command id or alias → command id. */
  ids: Record<string, string>
  topics: string[]
  /** Commands oclif runs itself (plugins, `help`, `completion`). */
  oclifIds: string[]
}

/** The file the build writes a command's or topic's help text to. */
export function helpFile(root: string, idOrTopic: string): string {
  return join(root, 'dist', 'help', `${idOrTopic.replaceAll(':', ' ')}.txt`)
}

function printHelp(root: string, idOrTopic: string): boolean {
  let text: string
  try {
    text = readFileSync(idOrTopic === '' ? join(root, 'dist', 'root-help.txt') : helpFile(root, idOrTopic), 'utf8')
  } catch {
    return false
  }
  process.stdout.write(text)
  return true
}

/**
 * Words that name no command: a usage error (exit 2) naming the closest command or topic under the
 * longest topic the words start with, and where to list them.
 */
async function notACommand(index: CommandIndex, words: string[]): Promise<true> {
  const {closest} = await import('../config/keys.js')
  let k = words.length - 1
  while (k > 0 && !index.topics.includes(words.slice(0, k).join(':'))) k--
  const scope = words.slice(0, k)
  const prefix = scope.length ? scope.join(':') + ':' : ''
  const next = new Set<string>()
  for (const name of [...Object.keys(index.ids), ...index.topics, ...index.oclifIds]) {
    if (!name.startsWith(prefix)) continue
    const rest = name.slice(prefix.length)
    if (rest && !rest.includes(':')) next.add(rest)
  }
  const near = closest(words[k]!, [...next])
  const typed = `flytectl ${words.slice(0, k + 1).join(' ')}`
  const suggestion = near ? `; did you mean \`flytectl ${[...scope, near].join(' ')}\`?` : ''
  const list = scope.length ? `flytectl ${scope.join(' ')} --help` : 'flytectl --help'
  process.stderr.write(
    `Error: \`${typed}\` is not a command${suggestion}\nHint: Run \`${list}\` to see the commands.\n`,
  )
  process.exitCode = 2
  return true
}

/** A flag before any command that is neither --version nor a global flag (src/cli/argv.ts moved those). */
async function unknownRootFlag(flag: string): Promise<true> {
  const {closest} = await import('../config/keys.js')
  const known = ['version', 'help', 'config', 'project', 'domain', 'output', 'verbose', 'json']
  const name = flag.replace(/^--?/, '').split('=')[0]!
  const hint = 'Hint: Run `flytectl --help` to see the commands.\n'
  if (known.includes(name) || ['c', 'p', 'd', 'o'].includes(name)) {
    process.stderr.write(`Error: no command given (${flag} is a flag of the commands)\n${hint}`)
  } else {
    const near = flag.startsWith('--') ? closest(name, known) : undefined
    process.stderr.write(`Error: unknown flag ${flag}${near ? `; did you mean --${near}?` : ''}\n${hint}`)
  }
  process.exitCode = 2
  return true
}

/** Runs argv; resolves false when oclif should take it instead. */
export async function main(index: CommandIndex, root: string, argv: string[]): Promise<boolean> {
  if (argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
    return printHelp(root, '')
  }
  let words = 0
  while (words < argv.length && !argv[words]!.startsWith('-')) words++
  let id: string | undefined
  let used = 0
  for (let k = words; k > 0 && !id; k--) {
    id = index.ids[argv.slice(0, k).join(':')]
    used = k
  }
  const rest = id ? argv.slice(used) : []
  const dd = rest.indexOf('--')
  const before = dd === -1 ? rest : rest.slice(0, dd)
  if (!id) {
    // `flytectl get` and `flytectl get --help` print the topic's help, as oclif does.
    const topic = argv.slice(0, words).join(':')
    const onlyHelp = argv.slice(words).every((a) => a === '--help')
    if (words > 0 && onlyHelp && index.topics.includes(topic)) return printHelp(root, topic)
    if (words === 0) return argv[0] === '--version' ? false : unknownRootFlag(argv[0]!)
    for (let k = words; k > 0; k--) if (index.oclifIds.includes(argv.slice(0, k).join(':'))) return false
    return notACommand(index, argv.slice(0, words))
  }
  // oclif's only help flag for commands is --help (before any `--`).
  if (before.includes('--help')) return printHelp(root, id)
  const hot = index.hot?.[id]
  if (hot) return (await hot()).run(root, argv)
  const load = index.loaders[id]
  if (!load) return false
  const Cmd = (await load()).default as CommandClass
  Cmd.id = id
  const config: LiteConfig = {bin: 'flytectl', name: 'flytectl', version: index.version, root}
  const cmd = new Cmd(rest, config)
  try {
    await cmd._run()
  } catch (err) {
    if (err instanceof UseOclif) return false
    if (err instanceof ExitError) {
      process.exitCode = err.oclif.exit
      return true
    }
    process.stderr.write(`Error: ${(err as Error)?.message ?? String(err)}\n`)
    process.exitCode = 1
  }
  return true
}
