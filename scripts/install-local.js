// `npm run install:local [-- --prefix DIR]`: installs the built CLI for use from any directory,
// independent of the system Node: the package (bundle, help, descriptors, compiled sources for the
// plane's daemon and oclif's fallback, production dependencies) into DIR/lib/flytectl, a copy of the
// repository's pinned Node into DIR/lib/flytectl/node/bin/node, and a launcher DIR/bin/flytectl.
// DIR defaults to ~/.local. Needs nothing from the network; running it again replaces the install.
import {execFileSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

const root = new URL('..', import.meta.url).pathname
const {values} = parseArgs({options: {prefix: {type: 'string'}}, strict: true})
const prefix = resolve(values.prefix ?? join(homedir(), '.local'))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

function fail(message, hint) {
  process.stderr.write(`Error: ${message}\nHint: ${hint}\n`)
  process.exit(2)
}

for (const built of ['dist/bundle/main.js', 'dist/src/controlplane/daemon.js', 'dist/root-help.txt', 'dist/rpc']) {
  if (!existsSync(join(root, built)))
    fail(`${built} is missing: the CLI is not built`, 'Run `npm ci` (or `npm run build`) first.')
}

// The pinned Node: the `node` devDependency's binary (npm scripts run it; check rather than assume).
const pinned = pkg.devDependencies.node
const candidates = [process.execPath, join(root, 'node_modules', 'node', 'bin', 'node')]
const nodeBin = candidates.find((bin) => {
  try {
    return existsSync(bin) && execFileSync(bin, ['--version'], {encoding: 'utf8'}).trim() === `v${pinned}`
  } catch {
    return false
  }
})
if (!nodeBin) fail(`Node ${pinned} (the repository's pinned version) was not found`, 'Run `npm ci` first.')

// Production dependencies as npm resolved them, copied as whole top-level package folders.
const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: root, encoding: 'utf8'})
const packages = new Set()
for (const line of listed.split('\n')) {
  const rel = line.startsWith(root) ? line.slice(root.length).replace(/^\//, '') : ''
  const parts = rel.split('/')
  if (parts[0] !== 'node_modules' || parts.length < 2) continue
  packages.add(parts[1].startsWith('@') ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/'))
}

const lib = join(prefix, 'lib', 'flytectl')
const staging = `${lib}.installing-${process.pid}`
rmSync(staging, {recursive: true, force: true})
mkdirSync(staging, {recursive: true})
const copy = (rel, filter) => cpSync(join(root, rel), join(staging, rel), {recursive: true, filter})
for (const rel of ['package.json', 'oclif.manifest.json', 'bin', 'templates', 'dist/bundle', 'dist/help', 'dist/rpc']) {
  copy(rel)
}
for (const rel of ['dist/root-help.txt', 'dist/build-info.json']) if (existsSync(join(root, rel))) copy(rel)
copy('dist/src', (src) => !src.endsWith('.map'))
for (const rel of packages) copy(rel)
mkdirSync(join(staging, 'node', 'bin'), {recursive: true})
cpSync(nodeBin, join(staging, 'node', 'bin', 'node'))
chmodSync(join(staging, 'node', 'bin', 'node'), 0o755)

rmSync(lib, {recursive: true, force: true})
mkdirSync(join(prefix, 'lib'), {recursive: true})
renameSync(staging, lib)

const quote = (s) => `'${s.replaceAll("'", `'\\''`)}'`
const launcher = join(prefix, 'bin', 'flytectl')
mkdirSync(join(prefix, 'bin'), {recursive: true})
writeFileSync(
  launcher,
  `#!/bin/sh\n# flytectl ${pkg.version}, installed by \`npm run install:local\`: the package in ${lib}, run by its own Node ${pinned}.\n` +
    `exec ${quote(join(lib, 'node', 'bin', 'node'))} ${quote(join(lib, 'bin', 'run.js'))} "$@"\n`,
)
chmodSync(launcher, 0o755)

const onPath = (process.env.PATH ?? '').split(delimiter).includes(join(prefix, 'bin'))
process.stdout.write(`Installed flytectl ${pkg.version} (Node ${pinned}) as ${launcher}\n`)
if (!onPath)
  process.stdout.write(`Add ${join(prefix, 'bin')} to your PATH, e.g. export PATH="${join(prefix, 'bin')}:$PATH"\n`)
