/**
 * The release manifest's schema (see release-manifest.ts): one zod schema gives the types, the
 * defaults and the error messages; `validateReleaseManifest` turns the first problem into one line
 * naming the key.
 */
import {z} from 'zod'
import {formatsSchema} from '../backport/config.js'
import {CHANGELOG_DEFAULT_GROUPS, VERSION_SCHEMES} from './release-manifest.js'

const repoSlug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/, 'expected "owner/name"')

/** How a value in a bumped file is written: `{version}` = 1.4.0-b0 (per scheme), `{tag}` = v1.4.0-b0. */
const valueTemplate = z
  .string()
  .refine((s) => s.includes('{version}') || s.includes('{tag}'), 'expected a template containing {version} or {tag}')

const fileBase = {
  /** Repository holding the file; defaults to `release.repository`. */
  repository: repoSlug.optional(),
  path: z.string().min(1),
  /** Take the version from this component (an independent component's latest release); default: the release version. */
  component: z.string().optional(),
  /** Spelling of the written version; default: the component's scheme, else semver. */
  scheme: z.enum(VERSION_SCHEMES).optional(),
}

/** Chart.yaml: `version` and/or `appVersion`, plus dependency versions marked `# VERSION`. */
const helmChartFile = z.strictObject({
  ...fileBase,
  kind: z.literal('helm-chart'),
  /** `false`: leave `version` as it is (Flyte keeps a v0.1.10 placeholder in git). */
  version: z
    .union([valueTemplate, z.literal(false)])
    .optional()
    .default('{tag}'),
  appVersion: valueTemplate.optional(),
  /** Also set `dependencies[].version` entries whose line comment is this marker (Flyte: VERSION). */
  dependencyMarker: z.string().optional(),
})

/**
 * A YAML value: a template with {version}/{tag} (an image tag), or a fixed text such as the
 * release image repository (`cr.flyte.org/flyteorg/flyteadmin-release` at a `# FLYTEADMIN_IMAGE`).
 */
const yamlValue = z.string().min(1)

/** A YAML file (values.yaml): scalars found by a marker comment (`# FLYTEADMIN_TAG`) or by a dotted path. */
const yamlFile = z.strictObject({
  ...fileBase,
  kind: z.literal('yaml'),
  set: z
    .array(
      z.union([
        z.strictObject({marker: z.string().min(1), value: yamlValue.optional().default('{tag}')}),
        z.strictObject({yamlPath: z.string().min(1), value: yamlValue.optional().default('{tag}')}),
      ]),
    )
    .min(1),
})

/** Sphinx conf.py: `release = "1.4.0"`. */
const sphinxFile = z.strictObject({
  ...fileBase,
  kind: z.literal('sphinx-release'),
  value: valueTemplate.optional().default('{version}'),
})

/** package.json `version`. */
const packageJsonFile = z.strictObject({
  ...fileBase,
  kind: z.literal('package-json'),
  value: valueTemplate.optional().default('{version}'),
})

export const bumpFileSchema = z.discriminatedUnion('kind', [helmChartFile, yamlFile, sphinxFile, packageJsonFile])
export type BumpFile = z.infer<typeof bumpFileSchema>

export const componentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name such as flyteadmin'),
  repository: repoSlug,
  /** Sub-directory in a monorepo (informational; tags carry `tagPrefix`). */
  path: z.string().optional(),
  /** Put before the version in tags, e.g. `flyteadmin/` → `flyteadmin/v1.4.0`. */
  tagPrefix: z
    .string()
    .optional()
    .default('')
    .refine((p) => p === '' || p.endsWith('/'), 'expected a prefix ending in "/", such as flyteadmin/'),
  /** `v` before the number (flytekit-java tags have none). */
  vPrefix: z.boolean().optional().default(true),
  scheme: z.enum(VERSION_SCHEMES).optional().default('semver'),
  /** The prerelease label for betas: b → v1.4.0-b0 (semver) / 1.4.0b0 (pep440); rc and a also allowed. */
  prereleaseLabel: z.enum(['a', 'b', 'rc']).optional().default('b'),
  /** Aligned components all get X.Y.0 at a quarterly release; independent ones keep their own numbers. */
  aligned: z.boolean().optional().default(true),
  /**
   * The repository's Sphinx conf.py, pinned by `release cut` on the new release branch (one pull
   * request per repository); `false`: no docs to pin. Default: the first of docs/conf.py,
   * docs/source/conf.py, rsts/conf.py, doc/conf.py that exists.
   */
  docs: z.union([z.string().min(1), z.literal(false)]).optional(),
})
export type ReleaseComponent = z.infer<typeof componentSchema>

const days = z.number().int().min(1).max(36500)
const labelList = z.array(z.string().min(1).max(50)).max(50)

/** One stale pass (see src/triage/stale.ts StalePass). */
const stalePassSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][\w.-]{0,39}$/, 'expected a short name (letters, digits, . _ -)'),
  onlyLabels: labelList.optional(),
  daysBeforeStale: days.optional(),
  daysBeforeClose: days.optional(),
  daysBeforePrStale: days.optional(),
  daysBeforePrClose: days.optional(),
  staleLabel: z.string().min(1).max(50).optional(),
  exemptIssueLabels: labelList.optional(),
  exemptPrLabels: labelList.optional(),
  markOnly: z.boolean().optional(),
  skipPulls: z.boolean().optional(),
})

