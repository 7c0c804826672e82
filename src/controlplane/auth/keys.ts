/**
 * The plane's token-signing key: an RSA key (RS256, as FlyteAdmin's own authorization server signs)
 * kept in `<dataDir>/auth/signing-key.pem`, created on first start with mode 0600. A key file that
 * others may read is refused rather than used: anyone who reads it can mint tokens.
 */
import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject} from 'node:crypto'
import {chmodSync, mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync} from 'node:fs'
import {join} from 'node:path'
import type {JWK} from 'jose'

export interface SigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** Key id: a hash of the public key, in every token header and in the JWKS. */
  kid: string
  /** The public key as published at /oauth2/jwks. */
  jwk: JWK
}

export const authDir = (dataDir: string) => join(dataDir, 'auth')
export const signingKeyPath = (dataDir: string) => join(authDir(dataDir), 'signing-key.pem')

/** Writes a new file that only the owner can read; fails if it exists (two planes racing). */
export function writePrivateFile(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600)
  try {
    writeSync(fd, text)
  } finally {
    closeSync(fd)
  }
  chmodSync(path, 0o600)
}

/** Refuses a secret file that group or others may read or write. */
export function assertPrivate(path: string, what: string): void {
  const mode = statSync(path).mode & 0o777
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `${what} ${path} is readable or writable by others (mode 0${mode.toString(8)}); run \`chmod 600 ${path}\` and start again`,
    )
  }
}

export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  mkdirSync(authDir(dataDir), {recursive: true, mode: 0o700})
  const path = signingKeyPath(dataDir)
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const pair = generateKeyPairSync('rsa', {modulusLength: 2048})
    pem = pair.privateKey.export({type: 'pkcs8', format: 'pem'}) as string
    try {
      writePrivateFile(path, pem)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      pem = readFileSync(path, 'utf8')
    }
  }
  assertPrivate(path, 'the token-signing key')
  const privateKey = createPrivateKey(pem)
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`the token-signing key ${path} is not an RSA key`)
  const publicKey = createPublicKey(privateKey)
  const spki = publicKey.export({type: 'spki', format: 'der'})
  const kid = createHash('sha256').update(spki).digest('base64url').slice(0, 16)
  const jwk = {...(publicKey.export({format: 'jwk'}) as JWK), kid, use: 'sig', alg: 'RS256'}
  return {privateKey, publicKey, kid, jwk}
}
