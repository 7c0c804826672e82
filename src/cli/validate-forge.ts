/**
 * Checks of what maintainer commands send to GitHub, made before credentials are read or any
 * request is sent: pull request numbers, branch names (git's check-ref-format rules), calendar dates.
 */
import {CliError} from './errors.js'

/** GitHub's numbers are 32-bit signed integers (GraphQL `Int`). */
const MAX_NUMBER = 2_147_483_647

function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

/** `123` or `#123` → 123; anything else is a usage error naming the value. */
export function pullNumber(text: string, what = 'pull request number'): number {
  const m = /^#?(\d+)$/.exec(text.trim())
  const n = m ? Number(m[1]) : NaN
  if (!m || !Number.isSafeInteger(n) || n < 1 || n > MAX_NUMBER)
    throw new CliError('usage', `${shown(text)} is not a ${what} (expected 1 to ${MAX_NUMBER})`, {
      hint: 'Pass the number GitHub shows after #, e.g. 1234.',
    })
  return n
}

/** Why `name` cannot be a git branch name, or undefined when it can (git check-ref-format --branch). */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty'
  if (name.length > 255) return `is ${name.length} characters long (at most 255)`
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name))
    return 'contains a space, a control character or one of ~ ^ : ? * [ \\'
  if (name.startsWith('-')) return 'starts with "-"'
  if (name === '@') return 'is "@"'
  if (name.includes('..')) return 'contains ".."'
  if (name.includes('@{')) return 'contains "@{"'
  if (name.includes('//') || name.startsWith('/') || name.endsWith('/')) return 'has an empty path component'
  if (name.endsWith('.') || name.endsWith('.lock')) return 'ends with "." or ".lock"'
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')))
    return 'has a component starting with "." or ending with ".lock"'
  return undefined
}

export function checkBranchName(name: string, flag: string): string {
  const problem = branchNameProblem(name)
  if (problem)
    throw new CliError('usage', `${flag} ${shown(name)} is not a valid branch name: it ${problem}`, {
      hint: 'Name an existing release branch, e.g. release-v1.16.',
    })
  return name
}

/** `YYYY-MM-DD` that exists on the calendar (no 2026-02-30, no month 13). */
export function calendarDate(text: string, flag: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined
  const real =
    date !== undefined &&
    date.getUTCFullYear() === Number(m![1]) &&
    date.getUTCMonth() === Number(m![2]) - 1 &&
    date.getUTCDate() === Number(m![3])
  if (!real)
    throw new CliError('invalid-input', `${flag} ${shown(text)} is not a calendar date`, {
      hint: `Use YYYY-MM-DD, e.g. ${flag} 2026-07-15.`,
    })
  return text
}

/** A milestone or label title GitHub would take: not blank, at most 255 characters, one line. */
export function titleText(text: string, flag: string): string {
  // eslint-disable-next-line no-control-regex
  if (text.trim() === '' || text.length > 255 || /[\u0000-\u001f]/.test(text))
    throw new CliError('usage', `${flag} ${shown(text)} is not a usable title (1 to 255 characters, one line)`, {
      hint: `Pass the title as GitHub shows it, e.g. ${flag} 1.16.0.`,
    })
  return text
}
