// Bundles the CLI for start-up time: dist/bundle/main.js (src/cli/main.ts + an index of the commands
// oclif finds in dist/) plus one chunk per command and per lazily imported service, with
// `@oclif/core` mapped to src/cli/oclif-lite.ts. bin/run.js runs it; oclif (from dist/src) stays the
// fallback for what the bundle leaves to it. The everyday read commands (HOT) are also built as one
// file each (dist/bundle/hot-<id>.js: main, the lite runtime and the command, what they import only
// lazily inlined behind lazy initialisers), which main.js hands them to: one module to load instead
// of a waterfall of some thirty chunks. Run after tsc (`npm run build` does).
import {Config, Plugin} from '@oclif/core'
import {build} from 'esbuild'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {builtinModules} from 'node:module'
import {dirname, join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
// The commands as oclif sees them in dist/ (not the committed manifest, which may be regenerated later).
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
const manifest = plugin.manifest
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

// Commands that need oclif's real Config (they run oclif's autocomplete plugin).
const OCLIF_ONLY = new Set(['completion'])

const loaders = []
const ids = {}
for (const [id, cmd] of Object.entries(manifest.commands)) {
  if (OCLIF_ONLY.has(id) || cmd.pluginType !== 'core') continue
  const rel = cmd.relativePath
    .join('/')
    .replace(/^dist\/src\//, 'src/')
    .replace(/\.js$/, '.ts')
  loaders.push(`  ${JSON.stringify(id)}: () => import(${JSON.stringify('./' + rel)}),`)
  for (const name of [id, ...(cmd.aliases ?? []), ...(cmd.hiddenAliases ?? [])]) ids[name] = id
}
// Commands oclif runs (plugins, `help`, the ones above): the bundle hands them over untouched.
const full = await Config.load(root)
const oclifIds = full.commands
  .flatMap((c) => [c.id, ...(c.aliases ?? []), ...(c.hiddenAliases ?? [])])
  .filter((id) => !(id in ids))
const topics = new Set()
for (const id of [...Object.keys(manifest.commands), ...oclifIds]) {
  const parts = id.split(':')
  for (let i = 1; i < parts.length; i++) topics.add(parts.slice(0, i).join(':'))
}

// Commands built as one file each (see above).
// `release lint` and `release status` read local clones in CI (--repo-path): one file each too; and
// the next steps of the first hour: running a launch plan, its logs and signals, the demo's status.
const HOT = [
  'get:project',
  'get:task',
  'get:workflow',
  'get:launchplan',
  'get:execution',
  'version',
  'release:lint',
  'release:status',
  'create:execution',
  'logs:execution',
  'get:signal',
  'demo:status',
]
const hotFile = (id) => `hot-${id.replaceAll(':', '-')}.js`
const hot = HOT.filter((id) => id in manifest.commands)
const commandSource = (id) =>
  './' +
  manifest.commands[id].relativePath
    .join('/')
    .replace(/^dist\/src\//, 'src/')
    .replace(/\.js$/, '.ts')

const indexSource = (loaderLines, hotLines) => `{
  version: ${JSON.stringify(pkg.version)},
  loaders: {
${loaderLines.join('\n')}
  },
  hot: {
${hotLines.join('\n')}
  },
  ids: ${JSON.stringify(ids)},
  topics: ${JSON.stringify([...topics].sort())},
  oclifIds: ${JSON.stringify(oclifIds.sort())},
}`

const entry = `import {main} from './src/cli/main.ts'
const index = ${indexSource(
  loaders,
  hot.map((id) => `  ${JSON.stringify(id)}: () => import(${JSON.stringify('./' + hotFile(id))}),`),
)}
export function run(root, argv) {
  return main(index, root, argv)
}
`
const hotEntry = (id) => `import {main} from './src/cli/main.ts'
import Command from ${JSON.stringify(commandSource(id))}
const index = ${indexSource([`  ${JSON.stringify(id)}: async () => ({default: Command}),`], [])}
export function run(root, argv) {
  return main(index, root, argv)
}
`

const liteOclif = {
  name: 'oclif-lite',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core$/}, () => ({path: join(root, 'src', 'cli', 'oclif-lite.ts')}))
  },
}

const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')))

// `await import('yaml')` of a CommonJS package in a split bundle yields only `default`; route such
// imports through a module that re-exports, by name, what Node's own loader finds in the package.
// (A built-in imported lazily stays an import of Node's own module.)
const dynamicPackages = {
  name: 'dynamic-packages',
  setup(b) {
    b.onResolve({filter: /^[^./]/}, (args) => {
      if (args.kind !== 'dynamic-import') return undefined
      if (builtins.has(args.path.replace(/^node:/, ''))) return {path: args.path, external: true}
      return {path: args.path, namespace: 'reexport'}
    })
    b.onLoad({filter: /.*/, namespace: 'reexport'}, async (args) => {
      const names = Object.keys(await import(import.meta.resolve(args.path))).filter((n) =>
        /^[A-Za-z_$][\w$]*$/.test(n),
      )
      return {contents: `export {${names.join(', ')}} from ${JSON.stringify(args.path)}`, resolveDir: root}
    })
  },
}

