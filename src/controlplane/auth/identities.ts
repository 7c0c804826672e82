/**
 * Who may sign in: `<dataDir>/auth/identities.yaml` (0600). Clients (`id`, secret) use the client
 * credentials grant (flytectl `authType: ClientSecret`, pyflyte `client_credentials`); users
 * (`name`, password) log in in a browser (Pkce) or with a device code (DeviceFlow). Secrets are
 * stored as scrypt hashes; an entry added by hand may carry a plain `secret:`/`password:` (the file
 * is private to its owner). Both may list `groups`, which policies bind roles to.
 *
 * On first start the plane writes the file with one confidential client (`flytepropeller`, the
 * client id flytectl uses by default) and one user (`admin`), both in the `admins` group, and their
 * plain secrets in `flytepropeller.secret` and `admin.password` beside it (0600), so a config can
 * point `admin.clientSecretLocation` at the first. The file is read again when it changes.
 */
import {randomBytes, scryptSync, timingSafeEqual} from 'node:crypto'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'
import {assertPrivate, authDir, writePrivateFile} from './keys.js'

export interface ClientEntry {
  id: string
  secretHash?: string
  secret?: string
  groups: string[]
}

export interface UserEntry {
  name: string
  passwordHash?: string
  password?: string
  groups: string[]
}

export interface Identities {
  clients: ClientEntry[]
  users: UserEntry[]
}

export const ADMIN_CLIENT_ID = 'flytepropeller'
export const ADMIN_USER = 'admin'
export const ADMIN_GROUP = 'admins'

export const identitiesPath = (dataDir: string) => join(authDir(dataDir), 'identities.yaml')
export const clientSecretPath = (dataDir: string) => join(authDir(dataDir), `${ADMIN_CLIENT_ID}.secret`)
export const adminPasswordPath = (dataDir: string) => join(authDir(dataDir), `${ADMIN_USER}.password`)

const SCRYPT_N = 16384

export function hashSecret(secret: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(secret, salt, 32, {N: SCRYPT_N, r: 8, p: 1})
  return `scrypt$${SCRYPT_N}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

function verifyHash(secret: string, stored: string): boolean {
  const [scheme, n, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash || !/^\d+$/.test(n ?? '')) return false
  const want = Buffer.from(hash, 'base64url')
  const N = Number(n)
  if (want.length < 16 || N < 1024 || N > 1 << 20) return false
  const got = scryptSync(secret, Buffer.from(salt, 'base64url'), want.length, {N, r: 8, p: 1, maxmem: 256 * N * 8})
  return timingSafeEqual(got, want)
}

function plainEquals(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** True when `secret` matches the entry's hash or plain secret. */
export function secretMatches(secret: string, hashed: string | undefined, plain: string | undefined): boolean {
  if (hashed) return verifyHash(secret, hashed)
  if (plain !== undefined && plain !== '') return plainEquals(secret, plain)
  return false
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

export function parseIdentities(text: string, path: string): Identities {
  const doc = (parse(text) ?? {}) as Record<string, unknown>
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: expected a mapping`)
  const list = (key: string) => {
    const v = doc[key] ?? []
    if (!Array.isArray(v)) throw new Error(`${path}: \`${key}\` must be a list`)
    return v as Record<string, unknown>[]
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const clients = list('clients').map((c, i) => {
    const id = str(c?.id)
    if (!id) throw new Error(`${path}: clients[${i}] has no \`id\``)
    return {id, secretHash: str(c.secretHash), secret: str(c.secret), groups: strings(c.groups)}
  })
  const users = list('users').map((u, i) => {
    const name = str(u?.name)
    if (!name) throw new Error(`${path}: users[${i}] has no \`name\``)
    return {name, passwordHash: str(u.passwordHash), password: str(u.password), groups: strings(u.groups)}
  })
  return {clients, users}
}

/** Creates the file (and the initial secrets) when missing; returns what was created, if anything. */
export function ensureIdentities(dataDir: string): {created: boolean} {
  const path = identitiesPath(dataDir)
  if (existsSync(path)) return {created: false}
  const clientSecret = randomBytes(24).toString('base64url')
  const password = randomBytes(12).toString('base64url')
  const text = [
    '# Who may sign in to this Flyte control plane.',
    '#   clients: OAuth2 client credentials (flytectl admin.authType ClientSecret, pyflyte client_credentials)',
    '#   users:   browser or device-code login (flytectl admin.authType Pkce or DeviceFlow)',
    '# To add one, append an entry with a plain `secret:` (clients) or `password:` (users) and its `groups`;',
    '# the plane reads this file again when it changes. Keep it private to you (chmod 600).',
    '# Roles are given to groups, users and clients in policy.yaml beside this file.',
    'clients:',
    `  - id: ${ADMIN_CLIENT_ID}`,
    `    secretHash: ${hashSecret(clientSecret)}`,
    `    groups: [${ADMIN_GROUP}]`,
    'users:',
    `  - name: ${ADMIN_USER}`,
    `    passwordHash: ${hashSecret(password)}`,
    `    groups: [${ADMIN_GROUP}]`,
    '',
  ].join('\n')
  try {
    writePrivateFile(clientSecretPath(dataDir), clientSecret + '\n')
    writePrivateFile(adminPasswordPath(dataDir), password + '\n')
    writePrivateFile(path, text)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return {created: false}
    throw err
  }
  return {created: true}
}

/** The identities file, read again whenever its modification time changes. */
export class IdentityStore {
  private cached?: {mtimeMs: number; value: Identities}

  constructor(readonly path: string) {}

  get(): Identities {
    const st = statSync(this.path)
    if (this.cached && this.cached.mtimeMs === st.mtimeMs) return this.cached.value
    assertPrivate(this.path, 'the identities file')
    const value = parseIdentities(readFileSync(this.path, 'utf8'), this.path)
    this.cached = {mtimeMs: st.mtimeMs, value}
    return value
  }

  client(id: string, secret: string): ClientEntry | undefined {
    const c = this.get().clients.find((x) => x.id === id)
    return c && secretMatches(secret, c.secretHash, c.secret) ? c : undefined
  }

  user(name: string, password: string): UserEntry | undefined {
    const u = this.get().users.find((x) => x.name === name)
    return u && secretMatches(password, u.passwordHash, u.password) ? u : undefined
  }

  groupsOfClient(id: string): string[] {
    return this.get().clients.find((x) => x.id === id)?.groups ?? []
  }

  groupsOfUser(name: string): string[] {
    return this.get().users.find((x) => x.name === name)?.groups ?? []
  }
}
