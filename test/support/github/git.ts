/**
 * Real bare repositories behind the simulator. Everything git-shaped the API serves (branches,
 * tags, commits, compare, contents) is read from them, and API writes (refs, tag objects,
 * contents, merges) are written to them with git plumbing, so clones and pushes see the same data.
 */
import {execFile, spawn} from 'node:child_process'
import {mkdirSync, writeFileSync, chmodSync} from 'node:fs'
import path from 'node:path'

export interface CommitInfo {
  sha: string
  tree: string
  parents: string[]
  authorName: string
  authorEmail: string
  authorDate: string
  committerName: string
  committerEmail: string
  committerDate: string
  message: string
}

export interface Identity {
  name: string
  email: string
  date?: string
}

export class GitError extends Error {}

/** The environment without GIT_* variables (a test run from a git hook must not leak its repo in). */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v
  return env
}

export class BareRepo {
  constructor(readonly dir: string) {}

  run(
    args: string[],
    options: {input?: string; env?: Record<string, string>; allowFail?: boolean} = {},
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        {
          env: {...cleanEnv(), GIT_DIR: this.dir, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', ...options.env},
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          if (err) {
            if (options.allowFail) resolve('')
            else reject(new GitError(`git ${args.join(' ')}: ${stderr.trim() || err.message}`))
          } else resolve(stdout)
        },
      )
      if (options.input !== undefined) child.stdin?.end(options.input)
    })
  }

  static async init(dir: string, defaultBranch: string): Promise<BareRepo> {
    mkdirSync(dir, {recursive: true})
    const repo = new BareRepo(dir)
    await repo.run(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`])
    await repo.run(['config', 'http.receivepack', 'true'])
    await repo.run(['config', 'uploadpack.allowFilter', 'true'])
    await repo.run(['config', 'uploadpack.allowAnySHA1InWant', 'true'])
    await repo.run(['config', 'receive.denyDeletes', 'false'])
    return repo
  }

  /** Install a pre-receive hook that refuses pushes with `message` while the counter file is above zero. */
  setPushRejection(message: string): void {
    const hooks = path.join(this.dir, 'hooks')
    mkdirSync(hooks, {recursive: true})
    const file = path.join(hooks, 'pre-receive')
    const counter = path.join(this.dir, 'sim-reject-count')
    const body = [
      '#!/bin/sh',
      `n=$(cat '${counter}' 2>/dev/null || echo 0)`,
      'if [ "$n" -gt 0 ]; then',
      `  echo $((n - 1)) > '${counter}'`,
      `  echo ${JSON.stringify(message)} >&2`,
      '  exit 1',
      'fi',
      'exit 0',
      '',
    ].join('\n')
    writeFileSync(file, body)
    chmodSync(file, 0o755)
  }

  async resolve(ref: string): Promise<string | undefined> {
    const out = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {allowFail: true})
    return out.trim() || undefined
  }

  async objectType(sha: string): Promise<string | undefined> {
    return (await this.run(['cat-file', '-t', sha], {allowFail: true})).trim() || undefined
  }

  /** All refs under a prefix: name (without prefix) → object sha (and peeled commit for tags). */
  async refs(
    prefix: 'refs/heads/' | 'refs/tags/' | 'refs/',
  ): Promise<{ref: string; sha: string; type: string; peeled: string}[]> {
    const out = await this.run([
      'for-each-ref',
      '--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)',
      prefix,
    ])
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref, sha, type, peeled] = line.split('\0')
        return {ref: ref!, sha: sha!, type: type!, peeled: peeled || sha!}
      })
  }

  async refSha(ref: string): Promise<string | undefined> {
    const out = await this.run(['rev-parse', '--verify', '--quiet', ref], {allowFail: true})
    return out.trim() || undefined
  }

  /** Create or move a ref, optionally checking its old value (empty string: must not exist). */
  async updateRef(ref: string, sha: string, expectedOld?: string): Promise<void> {
    const args = ['update-ref', ref, sha]
    if (expectedOld !== undefined) args.push(expectedOld || '0'.repeat(40))
    await this.run(args)
  }

  async commit(sha: string): Promise<CommitInfo | undefined> {
    const resolved = await this.resolve(sha)
    if (!resolved) return undefined
    const raw = await this.run(['cat-file', 'commit', resolved])
    const split = raw.indexOf('\n\n')
    const header = raw.slice(0, split)
    const message = raw.slice(split + 2)
    const info: CommitInfo = {
      sha: resolved,
      tree: '',
      parents: [],
      authorName: '',
      authorEmail: '',
      authorDate: '',
      committerName: '',
      committerEmail: '',
      committerDate: '',
      message: message.replace(/\n$/, ''),
    }
    for (const line of header.split('\n')) {
      const sp = line.indexOf(' ')
      const key = line.slice(0, sp)
      const value = line.slice(sp + 1)
      if (key === 'tree') info.tree = value
      else if (key === 'parent') info.parents.push(value)
      else if (key === 'author' || key === 'committer') {
        const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value)
        if (!m) continue
        const date = new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z')
        if (key === 'author') Object.assign(info, {authorName: m[1], authorEmail: m[2], authorDate: date})
        else Object.assign(info, {committerName: m[1], committerEmail: m[2], committerDate: date})
      }
    }
    return info
  }

  /** Commits in head not in base, oldest first. */
  async revList(base: string | undefined, head: string, limit?: number): Promise<string[]> {
    const args = ['rev-list', '--reverse', '--topo-order']
    if (limit) args.push(`--max-count=${limit}`)
    args.push(head)
    if (base) args.push(`^${base}`)
    return (await this.run(args)).split('\n').filter(Boolean)
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    return (await this.run(['merge-base', a, b], {allowFail: true})).trim() || undefined
  }

  async isAncestor(a: string, b: string): Promise<boolean> {
    try {
      await this.run(['merge-base', '--is-ancestor', a, b])
      return true
    } catch {
      return false
    }
  }

  /** Blob at `ref:path`: its sha and bytes; undefined when missing or not a file. */
  async blob(ref: string, file: string): Promise<{sha: string; content: Buffer} | undefined> {
    const sha = (await this.run(['rev-parse', '--verify', '--quiet', `${ref}:${file}`], {allowFail: true})).trim()
    if (!sha) return undefined
    if ((await this.objectType(sha)) !== 'blob') return undefined
    const content = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('git', ['cat-file', 'blob', sha], {env: {...cleanEnv(), GIT_DIR: this.dir}})
      const chunks: Buffer[] = []
      child.stdout.on('data', (c: Buffer) => chunks.push(c))
      child.on('error', reject)
      child.on('close', (code) =>
        code === 0 ? resolve(Buffer.concat(chunks)) : reject(new GitError('cat-file failed')),
      )
    })
    return {sha, content}
  }

  /** Files changed between a commit and its first parent: name, status, additions, deletions. */
  async changes(sha: string): Promise<{file: string; status: string; additions: number; deletions: number}[]> {
    const info = await this.commit(sha)
    if (!info) return []
    const base = info.parents[0] ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904' // empty tree
    return this.diffStat(base, sha)
  }

  async diffStat(
    base: string,
    head: string,
  ): Promise<{file: string; status: string; additions: number; deletions: number}[]> {
    const numstat = await this.run(['diff', '--numstat', '--no-renames', base, head])
    const names = await this.run(['diff', '--name-status', '--no-renames', base, head])
    const statuses = new Map<string, string>()
    for (const line of names.split('\n').filter(Boolean)) {
      const [st, file] = line.split('\t')
      statuses.set(file!, st === 'A' ? 'added' : st === 'D' ? 'removed' : 'modified')
    }
    return numstat
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [a, d, file] = line.split('\t')
        return {
          file: file!,
          status: statuses.get(file!) ?? 'modified',
          additions: Number(a) || 0,
          deletions: Number(d) || 0,
        }
      })
  }

  private identityEnv(author: Identity, committer: Identity = author): Record<string, string> {
    const env: Record<string, string> = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
    }
    if (author.date) env.GIT_AUTHOR_DATE = author.date
    if (committer.date) env.GIT_COMMITTER_DATE = committer.date
    return env
  }

  async writeBlob(content: string | Buffer): Promise<string> {
    return (await this.run(['hash-object', '-w', '--stdin'], {input: content.toString()})).trim()
  }

  /** A tree: `parent` commit's tree with `files` written (string) or removed (null). */
  async writeTree(parent: string | undefined, files: Record<string, string | null>): Promise<string> {
    const index = path.join(this.dir, `sim-index-${process.pid}-${Math.random().toString(36).slice(2)}`)
    const env = {GIT_INDEX_FILE: index}
    try {
      if (parent) await this.run(['read-tree', parent], {env})
      else await this.run(['read-tree', '--empty'], {env})
      const lines: string[] = []
      for (const [file, text] of Object.entries(files)) {
        if (text === null) lines.push(`0 ${'0'.repeat(40)}\t${file}`)
        else lines.push(`100644 ${await this.writeBlob(text)}\t${file}`)
      }
      if (lines.length) await this.run(['update-index', '--index-info'], {env, input: lines.join('\n') + '\n'})
      return (await this.run(['write-tree'], {env})).trim()
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(index, {force: true}))
    }
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: Identity,
    committer?: Identity,
  ): Promise<string> {
    const args = ['commit-tree', tree]
    for (const p of parents) args.push('-p', p)
    return (
      await this.run(args, {
        input: message.endsWith('\n') ? message : message + '\n',
        env: this.identityEnv(author, committer),
      })
    ).trim()
  }

  /** One commit on `branch` (created from its current tip, or as a root commit). */
  async commitFiles(
    branch: string,
    files: Record<string, string | null>,
    message: string,
    author: Identity,
  ): Promise<string> {
    const ref = `refs/heads/${branch}`
    const old = await this.refSha(ref)
    const tree = await this.writeTree(old, files)
    const sha = await this.commitTree(tree, old ? [old] : [], message, author)
    await this.updateRef(ref, sha, old ?? '')
    return sha
  }

  /** Three-way merge of two commits into a tree (`git merge-tree --write-tree`); undefined on conflict. */
  async mergeTrees(ours: string, theirs: string): Promise<string | undefined> {
    try {
      return (await this.run(['merge-tree', '--write-tree', '--no-messages', ours, theirs])).split('\n')[0]!.trim()
    } catch {
      return undefined
    }
  }

  /** The tree of `commit`'s change (against its first parent) applied on top of `onto`; undefined on conflict. */
  async pickTree(onto: string, commit: string): Promise<string | undefined> {
    const info = await this.commit(commit)
    if (!info) return undefined
    const parent = info.parents[0] ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
    const patch = await this.run(['diff-tree', '-p', '--binary', '--full-index', parent, commit])
    const index = path.join(this.dir, `sim-index-${process.pid}-${Math.random().toString(36).slice(2)}`)
    const env = {GIT_INDEX_FILE: index}
    try {
      await this.run(['read-tree', onto], {env})
      if (patch.trim()) await this.run(['apply', '--cached', '-'], {env, input: patch})
      return (await this.run(['write-tree'], {env})).trim()
    } catch {
      return undefined
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(index, {force: true}))
    }
  }

  async tagObject(tag: string, sha: string, message: string, tagger: Identity): Promise<string> {
    const type = (await this.objectType(sha)) ?? 'commit'
    const date = tagger.date ? tagger.date : `${Math.floor(Date.now() / 1000)} +0000`
    const body = `object ${sha}\ntype ${type}\ntag ${tag}\ntagger ${tagger.name} <${tagger.email}> ${toGitDate(date)}\n\n${message.endsWith('\n') ? message : message + '\n'}`
    return (await this.run(['hash-object', '-t', 'tag', '-w', '--stdin'], {input: body})).trim()
  }

  async readTag(sha: string): Promise<
    | {
        object: string
        type: string
        tag: string
        taggerName: string
        taggerEmail: string
        date: string
        message: string
      }
    | undefined
  > {
    if ((await this.objectType(sha)) !== 'tag') return undefined
    const raw = await this.run(['cat-file', 'tag', sha])
    const split = raw.indexOf('\n\n')
    const fields: Record<string, string> = {}
    for (const line of raw.slice(0, split).split('\n')) {
      const sp = line.indexOf(' ')
      fields[line.slice(0, sp)] = line.slice(sp + 1)
    }
    const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(fields.tagger ?? '')
    return {
      object: fields.object!,
      type: fields.type!,
      tag: fields.tag!,
      taggerName: m?.[1] ?? '',
      taggerEmail: m?.[2] ?? '',
      date: m ? new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z') : new Date(0).toISOString(),
      message: raw.slice(split + 2),
    }
  }
}

/** ISO 8601 or "<epoch> <tz>" → git's raw "<epoch> <tz>". */
export function toGitDate(date: string): string {
  if (/^\d+ [+-]\d{4}$/.test(date)) return date
  return `${Math.floor(new Date(date).getTime() / 1000)} +0000`
}
