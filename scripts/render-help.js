// Renders help once at build time with oclif's own help class (80 columns, no colour), so that
// bin/run.js prints `flytectl --help`, `flytectl <topic> --help` and `flytectl <command> --help`
// without loading oclif (the start-up budget). Help depends only on the commands' static
// definitions, never on state. Output: dist/root-help.txt and dist/help/<id words>.txt.
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Config, loadHelpClass} from '@oclif/core'

const root = new URL('..', import.meta.url).pathname
process.stdout.columns = 80
const config = await Config.load(root)
const HelpClass = await loadHelpClass(config)
const write = process.stdout.write.bind(process.stdout)

// A fresh Config per subject: rendering one subject's help changes what oclif lists for the next.
async function render(argv) {
  const config = await Config.load(root)
  const chunks = []
  process.stdout.write = (chunk) => (chunks.push(String(chunk)), true)
  try {
    await new HelpClass(config, {stripAnsi: true}).showHelp(argv)
  } finally {
    process.stdout.write = write
  }
  return chunks.join('')
}

writeFileSync(join(root, 'dist', 'root-help.txt'), await render([]))
const dir = join(root, 'dist', 'help')
rmSync(dir, {recursive: true, force: true})
mkdirSync(dir, {recursive: true})
const commands = config.commands
  .filter((c) => c.pluginType === 'core' && ![...(c.aliases ?? []), ...(c.hiddenAliases ?? [])].includes(c.id))
  .map((c) => c.id)
const topics = new Set()
for (const id of commands) {
  const parts = id.split(':')
  for (let i = 1; i < parts.length; i++) topics.add(parts.slice(0, i).join(':'))
}
const hidden = new Set(config.commands.filter((c) => c.hidden).map((c) => c.id))
// Each topic must list its commands (a check on the rendering).
for (const id of [...topics, ...commands]) {
  const text = await render(id.split(':'))
  if (topics.has(id) && !commands.includes(id)) {
    const missing = commands.filter(
      (c) => c.startsWith(id + ':') && !hidden.has(c) && !text.includes(c.replaceAll(':', ' ') + ' '),
    )
    const direct = missing.filter((c) => !c.slice(id.length + 1).includes(':'))
    if (direct.length > 0) throw new Error(`help for ${id} does not list ${direct.join(', ')}`)
  }
  writeFileSync(join(dir, `${id.replaceAll(':', ' ')}.txt`), text)
}
