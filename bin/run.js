#!/usr/bin/env node
// Entry point. Nothing heavy is imported here: startup time is a feature (see bench/startup.js).
import module from 'node:module'
import {readFileSync} from 'node:fs'

module.enableCompileCache?.()

// package.json engines: node >=22.13 (node:sqlite, the compile cache). Say so instead of failing later.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `Error: flytectl needs Node.js 22.13 or newer; this is ${process.version}.\n` +
      'Hint: Run it through `npx flytectl` inside the repository (it pins Node 24), or install a newer Node.js.\n',
  )
  process.exit(2)
}

// Root help (`flytectl`, `flytectl --help`, `flytectl -h`) is rendered by oclif at build time into
// dist/root-help.txt; print it without loading oclif. Anything else goes through oclif.
const argv = process.argv.slice(2)
if (argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
  let text
  try {
    text = readFileSync(new URL('../dist/root-help.txt', import.meta.url), 'utf8')
  } catch {
    // Not built with the help cache: fall through to oclif.
  }
  if (text !== undefined) {
    process.stdout.write(text)
    process.exit(0)
  }
}

if (argv[0]?.startsWith('-'))
  process.argv.splice(2, Infinity, ...(await import('../dist/src/cli/argv.js')).globalFlagsAfterCommand(argv))
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
