/** How a node (or a workflow) ended, and the errors the executor itself raises. */
import {create} from '@bufbuild/protobuf'
import {timestampFromDate} from '@bufbuild/protobuf/wkt'
import type {CatalogCacheStatus} from '../../gen/flyteidl/core/catalog_pb.js'
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  type ExecutionError,
} from '../../gen/flyteidl/core/execution_pb.js'
import type {LiteralMap} from '../../gen/flyteidl/core/literals_pb.js'

export type Outcome =
  | {phase: 'succeeded'; outputs: LiteralMap; cacheStatus?: CatalogCacheStatus}
  | {phase: 'failed'; error: ExecutionError}
  | {phase: 'aborted'}
  | {phase: 'skipped'}

export function userError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, {
    code,
    message,
    kind: ExecutionError_ErrorKind.USER,
    timestamp: timestampFromDate(new Date()),
  })
}

export function systemError(code: string, message: string): ExecutionError {
  return create(ExecutionErrorSchema, {
    code,
    message,
    kind: ExecutionError_ErrorKind.SYSTEM,
    timestamp: timestampFromDate(new Date()),
  })
}

/** Resolves true after ms, false if aborted first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
