/** Reading and writing execFiles on disk (the pure parsing and generation live in execfile.ts). */
import {readFile, writeFile} from 'node:fs/promises'
import {CliError} from '../cli/errors.js'
import {parseExecFile, type ExecFileConfig} from './execfile.js'

export async function readExecFile(path: string, warn: (message: string) => void): Promise<ExecFileConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new CliError(code === 'ENOENT' ? 'not-found' : 'invalid-input', `cannot read execFile ${path}: ${code}`, {
      hint: 'Write one with `flytectl get launchplan|task <name> --execFile <file>`.',
    })
  }
  const {config, warnings} = parseExecFile(text, path)
  for (const w of warnings) warn(w)
  return config
}

/** Write a generated execFile; callers confirm an overwrite first. */
export async function writeExecFile(path: string, text: string): Promise<void> {
  await writeFile(path, text, 'utf8')
}
