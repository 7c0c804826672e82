/**
 * What `register files` reads: `.pb` entity files (globs allowed), pyflyte `.tgz`/`.tar`/`.tar.gz`
 * packages (local or http(s) URLs), and the fast-register source archive (`fast*.tar.gz`). Archives
 * are read in memory; nothing is extracted to disk.
 */
import * as fsp from 'node:fs/promises'
import {readFile, stat} from 'node:fs/promises'
import {basename} from 'node:path'
import {Readable} from 'node:stream'
import {CliError} from '../../cli/errors.js'

export interface InputFile {
  /** Shown in the result table: the path as given, or `<archive>/<entry>` for archive members. */
  name: string
  bytes: Uint8Array
}

export interface CollectedInputs {
  entities: InputFile[]
  /** The fast-register source archive, if the package has one (the last one wins, as in flytectl). */
  fastArchive?: InputFile
}

const ARCHIVE = /\.(tar|tgz|tar\.gz)$/i
const FAST_ARCHIVE = /^fast.*\.tar\.gz$/i

export function isArchiveName(name: string): boolean {
  return ARCHIVE.test(name.replace(/[?#].*$/, ''))
}

/** Natural order, so `2_x.pb` sorts before `10_x.pb` whether or not pyflyte padded the index. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', {numeric: true})
}

/** Every regular file in a tar stream (gzip detected automatically), in archive order, checked (./archive.ts). */
export async function readTar(source: NodeJS.ReadableStream | Readable, label = 'archive'): Promise<InputFile[]> {
  const {readCheckedTar} = await import('./archive.js')
  return readCheckedTar(source, label)
}

async function openArchive(location: string): Promise<Readable> {
  if (/^https?:\/\//i.test(location)) {
    let res: Response
    try {
      res = await fetch(location)
    } catch (err) {
      throw new CliError('unavailable', `cannot download ${location}: ${(err as Error).message}`, {
        hint: 'Check the URL and your network connection.',
      })
    }
    if (!res.ok || !res.body) {
      throw new CliError('not-found', `cannot download ${location}: HTTP ${res.status}`, {hint: 'Check the URL.'})
    }
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)
  }
  return Readable.from(await readLocal(location))
}

async function readLocal(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new CliError(code === 'ENOENT' ? 'not-found' : 'invalid-input', `cannot read ${path}: ${code ?? err}`, {
      hint: 'Check the path; globs such as "out/*.pb" must be quoted or expanded by the shell.',
    })
  }
}

async function readArchive(location: string): Promise<InputFile[]> {
  const stream = await openArchive(location)
  const label = basename(location.replace(/[?#].*$/, ''))
  try {
    const files = await readTar(stream, label)
    return files.map((f) => ({name: `${label}/${f.name}`, bytes: f.bytes}))
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError('invalid-input', `cannot read archive ${location}: ${(err as Error).message}`, {
      hint: 'Pass a .tar, .tgz or .tar.gz made by `pyflyte package`.',
    })
  }
}

async function expandGlob(pattern: string): Promise<string[]> {
  if (!/[*?[\]{}]/.test(pattern)) return [pattern]
  const matches: string[] = []
  // fs.glob is in every Node this package supports (>= 22.13); looked up at run time so older ones fail politely.
  const glob = (fsp as {glob?: (p: string) => AsyncIterable<string>}).glob
  if (!glob)
    throw new CliError('usage', `cannot expand ${pattern}: this Node.js has no fs.glob`, {
      hint: 'Use Node.js 22.13 or newer, or let the shell expand the pattern.',
    })
  for await (const m of glob(pattern)) {
    if ((await stat(m)).isFile()) matches.push(m)
  }
  return matches
}

function classify(files: InputFile[]): CollectedInputs {
  const out: CollectedInputs = {entities: []}
  const invalid: string[] = []
  for (const file of files) {
    const base = basename(file.name)
    if (FAST_ARCHIVE.test(base)) out.fastArchive = file
    else if (base.endsWith('.pb')) out.entities.push(file)
    else invalid.push(file.name)
  }
  if (invalid.length > 0) {
    throw new CliError('invalid-input', `input package has files that are not .pb entities: ${invalid.join(', ')}`, {
      hint: 'Pass only .pb files and fast*.tar.gz archives, or run `pyflyte package` again.',
    })
  }
  out.entities.sort((a, b) => naturalCompare(a.name, b.name))
  return out
}

/**
 * Read every argument. With `archive` each must be a .tar/.tgz/.tar.gz (path or URL); without it,
 * arguments are files or globs, and a package archive among them is read as one too.
 */
export async function collectInputs(args: string[], opts: {archive?: boolean} = {}): Promise<CollectedInputs> {
  if (args.length === 0) {
    throw new CliError('usage', 'no files to register', {
      hint: 'Pass .pb files, globs, or a pyflyte package with --archive.',
    })
  }
  const files: InputFile[] = []
  for (const arg of args) {
    if (opts.archive) {
      if (!isArchiveName(arg)) {
        throw new CliError('invalid-input', `only .tar, .tar.gz and .tgz extension archives are supported: ${arg}`, {
          hint: 'Drop --archive to register .pb files directly.',
        })
      }
      files.push(...(await readArchive(arg)))
      continue
    }
    const paths = await expandGlob(arg)
    if (paths.length === 0) {
      throw new CliError('not-found', `no files match ${arg}`, {hint: 'Check the pattern and the current directory.'})
    }
    for (const path of paths.sort(naturalCompare)) {
      if (isArchiveName(path) && !FAST_ARCHIVE.test(basename(path))) files.push(...(await readArchive(path)))
      else files.push({name: path, bytes: await readLocal(path)})
    }
  }
  return classify(files)
}
