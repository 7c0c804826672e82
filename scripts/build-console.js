// Bundles the web console (src/console-web: preact + htm + dagre) into dist/src/console-web/app.js
// and app.css, shipped in the package and served by the plane. Runs as part of `npm run build`.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'dist', 'src', 'console-web')
mkdirSync(out, {recursive: true})

let esbuild
try {
  esbuild = await import('esbuild')
} catch {
  // An installed package (no devDependencies) ships the bundle already built.
  console.error('build-console: esbuild is not installed; the console bundle was not rebuilt')
  process.exit(0)
}

await esbuild.build({
  entryPoints: [join(root, 'src', 'console-web', 'main.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  outfile: join(out, 'app.js'),
  legalComments: 'linked',
  logLevel: 'warning',
})
writeFileSync(join(out, 'app.css'), readFileSync(join(root, 'src', 'console-web', 'style.css')))