export const releaseManifestSchema = z.strictObject({
  version: z.literal(1, {error: 'expected 1 (the manifest format version)'}).optional().default(1),
  release: z.strictObject({
    name: z.string().optional().default('Flyte'),
    /** The repository that gets the GitHub release, the changelog and the milestones. */
    repository: repoSlug,
    /** Quarterly minors (the RFC); monthly is allowed. Used for the next milestone's due date. */
    cadence: z.enum(['quarterly', 'monthly']).optional().default('quarterly'),
    defaultBranch: z.string().optional().default('master'),
    /** `{major}` and `{minor}` are replaced: release-v1.4. */
    releaseBranch: z
      .string()
      .optional()
      .default('release-v{major}.{minor}')
      .refine((s) => s.includes('{minor}'), 'expected a pattern containing {major} and {minor}'),
    /** Milestone title; `{version}` is 1.4.0. */
    milestone: z
      .string()
      .optional()
      .default('{version}')
      .refine((s) => s.includes('{version}'), 'expected a pattern containing {version}'),
    /** GitHub release name; `{tag}` is v1.4.0, `{version}` 1.4.0. */
    releaseName: z.string().optional().default('{name} {tag}'),
  }),
  changelog: z
    .strictObject({
      /** Path in release.repository; `{version}` is the root tag's version (1.4.0, 1.4.0-b0). */
      path: z
        .string()
        .optional()
        .default('CHANGELOG/CHANGELOG-v{version}.md')
        .refine((s) => s.includes('{version}'), 'expected a pattern containing {version}'),
      /** PR label → section; PRs with none of these labels go under "Other". */
      groups: z
        .array(z.strictObject({title: z.string().min(1), labels: z.array(z.string()).min(1)}))
        .optional()
        .default(CHANGELOG_DEFAULT_GROUPS),
      /** `release beta` commits the beta's changelog file too (goreleaser needs one per tag). */
      betas: z.boolean().optional().default(true),
    })
    .optional()
    .default({path: 'CHANGELOG/CHANGELOG-v{version}.md', groups: CHANGELOG_DEFAULT_GROUPS, betas: true}),
  /** Default branch per repository when it is not release.defaultBranch. */
  repositories: z
    .record(
      repoSlug,
      z.strictObject({
        defaultBranch: z.string().min(1).optional(),
        /** A local clone to read instead of GitHub (offline `status`, `lint`, `plan`): file:///path. */
        url: z
          .string()
          .regex(/^file:\/\/\/./, 'expected a file:///absolute/path URL of a local clone')
          .optional(),
        /** How this repository names backport branches and titles (`flytectl backport --manifest`). */
        backport: formatsSchema.optional(),
      }),
    )
    .optional()
    .default({}),
  /** Triage settings other maintainer commands read. */
  triage: z
    .strictObject({
      stale: z
        .strictObject({
          /**
           * `triage stale` passes, in order; an item belongs to the first that takes it. Keys are
           * actions/stale's inputs camelCased. Default: Flyte's two passes (FLYTE_STALE_PASSES).
           */
          passes: z
            .array(stalePassSchema)
            .min(1)
            .max(10)
            .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, 'pass names must be unique'),
          /** Most writes per run (actions/stale operations-per-run); default 500 as in Flyte's workflow. */
          operationsPerRun: z.number().int().min(1).max(100000).optional(),
        })
        .optional(),
    })
    .optional(),
  components: z.array(componentSchema).min(1),
  /** Files the release bump commit changes. */
  files: z.array(bumpFileSchema).optional().default([]),
})

export type ReleaseManifest = z.infer<typeof releaseManifestSchema>

/** One line per problem: `<where>: components.2.tagPrefix: expected …`. */
export class ReleaseManifestError extends Error {
  readonly key: string
  constructor(key: string, message: string) {
    super(message)
    this.name = 'ReleaseManifestError'
    this.key = key
  }
}

/** Validate a parsed YAML value; checks the schema cannot express (unique names, known components). */
export function validateReleaseManifest(raw: unknown): ReleaseManifest {
  const result = releaseManifestSchema.safeParse(raw ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const key = issue.path.join('.') || '(root)'
    throw new ReleaseManifestError(key, `${key}: ${describe(issue)}`)
  }
  const manifest = result.data
  const seen = new Map<string, number>()
  manifest.components.forEach((c, i) => {
    if (seen.has(c.name)) {
      throw new ReleaseManifestError(
        `components.${i}.name`,
        `components.${i}.name: "${c.name}" is already used by components.${seen.get(c.name)}`,
      )
    }
    seen.set(c.name, i)
  })
  const tagKeys = new Map<string, number>()
  manifest.components.forEach((c, i) => {
    const key = `${c.repository} ${c.tagPrefix}`
    if (tagKeys.has(key)) {
      throw new ReleaseManifestError(
        `components.${i}.tagPrefix`,
        `components.${i}.tagPrefix: "${c.tagPrefix}" in ${c.repository} is already used by components.${tagKeys.get(key)}; give each component in one repository its own prefix`,
      )
    }
    tagKeys.set(key, i)
  })
  manifest.files.forEach((f, i) => {
    if (f.component !== undefined && !seen.has(f.component)) {
      throw new ReleaseManifestError(
        `files.${i}.component`,
        `files.${i}.component: no component named "${f.component}"; expected one of ${[...seen.keys()].join(', ')}`,
      )
    }
  })
  if (!manifest.components.some((c) => c.repository === manifest.release.repository && c.tagPrefix === '')) {
    throw new ReleaseManifestError(
      'components',
      `components: no component tags the release repository ${manifest.release.repository} without a prefix; add one (the root tag v1.4.0 the GitHub release hangs on)`,
    )
  }
  return manifest
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `unknown kind; expected one of helm-chart, yaml, sphinx-release, package-json`
  }
  return issue.message.replace(/^Invalid input: /, '')
}
