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

async function render(argv) {
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
const subjects = new Set()
for (const c of config.commands) {
  if (c.pluginType !== 'core') continue
  subjects.add(c.id)
  const parts = c.id.split(':')
  for (let i = 1; i < parts.length; i++) subjects.add(parts.slice(0, i).join(':'))
}
for (const id of subjects) writeFileSync(join(dir, `${id.replaceAll(':', ' ')}.txt`), await render(id.split(':')))
