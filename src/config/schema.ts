/**
 * The flytectl config file (`~/.flyte/config.yaml`), one zod schema per known section.
 * The file is shared with flytekit and other Flyte tools, so unknown top-level sections are
 * accepted silently; inside a known section an unknown key is a warning ("did you mean …?").
 */
import {z} from 'zod'

/** Go duration strings as flytestdlib reads them: `8s`, `2m`, `1h30m`, `500ms`, `0s`. */
const GO_DURATION = /^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/
const duration = z.string().regex(GO_DURATION, 'expected a duration such as 15s, 2m or 1h30m')

export const AUTH_TYPES = ['ClientSecret', 'Pkce', 'ExternalCommand', 'DeviceFlow'] as const
export type AuthType = (typeof AUTH_TYPES)[number]

/** authType is matched case-insensitively, as flytectl's generated enum parser does. */
const authType = z.string().transform((value, ctx): AuthType => {
  const match = AUTH_TYPES.find((t) => t.toLowerCase() === value.toLowerCase())
  if (match) return match
  ctx.addIssue({code: 'custom', message: `unknown authType "${value}"; expected one of ${AUTH_TYPES.join(', ')}`})
  return z.NEVER
})

export const adminSchema = z.object({
  endpoint: z.string().optional(),
  insecure: z.boolean().optional(),
  insecureSkipVerify: z.boolean().optional(),
  caCertFilePath: z.string().optional(),
  authType: authType.optional(),
  clientId: z.string().optional(),
  clientSecretLocation: z.string().optional(),
  clientSecretEnvVar: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  audience: z.string().optional(),
  useAudienceFromAdmin: z.boolean().optional(),
  tokenUrl: z.string().optional(),
  authorizationHeader: z.string().optional(),
  authorizationServerUrl: z.string().optional(),
  useAuth: z.boolean().optional(),
  command: z.array(z.string()).optional(),
  proxyCommand: z.array(z.string()).optional(),
  pkceConfig: z.object({timeout: duration.optional(), refreshTime: duration.optional()}).optional(),
  deviceFlowConfig: z
    .object({timeout: duration.optional(), refreshTime: duration.optional(), pollInterval: duration.optional()})
    .optional(),
  maxBackoffDelay: duration.optional(),
  perRetryTimeout: duration.optional(),
  maxRetries: z.number().int().min(0).optional(),
  maxMessageSizeBytes: z.number().int().min(0).optional(),
  tokenRefreshWindow: duration.optional(),
  defaultServiceConfig: z.string().optional(),
  httpProxyURL: z.string().optional(),
})

const projectDomain = z.object({project: z.string().optional(), domain: z.string().optional()})

export const configSchema = z.object({
  admin: adminSchema.optional(),
  console: z.object({endpoint: z.string().optional(), insecure: z.boolean().optional()}).optional(),
  task: projectDomain.optional(),
  root: projectDomain.extend({output: z.string().optional(), interactive: z.boolean().optional()}).optional(),
  files: z
    .object({
      version: z.string().optional(),
      force: z.boolean().optional(),
      continueOnError: z.boolean().optional(),
      archive: z.boolean().optional(),
      assumableIamRole: z.string().optional(),
      k8sServiceAccount: z.string().optional(),
      k8ServiceAccount: z.string().optional(),
      outputLocationPrefix: z.string().optional(),
      sourceUploadPath: z.string().optional(),
      destinationDirectory: z.string().optional(),
      dryRun: z.boolean().optional(),
      enableSchedule: z.boolean().optional(),
    })
    .optional(),
  storage: z
    .object({
      type: z.enum(['s3', 'minio', 'local', 'mem', 'stow']).optional(),
      container: z.string().optional(),
      'enable-multicontainer': z.boolean().optional(),
      connection: z
        .object({
          endpoint: z.string().optional(),
          'access-key': z.string().optional(),
          'secret-key': z.string().optional(),
          'auth-type': z.enum(['iam', 'accesskey']).optional(),
          region: z.string().optional(),
          'disable-ssl': z.boolean().optional(),
        })
        .optional(),
      stow: z.object({kind: z.string().optional(), config: z.record(z.string(), z.unknown()).optional()}).optional(),
      cache: z.object({max_size_mbs: z.number().optional(), target_gc_percent: z.number().optional()}).optional(),
      limits: z.object({maxDownloadMBs: z.number().optional()}).optional(),
      defaultHttpClient: z.object({timeout: duration.optional()}).optional(),
      signedUrl: z.object({stowConfigOverride: z.record(z.string(), z.string()).optional()}).optional(),
    })
    .optional(),
  logger: z
    .object({
      level: z.number().int().optional(),
      mute: z.boolean().optional(),
      'show-source': z.boolean().optional(),
      formatter: z.object({type: z.enum(['json', 'text', 'gcp']).optional()}).optional(),
    })
    .optional(),
  adminutils: z.object({maxRecords: z.number().int().optional(), batchSize: z.number().int().optional()}).optional(),
})

export type FlytectlConfig = z.infer<typeof configSchema>
export type AdminConfig = z.infer<typeof adminSchema>
