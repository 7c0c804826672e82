/**
 * A large repository for the backport benchmark, built with `git fast-import` in a second or two:
 * `commits` commits on master touching `files` files, a `release-v1.0` branch cut `cutBack` commits
 * before the tip, and `fixes` fix commits on master (each touching a file unchanged since the cut).
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface BigRepo {
  root: string
  bare: string
  fixes: string[]
}

function git(cwd: string, args: string[], input?: string): string {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v
  return execFileSync('git', args, {cwd, input, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024}).trim()
}

export function buildBigRepo(options: {
  commits: number
  files: number
  cutBack: number
  fixes: number
  /** An existing empty bare repository to fill (the simulator's); default: a new temp one. */
  bare?: string
}): BigRepo {
  const root = mkdtempSync(join(tmpdir(), 'flytectl-bench-repo-'))
  const bare = options.bare ?? join(root, 'big.git')
  if (!options.bare) git(root, ['init', '--quiet', '--bare', '--initial-branch=master', bare])
  git(bare, ['config', 'uploadpack.allowFilter', 'true'])
  const chunks: string[] = []
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`
  const at = 1_700_000_000
  const cut = options.commits - options.cutBack
  const untouchedAfterCut = new Set<number>()
  for (let f = 0; f < options.fixes; f++) untouchedAfterCut.add(options.files + f)
  for (let i = 1; i <= options.commits + options.fixes; i++) {
    const isFix = i > options.commits
    const file = isFix ? options.files + (i - options.commits - 1) : i % options.files
    const path = `src/module_${file}.py`
    const content = isFix ? `def fix_${i}():\n    return ${i}\n` : `# revision ${i}\nVALUE = ${i}\n`
    const subject = isFix ? `Fix module ${file} (#${100000 + i})` : `Change ${i}`
    chunks.push(
      `commit refs/heads/master\nmark :${i}\ncommitter Bench <bench@example.com> ${at + i} +0000\n` +
        data(subject) +
        `M 100644 inline ${path}\n` +
        data(content),
    )
    // fast-import continues a branch from its own tip; the release branch is cut at mark :cut.
    if (i === cut) chunks.push(`reset refs/heads/release-v1.0\nfrom :${i}\n\n`)
    // The fix files exist before the cut so that each fix is a plain modification.
    if (i === 1) {
      for (const f of untouchedAfterCut) {
        chunks.push(
          `commit refs/heads/master\ncommitter Bench <bench@example.com> ${at} +0000\n${data(`Add module ${f}`)}` +
            `M 100644 inline src/module_${f}.py\n${data('# placeholder\n')}`,
        )
      }
    }
  }
  git(bare, ['fast-import', '--quiet'], chunks.join(''))
  const fixes = git(bare, ['log', '--format=%H', `-n${options.fixes}`, 'master'])
    .split('\n')
    .reverse()
  return {root, bare, fixes}
}
