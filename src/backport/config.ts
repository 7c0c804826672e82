/**
 * Backport settings: the `backport:` section of the flytectl config file (other Flyte tools ignore
 * it). One zod schema gives the types, the defaults and the validation messages.
 */
import {z} from 'zod'
import {CliError} from '../cli/errors.js'

const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s)
      return true
    } catch {
      return false
    }
  },
  {message: 'not a valid regular expression'},
)

export const backportConfigSchema = z
  .object({
    /** Release branches; capture groups 1 and 2 are major and minor. */
    releaseBranchPattern: regex.default('^release-v?(\\d+)\\.(\\d+)$'),
    /** Labels naming a target; group 1 is the branch (`backport release-v1.13`). */
    targetLabelPattern: regex.default('^backport[ :/-]+(release-v?\\d+\\.\\d+)$'),
    /** A label asking for the policy targets without naming a branch. */
    policyLabel: z.string().default('backport'),
    /** Labels that send a fix two release branches back. */
    securityLabels: z.array(z.string()).default(['security']),
    /** How many release branches back a normal fix goes, and a security fix. */
    policyDepth: z.number().int().min(1).default(1),
    securityDepth: z.number().int().min(1).default(2),
    /** Source labels (regular expressions) copied onto the backport PR. */
    copyLabels: z.array(regex).default(['^(bug|fix|security|documentation)$']),
    /** Labels added to every backport PR. */
    addLabels: z.array(z.string()).default(['backport']),
    conflictLabel: z.string().default('backport-conflict'),
    /** Labels that mark a merged PR as a fix for `backport audit`. */
    fixLabels: z.array(z.string()).default(['fix', 'bug', 'security']),
    /** Release branches `audit` treats as supported (newest first). */
    supportedBranches: z.number().int().min(1).default(2),
  })
  .strict()

export type BackportConfig = z.infer<typeof backportConfigSchema>

export function parseBackportConfig(raw: unknown, where = 'config'): BackportConfig {
  const result = backportConfigSchema.safeParse(raw ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const key = ['backport', ...issue.path.map(String)].join('.')
    throw new CliError('config-invalid', `${where}: ${key}: ${issue.message}`)
  }
  return result.data
}
