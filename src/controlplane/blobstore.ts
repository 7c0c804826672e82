/**
 * The local blob store under `<dataDir>/blobs`. The plane's own documents (inputs.pb, outputs.pb) are
 * addressed by `file://` URLs; data handed to tasks and clients (uploads, raw output data) by plain
 * absolute paths, because flytekit treats both as local and then uses the URI string as a path: a
 * `file://` FlyteFile, FlyteDirectory or dataframe would not be found. Both spellings are read here.
 */
import {mkdirSync, readFileSync, statSync, writeFileSync, renameSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve, sep} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

export class BlobStore {
  readonly root: string

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'blobs')
    mkdirSync(this.root, {recursive: true, mode: 0o700})
  }

  /** Path of a key (slash-separated, no `..`), or undefined when the key escapes the store. */
  pathOf(key: string): string | undefined {
    const clean = key.replace(/^\/+/, '')
    if (clean === '' || clean.split('/').some((p) => p === '..' || p === '.' || p === '')) return undefined
    const path = join(this.root, ...clean.split('/'))
    return path.startsWith(this.root + sep) ? path : undefined
  }

  uriOf(key: string): string {
    const path = this.pathOf(key)
    if (!path) throw new Error(`invalid blob key ${key}`)
    return pathToFileURL(path).href
  }

  /** Native location handed to tasks and clients: the plain absolute path of a key. */
  dataLocationOf(key: string): string {
    const path = this.pathOf(key)
    if (!path) throw new Error(`invalid blob key ${key}`)
    return path
  }

  /** Key of a `file://` URI or absolute path inside this store, or undefined. */
  keyOf(uri: string): string | undefined {
    const path = this.localPath(uri)
    if (!path || !path.startsWith(this.root + sep)) return undefined
    return path
      .slice(this.root.length + 1)
      .split(sep)
      .join('/')
  }

  /** Absolute path of a `file://` URI or absolute path (anywhere on this machine), or undefined for other schemes. */
  localPath(uri: string): string | undefined {
    if (isAbsolute(uri)) return resolve(uri)
    if (!uri.startsWith('file://')) return undefined
    try {
      return fileURLToPath(uri)
    } catch {
      return undefined
    }
  }

  /**
   * Writes a blob. Replacing one is atomic (temp file + rename); `fresh` skips that for a new key whose
   * reference is only committed after the write (a torn file is then never referenced).
   */
  write(key: string, data: Uint8Array, opts: {fresh?: boolean} = {}): string {
    const path = this.pathOf(key)
    if (!path) throw new Error(`invalid blob key ${key}`)
    mkdirSync(dirname(path), {recursive: true, mode: 0o700})
    if (opts.fresh) writeFileSync(path, data, {mode: 0o600})
    else {
      const tmp = `${path}.${process.pid}.tmp`
      writeFileSync(tmp, data, {mode: 0o600})
      renameSync(tmp, path)
    }
    return pathToFileURL(path).href
  }

  /** Bytes at a `file://` URI or absolute path, or undefined when it does not exist or is not local. */
  read(uri: string): Uint8Array | undefined {
    const path = this.localPath(uri)
    if (!path) return undefined
    try {
      return readFileSync(path)
    } catch {
      return undefined
    }
  }

  /** Whether a regular file exists at a `file://` URI or absolute path. */
  exists(uri: string): boolean {
    const path = this.localPath(uri)
    if (!path) return false
    try {
      return statSync(path).isFile()
    } catch {
      return false
    }
  }

  size(uri: string): number {
    const path = this.localPath(uri)
    if (!path) return 0
    try {
      return statSync(path).size
    } catch {
      return 0
    }
  }
}