// Connect builds a `Headers` per call; Node's global one loads all of undici on first use.
const connectHeaders = {
  name: 'connect-headers',
  setup(b) {
    const headers = JSON.stringify(join(root, 'src', 'admin', 'headers.ts'))
    b.onLoad({filter: /[\\/]node_modules[\\/]@connectrpc[\\/].*\.js$/}, async (args) => ({
      contents: `import {Headers} from ${headers};\n` + (await readFile(args.path, 'utf8')),
      loader: 'js',
    }))
  },
}

// An ESM import of a Node built-in builds its ESM facade, which reads every export: for node:http
// that loads undici (WebSocket), for node:crypto every algorithm module. Require built-ins instead
// (esbuild's interop keeps each property a lazy getter).
const requireBuiltins = {
  name: 'require-builtins',
  setup(b) {
    b.onResolve({filter: /^[a-z]/}, (args) => {
      const name = args.path.replace(/^node:/, '')
      if (!builtins.has(name) || args.namespace === 'node-cjs') return undefined
      return {path: name, namespace: 'node-cjs'}
    })
    b.onLoad({filter: /.*/, namespace: 'node-cjs'}, (args) => ({
      contents: `module.exports = require(${JSON.stringify('node:' + args.path)})`,
      loader: 'js',
    }))
  },
}

// main.js imports the hot files at run time (they are built below, not bundled into main.js).
const hotExternal = {
  name: 'hot-external',
  setup(b) {
    b.onResolve({filter: /^\.\/hot-[\w-]+\.js$/}, (args) => ({path: args.path, external: true}))
  },
}

const hotEntries = {
  name: 'hot-entries',
  setup(b) {
    b.onResolve({filter: /^hot-entry:/}, (args) => ({
      path: args.path.slice('hot-entry:'.length),
      namespace: 'hot-entry',
    }))
    b.onLoad({filter: /.*/, namespace: 'hot-entry'}, (args) => ({
      contents: hotEntry(args.path),
      resolveDir: root,
      loader: 'ts',
    }))
  },
}

