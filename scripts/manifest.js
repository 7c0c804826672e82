// Writes oclif.manifest.json from the compiled commands in dist/ (run `npm run build` first),
// ignoring any manifest already on disk. With a directory argument, writes there instead of the
// repository root (check-fresh uses that to compare).
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Plugin} from '@oclif/core'

const root = new URL('..', import.meta.url).pathname
const outDir = process.argv[2] ?? root
const plugin = new Plugin({
  root,
  type: 'core',
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
})
await plugin.load()
// Commands in name order: directory listing order differs between checkouts and file systems.
const manifest = {
  ...plugin.manifest,
  commands: Object.fromEntries(Object.entries(plugin.manifest.commands).sort(([a], [b]) => a.localeCompare(b))),
}
writeFileSync(join(outDir, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
console.log(`wrote ${Object.keys(manifest.commands).length} commands to ${join(outDir, 'oclif.manifest.json')}`)
