/**
 * The two checks the version parser borrows from the specifications' own packages: SemVer validity
 * (`semver`) and PEP 440 parsing (`@renovatebot/pep440`). Each package loads on its first use: a
 * plain X.Y.Z tag needs neither, and a command that reads only such tags starts without them.
 */
import {createRequire} from 'node:module'

const load = createRequire(import.meta.url)

type SemverValid = (version: string) => string | null
type Pep440Explain = (version: string) => {pre: [string, number] | null} | null

let semverValid: SemverValid | undefined
let pep440Explain: Pep440Explain | undefined

/** `semver.valid`: the normalised version when `text` is valid SemVer, else null. */
export function validSemver(text: string): string | null {
  semverValid ??= load('semver/functions/valid.js') as SemverValid
  return semverValid(text)
}

/** `explain` of @renovatebot/pep440: the parts of a PEP 440 version, or null when it is not one. */
export function explainPep440(text: string): ReturnType<Pep440Explain> {
  pep440Explain ??= (load('@renovatebot/pep440/lib/version.js') as {explain: Pep440Explain}).explain
  return pep440Explain(text)
}
