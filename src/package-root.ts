/**
 * The package's root directory. This module sits one level under the build output (dist/src/ when
 * compiled by tsc, dist/bundle/ when bundled), so `../../` is the root in both.
 */
import {fileURLToPath} from 'node:url'

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))
