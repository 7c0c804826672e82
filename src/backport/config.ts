/**
 * Backport settings: the `backport:` section of the flytectl config file (other Flyte tools ignore
 * it). One zod schema gives the types, the defaults and the validation messages.
 */
import {z} from 'zod'
import {CliError} from '../cli/errors.js'
import {BRANCH_PLACEHOLDERS, TITLE_PLACEHOLDERS, templateProblem} from './combined.js'

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

const template = (allowed: readonly string[]) =>
  z
    .string()
    .min(1)
    .max(300)
    .superRefine((s, ctx) => {
      const problem = templateProblem(s, allowed)
      if (problem) ctx.addIssue({code: 'custom', message: problem})
    })

/** Branch and title templates (sorenlouv/backport's names: `backportBranchName`, `prTitle`). */
export const formatsSchema = z.strictObject({
  backportBranchName: template(BRANCH_PLACEHOLDERS).optional(),
  prTitle: template(TITLE_PLACEHOLDERS).optional(),
})

export type BackportFormats = {backportBranchName: string; prTitle: string}

export const DEFAULT_FORMATS: BackportFormats = {
  backportBranchName: 'backport-{{sources}}-to-{{targetBranch}}',
  prTitle: '[{{targetBranch}}] {{commitMessages}}',
}

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
    /**
     * Backport branch name: {{sources}} (source PR numbers joined by dashes), {{targetBranch}},
     * {{targetVersion}} (1.13), {{refValues}} (pr-1_pr-2), {{sourceBranch}}.
     */
    backportBranchName: formatsSchema.shape.backportBranchName,
    /** Backport PR title: the branch placeholders plus {{commitMessages}}, {{sourceNumbers}}, {{sourcePullRequest.title}}, {{sourcePullRequest.number}}. */
    prTitle: formatsSchema.shape.prTitle,
    /** Per-repository templates (owner/name → {backportBranchName, prTitle}); they win over the manifest's. */
    repositories: z.record(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'), formatsSchema).default({}),
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

/**
 * The templates for one repository: the config's per-repository entry, else the release manifest's
 * (`repositories.<slug>.backport`, which describes that repository's history), else the config's
 * top-level keys, else the defaults.
 */
export function formatsFor(
  config: BackportConfig,
  repo: string,
  manifest: Record<string, Partial<BackportFormats>> = {},
): BackportFormats {
  const own = config.repositories[repo] ?? {}
  const fromManifest = manifest[repo] ?? {}
  return {
    backportBranchName:
      own.backportBranchName ??
      fromManifest.backportBranchName ??
      config.backportBranchName ??
      DEFAULT_FORMATS.backportBranchName,
    prTitle: own.prTitle ?? fromManifest.prTitle ?? config.prTitle ?? DEFAULT_FORMATS.prTitle,
  }
}

/** `repositories.<slug>.backport` of a manifest document, checked (exit 3 naming the key when bad). */
export function manifestFormats(doc: unknown, where: string): Record<string, Partial<BackportFormats>> {
  const out: Record<string, Partial<BackportFormats>> = {}
  const repos = (doc as {repositories?: unknown} | null)?.repositories
  if (!repos || typeof repos !== 'object') return out
  for (const [slug, entry] of Object.entries(repos as Record<string, unknown>)) {
    const raw = (entry as {backport?: unknown} | null)?.backport
    if (raw === undefined) continue
    const result = formatsSchema.safeParse(raw)
    if (!result.success) {
      const issue = result.error.issues[0]!
      const key = ['repositories', slug, 'backport', ...issue.path.map(String)].join('.')
      throw new CliError('config-invalid', `${where}: ${key}: ${issue.message}`)
    }
    out[slug] = result.data
  }
  return out
}
