/**
 * The data directory is private to the user: directories 0700, files 0600. The daemon runs with umask
 * 0077 so that everything it and its tasks create (database, WAL, logs, pid file, blobs) is private;
 * a data dir made readable by others (an older flytectl, a manual mkdir) is tightened on start.
 * `demo start` marks the directories it made (`.flytectl-demo`); `teardown --volume` deletes only those.
 */
import {chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const PRIVATE_UMASK = 0o077
export const DATA_DIR_MARKER = '.flytectl-demo'
const MARKER_TEXT =
  'This directory was created by `flytectl demo start`; `flytectl demo teardown --volume` deletes it.\n'

/** Creates a directory (and missing parents) readable by the user only. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, {recursive: true, mode: 0o700})
}

/**
 * Makes a data directory that others can read private: itself and every directory inside 0700, every
 * file without group and other bits (symlinks are not followed). Returns how many entries changed; 0
 * (and no walk) when the directory itself is already closed to others, which keeps starts fast.
 */
export function tightenDataDir(dir: string): number {
  if ((lstatSync(dir).mode & 0o077) === 0) return 0
  let changed = 0
  const visit = (path: string) => {
    const st = lstatSync(path)
    if (st.isSymbolicLink()) return
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, st.isDirectory() ? 0o700 : st.mode & 0o700)
      changed++
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name))
  }
  visit(dir)
  return changed
}

/** Whether `demo start` made this directory (it carries the marker file). */
export function hasDataDirMarker(dir: string): boolean {
  try {
    return lstatSync(join(dir, DATA_DIR_MARKER)).isFile() && readFileSync(join(dir, DATA_DIR_MARKER), 'utf8') !== ''
  } catch {
    return false
  }
}

/**
 * Marks a data directory as the plane's: one `demo start` just created (empty), or one an older
 * flytectl made (it holds the plane's database). Any other directory is left unmarked.
 */
export function markDataDir(dir: string): boolean {
  if (hasDataDirMarker(dir)) return true
  const names = readdirSync(dir)
  if (names.length > 0 && !existsSync(join(dir, 'flyteadmin.db'))) return false
  writeFileSync(join(dir, DATA_DIR_MARKER), MARKER_TEXT, {mode: 0o600})
  return true
}
