// Records the commit and time of this build in dist/build-info.json, shown by `flytectl version`
// as Build and BuildTime (as Go flytectl's release builds do).
import {execFileSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'

let commit = ''
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim()
} catch {
  // Not a git checkout (e.g. an npm tarball): leave Build empty.
}
mkdirSync(new URL('../dist/', import.meta.url), {recursive: true})
writeFileSync(
  new URL('../dist/build-info.json', import.meta.url),
  JSON.stringify({commit, time: new Date().toISOString()}) + '\n',
)
