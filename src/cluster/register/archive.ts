/**
 * The checks a package archive passes before anything in it is registered: a readable tar (gzip or
 * not, nothing silently skipped), at least one file, member names that stay inside the archive (no
 * absolute paths, no `..`), no links or devices, and bounded sizes (a small gzip can expand to
 * gigabytes: reading stops at the cap).
 */
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {CliError} from '../../cli/errors.js'

export interface ArchiveMember {
  name: string
  bytes: Uint8Array
}

export interface ArchiveLimits {
  /** Total bytes of all members once decompressed. */
  maxTotalBytes: number
  maxMembers: number
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {maxTotalBytes: 1024 * 1024 * 1024, maxMembers: 100_000}

const HINT = 'Pass a .tar, .tgz or .tar.gz made by `pyflyte package`.'

function shown(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
}

/** Why a member name must not be read, or undefined when it is a plain relative path. */
export function memberNameProblem(name: string): string | undefined {
  if (name === '') return 'has an empty name'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return `${shown(name)} has a control character in its name`
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return `${shown(name)} is an absolute path`
  if (name.split(/[\\/]/).includes('..')) return `${shown(name)} points outside the archive (..)`
  return undefined
}

/** Every regular file of the tar stream (gzip detected), checked as described above. */
export async function readCheckedTar(
  source: NodeJS.ReadableStream | Readable,
  label: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveMember[]> {
  const {Parser} = await import('tar')
  const members: ArchiveMember[] = []
  let total = 0
  let problem: CliError | undefined
  const refuse = (message: string, hint = HINT) => {
    problem ??= new CliError('invalid-input', `archive ${label}: ${message}`, {hint})
  }
  const parser = new Parser({
    strict: true,
    onReadEntry(entry) {
      const name = entry.path.replace(/^\.\//, '')
      if (entry.type === 'Directory' && (name === '' || name === '.')) {
        entry.resume()
        return
      }
      const bad = memberNameProblem(name)
      if (bad) refuse(bad)
      else if (entry.type === 'SymbolicLink' || entry.type === 'Link')
        refuse(`${shown(name)} is a link; a package holds only files and directories`)
      else if (!['File', 'OldFile', 'Directory', 'ContiguousFile'].includes(entry.type) && !/Header$/.test(entry.type))
        refuse(`${shown(name)} is a ${entry.type}; a package holds only files and directories`)
      if (problem || entry.type === 'Directory' || /Header$/.test(entry.type)) {
        entry.resume()
        return
      }
      if (members.length >= limits.maxMembers) {
        refuse(`has more than ${limits.maxMembers} files`)
        entry.resume()
        return
      }
      const chunks: Buffer[] = []
      entry.on('data', (c: Buffer) => {
        total += c.length
        if (total > limits.maxTotalBytes) {
          refuse(
            `expands past ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MiB`,
            'A package that large is not a pyflyte package; check the file.',
          )
          parser.abort(problem!)
        } else if (!problem) chunks.push(c)
      })
      entry.on('end', () => {
        if (!problem) members.push({name, bytes: Buffer.concat(chunks)})
      })
    },
  })
  try {
    await pipeline(source, parser as unknown as NodeJS.WritableStream)
  } catch (err) {
    if (problem) throw problem
    const e = err as NodeJS.ErrnoException
    if (e.code === 'TAR_BAD_ARCHIVE')
      throw new CliError('invalid-input', `archive ${label} is not a tar archive (gzip or plain), or is empty`, {
        hint: HINT,
      })
    if (typeof e.code === 'string' && e.code.startsWith('Z_'))
      throw new CliError('invalid-input', `archive ${label} is a damaged gzip file (${e.message})`, {hint: HINT})
    throw new CliError('invalid-input', `cannot read archive ${label}: ${e.message}`, {hint: HINT})
  }
  if (problem) throw problem
  if (members.length === 0) throw new CliError('invalid-input', `archive ${label} has no files`, {hint: HINT})
  return members
}
