/**
 * The local blob store the executor reads and writes: plain files under the job's blob root,
 * addressed by `file://` URIs of absolute paths (what flytekit and fsspec read natively). Layout
 * under the blob root, mirroring the engine's metadata/raw split:
 *
 *   metadata/<project>/<domain>/<execution>/<node>/data/inputs.pb          node inputs
 *   metadata/<project>/<domain>/<execution>/<node>/data/<attempt>/         output prefix (outputs.pb, error.pb)
 *   metadata/<project>/<domain>/<execution>/outputs.pb                     workflow outputs
 *   raw/<project>/<domain>/<execution>/<node>/<attempt>/                   raw output data prefix
 *
 * Logs live outside the blob store: `<dataDir>/logs/<project>/<domain>/<execution>/<node>/<attempt>.log`;
 * each attempt runs in its own working directory `<dataDir>/work/<project>/<domain>/<execution>/<node>/<attempt>`.
 */
import {fromBinary, toBinary} from '@bufbuild/protobuf'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {dirname, isAbsolute, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {ErrorDocumentSchema, type ErrorDocument} from '../../gen/flyteidl/core/errors_pb.js'
import type {WorkflowExecutionIdentifier} from '../../gen/flyteidl/core/identifier_pb.js'
import {LiteralMapSchema, type LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'

export function fileUri(path: string): string {
  return pathToFileURL(path).href
}

/** `file:///abs/path` or an absolute path → the absolute path; anything else is not local. */
export function localPath(uri: string): string {
  if (uri.startsWith('file://')) return fileURLToPath(uri)
  if (isAbsolute(uri)) return uri
  throw new Error(`[${uri}] is not in the local blob store (only file:// URIs are readable here)`)
}

/** Path segments are ids (DNS-1123-ish); anything else is replaced so it cannot escape the root. */
function seg(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9._-]/g, '_')
  return clean === '' || clean === '.' || clean === '..' ? '_' : clean
}

export class ExecutionPaths {
  constructor(
    private readonly blobRoot: string,
    private readonly dataDir: string,
    private readonly id: WorkflowExecutionIdentifier,
  ) {}

  private get key(): string[] {
    return [seg(this.id.project), seg(this.id.domain), seg(this.id.name)]
  }

  get metadataDir(): string {
    return join(this.blobRoot, 'metadata', ...this.key)
  }

  workflowOutputs(): string {
    return join(this.metadataDir, 'outputs.pb')
  }

  workflowInputs(): string {
    return join(this.metadataDir, 'inputs.pb')
  }

  /** Raw output data of every node and attempt. */
  get rawDir(): string {
    return join(this.blobRoot, 'raw', ...this.key)
  }

  /** Task logs of every node and attempt. */
  get logDir(): string {
    return join(this.dataDir, 'logs', ...this.key)
  }

  /** Working directories of every node and attempt. */
  get workRoot(): string {
    return join(this.dataDir, 'work', ...this.key)
  }

  nodeDataDir(nodeId: string): string {
    return join(this.metadataDir, seg(nodeId), 'data')
  }

  nodeInputs(nodeId: string): string {
    return join(this.nodeDataDir(nodeId), 'inputs.pb')
  }

  outputPrefix(nodeId: string, attempt: number): string {
    return join(this.nodeDataDir(nodeId), String(attempt))
  }

  rawOutputPrefix(nodeId: string, attempt: number): string {
    return join(this.blobRoot, 'raw', ...this.key, seg(nodeId), String(attempt))
  }

  /** A fresh working directory per attempt, like a container's: fast-registered code unpacks here. */
  workDir(nodeId: string, attempt: number): string {
    return join(this.dataDir, 'work', ...this.key, seg(nodeId), String(attempt))
  }

  log(nodeId: string, attempt: number): string {
    return join(this.dataDir, 'logs', ...this.key, seg(nodeId), `${attempt}.log`)
  }
}

export async function writeLiteralMap(path: string, map: LiteralMap): Promise<void> {
  await mkdir(dirname(path), {recursive: true})
  await writeFile(path, toBinary(LiteralMapSchema, map))
}

export async function readLiteralMap(path: string): Promise<LiteralMap> {
  return fromBinary(LiteralMapSchema, await readFile(path))
}

/** null when the file does not exist. */
export async function readOptional<T>(path: string, read: (p: string) => Promise<T>): Promise<T | null> {
  try {
    return await read(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

export async function readErrorDocument(path: string): Promise<ErrorDocument> {
  return fromBinary(ErrorDocumentSchema, await readFile(path))
}
