#!/usr/bin/env node
// Entry point. Nothing heavy is imported here: startup time is a feature (see bench/startup.js).
import module from 'node:module'

// Built-ins through require: an ESM import of `node:fs` builds its ESM facade, which reads every
// export, and the lazy ones (fs.ReadStream, fs.promises) load the stream and readline modules.
const require = module.createRequire(import.meta.url)
const {readFileSync} = require('node:fs')
const {fileURLToPath} = require('node:url')

module.enableCompileCache?.()

// package.json engines: node >=22.13 (node:sqlite, the compile cache). Say so instead of failing later.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `Error: flytectl needs Node.js 22.13 or newer; this is ${process.version}.\n` +
      'Hint: Install it with `npm run install:local` in the repository (it brings its own Node 24), or run `npx flytectl` there.\n',
  )
  process.exit(2)
}

// Root help (`flytectl`, `flytectl --help`, `flytectl -h`) is rendered by oclif at build time into
// dist/root-help.txt; print it without loading anything else.
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

// Go flytectl's global flags may come before the command: move them after it (src/cli/argv.ts).
let args = argv
if (args[0]?.startsWith('-')) {
  args = (await import('../dist/src/cli/argv.js')).globalFlagsAfterCommand(args)
  process.argv.splice(2, Infinity, ...args)
}

// Commands run from the bundle (dist/bundle/main.js, see scripts/bundle.js) without loading oclif;
// what it leaves (plugin commands, unknown commands, argv its small parser does not take) goes to oclif.
// FLYTECTL_NO_BUNDLE=1 runs everything through oclif (to compare the two).
// The everyday read commands have one-file builds (dist/bundle/hot.json names them): when the words
// name one, load it without main.js (it runs the same main over the same argv).
let handled = false
let bundle
if (!process.env.FLYTECTL_NO_BUNDLE) {
  try {
    bundle = await import(hotFile(args) ?? '../dist/bundle/main.js')
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
  }
}
if (bundle) handled = await bundle.run(fileURLToPath(new URL('..', import.meta.url)), args)
if (!handled) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

/** The hot file the command words of `args` name (longest match, as the bundle's main finds it), if any. */
function hotFile(args) {
  let names
  try {
    names = JSON.parse(readFileSync(new URL('../dist/bundle/hot.json', import.meta.url), 'utf8'))
  } catch {
    return undefined
  }
  let words = 0
  while (words < args.length && !args[words].startsWith('-')) words++
  for (let k = words; k > 0; k--) {
    const file = names[args.slice(0, k).join(':')]
    if (file !== undefined) return file ? `../dist/bundle/${file}` : undefined
  }
  return undefined
}
