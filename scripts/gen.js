// Generates src/gen/ from the .proto files in @flyteorg/flyteidl (plus proto/vendor: google/api
// annotations and stubbed openapiv2 options) and the plane's own protos in proto/flytectl, with
// buf + protoc-gen-es.
//   node scripts/gen.js           regenerate src/gen
//   node scripts/gen.js --check   report "stale:" when src/gen differs from what the protos generate
import {execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const check = process.argv.includes('--check')
// The packages flytectl and its control plane use; their imports come along (include_imports).
const ROOTS = ['flyteidl/admin', 'flyteidl/core', 'flyteidl/event', 'flyteidl/service', 'flytectl']

const stage = mkdtempSync(join(tmpdir(), 'flytectl-proto-'))
const outDir = check ? mkdtempSync(join(tmpdir(), 'flytectl-gen-')) : join(root, 'src', 'gen')
try {
  cpSync(join(root, 'node_modules', '@flyteorg', 'flyteidl', 'protos', 'flyteidl'), join(stage, 'flyteidl'), {
    recursive: true,
  })
  cpSync(join(root, 'proto', 'vendor'), stage, {recursive: true})
  cpSync(join(root, 'proto', 'flytectl'), join(stage, 'flytectl'), {recursive: true})
  writeFileSync(join(stage, 'buf.yaml'), 'version: v2\n')
  const template = readFileSync(join(root, 'buf.gen.yaml'), 'utf8').replace(
    'out: src/gen',
    `out: ${JSON.stringify(outDir)}`,
  )
  if (!check) rmSync(outDir, {recursive: true, force: true})
  const buf = join(root, 'node_modules', '.bin', 'buf')
  execFileSync(buf, ['generate', stage, '--template', template, ...ROOTS.flatMap((p) => ['--path', join(stage, p)])], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`},
  })
  if (check) {
    const committed = listFiles(join(root, 'src', 'gen'))
    const fresh = listFiles(outDir)
    const differs =
      committed.length !== fresh.length ||
      fresh.some(
        (f, i) =>
          f !== committed[i] || !readFileSync(join(outDir, f)).equals(readFileSync(join(root, 'src', 'gen', f))),
      )
    console.log(
      differs ? 'stale: src/gen does not match the protos. Run `npm run gen` and commit the result.' : 'fresh: src/gen',
    )
  } else {
    console.log(`generated ${listFiles(outDir).length} files into ${relative(root, outDir)}`)
  }
} finally {
  rmSync(stage, {recursive: true, force: true})
  if (check) rmSync(outDir, {recursive: true, force: true})
}

function listFiles(dir, base = dir) {
  let out = []
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries.sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out = out.concat(listFiles(path, base))
    else out.push(relative(base, path))
  }
  return out
}
