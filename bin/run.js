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

// A reader that stops early (`flytectl get project | head`) closes the pipe: stop quietly, as a Go
// program stopped by SIGPIPE does, instead of an unhandled EPIPE with a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})

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
// dist/bundle/hot.json names every command (and alias) with its id and, for the everyday reads, their
// one-file build: `<command> --help` prints the build-time help text, and a hot command loads its file
// without main.js (which runs the same main over the same argv).
let handled = false
let bundle
if (!process.env.FLYTECTL_NO_BUNDLE) {
  const command = commandOf(args)
  if (command?.help) {
    try {
      process.stdout.write(
        readFileSync(new URL(`../dist/help/${command.id.replaceAll(':', ' ')}.txt`, import.meta.url), 'utf8'),
      )
      handled = true
    } catch {
      // No help text for it: the bundle's main decides.
    }
  }
  if (!handled) {
    try {
      bundle = await import(command?.file ? `../dist/bundle/${command.file}` : '../dist/bundle/main.js')
    } catch (err) {
      if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
    }
  }
}
if (bundle) handled = await bundle.run(fileURLToPath(new URL('..', import.meta.url)), args)
if (!handled) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

/**
 * The command the words of `args` name (the longest match, as the bundle's main finds it): its id, its
 * hot file if it has one, and whether `--help` comes after the words (before any `--`); or the topic
 * whose help the words ask for.
 */
function commandOf(args) {
  let index
  try {
    index = JSON.parse(readFileSync(new URL('../dist/bundle/hot.json', import.meta.url), 'utf8'))
  } catch {
    return undefined
  }
  let words = 0
  while (words < args.length && !args[words].startsWith('-')) words++
  for (let k = words; k > 0; k--) {
    const entry = index.ids[args.slice(0, k).join(':')]
    if (entry === undefined) continue
    const rest = args.slice(k)
    const dd = rest.indexOf('--')
    const help = (dd === -1 ? rest : rest.slice(0, dd)).includes('--help')
    return {id: entry[0], file: entry[1], help}
  }
  // `flytectl get` and `flytectl get --help` print the topic's help, as oclif does.
  const topic = args.slice(0, words).join(':')
  if (words > 0 && index.topics.includes(topic) && args.slice(words).every((a) => a === '--help')) {
    return {id: topic, file: '', help: true}
  }
  return undefined
}
