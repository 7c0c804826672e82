/**
 * Who may do what: `<dataDir>/auth/policy.yaml`, read again when it changes. Roles are lists of
 * actions — built in: `viewer` (read), `launcher` (read, register, run, stop and update executions),
 * `admin` (everything) — and a file may add its own under `roles:`. Bindings give a role to users,
 * clients and groups in some projects (`"*"` = all) and optionally some domains:
 *
 * ```yaml
 * bindings:
 *   - role: admin
 *     groups: [admins]
 *     projects: ["*"]
 *   - role: launcher
 *     users: [alice]
 *     projects: [flytesnacks]
 *     domains: [development]
 * ```
 *
 * A call is allowed when some binding matches the caller, the project and the domain, and its role
 * has the call's action (`*` = any). A call naming no project (listing projects, the version) needs
 * the action in any binding of the caller. The decision names the rule that made it.
 */
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'
import {authDir, writePrivateFile} from './keys.js'

export interface Decision {
  allow: boolean
  /** Which rule decided: `bindings[0] (role admin, group admins)`, or why none matched. */
  rule: string
}

/** The input document a decision is made on (also what an OPA server is sent). */
export interface DecisionInput {
  principal: {name: string; kind: 'client' | 'user' | 'execution'; groups: string[]}
  action: string
  project: string
  domain: string
  resource: string
}

export interface Decider {
  decide(input: DecisionInput): Decision | Promise<Decision>
  readonly name: string
}

export const BUILTIN_ROLES: Record<string, string[]> = {
  viewer: ['read'],
  launcher: [
    'read',
    'tasks:create',
    'workflows:create',
    'launchplans:create',
    'blobs:create',
    'executions:create',
    'executions:terminate',
    'executions:update',
  ],
  admin: ['*'],
}

interface Binding {
  role: string
  users: string[]
  clients: string[]
  groups: string[]
  projects: string[]
  domains: string[]
}

export interface Policy {
  roles: Record<string, string[]>
  bindings: Binding[]
}

export const policyPath = (dataDir: string) => join(authDir(dataDir), 'policy.yaml')

const DEFAULT_POLICY = `# Who may do what on this Flyte control plane; read again when it changes.
# Roles: viewer (read), launcher (read, register, run and stop executions), admin (everything).
# A binding gives a role to users, clients and groups (from identities.yaml) in some projects
# ("*" = all) and, optionally, some domains. Add roles of your own under \`roles:\` (name: [actions]).
# Actions: read, projects:create, projects:update, tasks:create, workflows:create, launchplans:create,
# launchplans:update, executions:create, executions:terminate, executions:update, attributes:update,
# attributes:delete, entities:update, blobs:create, events:create, signals:set.
bindings:
  - role: admin
    groups: [admins]
    projects: ["*"]
#  - role: launcher
#    users: [alice]
#    projects: [flytesnacks]
#    domains: [development]
`

function strings(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${where} must be a list of strings`)
  return v as string[]
}

export function parsePolicy(text: string, path: string): Policy {
  const doc = (parse(text) ?? {}) as Record<string, unknown>
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: expected a mapping`)
  const roles: Record<string, string[]> = {...BUILTIN_ROLES}
  if (doc.roles !== undefined) {
    if (typeof doc.roles !== 'object' || doc.roles === null || Array.isArray(doc.roles))
      throw new Error(`${path}: \`roles\` must map role names to lists of actions`)
    for (const [name, actions] of Object.entries(doc.roles)) roles[name] = strings(actions, `${path}: roles.${name}`)
  }
  const raw = doc.bindings ?? []
  if (!Array.isArray(raw)) throw new Error(`${path}: \`bindings\` must be a list`)
  const bindings = raw.map((b: unknown, i: number) => {
    const where = `${path}: bindings[${i}]`
    if (typeof b !== 'object' || b === null) throw new Error(`${where} must be a mapping`)
    const o = b as Record<string, unknown>
    const role = typeof o.role === 'string' ? o.role : ''
    if (!roles[role])
      throw new Error(`${where}: unknown role ${JSON.stringify(o.role)}; known: ${Object.keys(roles).join(', ')}`)
    const projects = strings(o.projects, `${where}.projects`)
    if (projects.length === 0) throw new Error(`${where}: \`projects\` is required ("*" for all)`)
    return {
      role,
      users: strings(o.users, `${where}.users`),
      clients: strings(o.clients, `${where}.clients`),
      groups: strings(o.groups, `${where}.groups`),
      projects,
      domains: strings(o.domains, `${where}.domains`),
    }
  })
  return {roles, bindings}
}

function who(b: Binding, p: DecisionInput['principal']): string | undefined {
  if (p.kind === 'user' && b.users.includes(p.name)) return `user ${p.name}`
  if (p.kind === 'client' && b.clients.includes(p.name)) return `client ${p.name}`
  const g = b.groups.find((x) => p.groups.includes(x))
  return g === undefined ? undefined : `group ${g}`
}

export function decide(policy: Policy, input: DecisionInput): Decision {
  let callerBound = false
  for (const [i, b] of policy.bindings.entries()) {
    const match = who(b, input.principal)
    if (!match) continue
    callerBound = true
    const actions = policy.roles[b.role] ?? []
    if (!actions.includes('*') && !actions.includes(input.action)) continue
    if (input.project !== '' && !b.projects.includes('*') && !b.projects.includes(input.project)) continue
    if (input.domain !== '' && b.domains.length > 0 && !b.domains.includes(input.domain)) continue
    return {allow: true, rule: `bindings[${i}] (role ${b.role}, ${match})`}
  }
  return {
    allow: false,
    rule: callerBound
      ? `no binding gives ${input.principal.kind} ${input.principal.name} ${input.action}${input.project ? ` in project ${input.project}` : ''}${input.domain ? `, domain ${input.domain}` : ''}`
      : `no binding names ${input.principal.kind} ${input.principal.name} or its groups`,
  }
}

/** The built-in policy: the YAML file, created on first start, read again when it changes. */
export class PolicyFile implements Decider {
  readonly name = 'policy.yaml'
  private cached?: {mtimeMs: number; policy: Policy}

  constructor(readonly path: string) {
    try {
      writePrivateFile(path, DEFAULT_POLICY)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    this.policy()
  }

  policy(): Policy {
    const st = statSync(this.path)
    if (this.cached && this.cached.mtimeMs === st.mtimeMs) return this.cached.policy
    if (process.platform !== 'win32' && (st.mode & 0o022) !== 0)
      throw new Error(`the policy ${this.path} is writable by others; run \`chmod 600 ${this.path}\``)
    const policy = parsePolicy(readFileSync(this.path, 'utf8'), this.path)
    this.cached = {mtimeMs: st.mtimeMs, policy}
    return policy
  }

  decide(input: DecisionInput): Decision {
    return decide(this.policy(), input)
  }
}
