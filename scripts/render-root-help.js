// Renders `flytectl --help` once at build time with oclif's own help class, so that bin/run.js can
// print it without loading oclif (the startup budget). Output: dist/root-help.txt.
import {writeFileSync} from 'node:fs'
import {Config, loadHelpClass} from '@oclif/core'

const root = new URL('..', import.meta.url).pathname
process.stdout.columns = 80
const config = await Config.load(root)
const HelpClass = await loadHelpClass(config)
const chunks = []
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = (chunk) => (chunks.push(String(chunk)), true)
try {
  await new HelpClass(config, {stripAnsi: true}).showHelp([])
} finally {
  process.stdout.write = write
}
writeFileSync(new URL('../dist/root-help.txt', import.meta.url), chunks.join(''))