// In a hot file, a lazy import of one of our modules whose static imports reach only our modules and
// Node built-ins (a "light" module) becomes a static one: it would be loaded on this path anyway,
// and one module loads faster than a chain of them. What reaches a package (protobuf-es, Connect,
// zod, yaml, …) stays lazy, in its own chunk, loaded only when the command needs it.
// Built-ins cheap to load; the others (node:http2 loads TLS, …) make a module heavy.
const CHEAP_BUILTINS = new Set([
  'fs',
  'fs/promises',
  'path',
  'os',
  'url',
  'buffer',
  'util',
  'events',
  'module',
  'crypto',
  'net',
])
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm
const lightCache = new Map()
function isLight(file, seen = new Set()) {
  if (lightCache.has(file)) return lightCache.get(file)
  if (seen.has(file)) return true
  seen.add(file)
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return false
  }
  let light = true
  for (const [, spec] of text.matchAll(STATIC_IMPORT)) {
    if (spec === '@oclif/core' || CHEAP_BUILTINS.has(spec.replace(/^node:/, ''))) continue
    if (!spec.startsWith('.') || !isLight(join(dirname(file), spec.replace(/\.js$/, '.ts')), seen)) {
      light = false
      break
    }
  }
  lightCache.set(file, light)
  return light
}
const LAZY_IMPORT = /(?<!typeof\s*)\bimport\((['"])(\.\.?\/[^'"]+)\1\)(?!\s*\.)/g
const hoistLight = {
  name: 'hoist-light',
  setup(b) {
    b.onLoad({filter: /[\\/]src[\\/].*\.ts$/}, async (args) => {
      if (args.path.includes('node_modules')) return undefined
      let text = await readFile(args.path, 'utf8')
      const hoisted = []
      text = text.replace(LAZY_IMPORT, (all, _q, spec) => {
        if (!isLight(join(dirname(args.path), spec.replace(/\.js$/, '.ts')))) return all
        const name = `__flytectlHoisted${hoisted.length}`
        hoisted.push(`import * as ${name} from ${JSON.stringify(spec)}`)
        return `Promise.resolve(${name})`
      })
      return {contents: hoisted.join('\n') + '\n' + text, loader: 'ts'}
    })
  },
}

rmSync(join(root, 'dist', 'bundle'), {recursive: true, force: true})
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outdir: join(root, 'dist', 'bundle'),
  // CommonJS dependencies call require(); give each chunk one.
  banner: {
    js: "import {createRequire as __flytectlRequire} from 'node:module';const require=__flytectlRequire(import.meta.url);",
  },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
}
for (const id of hot) {
  const name = hotFile(id).replace(/\.js$/, '')
  const {metafile} = await build({
    ...common,
    entryPoints: [{in: `hot-entry:${id}`, out: name}],
    splitting: true,
    chunkNames: `${name}-[hash]`,
    metafile: true,
    plugins: [hotEntries, hoistLight, liteOclif, dynamicPackages, connectHeaders, requireBuiltins],
  })
  await mergeStaticChunks(hotFile(id), metafile)
}

/**
 * Code splitting leaves a hot file importing a dozen shared chunks (what it shares with its lazy
 * chunks), and every ES module costs its load. Merge the hot file and the chunks it imports
 * statically into the one file; each merged chunk becomes a stub that re-exports its names from it,
 * so the lazy chunks that import the chunk get the very same instances (one CliError class, one
 * module state). If two chunks export one name, the build keeps the split files.
 */
async function mergeStaticChunks(file, metafile) {
  const dir = join(root, 'dist', 'bundle')
  const key = (f) => Object.keys(metafile.outputs).find((k) => k.endsWith(`/${f}`) || k === f)
  const base = (k) => k.split('/').pop()
  const statics = []
  const visit = (k) => {
    for (const imp of metafile.outputs[k].imports) {
      if (imp.kind !== 'import-statement' || imp.external) continue
      const dep = key(base(imp.path))
      if (dep && !statics.includes(dep)) {
        statics.push(dep)
        visit(dep)
      }
    }
  }
  const entryKey = key(file)
  visit(entryKey)
  const owner = new Map()
  for (const k of statics) {
    for (const name of metafile.outputs[k].exports) {
      if (owner.has(name)) return
      owner.set(name, k)
    }
  }
  if (metafile.outputs[entryKey].exports.some((n) => owner.has(n))) return
  const lines = statics.map(
    (k) => `export {${metafile.outputs[k].exports.join(', ')}} from ${JSON.stringify('./' + base(k))}`,
  )
  lines.push(`export * from ${JSON.stringify('./' + file)}`)
  const merged = await build({
    ...common,
    outdir: undefined,
    write: false,
    stdin: {contents: lines.join('\n'), resolveDir: dir, sourcefile: 'merge.js', loader: 'js'},
    banner: undefined,
    plugins: [
      {
        name: 'keep-lazy-chunks',
        setup(b) {
          // What the hot file loads lazily stays a file of its own; built-ins stay Node's.
          b.onResolve({filter: /.*/}, (args) => {
            if (args.kind === 'dynamic-import' || args.path.startsWith('node:'))
              return {path: args.path, external: true}
            return undefined
          })
        },
      },
    ],
  })
  writeFileSync(join(dir, file), merged.outputFiles[0].text)
  // The lazy chunks import the merged names from the hot file itself (one module fewer each).
  const mergedNames = new Set(statics.map((k) => base(k)))
  for (const k of Object.keys(metafile.outputs)) {
    if (k === entryKey || statics.includes(k) || !k.endsWith('.js')) continue
    const path = join(dir, base(k))
    const text = readFileSync(path, 'utf8')
    const rewritten = text.replace(/(["'])\.\/([\w-]+\.js)\1/g, (all, q, f) =>
      mergedNames.has(f) ? `${q}./${file}${q}` : all,
    )
    if (rewritten !== text) writeFileSync(path, rewritten)
  }
  for (const k of statics) {
    writeFileSync(
      join(dir, base(k)),
      `export {${metafile.outputs[k].exports.join(', ')}} from ${JSON.stringify('./' + file)};\n`,
    )
  }
}
const result = await build({
  ...common,
  stdin: {contents: entry, resolveDir: root, sourcefile: 'flytectl-main.ts', loader: 'ts'},
  splitting: true,
  entryNames: 'main',
  chunkNames: 'chunk-[hash]',
  plugins: [hotExternal, liteOclif, dynamicPackages, connectHeaders, requireBuiltins],
  metafile: Boolean(process.env.FLYTECTL_BUNDLE_META),
})
// bin/run.js prints `<command> --help` and topic help and goes straight to a hot file without main.js:
// every command name and alias → [its id, its hot file or ''] (all of them, so the longest match is the
// one main finds), and the topics.
writeFileSync(
  join(root, 'dist', 'bundle', 'hot.json'),
  JSON.stringify({
    ids: Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, [id, hot.includes(id) ? hotFile(id) : '']])),
    topics: [...topics],
  }),
)
if (process.env.FLYTECTL_BUNDLE_META) writeFileSync(process.env.FLYTECTL_BUNDLE_META, JSON.stringify(result.metafile))
