/** Real temp git repositories for git-layer and backport tests: a bare "remote" and a seeding clone. */
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

export const IDENTITY = {name: 'Test Bot', email: 'bot@example.com'}

export function git(cwd: string, args: string[], input?: string): string {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v
  return execFileSync('git', args, {cwd, encoding: 'utf8', input, env: {...env, GIT_CONFIG_NOSYSTEM: '1'}}).trim()
}

export interface TempRemote {
  root: string
  /** The bare repository (the remote). */
  bare: string
  url: string
  /** A working clone used to seed history. */
  work: string
  commit(files: Record<string, string>, message: string): string
  cleanup(): void
}

/** A bare remote with `master` holding one commit, and a working clone to add history with. */
export function tempRemote(prefix = 'flytectl-git-'): TempRemote {
  const root = mkdtempSync(join(tmpdir(), prefix))
  const bare = join(root, 'remote.git')
  const work = join(root, 'seed')
  git(root, ['init', '--quiet', '--bare', '--initial-branch=master', bare])
  git(bare, ['config', 'uploadpack.allowFilter', 'true'])
  git(bare, ['config', 'uploadpack.allowAnySHA1InWant', 'true'])
  git(root, ['init', '--quiet', '--initial-branch=master', work])
  git(work, ['config', 'user.name', IDENTITY.name])
  git(work, ['config', 'user.email', IDENTITY.email])
  git(work, ['config', 'commit.gpgsign', 'false'])
  git(work, ['remote', 'add', 'origin', bare])
  const commit = (files: Record<string, string>, message: string): string => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), {recursive: true})
      writeFileSync(join(work, path), text)
    }
    git(work, ['add', '-A'])
    git(work, ['commit', '--quiet', '-m', message])
    return git(work, ['rev-parse', 'HEAD'])
  }
  commit({'README.md': '# demo\n'}, 'Initial commit')
  git(work, ['push', '--quiet', 'origin', 'master'])
  return {
    root,
    bare,
    url: `file://${bare}`,
    work,
    commit,
    cleanup: () => rmSync(root, {recursive: true, force: true}),
  }
}

/** Makes the bare remote reject every push (a pre-receive hook that exits 1). */
export function rejectPushes(bare: string, message = 'pushes are frozen'): void {
  const hook = join(bare, 'hooks', 'pre-receive')
  writeFileSync(hook, `#!/bin/sh\necho "${message}" >&2\nexit 1\n`)
  chmodSync(hook, 0o755)
}
